import type { PaymentPeerBase } from '../payment-peer-kit/index.js';
import { transactionNumberStart } from '../peer-kit/index.js';
import type { VnptpayPeerMerchant, VnptpayPeerSettings } from './config.js';

/** An order as the simulated VNPT Pay holds it (in memory: a simulator). */
export interface VnptpayOrder {
  token: string;
  /** `${MERCHANT_SERVICE_ID}:${MERCHANT_ORDER_ID}`. */
  key: string;
  merchantServiceId: string;
  orderId: string;
  amount: number;
  description: string;
  createDate: string;
  status: 'pending' | 'paid' | 'failed' | 'expired';
  /** IPN RESPONSE_CODE: 00 paid; 01 failed [inf]. */
  responseCode?: string;
  /** QUERY TRANSACTION_STATUS: 1 paid, 0 pending, 2 failed [inf: values not found, §1.6]. */
  transactionStatus: string;
  transactionId?: string;
  payDate?: string;
  createdAt: string;
  expiresAt: string;
}

export interface VnptpayStore {
  byKey: Map<string, VnptpayOrder>;
  byToken: Map<string, VnptpayOrder>;
  nextTxn: number;
}

export const createVnptpayStore = (): VnptpayStore => ({
  byKey: new Map(),
  byToken: new Map(),
  nextTxn: transactionNumberStart(),
});

export function resetVnptpayStore(s: VnptpayStore): void {
  s.byKey.clear();
  s.byToken.clear();
  s.nextTxn = transactionNumberStart();
}

export interface VnptpayPeerContext extends PaymentPeerBase {
  settings: VnptpayPeerSettings;
  merchants: ReadonlyMap<string, VnptpayPeerMerchant>;
  store: VnptpayStore;
  prefix: string;
}
