import { transactionNumberStart } from '../peer-kit/index.js';
/** A payment as the simulated VNPAY holds it (in memory: the sandbox is a simulator). */
export interface VnpayTxn {
  /** Opaque id in the pay page's URLs, so references cannot be guessed from the browser. */
  id: string;
  /** `${tmnCode}:${txnRef}` — VNPAY's order key (§0). */
  key: string;
  tmnCode: string;
  txnRef: string;
  amountVnd: number;
  orderInfo: string;
  returnUrl: string;
  createDate: string;
  expireDate: string;
  bankCode: string | undefined;
  /** The `vnp_*` parameters received on the pay URL, as received. */
  received: Readonly<Record<string, string>>;
  status: 'pending' | 'paid' | 'cancelled' | 'failed' | 'expired';
  responseCode?: string;
  transactionStatus?: string;
  transactionNo?: string;
  payDate?: string;
  bankTranNo?: string;
  cardType?: string;
  createdAt: string;
  /** Refunds made of this payment (refund-route.ts); querydr then shows the last one's type and status. */
  refunds?: { transactionNo: string; amountVnd: number; type: '02' | '03'; status: string; requestId: string }[];
}

export interface VnpayStore {
  byKey: Map<string, VnpayTxn>;
  byId: Map<string, VnpayTxn>;
  /** `${tmnCode}:${vnp_RequestId}` of querydr calls already seen (answer 94 on reuse) [V3]. */
  queryRequestIds: Set<string>;
  nextTransactionNo: number;
}

export function createVnpayStore(): VnpayStore {
  return { byKey: new Map(), byId: new Map(), queryRequestIds: new Set(), nextTransactionNo: transactionNumberStart() };
}

export function addTxn(store: VnpayStore, txn: VnpayTxn): void {
  store.byKey.set(txn.key, txn);
  store.byId.set(txn.id, txn);
}

export function resetStore(store: VnpayStore): void {
  store.byKey.clear();
  store.byId.clear();
  store.queryRequestIds.clear();
  store.nextTransactionNo = transactionNumberStart();
}
