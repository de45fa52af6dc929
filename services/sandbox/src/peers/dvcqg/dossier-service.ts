import { checkBasic, checkDossiers } from './validation.js';
import { fail, maHoSoOf, ok, type ServiceHandler } from './outcome.js';

/** "True"/"False" as OpenCPS sends it [code S1]; booleans and other casings tolerated; absent = create [inf]. */
function isUpdatingOf(v: unknown): boolean | undefined {
  if (v === undefined || v === null || v === '') return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return undefined;
}

/**
 * DongBoHoSoMC [code S1 §3]. A call is all-or-nothing [inf]: any invalid, rejected or conflicting dossier
 * refuses the whole call and nothing is stored, so a retry of the same call is never half-applied.
 * - create (isUpdating "False") of a dossier the portal holds → -3 "… đã tồn tại" [code T2];
 * - update ("True") replaces the dossier; of a missing one it creates it (SANDBOX_DVCQG_UPDATE_MISSING
 *   = create, the default) or is refused with -1 (= reject). The real portal's choice is unknown [inf];
 *   creating is the forgiving reading of "update to this state", and OpenCPS decides create vs update
 *   from its own memory or TraCuuHoSo, which can be stale [code S1].
 */
export const dongBoHoSoMC: ServiceHandler = (ctx, body) => {
  const data = body.data;
  if (!Array.isArray(data)) return fail('Trường data phải là danh sách hồ sơ');
  const base = { maHoSo: maHoSoOf(data), items: data.length };
  const isUpdating = isUpdatingOf(body.isUpdating);
  if (isUpdating === undefined) return fail('Giá trị isUpdating không hợp lệ (True hoặc False)', base);
  const b = { ...base, isUpdating };
  if (data.length === 0) return fail('Không có hồ sơ nào để đồng bộ', b);
  if (data.length > ctx.cfg.maxDossiersPerCall) {
    return fail(`Mỗi lần đồng bộ tối đa ${ctx.cfg.maxDossiersPerCall} hồ sơ, nhận được ${data.length}`, b);
  }
  const invalid = checkBasic(data) ?? (ctx.cfg.validate ? checkDossiers(data, ctx.cfg.maxDossiersPerCall) : undefined);
  if (invalid) return fail(invalid, b);

  const items = data as Record<string, unknown>[];
  const codes = items.map((d) => String(d.MaHoSo));
  const seen = new Set<string>();
  for (const m of codes) {
    if (seen.has(m)) return fail(`Hồ sơ ${m} xuất hiện nhiều lần trong cùng một lần đồng bộ`, b);
    seen.add(m);
  }
  const rejected = codes.find((m) => ctx.faults().rejectMaHoSo.includes(m));
  if (rejected) return fail(`Hồ sơ ${rejected} bị từ chối: không đáp ứng quy định tiếp nhận của Cổng DVCQG`, b);
  if (!isUpdating) {
    const existing = codes.find((m) => ctx.store.hasDossier(m));
    // Wording after TD's check, which looks for "đã tồn tại" in the message [code T2].
    if (existing) return fail(`Hồ sơ ${existing} đã tồn tại trên hệ thống`, b, 'exists');
  } else if (ctx.cfg.updateMissing === 'reject') {
    const missing = codes.find((m) => !ctx.store.hasDossier(m));
    if (missing) return fail(`Hồ sơ ${missing} không tồn tại trên hệ thống, không thể cập nhật`, b);
  }
  const result = items.map((d) => ({ MaHoSo: String(d.MaHoSo), KetQua: ctx.store.putDossier(d) }));
  return ok('Đồng bộ hồ sơ thành công', result, b);
};
