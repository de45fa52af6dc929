/**
 * Every service that delivers webhooks (notifications, inbound) as a real process (dist/main.js, built here):
 * WEBHOOKS_ALLOW_HTTP under NODE_ENV=production exits 1 naming the setting, before anything connects (the
 * database URL points nowhere: a start that got past the check would wait for it instead of exiting).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiKey, hashApiKey } from '@lienthong/platform';
import { runToExit } from '../helpers/run-to-exit.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'lt-webhooks-refusal-'));
const clientsFile = path.join(dir, 'api-clients.json');
writeFileSync(
  clientsFile,
  JSON.stringify({
    clients: [{ id: 'ops', name: 'ops', keyHash: hashApiKey(generateApiKey()), agencies: ['*'], roles: ['operator'] }],
  }),
);

/** Runs a service's dist/main.js with only `env` (and PATH); resolves with its exit code and output. */
const start = (main: string, env: Record<string, string>) => runToExit(main, env, { cwd: root });

const common = {
  DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
  API_CLIENTS_FILE: clientsFile,
  WEBHOOKS_SECRET_KEY: randomBytes(32).toString('hex'),
  WEBHOOKS_ALLOW_HTTP: 'true',
  NODE_ENV: 'production',
};
const services = [
  {
    name: 'notifications',
    main: 'services/notifications/dist/main.js',
    env: {
      ...common,
      NOTIFICATIONS_TEMPLATES_FILE: path.join(dir, 'templates.json'),
      NOTIFICATIONS_PROVIDERS_FILE: path.join(dir, 'providers.json'),
      NOTIFICATIONS_DATA_KEY: randomBytes(32).toString('hex'),
    },
  },
  { name: 'inbound', main: 'services/inbound/dist/main.js', env: common },
];

describe.each(services)('$name refuses WEBHOOKS_ALLOW_HTTP in production', ({ main, env }) => {
  beforeAll(() => {
    execFileSync('npx', ['tsc', '-b', path.dirname(path.dirname(main))], { cwd: root, stdio: 'pipe', timeout: 180_000 });
  }, 240_000);

  it('exits 1 naming the setting, before connecting to anything', async () => {
    const r = await start(main, env);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/development settings refused while NODE_ENV is production: WEBHOOKS_ALLOW_HTTP/);
    expect(r.output).not.toMatch(/postgres not reachable/);
  });
});
