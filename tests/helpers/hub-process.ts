/**
 * The hub as an operator runs it, for fault tests: `infra/scripts/start.mjs` (npm start) with a subset of
 * services (HUB_SERVICES), each a real process from its dist build under the supervisor, on free ports, in its
 * own process group (so a failed test can kill whatever it started). Plus the client side of the README's
 * flows: a provincial system posting dossiers with retries, payments created and paid at the sandbox.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateApiKey, hashApiKey } from '@lienthong/platform';
import { eventually, randomSuffix } from './env.js';
import { freePort } from '../../services/payments/test/harness.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const hubServices = ['sandbox', 'gateway', 'national-sync', 'payments'] as const;
export type HubService = (typeof hubServices)[number];
const portVars: Record<HubService, string> = {
  sandbox: 'SANDBOX_PORT',
  gateway: 'GATEWAY_PORT',
  'national-sync': 'NATIONAL_SYNC_PORT',
  payments: 'PAYMENTS_PORT',
};
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface HubProcess {
  url(s: HubService): string;
  /** Everything start.mjs and the services printed so far. */
  output(): string;
  auth: Record<string, string>;
  stop(): Promise<void>;
}

/** Builds the four services, starts start.mjs with `env` (KAFKA_BROKERS, DATABASE_URL, …) and waits for "the hub is up". */
export async function startHubProcess(env: Record<string, string>): Promise<HubProcess> {
  await promisify(execFile)('npx', ['tsc', '-b', ...hubServices.map((s) => `services/${s}`)], {
    cwd: repoRoot,
    timeout: 300_000,
  });
  const key = generateApiKey();
  const clientsFile = path.join(tmpdir(), `lt-hub-clients-${randomSuffix()}.json`);
  writeFileSync(
    clientsFile,
    JSON.stringify({
      clients: [
        {
          id: 'demo',
          name: 'fault test',
          keyHash: hashApiKey(key),
          agencies: ['*'],
          roles: ['submitter', 'operator', 'auditor', 'viewer'],
        },
      ],
    }),
  );
  const ports = {} as Record<HubService, number>;
  const taken = new Set([8080, 8081, 8082, 8090]);
  for (const s of hubServices) {
    let p = await freePort();
    while (taken.has(p)) p = await freePort();
    taken.add(p);
    ports[s] = p;
  }
  let output = '';
  const proc: ChildProcess = spawn(process.execPath, ['infra/scripts/start.mjs'], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HUB_SERVICES: hubServices.join(','),
      HUB_DEMO_API_KEY: key,
      API_CLIENTS_FILE: clientsFile,
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(hubServices.map((s) => [portVars[s], String(ports[s])])),
      ...env,
    },
  });
  proc.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const stop = async () => {
    if (proc.pid) {
      try {
        process.kill(-proc.pid, 'SIGINT');
      } catch {}
      await Promise.race([exited, sleep(30_000)]);
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {}
    }
    rmSync(clientsFile, { force: true });
  };
  const up = eventually(() => output.includes('the hub is up'), { what: '"the hub is up"', timeoutMs: 180_000, intervalMs: 200 });
  up.catch(() => {});
  const first = await Promise.race([up.then(() => 'up' as const), exited]);
  if (first !== 'up') {
    await stop();
    throw new Error(`start.mjs did not come up: ${JSON.stringify(first)}\n${output.slice(-4_000)}`);
  }
  return {
    url: (s) => `http://127.0.0.1:${ports[s]}`,
    output: () => output,
    auth: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    stop,
  };
}

const template = JSON.parse(readFileSync(path.join(repoRoot, 'tests/fixtures/demo/dossier.json'), 'utf8')) as Record<
  string,
  unknown
>;

/** The README's demo dossier under another MaHoSo. */
export const demoDossier = (maHoSo: string): Record<string, unknown> => ({ ...template, MaHoSo: maHoSo });

/** What the README's flows need from a running hub, as a provincial system and a citizen use them. */
export function hubClient(hub: HubProcess) {
  return {
    /** Posts one dossier, retrying a 5xx, 409 (first attempt in flight), 429 or a refused connection until 202. */
    async postUntilAccepted(maHoSo: string, idempotencyKey: string): Promise<void> {
      const body = JSON.stringify(demoDossier(maHoSo));
      for (;;) {
        const r = await fetch(`${hub.url('gateway')}/v1/dossiers`, {
          method: 'POST',
          headers: { ...hub.auth, 'idempotency-key': idempotencyKey },
          body,
          signal: AbortSignal.timeout(20_000),
        }).catch(() => undefined);
        if (r?.status === 202) return;
        if (r && r.status < 500 && r.status !== 409 && r.status !== 429)
          throw new Error(`${maHoSo}: HTTP ${r.status} ${await r.text()}`);
        await sleep(1_000);
      }
    },
    async createPayment(maHoSo: string): Promise<{ paymentId: string; payUrl: string }> {
      for (;;) {
        const r = await fetch(`${hub.url('payments')}/v1/payments`, {
          method: 'POST',
          headers: { ...hub.auth, 'idempotency-key': `pay-${maHoSo}` },
          body: JSON.stringify({
            MaHoSo: maHoSo,
            provider: 'vnpay',
            amount: 50000,
            fees: [{ TenPhiLePhi: 'Lệ phí cấp giấy phép', SoTien: 50000 }],
            payer: {},
            returnUrl: 'https://motcua.example.vn/ket-qua',
          }),
          signal: AbortSignal.timeout(20_000),
        }).catch(() => undefined);
        if (r?.status === 201) return (await r.json()) as { paymentId: string; payUrl: string };
        if (r && r.status < 500) throw new Error(`payment for ${maHoSo}: HTTP ${r.status} ${await r.text()}`);
        await sleep(1_000);
      }
    },
    /** The citizen pays at the sandbox's VNPAY; its IPN then goes to payments (retried by the sandbox). */
    pay: (payUrl: string) =>
      fetch(`${hub.url('sandbox')}/vnpay/_admin/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ payUrl }),
      }).then((r) => r.status),
    async paymentStatus(paymentId: string): Promise<string | undefined> {
      const r = await fetch(`${hub.url('payments')}/v1/payments/${paymentId}`, { headers: hub.auth }).catch(() => undefined);
      return r?.status === 200 ? ((await r.json()) as { status: string }).status : undefined;
    },
    async portalDossier(maHoSo: string): Promise<Record<string, unknown> | null> {
      const r = await fetch(`${hub.url('sandbox')}/dvcqg/_admin/dossiers/${encodeURIComponent(maHoSo)}`);
      return r.status === 200 ? ((await r.json()) as { dossier: Record<string, unknown> | null }).dossier : null;
    },
    readiness: (s: HubService) =>
      fetch(`${hub.url(s)}/health/ready`, { signal: AbortSignal.timeout(5_000) })
        .then((r) => r.status)
        .catch(() => 0),
  };
}
