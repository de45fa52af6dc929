import type { ServiceDefinition } from '@lienthong/platform';
import { buildApp } from './app.js';
import { sandboxConfigSchema, type SandboxConfig } from './config.js';

/**
 * The sandbox on the same skeleton as every service (issue 17 §5): config checked once (every peer's
 * variables included), logger, metrics, graceful shutdown. It has no API clients and no database: each
 * simulated peer authenticates callers with its own protocol, and its state lives in memory on purpose
 * (a restart is a clean peer). Never deployed in production.
 */
export const sandboxService: ServiceDefinition<typeof sandboxConfigSchema> = {
  name: 'sandbox',
  configSchema: sandboxConfigSchema,
  async start({ config, logger, metrics }) {
    const c = config as unknown as SandboxConfig;
    const publicUrl = c.SANDBOX_PUBLIC_URL ?? `http://${c.SANDBOX_HOST}:${c.SANDBOX_PORT}`;
    const app = await buildApp({ logger, metrics, config: c, publicUrl });
    return { app, listen: { host: c.SANDBOX_HOST, port: c.SANDBOX_PORT } };
  },
};
