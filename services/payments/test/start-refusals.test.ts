/**
 * payments as a real process (dist/main.js, built here) refuses the sandbox merchants at start — exit 1 with a
 * message naming the setting, before anything connects (the database URL points nowhere: a start that got past
 * the check would wait for it instead of exiting). Run from the layout of the Docker image too: the built service
 * in a tree WITHOUT its demo/ folder (the image deletes services/*\/demo) and the merchants file mounted at
 * /run/config/merchants.json as compose does, so nothing but the file's content can give the demo merchants away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToExit } from '../../../tests/helpers/run-to-exit.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const demoText = readFileSync(path.join(root, 'services/payments/demo/merchants.sandbox.json'), 'utf8');
let image: string;
let mounted: string;

const start = (cwd: string, env: Record<string, string>) => runToExit('services/payments/dist/main.js', env, { cwd });

const env = (merchantsFile: string) => ({
  DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
  API_CLIENTS_FILE: path.join(image, 'run/config/api-clients.json'),
  PAYMENTS_MERCHANTS_FILE: merchantsFile,
});

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'services/payments'], { cwd: root, stdio: 'pipe', timeout: 180_000 });
  // The image's layout: the built service and its package.json, the dependencies, no demo/ folder.
  image = mkdtempSync(path.join(tmpdir(), 'lt-payments-image-'));
  mkdirSync(path.join(image, 'services/payments'), { recursive: true });
  cpSync(path.join(root, 'services/payments/dist'), path.join(image, 'services/payments/dist'), { recursive: true });
  cpSync(path.join(root, 'services/payments/package.json'), path.join(image, 'services/payments/package.json'));
  symlinkSync(path.join(root, 'node_modules'), path.join(image, 'node_modules'), 'dir');
  mkdirSync(path.join(image, 'run/config'), { recursive: true });
  mounted = path.join(image, 'run/config/merchants.json');
  writeFileSync(mounted, demoText);
}, 240_000);

afterAll(() => {
  if (image) rmSync(image, { recursive: true, force: true });
});

describe('payments refuses the sandbox merchants by their content', () => {
  it('in the image layout (no demo folder), mounted as merchants.json, under NODE_ENV=production', async () => {
    expect(existsSync(path.join(image, 'services/payments/demo'))).toBe(false);
    const r = await start(image, { ...env(mounted), NODE_ENV: 'production' });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(
      /PAYMENTS_MERCHANTS_FILE \(credentials of the sandbox demo merchants\) while NODE_ENV is production/,
    );
  });

  it('in the image layout, against a provider that is not the sandbox', async () => {
    const r = await start(image, { ...env(mounted), MOMO_API_URL: 'https://payment.momo.vn' });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/PAYMENTS_MERCHANTS_FILE.*MOMO_API_URL is not the sandbox's \(https:\/\/payment\.momo\.vn\)/);
  });

  it('from the repository, a renamed copy elsewhere under NODE_ENV=production', async () => {
    const renamed = path.join(image, 'run/config/h22-merchants.json');
    writeFileSync(renamed, JSON.stringify(JSON.parse(demoText), null, 1));
    const r = await start(root, { ...env(renamed), NODE_ENV: 'production' });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/PAYMENTS_MERCHANTS_FILE.*NODE_ENV is production/);
  });
});
