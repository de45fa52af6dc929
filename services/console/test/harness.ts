/**
 * The console for tests: its real app (buildApp) on a fresh database with its migrations, an API-clients
 * registry of the given operators, backends at the given URLs (absent ones answer "not available"), and
 * optionally the event index on a test topic namespace. Plus a small cookie-keeping client that signs in
 * the way a browser does (GET the form for its CSRF token, POST it).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import {
  createApiClientRegistry,
  createMetricsRegistry,
  createReloadableApiClients,
  createPool,
  hashApiKey,
  runMigrations,
  type Pool,
  type Role,
} from '@lienthong/platform';
import { buildApp } from '../src/app.js';
import { createSessionStore } from '../src/lib/sessions.js';
import { createActionLog } from '../src/lib/action-log.js';
import { createBackends, type ServiceName } from '../src/lib/backends.js';
import { createOverviewSampler } from '../src/overview/sampler.js';
import { createLiveFeed, type LiveFeed } from '../src/live/feed.js';
import { createEventIndex, type EventIndex } from '../src/index/event-index.js';
import { createEventProducer, replayDeadLetters, type EventProducer } from '@lienthong/events';
import type { GenericReplay } from '../src/lib/replay.js';
import { quietLogger, testKafka } from '../../../tests/helpers/index.js';

export const TEST_SECRET = 'test-console-secret-0123456789abcdef-0123456789';

export interface TestOperator {
  id: string;
  key: string;
  roles: Role[];
  agencies?: string[];
}

export interface TestConsole {
  app: FastifyInstance;
  pool: Pool;
  /** The live feed the index publishes to (a test may publish what the index would). */
  feed: LiveFeed;
  url: string | undefined;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function startConsole(opts: {
  databaseUrl: string;
  operators: TestOperator[];
  urls?: Partial<Record<ServiceName, string>>;
  namespace?: string;
  nationalSyncGroup?: string;
  scrapeIntervalMs?: number;
  cookieSecure?: boolean;
  /** Use this clients file, reloaded as the services do, instead of a registry of `operators`. */
  clientsFile?: string;
}): Promise<TestConsole> {
  const logger = quietLogger('console');
  const pool = createPool({ connectionString: opts.databaseUrl, applicationName: 'console-test', logger });
  await runMigrations(pool, {
    service: 'console',
    dir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations'),
    logger,
  });
  const reloadable = opts.clientsFile
    ? createReloadableApiClients({ path: opts.clientsFile, logger, pollIntervalMs: 100 })
    : undefined;
  const clients =
    reloadable ??
    createApiClientRegistry({
      clients: opts.operators.map((o) => ({
        id: o.id,
        name: o.id,
        keyHash: hashApiKey(o.key),
        agencies: o.agencies ?? ['*'],
        roles: o.roles,
      })),
    });
  const backends = createBackends(opts.urls ?? {}, 4_000);
  const sampler = createOverviewSampler({ backends, intervalMs: opts.scrapeIntervalMs ?? 1_000, logger });
  const feed = createLiveFeed();
  let index: EventIndex | undefined;
  let producer: EventProducer | undefined;
  let genericReplay: GenericReplay | undefined;
  if (opts.namespace !== undefined) {
    const kafka = testKafka('console-index');
    producer = createEventProducer({ kafka, logger, transactionalIdPrefix: `console-test-${opts.namespace}`, lanes: 1 });
    await producer.connect();
    const p = producer;
    genericReplay = (o) => replayDeadLetters({ ...o, kafka, producer: p, logger });
    index = createEventIndex({
      kafka,
      pool,
      logger,
      namespace: opts.namespace,
      groupId: `console-index-${opts.namespace}`,
      onIndexed: (rows) => feed.publish(rows),
      onDeadLetter: () => feed.deadLettersChanged(),
    });
    await index.start();
  }
  if (opts.urls && Object.keys(opts.urls).length) sampler.start();
  const app = await buildApp({
    pool,
    clients,
    sessions: createSessionStore(pool, { secret: TEST_SECRET, ttlHours: 8, idleMinutes: 30 }),
    actions: createActionLog(pool),
    backends,
    sampler,
    feed,
    logger,
    metrics: createMetricsRegistry('console-test', { defaults: false }),
    secret: TEST_SECRET,
    cookieSecure: opts.cookieSecure ?? true,
    nationalSyncGroup: opts.nationalSyncGroup ?? 'national-sync',
    ...(genericReplay ? { genericReplay } : {}),
  });
  let url: string | undefined;
  return {
    app,
    pool,
    feed,
    get url() {
      return url;
    },
    async listen() {
      url = await app.listen({ host: '127.0.0.1', port: 0 });
      return url;
    },
    async close() {
      await sampler.stop();
      await app.close();
      await index?.stop();
      await producer?.disconnect();
      reloadable?.close();
      await pool.end();
    },
  };
}

/** A cookie-keeping client over app.inject, signing in like a browser. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(setCookie: string | string[] | undefined): void {
    for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  async post(url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...headers },
    });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  /** The CSRF token of the first form on a page. */
  async csrf(url: string): Promise<string> {
    const res = await this.get(url);
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (!m) throw new Error(`no CSRF token on ${url} (${res.statusCode})`);
    return m[1]!;
  }

  async signIn(key: string) {
    const token = await this.csrf('/dang-nhap');
    return this.post('/dang-nhap', { _csrf: token, apiKey: key, back: '/' });
  }
}
