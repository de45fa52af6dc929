/**
 * One fee line of a payment, in the payment platform's vocabulary (PhiLePhi[], national-standard.md §8)
 * with the amount as an integer VND (`SoTien`). The same lines become the dossier's DanhSachLePhi
 * (§3, where `Gia` is a string) once the payment settles.
 */
export interface FeeLine {
  TenPhiLePhi: string;
  MaPhiLePhi?: string;
  /** 1 phí, 2 lệ phí on the payment platform [code S5]; unconfirmed for DVCQG. */
  LoaiPhiLePhi?: string;
  HinhThucThu?: string;
  SoTien: number;
}

/** DanhSachLePhi item of DongBoHoSoMC (§3): amounts as strings, as the portal's packets carry them. */
export interface DanhSachLePhiItem {
  TenPhiLePhi: string;
  MaPhiLePhi: string;
  HinhThucThu: string;
  Gia: string;
  LoaiPhiLePhi: string;
}

/** Fee lines → DanhSachLePhi. Absent codes become "1", which is what TD sends for every paid fee [code T2]. */
export function toDanhSachLePhi(fees: readonly FeeLine[]): DanhSachLePhiItem[] {
  return fees.map((f) => ({
    TenPhiLePhi: f.TenPhiLePhi,
    MaPhiLePhi: f.MaPhiLePhi ?? '1',
    HinhThucThu: f.HinhThucThu ?? '1',
    Gia: String(f.SoTien),
    LoaiPhiLePhi: f.LoaiPhiLePhi ?? '1',
  }));
}

export const feesTotal = (fees: readonly FeeLine[]): number => fees.reduce((n, f) => n + f.SoTien, 0);
