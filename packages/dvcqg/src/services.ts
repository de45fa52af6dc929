/**
 * DVCQG operation names, exactly as they go in the envelope's `service` field [code S1], and which
 * endpoint serves each: the catalogue lists are on `share_endpoint`, the rest on `integration_endpoint`
 * [code S1 §1.1].
 */
export const DvcqgServices = Object.freeze({
  DongBoHoSoMC: 'DongBoHoSoMC',
  CapNhatTienDoHoSoMC: 'CapNhatTienDoHoSoMC',
  TraCuuHoSo: 'TraCuuHoSo',
  LayThuTuc: 'LayThuTuc',
  DongBoDanhGia: 'DongBoDanhGia',
  LayDanhSachTTHC: 'LayDanhSachTTHC',
  LayDanhMucCoQuan: 'LayDanhMucCoQuan',
  LayDanhSachHoiDapGuiTuDVCQG: 'LayDanhSachHoiDapGuiTuDVCQG',
  DongBoKetQuaHoiDapGuiTuDVCQG: 'DongBoKetQuaHoiDapGuiTuDVCQG',
  DongBoTrangThaiHoSo: 'DongBoTrangThaiHoSo',
} as const);

export type DvcqgService = (typeof DvcqgServices)[keyof typeof DvcqgServices];
export type DvcqgEndpoint = 'integration' | 'share';

export const endpointOfService: Readonly<Record<DvcqgService, DvcqgEndpoint>> = Object.freeze({
  DongBoHoSoMC: 'integration',
  CapNhatTienDoHoSoMC: 'integration',
  TraCuuHoSo: 'integration',
  LayThuTuc: 'integration',
  DongBoDanhGia: 'integration',
  LayDanhSachTTHC: 'share',
  LayDanhMucCoQuan: 'share',
  // Q&A services are on the integration endpoint like every non-catalogue service [code S1 §1.1].
  LayDanhSachHoiDapGuiTuDVCQG: 'integration',
  DongBoKetQuaHoiDapGuiTuDVCQG: 'integration',
  DongBoTrangThaiHoSo: 'integration',
});

/** CapNhatTienDoHoSoMC takes at most 10 items a call [code S1, T2]. */
export const MAX_PROGRESS_ITEMS = 10;

/**
 * Default paths under `baseUrl`. The real `auth_endpoint`, `integration_endpoint` and `share_endpoint`
 * values are unknown (reference §12) — these names are ours [inf]; every deployment overrides them.
 */
export const defaultDvcqgPaths = Object.freeze({ auth: '/auth', integration: '/integration', share: '/share' });
