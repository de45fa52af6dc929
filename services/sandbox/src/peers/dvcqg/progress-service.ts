import { MAX_PROGRESS_ITEMS } from '@lienthong/dvcqg';
import { checkBasic, checkSteps } from './validation.js';
import { fail, maHoSoOf, ok, type ServiceHandler } from './outcome.js';

/**
 * CapNhatTienDoHoSoMC [code S1 §4]: at most 10 steps a call [code S1, T2], all-or-nothing like
 * DongBoHoSoMC [inf]. Steps of a dossier the portal does not hold are refused by default
 * (SANDBOX_DVCQG_PROGRESS_UNKNOWN = reject) — OpenCPS only sends progress after DongBoHoSoMC succeeded
 * [code S1], so progress first is a sender's ordering bug worth surfacing [inf].
 */
export const capNhatTienDoHoSoMC: ServiceHandler = (ctx, body) => {
  const data = body.data;
  if (!Array.isArray(data)) return fail('Trường data phải là danh sách tiến độ');
  const b = { maHoSo: maHoSoOf(data), items: data.length };
  if (data.length === 0) return fail('Không có tiến độ nào để cập nhật', b);
  if (data.length > MAX_PROGRESS_ITEMS) {
    return fail(`Mỗi lần cập nhật tối đa ${MAX_PROGRESS_ITEMS} tiến độ, nhận được ${data.length}`, b);
  }
  const invalid = checkBasic(data) ?? (ctx.cfg.validate ? checkSteps(data) : undefined);
  if (invalid) return fail(invalid, b);
  const items = data as Record<string, unknown>[];
  const codes = items.map((d) => String(d.MaHoSo));
  const rejected = codes.find((m) => ctx.faults().rejectMaHoSo.includes(m));
  if (rejected) return fail(`Hồ sơ ${rejected} bị từ chối: không đáp ứng quy định tiếp nhận của Cổng DVCQG`, b);
  if (ctx.cfg.progressUnknown === 'reject') {
    const unknown = codes.find((m) => !ctx.store.hasDossier(m));
    if (unknown) return fail(`Hồ sơ ${unknown} chưa được đồng bộ lên Cổng DVCQG`, b);
  }
  for (const s of items) ctx.store.addStep(s);
  return ok('Cập nhật tiến độ hồ sơ thành công', null, b);
};
