import { Ajv } from 'ajv';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { defaultFaults, faultsBodySchema, type DvcqgFaults, type FaultsBody } from './faults.js';
import type { DvcqgStore } from './store.js';

export interface AdminDeps {
  store: DvcqgStore;
  getFaults: () => DvcqgFaults;
  setFaults: (f: DvcqgFaults, seed?: number) => void;
  /** Clears state and faults and reseeds the random draws. */
  reset: () => void;
  seed: () => number;
}

// Our own ajv rather than the host app's: the sandbox app may configure its ajv differently (coercion,
// strictness), and the fault switches must mean the same thing in every host (conventions §6).
const ajv = new Ajv({ allErrors: true, strict: false });
const validateFaults = ajv.compile<FaultsBody>(faultsBodySchema);

function refuse(reply: FastifyReply, status: number, error: string, vi: string, en: string, details: unknown[] = []) {
  return reply.status(status).send({ error, message: vi, message_en: en, details });
}

/** Integer query parameter within bounds; the host app may not coerce query strings (coerceTypes false). */
function intParam(v: unknown, dflt: number, min: number, max: number): number | undefined {
  if (v === undefined || v === '') return dflt;
  const n = typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}
const strParam = (v: unknown) => (typeof v === 'string' && v !== '' && v.length <= 100 ? v : undefined);

/**
 * Inspection and fault API under /_admin: what the simulated portal holds and received, and the fault
 * switches. Separate from the protocol routes, never subject to the faults, never a portal feature.
 */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const faultsView = () => ({ ...deps.getFaults(), seed: deps.seed() });

  app.get('/faults', async () => faultsView());

  const applyFaults = (merge: boolean) => async (req: { body: unknown }, reply: FastifyReply) => {
    const body = req.body ?? {};
    if (!validateFaults(body)) {
      const details = (validateFaults.errors ?? []).map((e) => ({
        path: e.instancePath || '/',
        code: `LT_SANDBOX_${e.keyword.toUpperCase()}`,
        message: e.message ?? 'không hợp lệ',
        message_en: e.message ?? 'invalid',
      }));
      return refuse(
        reply,
        400,
        'LT_SANDBOX_FAULTS_INVALID',
        'Cấu hình lỗi giả lập không hợp lệ',
        'invalid fault switches',
        details,
      );
    }
    const { seed, ...switches } = body;
    // PUT replaces the whole set (omitted = off), PATCH changes only what it names.
    const base = merge ? deps.getFaults() : defaultFaults;
    const next: DvcqgFaults = {
      ...base,
      ...switches,
      rejectMaHoSo: [...(switches.rejectMaHoSo ?? base.rejectMaHoSo)],
      rejectHoiDapId: [...(switches.rejectHoiDapId ?? base.rejectHoiDapId)],
    };
    deps.setFaults(next, seed);
    return faultsView();
  };
  app.put('/faults', applyFaults(false));
  app.patch('/faults', applyFaults(true));

  app.get<{ Params: { maHoSo: string } }>('/dossiers/:maHoSo', async (req, reply) => {
    const r = deps.store.getDossier(req.params.maHoSo);
    if (!r) {
      return refuse(
        reply,
        404,
        'LT_SANDBOX_DOSSIER_UNKNOWN',
        `Cổng DVCQG giả lập chưa nhận hồ sơ ${req.params.maHoSo.slice(0, 100)}`,
        'the simulated portal has never seen this dossier',
      );
    }
    return r;
  });

  app.get<{ Querystring: Record<string, unknown> }>('/dossiers', async (req, reply) => {
    const limit = intParam(req.query.limit, 100, 1, 10_000);
    const offset = intParam(req.query.offset, 0, 0, 100_000_000);
    if (limit === undefined || offset === undefined)
      return refuse(reply, 400, 'LT_SANDBOX_BAD_QUERY', 'limit/offset không hợp lệ', 'invalid limit/offset');
    const all = deps.store.listDossiers().filter((d) => d.dossier !== null);
    return {
      total: all.length,
      items: all.slice(offset, offset + limit).map((d) => ({
        maHoSo: d.maHoSo,
        version: d.version,
        TrangThaiHoSo: d.dossier?.TrangThaiHoSo,
        updatedAt: d.updatedAt,
        steps: d.progress.length,
      })),
    };
  });

  app.get<{ Querystring: Record<string, unknown> }>('/calls', async (req, reply) => {
    const limit = intParam(req.query.limit, 50, 1, 10_000);
    if (limit === undefined)
      return refuse(reply, 400, 'LT_SANDBOX_BAD_QUERY', 'limit phải từ 1 đến 10000', 'limit must be 1..10000');
    const filter = {
      ...(strParam(req.query.service) ? { service: strParam(req.query.service)! } : {}),
      ...(strParam(req.query.maHoSo) ? { maHoSo: strParam(req.query.maHoSo)! } : {}),
      ...(strParam(req.query.outcome) ? { outcome: strParam(req.query.outcome)! } : {}),
    };
    return { items: deps.store.recentCalls(limit, filter) };
  });

  app.get('/ratings', async () => ({ items: deps.store.listRatings() }));
  app.get('/stats', async () => deps.store.counts());

  app.post('/expire-sessions', async () => ({ expired: deps.store.expireSessions() }));

  app.post('/reset', async () => {
    deps.reset();
    return { reset: true, faults: faultsView() };
  });
}
