/**
 * Public shapes of the DVCQG client. Item types are kept as plain objects here: the national packet
 * types live in @lienthong/standard (generated from schemas/dvcqg/), and the client forwards items
 * as given — validating them is the caller's job (and the portal's).
 */

/** The portal's answer to a successful call: `{error_code, message, result}` [code S1]. */
export interface DvcqgAnswer<T = unknown> {
  /** As the portal sent it, in string form: "0" or "00" [code S1]. */
  errorCode: string;
  message: string;
  result: T | undefined;
}

/** LayDanhSachTTHC item [code S1 §5]. */
export interface DvcqgProcedureSummary {
  MATTHC: string;
  TENTTHC: string;
}

/** LayDanhMucCoQuan item [code S1 §5]. CAPDONVI is a string like every scalar [code S1, T2]. */
export interface DvcqgAgency {
  MADONVI: string;
  TENDONVI: string;
  CAPDONVI?: string;
}

export interface DvcqgClient {
  /** DongBoHoSoMC: create (isUpdating false) or update (true) dossiers [code S1 §3]. */
  dongBoHoSo(items: object[], opts: { isUpdating: boolean }): Promise<DvcqgAnswer>;
  /** CapNhatTienDoHoSoMC; throws LT_DVCQG_TOO_MANY_ITEMS (non-retriable) for more than 10 items. */
  capNhatTienDo(items: object[]): Promise<DvcqgAnswer>;
  /** TraCuuHoSo: what the portal holds for a dossier; [] = unknown to the portal [code S1]. */
  traCuuHoSo(maHoSo: string): Promise<object[]>;
  /** LayDanhSachTTHC, the national procedure list (share endpoint). */
  layDanhSachTTHC(): Promise<DvcqgProcedureSummary[]>;
  /** LayThuTuc: one procedure's details (`result[0]`), undefined when the portal has none. */
  layThuTuc(maTTHC: string): Promise<object | undefined>;
  /** LayDanhMucCoQuan, the agency catalogue (share endpoint). */
  layDanhMucCoQuan(): Promise<DvcqgAgency[]>;
  /** DongBoDanhGia: the monthly rating summary, one item per survey question [code S1 §5]. */
  dongBoDanhGia(items: object[]): Promise<DvcqgAnswer>;
  /**
   * LayDanhSachHoiDapGuiTuDVCQG: citizens' questions sent from the portal to the province's agencies
   * (`result[]{HOIDAPID, MADONVI, NOIDUNG, HOVATEN…}` [code S1 §5]). Items are returned as the portal sent them.
   */
  layDanhSachHoiDapGuiTuDVCQG(): Promise<Record<string, unknown>[]>;
  /** DongBoKetQuaHoiDapGuiTuDVCQG: the agencies' answers `data[]{HOIDAPID, MADONVI, NGUOITRALOI, CHUCVUNGUOITRALOI, NGAYTRALOI, NOIDUNGTRALOI}` [code S1 §5]. */
  dongBoKetQuaHoiDap(items: object[]): Promise<DvcqgAnswer>;
  /**
   * DongBoTrangThaiHoSo `type: "2"`: the status of a promotion-notice dossier that came from the portal, `data` ONE
   * object `{MaHoSo (DVCQG code), MaHoSoDonVi, MaDoiTuong, NoiDung, NgayXuLy, TrangThai (2|5), TaiLieuXuLy[]}`
   * [code S1 §5] (build it with promotionStatusPacket).
   */
  dongBoTrangThaiHoSo(data: object): Promise<DvcqgAnswer>;
  /** Forces a new login on the next call (tests, admin). */
  invalidateSession(): void;
}
