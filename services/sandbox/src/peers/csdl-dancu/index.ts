import type { FastifyPluginAsync } from 'fastify';
import type { SandboxPeer, SandboxPeerOptions } from '../../peer.js';
import { closingSleep, seededRandom, type Random } from '../peer-kit/index.js';
import { configProperties, readPeerConfig } from './config.js';
import { defaultFaults, type CsdlFaults } from './faults.js';
import { defaultLicences, type LicenceTable } from './licences.js';
import { createCsdlStore } from './store.js';
import { registerProtocolRoutes } from './protocol-routes.js';
import { registerAdminRoutes } from './admin-routes.js';

export { configProperties };

export interface CsdlPeerOptions extends SandboxPeerOptions {
  now?: () => number;
}

/**
 * Simulated national population database (CSDLQGDC) behind a VNPT-style LGSP (reference §1.3, §9):
 * POST /token, POST /ws/dancu (SOAP 1.1), and /_admin for the population, licences, calls and faults.
 * Registered by the sandbox under `/csdl-dancu`. Protocol notes: docs/citizen-data.md.
 */
const csdlDanCuPeer: FastifyPluginAsync<CsdlPeerOptions> = async (app, opts) => {
  const cfg = readPeerConfig(opts.config);
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ peer: 'csdl-dancu' });
  const store = createCsdlStore({ seed: cfg.seed, population: cfg.population, callLogSize: cfg.callLogSize, now });
  let faults: CsdlFaults = { ...defaultFaults };
  let licences: LicenceTable = defaultLicences();
  let seed = cfg.seed;
  let random: Random = seededRandom(seed);

  const sleep = closingSleep(app);

  // SOAP arrives as application/xml [code S6] or text/xml (SOAP 1.1); the token request as a form; the
  // admin API as JSON (the host app's parser). Scoped to this peer's plugin.
  const asText = (_req: unknown, body: string | Buffer, done: (e: Error | null, b?: unknown) => void) => done(null, String(body));
  app.addContentTypeParser(
    ['application/xml', 'text/xml', 'application/soap+xml'],
    { parseAs: 'string', bodyLimit: 256 * 1024 },
    asText,
  );
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  registerProtocolRoutes(app, { store, cfg, faults: () => faults, licences: () => licences, random: () => random, now, sleep });
  await app.register(
    async (scope) => {
      registerAdminRoutes(scope, {
        store,
        getFaults: () => faults,
        setFaults: (f, s) => {
          faults = f;
          if (s !== undefined) random = seededRandom((seed = s));
          log.info({ faults: f, seed }, 'csdl-dancu sandbox faults set');
        },
        getLicences: () => licences,
        setLicences: (t) => {
          licences = t;
          log.info({ licences: t.licences.length, deniedOfficers: t.deniedOfficers.length }, 'csdl-dancu sandbox licences set');
        },
        reset: () => {
          store.reset();
          faults = { ...defaultFaults };
          licences = defaultLicences();
          random = seededRandom((seed = cfg.seed));
          log.info('csdl-dancu sandbox reset');
        },
        seed: () => seed,
      });
    },
    { prefix: '/_admin' },
  );
  log.info({ citizens: store.citizens.length, households: store.households.size }, 'csdl-dancu sandbox ready');
};

export default csdlDanCuPeer satisfies SandboxPeer as SandboxPeer;
