import { transactionNumberStart } from '../peer-kit/index.js';
/** A payment as the simulated MoMo holds it (in memory: the sandbox is a simulator). */
export interface MomoOrder {
  /** Opaque token in the payUrl. */
  token: string;
  /** `${partnerCode}:${orderId}` — MoMo's order key (§0). */
  key: string;
  partnerCode: string;
  orderId: string;
  requestId: string;
  amountVnd: number;
  orderInfo: string;
  redirectUrl: string;
  ipnUrl: string;
  requestType: string;
  extraData: string;
  /** The create body as received (signature included). */
  received: Readonly<Record<string, unknown>>;
  status: 'pending' | 'paid' | 'declined' | 'failed' | 'expired';
  /** Current resultCode [M1]: 1000 awaiting user while pending. */
  resultCode: number;
  message: string;
  transId: number;
  payType: string;
  createdAt: string;
  expiresAt: string;
  responseTime?: number;
}

export interface MomoStore {
  byKey: Map<string, MomoOrder>;
  byToken: Map<string, MomoOrder>;
  /** `${partnerCode}:${requestId}` of every create seen (40 on reuse) [M1]. */
  requestIds: Set<string>;
  nextTransId: number;
}

export function createMomoStore(): MomoStore {
  return { byKey: new Map(), byToken: new Map(), requestIds: new Set(), nextTransId: transactionNumberStart() };
}

export function resetMomoStore(s: MomoStore): void {
  s.byKey.clear();
  s.byToken.clear();
  s.requestIds.clear();
  s.nextTransId = transactionNumberStart();
}
