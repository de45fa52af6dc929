import type { FastifyInstance } from 'fastify';
import { Server as TlsServer } from 'node:tls';
import { loadConfig, describeConfig, type ConfigOf, type ConfigSchema } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { createMetricsRegistry, type Registry } from '../metrics.js';
import { createPool, runMigrations, type Pool } from '../db.js';
import { onShutdown, type ShutdownStep } from '../shutdown.js';
import { createHttpServer, type HttpServerOptions, type PlatformServerOptions } from '../http/server.js';
import { tlsOptionsFromConfig, type HttpsOptions } from '../http/tls.js';
import { createReloadableApiClients, type ReloadableApiClients } from '../auth/reloadable-clients.js';
import { HubError } from '../errors.js';
import { isConnectionError } from '../infra-errors.js';

/** What a service's `start` receives: its typed config and the real dependencies, built once here. */
export interface ServiceContext<C> {
  readonly name: string;
  readonly config: C;
  readonly logger: Logger;
  readonly metrics: Registry;
  /** The Postgres pool when the config has DATABASE_URL (migrations already applied), else undefined. */
  readonly pool: Pool | undefined;
  /** The API clients (reloaded on change/SIGHUP) when the config has API_CLIENTS_FILE, else undefined. */
  readonly clients: ReloadableApiClients | undefined;
  /**
   * What the platform derived from the config for the service's HTTP server (HTTPS from TLS_*): a service
   * whose buildApp calls createHttpServer itself passes this through (`{ ...serverOptions, ... }`).
   * runService refuses to listen when TLS is configured and the server it got back is plain HTTP.
   */
  readonly serverOptions: PlatformServerOptions;
  /** The service's fastify instance with the shared auth, errors, health and metrics (conventions §1). */
  httpServer(opts: Omit<HttpServerOptions, 'name' | 'logger' | 'metrics' | 'auth'> & { auth?: false }): Promise<FastifyInstance>;
  /**
   * Registers something to close on shutdown. Steps run after the HTTP server has drained, in the reverse
   * order of registration (consumers registered after their producer stop first), the pool last.
   */
  onClose(step: ShutdownStep): void;
}

/** What `start` returns: the app to listen with (if the service serves HTTP) and where. */
export interface StartedService {
  app?: FastifyInstance;
  listen?: { host: string; port: number };
}

export interface ServiceDefinition<S extends ConfigSchema> {
  /** kebab-case service name: logs, metrics prefix, Postgres application_name, migrations' key. */
  name: string;
  configSchema: S;
  /** Folder of `NNN-name.sql` migrations, applied before anything listens or consumes. */
  migrationsDir?: string;
  /**
   * Refusals the schema cannot express, run with the config check (same message on stderr, exit 1),
   * before anything connects: e.g. `refuseDemoSecrets` (service/demo-secrets.ts). Throw to refuse.
   */
  checkConfig?(config: ConfigOf<S>): void;
  /** Most Postgres connections of the pool (default 10): a service with parallel workers sizes it from its config. */
  poolMax?(config: ConfigOf<S>): number;
  start(ctx: ServiceContext<ConfigOf<S>>): Promise<StartedService>;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits for Postgres at start instead of exiting: a service started during a database restart (or before
 * the database in a compose file) comes up when it does. Logs each failed attempt by code and message.
 */
async function migrateWhenReachable(pool: Pool, name: string, dir: string, logger: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runMigrations(pool, { service: name, dir, logger });
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      // A migration that fails on its SQL is a programming error: retrying cannot help.
      if (/^migration /.test((err as Error).message) && !isConnectionError(err)) throw err;
      const wait = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      logger.warn(
        { attempt, code, message: (err as Error).message, retryInMs: wait },
        'postgres not reachable at start; waiting',
      );
      await delay(wait);
    }
  }
}

/**
 * The one way a service starts (issue 17 §5, conventions §1): config checked once (every problem listed,
 * exit 1), logger, metrics, Postgres with migrations before anything listens, the API clients, the
 * service's own `start`, then listen; graceful shutdown on SIGINT/SIGTERM drains HTTP, then closes what
 * `start` registered, then the pool. `src/main.ts` of a service is just `await runService(definition)`.
 */
export async function runService<S extends ConfigSchema>(def: ServiceDefinition<S>): Promise<void> {
  let config: ConfigOf<S>;
  let https: HttpsOptions | undefined;
  try {
    config = loadConfig(def.configSchema);
    def.checkConfig?.(config);
    https = tlsOptionsFromConfig(config as Record<string, unknown>);
  } catch (err) {
    process.stderr.write(`[${def.name}] ${(err as Error).message}\n`);
    process.exit(1);
  }
  const env = config as Record<string, unknown>;
  const logger = createLogger({ name: def.name, level: (env.LOG_LEVEL as string | undefined) ?? 'info' });
  logger.info({ config: describeConfig(def.configSchema, config) }, 'starting');
  const metrics = createMetricsRegistry(def.name);

  const closers: ShutdownStep[] = [];
  let app: FastifyInstance | undefined = undefined; // set once start() returned; read by the shutdown step
  const steps: ShutdownStep[] = [
    { name: 'http', close: () => app?.close() },
    {
      name: 'service',
      close: async () => {
        for (const step of [...closers].reverse()) {
          try {
            await step.close();
            logger.info({ step: step.name }, 'closed');
          } catch (err) {
            logger.error({ err, step: step.name }, 'close failed');
          }
        }
      },
    },
  ];

  let pool: Pool | undefined;
  if (typeof env.DATABASE_URL === 'string') {
    pool = createPool({
      connectionString: env.DATABASE_URL,
      applicationName: `lienthong-${def.name}`,
      logger,
      max: def.poolMax?.(config),
    });
    const p = pool;
    steps.push({ name: 'postgres', close: () => p.end() });
  }
  let clients: ReloadableApiClients | undefined;
  if (typeof env.API_CLIENTS_FILE === 'string') {
    try {
      clients = createReloadableApiClients({ path: env.API_CLIENTS_FILE, logger });
    } catch (err) {
      // Like a config error: one line naming the problem (a malformed fingerprint, a bad key hash), exit 1.
      process.stderr.write(`[${def.name}] API_CLIENTS_FILE: ${(err as Error).message}\n`);
      process.exit(1);
    }
    const bound = clients.clients.filter((c) => c.clientCertificate).map((c) => c.id);
    if (bound.length > 0 && !https?.requestCert)
      logger.warn(
        { clients: bound.slice(0, 50), count: bound.length },
        'these API clients are bound to a client certificate and this service does not ask for one (TLS_CLIENT_CA_FILE): their requests here are refused',
      );
    const c = clients;
    steps.push({ name: 'api-clients', close: () => c.close() });
  }
  // With API clients, SIGHUP re-reads their file (reloadable-clients.ts) and must not stop the service.
  onShutdown(logger, steps, { reloadOnHup: clients !== undefined });

  if (pool && def.migrationsDir) await migrateWhenReachable(pool, def.name, def.migrationsDir, logger);

  const ctx: ServiceContext<ConfigOf<S>> = {
    name: def.name,
    config,
    logger,
    metrics,
    pool,
    clients,
    serverOptions: https ? { https } : {},
    async httpServer(opts) {
      if (opts.auth === false) return createHttpServer({ ...opts, name: def.name, logger, metrics, auth: false, https });
      if (!clients) {
        throw new HubError('LT_CONFIG_INVALID', `${def.name}: an HTTP service needs API_CLIENTS_FILE in its config schema`, {
          kind: 'internal',
        });
      }
      return createHttpServer({ ...opts, name: def.name, logger, metrics, auth: { clients }, https });
    },
    onClose(step) {
      closers.push(step);
    },
  };
  const started = await def.start(ctx);
  app = started.app;
  if (https && app && !(app.server instanceof TlsServer)) {
    // A service that spread tlsConfigProperties but built its server without ctx.serverOptions would
    // otherwise listen in plain HTTP while the operator believes it serves HTTPS.
    process.stderr.write(
      `[${def.name}] TLS_CERT_FILE is set but the service built a plain HTTP server: its buildApp must pass ctx.serverOptions to createHttpServer\n`,
    );
    process.exit(1);
  }
  if (app && started.listen) {
    await app.listen(started.listen);
  }
  logger.info(
    {
      listen: started.listen,
      https: https !== undefined,
      clientCertificates: https ? (https.rejectUnauthorized ? 'required' : https.requestCert ? 'optional' : 'no') : undefined,
    },
    'started',
  );
}
