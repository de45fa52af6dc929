import { transactionNumberStart } from '../peer-kit/index.js';
/** A payment as the simulated platform holds it (in memory: the sandbox is a simulator). */
export interface PaygovPayment {
  token: string;
  /** `${MaDoiTac}:${MaThamChieu}`. */
  key: string;
  maDoiTac: string;
  maThamChieu: string;
  amountVnd: number;
  thongTinGiaoDich: string;
  /** INIT's ThoiGianGD. */
  initTime: string;
  /** The INIT message as received (receipt included: it holds personal data, which is why this is a simulator only). */
  received: Readonly<Record<string, unknown>>;
  /** pending → paid | failed | expired. */
  status: 'pending' | 'paid' | 'failed' | 'expired';
  /** Confirm/QUERY MaLoi: "00" success; "01" not successful [inf]. */
  maLoi?: string;
  /** QUERY TrangThaiGD: "3" not final, "1" paid, "4" failed [T ui]. */
  trangThaiGD: string;
  maGiaoDich?: string;
  maNganHang?: string;
  /** Payment time, GMT+7 stamp. */
  paidTime?: string;
  createdAt: string;
  expiresAt: string;
}

export interface PaygovStore {
  byKey: Map<string, PaygovPayment>;
  byToken: Map<string, PaygovPayment>;
  nextTxn: number;
}

export const createPaygovStore = (): PaygovStore => ({ byKey: new Map(), byToken: new Map(), nextTxn: transactionNumberStart() });

export function resetPaygovStore(s: PaygovStore): void {
  s.byKey.clear();
  s.byToken.clear();
  s.nextTxn = transactionNumberStart();
}
