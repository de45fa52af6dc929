import { Ajv } from 'ajv';
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxPeer, SandboxPeerOptions } from '../../peer.js';
import { closingSleep, seededRandom, type Random } from '../peer-kit/index.js';
import { intParam, refuse } from '../csdl-dancu/admin-routes.js';
import { configProperties, readPeerConfig } from './config.js';
import { defaultFaults, faultsBodySchema, type DkkdFaults, type FaultsBody } from './faults.js';
import { registerProtocolRoutes, type DkkdCallRecord } from './protocol-routes.js';
import { seedBusinesses } from './seed.js';

export { configProperties };

const ajv = new Ajv({ allErrors: true, strict: false });
const validateFaults = ajv.compile<FaultsBody>(faultsBodySchema);
const CALLS_MAX = 5_000;

/**
 * Simulated national business registry (reference §10): the NGSP route and TP.HCM's ESB route over one
 * seeded registry, plus /_admin (businesses, calls, faults, token expiry, reset). Registered under `/dkkd`.
 */
const dkkdPeer: FastifyPluginAsync<SandboxPeerOptions & { now?: () => number }> = async (app, opts) => {
  const cfg = readPeerConfig(opts.config);
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ peer: 'dkkd' });
  const businesses = seedBusinesses(cfg.seed, cfg.businesses);
  let faults: DkkdFaults = { ...defaultFaults };
  let seed = cfg.seed;
  let random: Random = seededRandom(seed);
  const tokens = new Map<string, number>();
  let calls: DkkdCallRecord[] = [];
  let nextCall = 1;
  const sleep = closingSleep(app);
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  registerProtocolRoutes(app, {
    businesses,
    cfg,
    faults: () => faults,
    random: () => random,
    now,
    sleep,
    tokens,
    record: (c) => {
      calls.push({ id: nextCall++, at: new Date(now()).toISOString(), ...c });
      if (calls.length > CALLS_MAX) calls = calls.slice(-CALLS_MAX);
    },
  });

  await app.register(
    async (admin) => {
      const view = () => ({ ...faults, seed });
      admin.get('/faults', async () => view());
      const apply = (merge: boolean) => async (req: { body: unknown }, reply: import('fastify').FastifyReply) => {
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
        const { seed: s, ...switches } = body;
        faults = { ...(merge ? faults : defaultFaults), ...switches };
        if (s !== undefined) random = seededRandom((seed = s));
        log.info({ faults, seed }, 'dkkd sandbox faults set');
        return view();
      };
      admin.put('/faults', apply(false));
      admin.patch('/faults', apply(true));
      admin.get<{ Querystring: Record<string, unknown> }>('/businesses', async (req, reply) => {
        const limit = intParam(req.query.limit, 50, 10_000);
        const offset = intParam(req.query.offset, 0, 1_000_000);
        if (limit === undefined || offset === undefined)
          return refuse(reply, 400, 'LT_SANDBOX_BAD_QUERY', 'limit/offset không hợp lệ', 'invalid limit/offset');
        const all = [...businesses.values()];
        return { total: all.length, items: all.slice(offset, offset + limit) };
      });
      admin.get<{ Params: { msdn: string } }>('/businesses/:msdn', async (req, reply) => {
        const b = businesses.get(req.params.msdn);
        return (
          b ??
          refuse(
            reply,
            404,
            'LT_SANDBOX_BUSINESS_UNKNOWN',
            'Không có doanh nghiệp này trong CSDL giả lập',
            'no such business in the simulated registry',
          )
        );
      });
      admin.get<{ Querystring: Record<string, unknown> }>('/calls', async (req, reply) => {
        const limit = intParam(req.query.limit, 50, 10_000);
        if (limit === undefined) return refuse(reply, 400, 'LT_SANDBOX_BAD_QUERY', 'limit không hợp lệ', 'invalid limit');
        return { items: calls.slice(-limit) };
      });
      admin.post('/expire-tokens', async () => {
        const n = tokens.size;
        tokens.clear();
        return { expired: n };
      });
      admin.post('/reset', async () => {
        faults = { ...defaultFaults };
        tokens.clear();
        calls = [];
        random = seededRandom((seed = cfg.seed));
        return { reset: true, faults: view() };
      });
    },
    { prefix: '/_admin' },
  );
  log.info({ businesses: businesses.size }, 'dkkd sandbox ready');
};

export default dkkdPeer satisfies SandboxPeer as SandboxPeer;
