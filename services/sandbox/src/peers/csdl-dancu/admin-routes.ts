import { Ajv } from 'ajv';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { defaultFaults, faultsBodySchema, type CsdlFaults, type FaultsBody } from './faults.js';
import { licenceTableSchema, type LicenceTable } from './licences.js';
import type { CsdlStore } from './store.js';

export interface CsdlAdminDeps {
  store: CsdlStore;
  getFaults: () => CsdlFaults;
  setFaults: (f: CsdlFaults, seed?: number) => void;
  getLicences: () => LicenceTable;
  setLicences: (t: LicenceTable) => void;
  reset: () => void;
  seed: () => number;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateFaults = ajv.compile<FaultsBody>(faultsBodySchema);
const validateLicences = ajv.compile<LicenceTable>(licenceTableSchema);

export function refuse(
  reply: FastifyReply,
  status: number,
  error: string,
  vi: string,
  en: string,
  errors: { instancePath: string; message?: string }[] = [],
) {
  const details = errors.map((e) => ({
    path: e.instancePath || '/',
    code: error,
    message: e.message ?? 'không hợp lệ',
    message_en: e.message ?? 'invalid',
  }));
  return reply.status(status).send({ error, message: vi, message_en: en, details });
}

export function intParam(v: unknown, dflt: number, max: number): number | undefined {
  if (v === undefined || v === '') return dflt;
  const n = typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n <= max ? n : undefined;
}

/**
 * Inspection and fault API under /_admin (never a database feature, never subject to the faults): the
 * seeded population (tests compare the hub's answers with it field for field), the licence table behind
 * 004/005, the calls received (without personal data), the fault switches.
 */
export function registerAdminRoutes(app: FastifyInstance, deps: CsdlAdminDeps): void {
  const faultsView = () => ({ ...deps.getFaults(), seed: deps.seed() });
  app.get('/faults', async () => faultsView());
  const applyFaults = (merge: boolean) => async (req: { body: unknown }, reply: FastifyReply) => {
    const body = req.body ?? {};
    if (!validateFaults(body))
      return refuse(
        reply,
        400,
        'LT_SANDBOX_FAULTS_INVALID',
        'Cấu hình lỗi giả lập không hợp lệ',
        'invalid fault switches',
        validateFaults.errors ?? [],
      );
    const { seed, ...switches } = body;
    deps.setFaults({ ...(merge ? deps.getFaults() : defaultFaults), ...switches }, seed);
    return faultsView();
  };
  app.put('/faults', applyFaults(false));
  app.patch('/faults', applyFaults(true));

  app.get('/licences', async () => deps.getLicences());
  app.put('/licences', async (req, reply) => {
    if (!validateLicences(req.body))
      return refuse(
        reply,
        400,
        'LT_SANDBOX_LICENCES_INVALID',
        'Bảng cấp quyền không hợp lệ',
        'invalid licence table',
        validateLicences.errors ?? [],
      );
    deps.setLicences(req.body);
    return deps.getLicences();
  });

  app.get<{ Querystring: Record<string, unknown> }>('/citizens', async (req, reply) => {
    const limit = intParam(req.query.limit, 50, 10_000);
    const offset = intParam(req.query.offset, 0, 1_000_000);
    if (limit === undefined || offset === undefined)
      return refuse(reply, 400, 'LT_SANDBOX_BAD_QUERY', 'limit/offset không hợp lệ', 'invalid limit/offset');
    return { total: deps.store.citizens.length, items: deps.store.citizens.slice(offset, offset + limit) };
  });
  app.get<{ Params: { id: string } }>('/citizens/:id', async (req, reply) => {
    const c = deps.store.byId(req.params.id);
    if (!c)
      return refuse(
        reply,
        404,
        'LT_SANDBOX_CITIZEN_UNKNOWN',
        'Không có công dân này trong CSDL giả lập',
        'no such citizen in the simulated database',
      );
    return { citizen: c, household: deps.store.householdOf(c) };
  });
  app.get<{ Querystring: Record<string, unknown> }>('/calls', async (req, reply) => {
    const limit = intParam(req.query.limit, 50, 10_000);
    if (limit === undefined) return refuse(reply, 400, 'LT_SANDBOX_BAD_QUERY', 'limit không hợp lệ', 'invalid limit');
    const s = (v: unknown) => (typeof v === 'string' && v !== '' && v.length <= 100 ? v : undefined);
    const filter = {
      ...(s(req.query.operation) ? { operation: s(req.query.operation)! } : {}),
      ...(s(req.query.MaDVC) ? { MaDVC: s(req.query.MaDVC)! } : {}),
      ...(s(req.query.outcome) ? { outcome: s(req.query.outcome)! } : {}),
    };
    return { items: deps.store.recentCalls(limit, filter) };
  });
  app.get('/stats', async () => deps.store.counts());
  app.post('/expire-tokens', async () => ({ expired: deps.store.expireTokens() }));
  app.post('/reset', async () => {
    deps.reset();
    return { reset: true, faults: faultsView() };
  });
}
