import type { PaidLePhi, PaymentFeeLine } from '@lienthong/standard';

/**
 * One fee line of a payment, in the payment platform's vocabulary (PhiLePhi[], national-standard.md §8) with the
 * amount as an integer VND (`SoTien`): the type generated from schemas/events/common.v1.json (paymentFeeLine), the
 * shape the payment events carry. The same lines become the dossier's DanhSachLePhi (§3, where `Gia` is a string)
 * once the payment settles.
 */
export type FeeLine = PaymentFeeLine;

/** Fee lines → DanhSachLePhi. Absent codes become "1", which is what TD sends for every paid fee [code T2]. */
export function toDanhSachLePhi(fees: readonly FeeLine[]): PaidLePhi[] {
  return fees.map((f) => ({
    TenPhiLePhi: f.TenPhiLePhi,
    MaPhiLePhi: f.MaPhiLePhi ?? '1',
    HinhThucThu: f.HinhThucThu ?? '1',
    Gia: String(f.SoTien),
    LoaiPhiLePhi: f.LoaiPhiLePhi ?? '1',
  }));
}

export const feesTotal = (fees: readonly FeeLine[]): number => fees.reduce((n, f) => n + f.SoTien, 0);
