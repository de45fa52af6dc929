/**
 * national-sync as a real process (dist/main.js, built here): refusals at start exit 1 with a message
 * naming the setting, before anything connects (the database URL points nowhere: a start that got past
 * the check would wait for it instead of exiting).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SANDBOX_DVCQG_PASSWORD } from '../src/config.js';
import { testClientsFile } from './harness.js';
import { runToExit } from '../../../tests/helpers/run-to-exit.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const start = (env: Record<string, string>) => runToExit('services/national-sync/dist/main.js', env, { cwd: root });

const env = {
  DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
  API_CLIENTS_FILE: testClientsFile(),
  DVCQG_USERNAME: 'lienthong',
  DVCQG_PASSWORD: SANDBOX_DVCQG_PASSWORD,
  DVCQG_MADONVI: '000.00.00.H22',
  DVCQG_BASE_URL: 'http://127.0.0.1:8090/dvcqg',
};

describe('national-sync refuses to start', () => {
  beforeAll(() => {
    execFileSync('npx', ['tsc', '-b', 'services/national-sync'], { cwd: root, stdio: 'pipe', timeout: 180_000 });
  }, 240_000);

  it('with the sandbox DVCQG password under NODE_ENV=production', async () => {
    const r = await start({ ...env, NODE_ENV: 'production' });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/DVCQG_PASSWORD \(the sandbox portal password\) while NODE_ENV is production/);
  });

  it('with the sandbox DVCQG password against a portal that is not the sandbox', async () => {
    const r = await start({ ...env, DVCQG_BASE_URL: 'https://dichvucong.gov.vn/lgsp' });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/DVCQG_PASSWORD.*DVCQG_BASE_URL is not the sandbox's \(https:\/\/dichvucong\.gov\.vn\)/);
  });

  it('without an API clients file (the admin API has no other guard)', async () => {
    const { API_CLIENTS_FILE: _none, ...rest } = env;
    const r = await start(rest);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/API_CLIENTS_FILE/);
  });
});
