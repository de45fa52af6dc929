import type { FastifyInstance } from 'fastify';
import { checkPromotionStatusData } from '@lienthong/dvcqg';
import { fail, ok, type ServiceContext, type ServiceHandler } from './outcome.js';

/**
 * DongBoTrangThaiHoSo `type: "2"` (reference §5 [code S1]): the province reports the status of a promotion-notice
 * dossier the portal sent it (createdossierfromdvcqg), `data` ONE object {MaHoSo (the portal's code), MaHoSoDonVi
 * (the local code), MaDoiTuong, NoiDung, NgayXuLy, TrangThai (2 or 5 after the reduction), TaiLieuXuLy[]}.
 * The simulator checks the envelope and the data against the national schema and, as a portal knows the dossiers it
 * created, refuses a status for a MaHoSo it never sent [inf: the real portal's check is not public]. Every status
 * received is kept in arrival order (the same packet again counts as a repeat, not a second status), so a test sees
 * what reached the portal field for field and in which order. `rejectMaHoSo` (faults) refuses it with -1.
 */
export interface ReceivedStatus {
  data: Record<string, unknown>;
  firstReceivedAt: string;
  lastReceivedAt: string;
  timesReceived: number;
}
interface PromotionState {
  /** MaHoSo of the promotion dossiers this portal sent to the province (originator, or declared by admin). */
  known: Set<string>;
  statuses: Map<string, ReceivedStatus[]>;
}

// One state per peer instance, keyed by its store (handlers receive the store in their context), as qa-service does.
const states = new WeakMap<object, PromotionState>();
function stateOf(ctx: Pick<ServiceContext, 'store'>): PromotionState {
  let s = states.get(ctx.store);
  if (!s) {
    s = { known: new Set(), statuses: new Map() };
    states.set(ctx.store, s);
  }
  return s;
}

/** Forgets the known dossiers and their statuses (POST /_admin/reset). */
export function resetPromotion(ctx: Pick<ServiceContext, 'store'>): void {
  states.delete(ctx.store);
}

/** The originator sent this promotion dossier to the province: the portal knows it from now on. */
export function notePortalDossier(ctx: Pick<ServiceContext, 'store'>, maHoSo: string): void {
  const s = stateOf(ctx);
  if (s.known.size < 100_000) s.known.add(maHoSo);
}

const same = (a: Record<string, unknown>, b: Record<string, unknown>) => JSON.stringify(a) === JSON.stringify(b);

export const dongBoTrangThaiHoSo: ServiceHandler = (ctx, body) => {
  const data = body.data as Record<string, unknown> | undefined;
  const named = typeof data?.MaHoSo === 'string' && data.MaHoSo.length <= 100 ? [data.MaHoSo] : [];
  const b = { maHoSo: named, items: data && typeof data === 'object' && !Array.isArray(data) ? 1 : 0 };
  if (body.type !== '2')
    return fail(`DongBoTrangThaiHoSo: type phải là "2" (hồ sơ khuyến mại), nhận được ${String(body.type).slice(0, 10)}`, b);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return fail('Trường data phải là một đối tượng', b);
  const checked = checkPromotionStatusData(data);
  if (!checked.ok) {
    const shown = checked.errors.slice(0, 5).map((e) => `data${e.path.replace(/\//g, '.')}: ${e.message}`);
    return fail(`Dữ liệu không hợp lệ: ${shown.join('; ')}`, b);
  }
  const maHoSo = String(data.MaHoSo);
  if (ctx.faults().rejectMaHoSo.includes(maHoSo))
    return fail(`Hồ sơ ${maHoSo} bị từ chối: không đáp ứng quy định tiếp nhận của Cổng DVCQG`, b);
  const s = stateOf(ctx);
  if (!s.known.has(maHoSo)) return fail(`Hồ sơ ${maHoSo} không phải hồ sơ khuyến mại do Cổng DVCQG chuyển`, b);
  const list = s.statuses.get(maHoSo) ?? [];
  const at = new Date().toISOString();
  const last = list[list.length - 1];
  if (last && same(last.data, data)) {
    last.timesReceived++;
    last.lastReceivedAt = at;
  } else {
    list.push({ data, firstReceivedAt: at, lastReceivedAt: at, timesReceived: 1 });
    if (list.length > 200) list.shift();
  }
  s.statuses.set(maHoSo, list);
  return ok('Đồng bộ trạng thái hồ sơ thành công', null, b);
};

/** Admin: the statuses each promotion dossier received, and declaring a dossier as one the portal sent. */
export function registerPromotionAdmin(app: FastifyInstance, ctx: Pick<ServiceContext, 'store'>): void {
  app.post('/promotion/dossiers', async (req, reply) => {
    const m = (req.body as { MaHoSo?: unknown } | null)?.MaHoSo;
    if (typeof m !== 'string' || m.length === 0 || m.length > 100)
      return reply.status(400).send({ error: 'MaHoSo (1–100 characters) is required' });
    notePortalDossier(ctx, m);
    return { known: m };
  });
  app.get('/promotion/status', async () => {
    const s = stateOf(ctx);
    return { dossiers: Object.fromEntries(s.statuses) };
  });
  app.get<{ Params: { maHoSo: string } }>('/promotion/status/:maHoSo', async (req, reply) => {
    const s = stateOf(ctx);
    const list = s.statuses.get(req.params.maHoSo);
    if (!list)
      return reply.status(404).send({ error: 'no status received for this dossier', known: s.known.has(req.params.maHoSo) });
    return { maHoSo: req.params.maHoSo, current: list[list.length - 1]!.data, received: list };
  });
}
