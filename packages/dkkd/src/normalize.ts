import { validatePacket, type DoanhNghiep } from '@lienthong/standard';

export type { DoanhNghiep };

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
/** Registry dates come as yyyy-MM-dd'T'HH:mm:ss [code S8]; only the date is meaningful [inf]. */
const date = (v: unknown): string | undefined => {
  const s = str(v);
  const m = s ? /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+)?$/.exec(s) : null;
  return m ? m[1] : undefined;
};
const defined = <T extends Rec>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export class DoanhNghiepInvalid extends Error {}

function validated(out: Rec): DoanhNghiep {
  const r = validatePacket('business', out);
  if (!r.ok)
    throw new DoanhNghiepInvalid(
      `DoanhNghiep does not match the schema: ${r.errors
        .slice(0, 5)
        .map((e) => `${e.path} ${e.code}`)
        .join('; ')}`,
    );
  return r.value as DoanhNghiep;
}

/**
 * NGSP chiTietDoanhNghiep (version 1.1) → DoanhNghiep [code S8, X8]: Data.MainInformation, Data.HOAdress,
 * Data.Representatives (a list, or sometimes a single object), Data.BusinessActivities. The fields of a
 * business activity are not in the sources; CODE/NAME/IS_MAIN are the simulator's [inf]. Returns null
 * when Data is null (not found) [inf].
 */
export function fromNgsp(body: unknown, msdn: string): DoanhNghiep | null {
  if (!isRec(body) || !('Data' in body)) throw new DoanhNghiepInvalid('NGSP reply has no Data');
  const data = body.Data;
  if (data === null) return null;
  if (!isRec(data) || !isRec(data.MainInformation)) throw new DoanhNghiepInvalid('NGSP reply has no Data.MainInformation');
  const m = data.MainInformation;
  const reps = Array.isArray(data.Representatives)
    ? data.Representatives
    : isRec(data.Representatives)
      ? [data.Representatives]
      : [];
  const acts = Array.isArray(data.BusinessActivities) ? data.BusinessActivities : [];
  const changes = str(m.NUMBER_CHANGES);
  return validated(
    defined({
      MaSoDoanhNghiep: str(m.ENTERPRISE_GDT_CODE) ?? msdn,
      TenTiengViet: str(m.NAME),
      TenNuocNgoai: str(m.NAME_F),
      TenVietTat: str(m.SHORT_NAME),
      LoaiHinhDN: str(m.ENTERPRISE_TYPE_NAME),
      TinhTrang:
        str(m.ENTERPRISE_STATUS_ID) || str(m.ENTERPRISE_STATUS_NAME)
          ? defined({ Ma: str(m.ENTERPRISE_STATUS_ID), Ten: str(m.ENTERPRISE_STATUS_NAME) })
          : undefined,
      NgayDangKyLanDau: date(m.FOUNDING_DATE),
      NgayDangKyThayDoi: date(m.LAST_AMEND_DATE),
      SoLanDangKyThayDoi: changes !== undefined && /^\d+$/.test(changes) ? Number(changes) : undefined,
      MaSoThueNhapKhau: str(m.IMP_BUSINESS_CODE),
      DiaChiTruSo:
        isRec(data.HOAdress) && str(data.HOAdress.AddressFullText)
          ? { DiaChiDayDu: str(data.HOAdress.AddressFullText) }
          : undefined,
      NguoiDaiDien: reps.filter(isRec).flatMap((r) => (str(r.FULL_NAME) ? [{ HoVaTen: str(r.FULL_NAME)! }] : [])),
      NganhNghe: acts.filter(isRec).flatMap((a) =>
        str(a.CODE)
          ? [
              defined({
                MaNganh: str(a.CODE)!,
                TenNganh: str(a.NAME),
                LaNganhChinh:
                  a.IS_MAIN === true || a.IS_MAIN === 1 || a.IS_MAIN === '1' ? true : a.IS_MAIN === undefined ? undefined : false,
              }),
            ]
          : [],
      ),
    }),
  );
}

/**
 * TP.HCM ESB TraCuuThongTinDoanhNghiep → DoanhNghiep [X7]: `{StatusCode, Status, ThrowException,
 * Description, ResultObject}`; ResultObject carries NAME, ENTERPRISE_GDT_CODE, ENTERPRISE_STATUS_NAME,
 * HO_ADDRESS_FULLTEXT and (we assume, as NGSP) the other MainInformation keys [inf]. Returns null when
 * ResultObject is null [inf].
 */
export function fromHcmEsb(body: unknown, msdn: string): DoanhNghiep | null {
  if (!isRec(body) || !('ResultObject' in body)) throw new DoanhNghiepInvalid('ESB reply has no ResultObject');
  if (body.ThrowException === true || (body.StatusCode !== undefined && body.StatusCode !== 200 && body.StatusCode !== '200')) {
    throw new DoanhNghiepInvalid(`ESB reply reports an error (StatusCode ${String(body.StatusCode).slice(0, 10)})`);
  }
  const r = body.ResultObject;
  if (r === null) return null;
  if (!isRec(r)) throw new DoanhNghiepInvalid('ESB ResultObject is not an object');
  return fromNgsp(
    {
      Data: {
        MainInformation: r,
        HOAdress: { AddressFullText: r.HO_ADDRESS_FULLTEXT },
        Representatives: r.REPRESENTATIVES ?? [],
        BusinessActivities: r.BUSINESS_ACTIVITIES ?? [],
      },
    },
    msdn,
  );
}

const int = (v: unknown): number | undefined => {
  const s = str(v);
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined;
};
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRec) : isRec(v) ? [v] : []);
const flag = (v: unknown): boolean | undefined =>
  v === true || v === 1 || v === '1' || v === 'True' || v === 'true'
    ? true
    : v === false || v === 0 || v === '0' || v === 'False' || v === 'false'
      ? false
      : undefined;

/**
 * Thanh Hóa's provincial proxy (apiDKKD chiTietDoanhNghiep) → DoanhNghiep [code T5]: `GetEntCert[0]` with
 * Vietnamese keys; TinhTrangPhapLy[], DaiDienPhapLuat[].ThongTinCaNhan[], DiaChiTruSo[].DiaChi[] (Ma* as
 * ints), NganhNgheKinhDoanh[]. The first legal status and the first address are the current ones [inf];
 * DiaChiDayDu is composed from the address parts [inf]. An empty GetEntCert = not found [inf].
 */
export function fromThanhHoa(body: unknown, msdn: string): DoanhNghiep | null {
  if (!isRec(body) || !Array.isArray(body.GetEntCert)) throw new DoanhNghiepInvalid('Thanh Hóa reply has no GetEntCert list');
  const e = body.GetEntCert[0];
  if (e === undefined) return null;
  if (!isRec(e)) throw new DoanhNghiepInvalid('GetEntCert[0] is not an object');
  const tt = list(e.TinhTrangPhapLy)[0];
  const dc = list(list(e.DiaChiTruSo)[0]?.DiaChi)[0];
  const full = dc
    ? [str(dc.SoNha), str(dc.DiaChi), str(dc.TenPhuongXa), str(dc.TenQuanHuyen), str(dc.TenTinhThanh), str(dc.QuocGia)]
        .filter(Boolean)
        .join(', ')
    : '';
  return validated(
    defined({
      MaSoDoanhNghiep: str(e.MaSoDoanhNghiep) ?? msdn,
      MaNoiBo: str(e.MaNoiBo),
      SoGCNDKKD: str(e.SoGCNDKKD),
      TenTiengViet: str(e.TenTiengViet),
      TenNuocNgoai: str(e.TenNuocNgoai),
      TenVietTat: str(e.TenVietTat),
      MaLoaiHinhDN: str(e.MaLoaiHinhDN),
      LoaiHinhDN: str(e.LoaiHinhDN),
      TinhTrang: tt
        ? defined({
            Ma: str(tt.MaTinhTrangPhapLy),
            Ten: str(tt.TinhTrangPhapLy),
            NgayBatDauTamNgung: date(tt.NgayBatDauTamNgung),
            NgayKetThucTamNgung: date(tt.NgayKetThucTamNgung),
            LyDoTamNgung: str(tt.LyDoTamNgung),
          })
        : undefined,
      NgayDangKyLanDau: date(e.NgayDangKyLanDau),
      NgayDangKyThayDoi: date(e.NgayDangKyThayDoi),
      SoLanDangKyThayDoi: int(e.SoLanDangKyThayDoi),
      DiaChiTruSo: dc
        ? defined({
            DiaChiDayDu: full || undefined,
            SoNha: str(dc.SoNha),
            MaPhuongXa: str(dc.MaPhuongXa),
            TenPhuongXa: str(dc.TenPhuongXa),
            MaQuanHuyen: str(dc.MaQuanHuyen),
            TenQuanHuyen: str(dc.TenQuanHuyen),
            MaTinhThanh: str(dc.MaTinhThanh),
            TenTinhThanh: str(dc.TenTinhThanh),
            MaQuocGia: str(dc.MaQuocGia),
            QuocGia: str(dc.QuocGia),
          })
        : undefined,
      NguoiDaiDien: list(e.DaiDienPhapLuat)
        .flatMap((d) => list(d.ThongTinCaNhan))
        .flatMap((p) =>
          str(p.HoVaTen)
            ? [
                defined({
                  HoVaTen: str(p.HoVaTen)!,
                  LoaiGiayTo: str(p.LoaiGiayToChungThuc),
                  MaLoaiGiayTo: str(p.MaLoaiGiayToChungThuc),
                  SoGiayTo: str(p.SoGiayChungThuc),
                  NgayCap: date(p.NgayCap),
                  NoiCap: str(p.NoiCap),
                  QuocTich: str(p.QuocTich),
                  MaQuocTich: str(p.MaQuocTich),
                }),
              ]
            : [],
        ),
      NganhNghe: list(e.NganhNgheKinhDoanh).flatMap((n) =>
        str(n.MaNganh)
          ? [defined({ MaNganh: str(n.MaNganh)!, TenNganh: str(n.TenNganh), LaNganhChinh: flag(n.LaNganhChinh) })]
          : [],
      ),
    }),
  );
}
