/**
 * `npm start` (infra/scripts/start.mjs) as the README describes it, on non-default ports: every service
 * starts from its dist build against the test broker and a fresh database under a random topic
 * namespace, the README's flows work over HTTP (dossier → sandbox portal; VNPAY payment → IPN → paid →
 * fee on the portal; refunded through VNPAY's refund command → the portal follows), and SIGINT stops every
 * child and frees every port.
 *
 * The script runs in its own process group, so whatever it started can be found (and, should a test fail
 * half-way, killed) by that group. The API clients file is a temporary one: the default, .data/api-clients.json,
 * is shared by every checkout's `npm start` and by parallel test runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateApiKey, hashApiKey } from '@lienthong/platform';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  randomSuffix,
  testBrokers,
} from '../helpers/index.js';
import { freePort } from '../../services/payments/test/harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Every service `npm start` runs, with the variable that moves its port (the test puts each on a free one). */
const portVars = {
  sandbox: 'SANDBOX_PORT',
  gateway: 'GATEWAY_PORT',
  'national-sync': 'NATIONAL_SYNC_PORT',
  payments: 'PAYMENTS_PORT',
  'citizen-data': 'CITIZEN_DATA_PORT',
  console: 'CONSOLE_PORT',
  operations: 'OPERATIONS_PORT',
  notifications: 'NOTIFICATIONS_PORT',
  postal: 'POSTAL_PORT',
  inbound: 'INBOUND_PORT',
} as const;
const services = Object.keys(portVars) as (keyof typeof portVars)[];

/** Pids of every live process in process group `pgid` (Linux /proc; field 5 of stat, after the command's ')'). */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Whether something accepts TCP connections on 127.0.0.1:port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.setTimeout(2_000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('timeout', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe('npm start (infra/scripts/start.mjs) on non-default ports', () => {
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let proc: ChildProcess | undefined;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let output = '';
  const key = generateApiKey();
  const clientsFile = path.join(tmpdir(), `lt-start-clients-${randomSuffix()}.json`);
  const ports = Object.fromEntries(services.map((s) => [s, 0])) as Record<(typeof services)[number], number>;
  const url = (s: (typeof services)[number]) => `http://127.0.0.1:${ports[s]}`;
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const maHoSo = `000.00.01.H22-251123-${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  let members: number[] = [];
  /** The README's VNPAY payment, paid; refunded by the next test. */
  let paidPaymentId: string | undefined;

  beforeAll(async () => {
    // The suite runs after `npm run build`; alone, this builds what the script starts (a no-op when up to date).
    await promisify(execFile)('npx', ['tsc', '-b', ...services.map((s) => `services/${s}`)], { cwd: root, timeout: 300_000 });
    ns = await createTestNamespace();
    db = await createTestDatabase();
    // Never a default port: a hub (or another test) running on this machine must not be hit.
    const taken = new Set([8080, 8081, 8082, 8083, 8084, 8085, 8086, 8087, 8088, 8090]);
    for (const s of services) {
      let p = await freePort();
      while (taken.has(p)) p = await freePort();
      taken.add(p);
      ports[s] = p;
    }
    writeFileSync(
      clientsFile,
      JSON.stringify({
        clients: [
          {
            id: 'demo',
            name: 'start-script test',
            keyHash: hashApiKey(key),
            agencies: ['*'],
            roles: ['submitter', 'operator', 'auditor', 'viewer'],
          },
        ],
      }),
    );
    proc = spawn(process.execPath, ['infra/scripts/start.mjs'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        KAFKA_BROKERS: testBrokers().join(','),
        DATABASE_URL: db.url,
        KAFKA_TOPIC_NAMESPACE: ns,
        ...Object.fromEntries(services.map((s) => [portVars[s], String(ports[s])])),
        HUB_DEMO_API_KEY: key,
        API_CLIENTS_FILE: clientsFile,
        LOG_LEVEL: 'warn',
      },
    });
    const p = proc;
    p.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    p.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    exited = new Promise((resolve) => p.once('exit', (code, signal) => resolve({ code, signal })));
    const up = eventually(() => output.includes('the hub is up'), {
      what: '"the hub is up"',
      timeoutMs: 180_000,
      intervalMs: 200,
    });
    up.catch(() => {});
    const first = await Promise.race([up.then(() => 'up' as const), exited]).catch((err: Error) => err);
    if (first !== 'up')
      throw new Error(
        `start.mjs did not come up (${first instanceof Error ? first.message : `exited ${JSON.stringify(first)}`})\n--- its output ---\n${output.slice(-4_000)}`,
      );
  }, 420_000);

  afterAll(async () => {
    // Whatever a failed test left running: the whole process group (the script and every service it started).
    if (proc?.pid && groupMembers(proc.pid).length) {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {}
    }
    rmSync(clientsFile, { force: true });
    if (ns) await deleteTestNamespace(ns);
    await db?.drop();
  });

  it('prints every service on its configured port, the topic namespace and the demo key', () => {
    for (const s of services) expect(output).toMatch(new RegExp(`\\[start\\]\\s+${s}\\s+${url(s).replace(/[.]/g, '\\.')}`));
    expect(output).toContain(`topic namespace ${ns}`);
    expect(output).toContain(`demo API key: ${key}`);
    expect(output).toContain(`curl -s -X POST ${url('gateway')}/v1/dossiers`);
  });

  it("the README's dossier: 202 from the gateway, then the sandbox portal holds it field for field", async () => {
    const dossier = { ...JSON.parse(readFileSync(path.join(root, 'tests/fixtures/demo/dossier.json'), 'utf8')), MaHoSo: maHoSo };
    const res = await fetch(`${url('gateway')}/v1/dossiers`, { method: 'POST', headers: auth, body: JSON.stringify(dossier) });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: [{ MaHoSo: maHoSo }] });
    const held = await eventually(
      async () => {
        const r = await fetch(`${url('sandbox')}/dvcqg/_admin/dossiers/${encodeURIComponent(maHoSo)}`);
        return r.status === 200 ? ((await r.json()) as { dossier: Record<string, unknown> | null }).dossier : undefined;
      },
      { what: 'the dossier at the sandbox portal', timeoutMs: 30_000 },
    );
    expect(held).toEqual(dossier);
  });

  it("the README's payment: created at the sandbox's VNPAY, paid there, IPN to payments, paid, fee on the portal", async () => {
    const created = await fetch(`${url('payments')}/v1/payments`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        MaHoSo: maHoSo,
        provider: 'vnpay',
        amount: 50000,
        fees: [{ TenPhiLePhi: 'Lệ phí cấp giấy phép', SoTien: 50000 }],
        payer: {},
        returnUrl: 'https://motcua.example.vn/ket-qua',
      }),
    });
    expect(created.status).toBe(201);
    const { paymentId, payUrl } = (await created.json()) as { paymentId: string; payUrl: string };
    // The pay URL points at this run's sandbox, not at the default :8090.
    expect(payUrl.startsWith(`${url('sandbox')}/vnpay/`)).toBe(true);
    const paid = await fetch(`${url('sandbox')}/vnpay/_admin/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payUrl }),
    });
    expect(paid.status).toBe(200);
    // Only the IPN settles a payment: "paid" means the sandbox reached payments on PAYMENTS_PORT.
    const payment = await eventually(
      async () => {
        const r = await fetch(`${url('payments')}/v1/payments/${paymentId}`, { headers: auth });
        const body = (await r.json()) as { status?: string };
        return body.status === 'paid' ? body : undefined;
      },
      { what: 'the payment paid', timeoutMs: 30_000 },
    );
    expect(payment).toMatchObject({ paymentId, MaHoSo: maHoSo, amount: 50000 });
    const ipns = (await (await fetch(`${url('sandbox')}/vnpay/_admin/notifications`)).json()) as {
      notifications: Array<{ outcome: string; response?: { RspCode?: string } }>;
    };
    expect(ipns.notifications.map((n) => [n.outcome, n.response?.RspCode])).toEqual([['sent', '00']]);
    // payments → payment.events.v1 (namespaced) → national-sync → the portal's copy of the dossier.
    const withFee = await eventually(
      async () => {
        const r = await fetch(`${url('sandbox')}/dvcqg/_admin/dossiers/${encodeURIComponent(maHoSo)}`);
        const d = ((await r.json()) as { dossier: Record<string, unknown> | null }).dossier;
        return d?.DuocThanhToanTrucTuyen === '2' ? d : undefined;
      },
      { what: 'the fee on the portal', timeoutMs: 40_000 },
    );
    expect(withFee.DanhSachLePhi).toEqual([
      { TenPhiLePhi: 'Lệ phí cấp giấy phép', MaPhiLePhi: '1', HinhThucThu: '1', Gia: '50000', LoaiPhiLePhi: '1' },
    ]);
    paidPaymentId = paymentId;
  });

  it("the README's refund: VNPAY's refund command answers in npm start's sandbox (part, then the rest), the portal follows", async () => {
    expect(paidPaymentId, 'the payment of the previous test').toBeDefined();
    const refund = (body: object) =>
      fetch(`${url('payments')}/v1/payments/${paidPaymentId}/refunds`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(body),
      });
    const part = await refund({ amount: 20000, reason: 'Thu thừa lệ phí, hoàn một phần' });
    expect(part.status).toBe(201);
    expect(await part.json()).toMatchObject({
      amount: 20000,
      kind: 'provider',
      state: 'succeeded',
      providerCode: '06',
      refundedAmount: 20000,
    });
    const rest = await refund({ reason: 'Hồ sơ bị từ chối, hoàn phần còn lại' });
    expect(await rest.json()).toMatchObject({ amount: 30000, state: 'succeeded', refundedAmount: 50000 });
    // The refund commands reached the sandbox's VNPAY (enabled by npm start) and it holds both refunds.
    const txns = (await (await fetch(`${url('sandbox')}/vnpay/_admin/transactions`)).json()) as {
      transactions: { txnRef: string; refunds?: { type: string; status: string; amountVnd: number }[] }[];
    };
    const txn = txns.transactions.find((t) => t.txnRef === paidPaymentId!.replace(/-/g, ''));
    expect(txn?.refunds?.map((r) => [r.type, r.status, r.amountVnd])).toEqual([
      ['03', '06', 20000],
      ['03', '06', 30000],
    ]);
    // Fully refunded: payment.refunded → national-sync → the portal's dossier no longer counts the fee as paid online.
    await eventually(
      async () => {
        const r = await fetch(`${url('sandbox')}/dvcqg/_admin/dossiers/${encodeURIComponent(maHoSo)}`);
        const d = ((await r.json()) as { dossier: Record<string, unknown> | null }).dossier;
        return d?.DuocThanhToanTrucTuyen === '0' && Array.isArray(d.DanhSachLePhi) && d.DanhSachLePhi.length === 0;
      },
      { what: 'the refund on the portal', timeoutMs: 40_000 },
    );
  });

  it('supervises: a service killed with SIGKILL is announced, restarted with backoff, and serves again', async () => {
    const before = groupMembers(proc!.pid!);
    const gatewayPid = before.find((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path.join('services', 'gateway', 'dist', 'main.js'));
      } catch {
        return false;
      }
    });
    expect(gatewayPid, "the gateway process in the script's group").toBeDefined();
    process.kill(gatewayPid!, 'SIGKILL');
    await eventually(() => /!!! gateway STOPPED UNEXPECTEDLY \(signal SIGKILL\); restart #1 in \d+\.\d s/.test(output), {
      what: 'the loud announcement',
      timeoutMs: 10_000,
    });
    const ready = await eventually(
      async () => {
        const r = await fetch(`${url('gateway')}/health/ready`).catch(() => undefined);
        return r?.status === 200;
      },
      { what: 'the gateway back', timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(ready).toBe(true);
    expect(output).toContain('restarting gateway (restart #1)');
    // Nothing else was stopped, and the restarted gateway takes dossiers again.
    expect(output).not.toMatch(/stopping…|could not start/);
    for (const s of services) expect(await listening(ports[s])).toBe(true);
    const dossier = {
      ...JSON.parse(readFileSync(path.join(root, 'tests/fixtures/demo/dossier.json'), 'utf8')),
      MaHoSo: `${maHoSo.slice(0, -8)}${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    };
    const res = await fetch(`${url('gateway')}/v1/dossiers`, { method: 'POST', headers: auth, body: JSON.stringify(dossier) });
    expect(res.status).toBe(202);
    await eventually(
      async () => {
        const r = await fetch(`${url('sandbox')}/dvcqg/_admin/dossiers/${encodeURIComponent(dossier.MaHoSo as string)}`);
        return r.status === 200 && ((await r.json()) as { dossier: unknown }).dossier;
      },
      { what: 'the dossier at the portal after the restart', timeoutMs: 30_000 },
    );
  }, 120_000);

  it('SIGINT stops every service it started and frees every port', async () => {
    const p = proc!;
    members = groupMembers(p.pid!);
    // The script and every service (npm is not involved: the script was started directly).
    expect(members.length).toBeGreaterThanOrEqual(1 + services.length);
    for (const s of services) expect(await listening(ports[s])).toBe(true);
    p.kill('SIGINT');
    const bounded = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
    expect(bounded, output.slice(-4_000)).toEqual({ code: 0, signal: null });
    expect(output).toContain('[start] stopped');
    await eventually(() => members.every((pid) => !alive(pid)), { what: 'every child gone', timeoutMs: 10_000 });
    expect(groupMembers(p.pid!)).toEqual([]);
    for (const s of services) expect(await listening(ports[s]), `${s} port ${ports[s]} still open`).toBe(false);
    expect(output).not.toMatch(/exited \(|could not start/);
    // Only the SIGKILL of the supervision test was unexpected.
    expect(output.match(/STOPPED UNEXPECTEDLY/g) ?? []).toHaveLength(1);
  }, 90_000);
});
