import { PAYGOV_MALOI_SUCCESS, formatPaygovTime, type PaygovSigner } from '@lienthong/paygov';
import type { DeliveryPlan, NotificationAnswer } from '../payment-peer-kit/index.js';
import type { PaygovPeerContext } from './context.js';
import type { PaygovPeerMerchant } from './options.js';
import type { PaygovPayment } from './store.js';

export type PaygovAction = 'pay' | 'cancel';

export function expireIfDue(p: PaygovPayment, now: Date): void {
  if (p.status === 'pending' && now.getTime() > Date.parse(p.expiresAt))
    Object.assign(p, { status: 'expired', maLoi: '01', trangThaiGD: '4' });
}

/** pay → MaLoi "00", TrangThaiGD "1"; cancel → MaLoi "01" [inf], TrangThaiGD "4". False when already final. */
export function settlePayment(ctx: PaygovPeerContext, p: PaygovPayment, action: PaygovAction): boolean {
  const now = ctx.clock.now();
  expireIfDue(p, now);
  if (p.status !== 'pending') return false;
  p.paidTime = formatPaygovTime(now);
  p.maGiaoDich = `PG${ctx.store.nextTxn++}`;
  p.maNganHang = 'VCB';
  if (action === 'pay') Object.assign(p, { status: 'paid', maLoi: PAYGOV_MALOI_SUCCESS, trangThaiGD: '1' });
  else Object.assign(p, { status: 'failed', maLoi: '01', trangThaiGD: '4' });
  return true;
}

/** The confirm-shaped fields of a payment (confirm callback and QUERY answer), hashed in the [T6][S5] order. */
export function confirmFields(signer: PaygovSigner, p: PaygovPayment, loaiBanTin: string): Record<string, string | number> {
  const f: Record<string, string | number> = {
    LoaiBanTin: loaiBanTin,
    MaLoi: p.maLoi ?? '00',
    MaDoiTac: p.maDoiTac,
    MaThamChieu: p.maThamChieu,
    SoTien: p.amountVnd,
    MaTienTe: 'VND',
    MaGiaoDich: p.maGiaoDich ?? '',
    MaNganHang: p.maNganHang ?? '',
    ThoiGianGD: p.paidTime ?? p.initTime,
    ThongTinGiaoDich: p.thongTinGiaoDich,
  };
  return { ...f, MaXacThuc: signer.sign(loaiBanTin === 'QUERY' ? 'queryResponse' : 'confirm', f) };
}

function maLoiOf(a: NotificationAnswer): unknown {
  let b = a.body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b);
    } catch {
      return undefined;
    }
  }
  return b !== null && typeof b === 'object' ? (b as Record<string, unknown>).MaLoi : undefined;
}

/**
 * The confirm callback: POST JSON to the partner's confirmUrl (§8). `LoaiBanTin` "CONFIRM" is a stand-in
 * (the value the platform sends is not in either source). A reply with MaLoi "00" ends it; otherwise it is
 * retried up to the configured attempts (no policy is documented). Tampering multiplies SoTien by ten.
 */
export function confirmPlan(
  merchant: PaygovPeerMerchant,
  signer: PaygovSigner,
  p: PaygovPayment,
  s: { maxAttempts: number; intervalMs: number; timeoutMs: number },
): DeliveryPlan {
  return {
    key: p.key,
    build: () => ({
      method: 'POST',
      url: merchant.confirmUrl,
      body: confirmFields(signer, p, 'CONFIRM'),
      timeoutMs: s.timeoutMs,
    }),
    tamper: (n) => ({ ...n, body: { ...(n.body as Record<string, unknown>), SoTien: p.amountVnd * 10 } }),
    isFinal: (a) => a.status === 200 && maLoiOf(a) === '00',
    maxAttempts: s.maxAttempts,
    intervalMs: s.intervalMs,
  };
}
