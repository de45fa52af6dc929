import type { FastifyPluginAsync } from 'fastify';
import { parseGuardedJson } from '@lienthong/platform';
import type { SandboxPeer, SandboxPeerOptions } from '../../peer.js';
import { configProperties, readPeerConfig } from './config.js';
import { defaultFaults, type DvcqgFaults } from './faults.js';
import { seededRandom, type Random } from '../peer-kit/index.js';
import { createStore } from './store.js';
import { createCatalogue } from './catalogue.js';
import { registerProtocolRoutes } from './protocol-routes.js';
import { registerAdminRoutes } from './admin-routes.js';
import { adminErrorHandler, protocolErrorHandler } from './error-handlers.js';
import { registerOriginator } from './originator.js';
import { registerQaAdmin, resetQa } from './qa-service.js';
import { notePortalDossier, registerPromotionAdmin, resetPromotion } from './promotion-status-service.js';

export { configProperties };

/** Options of the DVCQG peer: the sandbox's, plus an optional clock for tests. */
export interface DvcqgPeerOptions extends SandboxPeerOptions {
  /** Epoch-ms clock for sessions and timestamps; default Date.now. */
  now?: () => number;
}

/**
 * Simulated Cổng Dịch vụ công quốc gia (DVCQG), adapter style [code S1 §1.1]: POST /auth, /integration,
 * /share with the portal's envelopes, plus /_admin for inspection and fault switches. Registered by the
 * sandbox under `/dvcqg`. Protocol notes, and what is confirmed vs inferred: docs/dvcqg-protocol.md.
 */
const dvcqgPeer: FastifyPluginAsync<DvcqgPeerOptions> = async (app, opts) => {
  const cfg = readPeerConfig(opts.config);
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ peer: 'dvcqg' });
  const store = createStore({ callLogSize: cfg.callLogSize, now });
  const catalogue = createCatalogue();
  let faults: DvcqgFaults = { ...defaultFaults, rejectMaHoSo: [], rejectHoiDapId: [] };
  let seed = cfg.seed;
  let random: Random = seededRandom(seed);

  const closing = new AbortController();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closing.signal.aborted) return resolve();
      const t = setTimeout(resolve, ms);
      closing.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  // preClose: before the server waits for in-flight requests, so a simulated hang ends at once.
  app.addHook('preClose', async () => closing.abort());

  // This peer's own JSON parser: the platform's guard (depth, NUL, __proto__) and the peer's body limit,
  // whatever the host app uses. Only application/json: the portal speaks nothing else [code S1].
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: cfg.bodyLimitBytes }, (_req, body, done) => {
    try {
      done(null, parseGuardedJson(String(body)));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  await app.register(async (scope) => {
    scope.setErrorHandler(protocolErrorHandler(store, now, log));
    registerProtocolRoutes(scope, { store, cfg, faults: () => faults, catalogue, random: () => random, now, sleep });
  });
  await app.register(
    async (scope) => {
      scope.setErrorHandler(adminErrorHandler(log));
      registerAdminRoutes(scope, {
        store,
        getFaults: () => faults,
        setFaults: (f, s) => {
          faults = f;
          if (s !== undefined) {
            seed = s;
            random = seededRandom(s);
          }
          log.info(
            { faults: { ...f, rejectMaHoSo: f.rejectMaHoSo.length, rejectHoiDapId: f.rejectHoiDapId.length }, seed },
            'dvcqg sandbox faults set',
          );
        },
        reset: () => {
          store.reset();
          resetQa({ store });
          resetPromotion({ store });
          faults = { ...defaultFaults, rejectMaHoSo: [], rejectHoiDapId: [] };
          seed = cfg.seed;
          random = seededRandom(seed);
          log.info('dvcqg sandbox reset');
        },
        seed: () => seed,
      });
      const inbound = (k: string) => (typeof opts.config?.[k] === 'string' ? (opts.config[k] as string) : undefined);
      registerQaAdmin(scope, { store });
      registerPromotionAdmin(scope, { store });
      registerOriginator(
        scope,
        { url: inbound('SANDBOX_DVCQG_INBOUND_URL'), token: inbound('SANDBOX_DVCQG_INBOUND_TOKEN') },
        now,
        // A promotion dossier the portal sent is one it knows when the province reports its status.
        (kind, maHoSo) => {
          if (kind === 'create') notePortalDossier({ store }, maHoSo);
        },
      );
    },
    { prefix: '/_admin' },
  );
  log.info({ procedures: catalogue.procedures.length, agencies: catalogue.agencies.length }, 'dvcqg sandbox ready');
};

export default dvcqgPeer satisfies SandboxPeer as SandboxPeer;
