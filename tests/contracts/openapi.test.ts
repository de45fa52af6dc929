/**
 * Issue 17 §6: every HTTP service's OpenAPI document (GET /docs/json) is valid OpenAPI, checked by an independent
 * validator (@seriousme/openapi-schema-validator, which validates against the official OpenAPI JSON schemas) rather
 * than by the library that generated it. A new service adds one entry to `services` below: a name and how to start
 * it (buildApp harness) returning something that answers inject(). Operations, notifications, postal, inbound and the
 * console run the same check from their own tests (tests/helpers/openapi.ts), where their harness already is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createMetricsRegistry } from '@lienthong/platform';
import { createTestDatabase, createTestNamespace, deleteTestNamespace, quietLogger, randomSuffix } from '../helpers/index.js';
import { createTestGateway } from '../helpers/gateway.js';
import { startNationalSync, startSandbox, syncEnv } from '../../services/national-sync/test/harness.js';
import { createTestPayments } from '../../services/payments/test/harness.js';
import { startCitizenData } from '../../services/citizen-data/test/harness.js';
import { buildApp as buildSandboxApp } from '../../services/sandbox/src/app.js';
import { loadSandboxConfig } from '../../services/sandbox/src/config.js';

interface Injectable {
  inject(opts: { method: 'GET'; url: string }): PromiseLike<{ statusCode: number; body: string }>;
}
interface Started {
  app: Injectable;
  close(): Promise<void>;
}
/** What a service's harness may need: a fresh database and topic namespace, shared by the entries. */
interface Env {
  ns: string;
  databaseUrl: string;
}

/** Every HTTP service of the hub. Later services add an entry here. */
const services: { name: string; start(env: Env): Promise<Started> }[] = [
  {
    name: 'gateway',
    start: async ({ ns, databaseUrl }) => {
      const gw = await createTestGateway({ namespace: ns, databaseUrl });
      return { app: gw.app, close: () => gw.close() };
    },
  },
  {
    name: 'national-sync',
    start: async ({ ns, databaseUrl }) => {
      const portal = await startSandbox();
      const sync = await startNationalSync(
        syncEnv({ ns, databaseUrl, sandboxUrl: portal.url, extra: { NATIONAL_SYNC_GROUP_ID: `openapi-${randomSuffix()}` } }),
        quietLogger('national-sync'),
      );
      return {
        app: sync.app,
        close: async () => {
          await sync.close();
          await portal.close();
        },
      };
    },
  },
  {
    name: 'payments',
    start: async ({ ns, databaseUrl }) => {
      const p = await createTestPayments({ namespace: ns, databaseUrl });
      return { app: p.app, close: () => p.close() };
    },
  },
  {
    name: 'citizen-data',
    start: async () => {
      const h = await startCitizenData({ logger: quietLogger('citizen-data') });
      return { app: h.app, close: () => h.close() };
    },
  },
  {
    name: 'sandbox',
    start: async () => {
      const app = await buildSandboxApp({
        logger: quietLogger('sandbox'),
        metrics: createMetricsRegistry('sandbox', { defaults: false }),
        config: loadSandboxConfig({}),
        publicUrl: 'http://127.0.0.1:8090',
      });
      return { app, close: () => app.close() };
    },
  },
];

let env: Env;
let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  const ns = await createTestNamespace();
  db = await createTestDatabase();
  env = { ns, databaseUrl: db.url };
});

afterAll(async () => {
  await deleteTestNamespace(env.ns);
  await db?.drop();
});

describe('the independent validator', () => {
  it('refuses a broken document (so the checks below can fail)', async () => {
    const broken = {
      openapi: '3.1.0',
      info: { title: 'x', version: '1' },
      paths: { '/a': { get: { responses: { 200: { content: 'json' } } } } },
    };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });
});

describe.each(services)('OpenAPI document of $name', ({ start }) => {
  let started: Started;
  beforeAll(async () => {
    started = await start(env);
  }, 60_000);
  afterAll(async () => {
    await started?.close();
  });

  it('is served at /docs/json and valid for an independent OpenAPI validator', async () => {
    const res = await started.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = JSON.parse(res.body) as { openapi: string; paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe(doc.openapi.slice(0, 3));
  });
});
