import { validatePacket, type DoanhNghiep } from '@lienthong/standard';

export type { DoanhNghiep };

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
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
  if (!r.ok) throw new DoanhNghiepInvalid(`DoanhNghiep does not match the schema: ${r.errors.slice(0, 5).map((e) => `${e.path} ${e.code}`).join('; ')}`);
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
  const reps = Array.isArray(data.Representatives) ? data.Representatives : isRec(data.Representatives) ? [data.Representatives] : [];
  const acts = Array.isArray(data.BusinessActivities) ? data.BusinessActivities : [];
  const changes = str(m.NUMBER_CHANGES);
  return validated(
    defined({
      MaSoDoanhNghiep: str(m.ENTERPRISE_GDT_CODE) ?? msdn,
      TenTiengViet: str(m.NAME),
      TenNuocNgoai: str(m.NAME_F),
      TenVietTat: str(m.SHORT_NAME),
      LoaiHinhDN: str(m.ENTERPRISE_TYPE_NAME),
      TinhTrang: str(m.ENTERPRISE_STATUS_ID) || str(m.ENTERPRISE_STATUS_NAME) ? defined({ Ma: str(m.ENTERPRISE_STATUS_ID), Ten: str(m.ENTERPRISE_STATUS_NAME) }) : undefined,
      NgayDangKyLanDau: date(m.FOUNDING_DATE),
      NgayDangKyThayDoi: date(m.LAST_AMEND_DATE),
      SoLanDangKyThayDoi: changes !== undefined && /^\d+$/.test(changes) ? Number(changes) : undefined,
      MaSoThueNhapKhau: str(m.IMP_BUSINESS_CODE),
      DiaChiTruSo: isRec(data.HOAdress) && str(data.HOAdress.AddressFullText) ? { DiaChiDayDu: str(data.HOAdress.AddressFullText) } : undefined,
      NguoiDaiDien: reps.filter(isRec).flatMap((r) => (str(r.FULL_NAME) ? [{ HoVaTen: str(r.FULL_NAME)! }] : [])),
      NganhNghe: acts.filter(isRec).flatMap((a) => (str(a.CODE) ? [defined({ MaNganh: str(a.CODE)!, TenNganh: str(a.NAME), LaNganhChinh: a.IS_MAIN === true || a.IS_MAIN === 1 || a.IS_MAIN === '1' ? true : a.IS_MAIN === undefined ? undefined : false })] : [])),
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
