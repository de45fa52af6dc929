import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations, type Logger, type Pool } from '@lienthong/platform';

/** The package's own migrations (`packages/webhooks/migrations`), from src/ (tests) and dist/ alike. */
export const webhooksMigrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

/**
 * Applies the webhooks tables, recorded under the migrations key `webhooks` (not the calling service's), so
 * two services sharing a database (notifications, inbound) apply them once; the platform's advisory lock
 * serialises services starting together. Call it in `start`, before building the dispatcher.
 */
export function runWebhooksMigrations(pool: Pool, logger?: Logger): Promise<string[]> {
  return runMigrations(pool, { service: 'webhooks', dir: webhooksMigrationsDir, ...(logger ? { logger } : {}) });
}
