/**
 * postal as a real process (services/postal/dist/main.js): SIGKILLed after VNPost created the order but
 * before the hub recorded it (issue 15). The restarted process takes the order again once its lease runs
 * out, finds it at VNPost by saleOrderCode (= MaHoSo) and records it: one order at VNPost, never two.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey } from '@lienthong/platform';
import vnpostPeer from '../../services/sandbox/src/peers/vnpost/index.js';
import { freePort } from '../../services/payments/test/harness.js';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  testBrokers,
} from '../helpers/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const MA_HO_SO = '000.00.01.H22-251201-0777';

describe('postal process: SIGKILL between VNPost’s create and the hub’s record', () => {
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sandbox: FastifyInstance;
  let sandboxUrl: string;
  let env: Record<string, string>;
  let port: number;
  const key = generateApiKey();
  const procs: ChildProcess[] = [];
  let output = '';

  const start = () => {
    const p = spawn(process.execPath, ['services/postal/dist/main.js'], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    p.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    procs.push(p);
    return p;
  };
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${url}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const admin = async (method: string, p: string, body?: unknown) =>
    (await fetch(`${sandboxUrl}/vnpost/_admin${p}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    }).then((r) => r.json())) as any;
  const ready = () =>
    eventually(
      async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200 || undefined,
      {
        what: 'postal ready',
        timeoutMs: 60_000,
        intervalMs: 200,
      },
    );

  beforeAll(async () => {
    execFileSync('npx', ['tsc', '-b', 'services/postal'], { cwd: root, stdio: 'pipe', timeout: 180_000 });
    ns = await createTestNamespace();
    db = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'postal-kill-'));
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(path.join(dir, 'vnpost.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(dir, 'vnpost.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(
      path.join(dir, 'clients.json'),
      JSON.stringify({
        clients: [{ id: 'h22', name: 'H22', keyHash: hashApiKey(key), agencies: ['*.H22'], roles: ['submitter', 'viewer'] }],
      }),
    );
    writeFileSync(
      path.join(dir, 'agencies.json'),
      JSON.stringify({
        agencies: {
          '*.H22': {
            route: 'myvnpost',
            sender: { name: 'Trung tâm PVHCC', phone: '02193866666', address: 'Số 1 Nguyễn Trãi', communeCode: '01234' },
            serviceCode: 'CTN009',
          },
        },
      }),
    );
    writeFileSync(
      path.join(dir, 'map.json'),
      JSON.stringify({ units: { '00004': { province: '10', commune: '11022' }, '01234': { province: '31', commune: '31101' } } }),
    );
    sandbox = Fastify({ loggerInstance: quietLogger('sandbox') as FastifyBaseLogger });
    await sandbox.register(vnpostPeer, {
      prefix: '/vnpost',
      logger: quietLogger('sandbox'),
      config: { SANDBOX_VNPOST_STEP_MS: 0, SANDBOX_VNPOST_PRIVATE_KEY_FILE: path.join(dir, 'vnpost.pem') },
      publicUrl: 'http://127.0.0.1',
    });
    await sandbox.listen({ port: 0, host: '127.0.0.1' });
    sandboxUrl = `http://127.0.0.1:${(sandbox.server.address() as { port: number }).port}`;
    port = await freePort();
    env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: testBrokers().join(','),
      KAFKA_TOPIC_NAMESPACE: ns,
      API_CLIENTS_FILE: path.join(dir, 'clients.json'),
      POSTAL_PORT: String(port),
      POSTAL_GROUP_ID: `${ns}postal`,
      POSTAL_AGENCIES_FILE: path.join(dir, 'agencies.json'),
      POSTAL_ADDRESS_MAP_FILE: path.join(dir, 'map.json'),
      POSTAL_WORK_INTERVAL_MS: '200',
      // A call may take 5 s; the lease is longer, so no second worker takes an order in flight (checked at start).
      VNPOST_TIMEOUT_MS: '5000',
      POSTAL_CLAIM_LEASE_SECONDS: '8',
      MYVNPOST_BASE_URL: `${sandboxUrl}/vnpost`,
      MYVNPOST_USERNAME: 'lienthong',
      MYVNPOST_PASSWORD: 'lienthong-sandbox',
      MYVNPOST_CUSTOMER_CODE: 'C000000001',
      MYVNPOST_WEBHOOK_PUBLIC_KEY_FILE: path.join(dir, 'vnpost.pub.pem'),
      LOG_LEVEL: 'warn',
    };
  }, 240_000);

  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await sandbox?.close();
    if (ns) await deleteTestNamespace(ns);
    await db?.drop();
  });

  it('refuses to start with a lease shorter than one VNPost call', () => {
    const r = spawnSync(process.execPath, ['services/postal/dist/main.js'], {
      cwd: root,
      env: { ...process.env, ...env, POSTAL_CLAIM_LEASE_SECONDS: '3' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('POSTAL_CLAIM_LEASE_SECONDS must outlast one VNPost call');
  }, 40_000);

  it('one order at VNPost after a SIGKILL mid-create and a restart', async () => {
    const first = start();
    await ready();
    expect(
      (
        await api('POST', '/v1/postal/recipients', {
          MaHoSo: MA_HO_SO,
          receiver: { name: 'Lò Thị Mai', phone: '0987654321', address: { street: 'Số 5 Đội Cấn', communeCode: '00004' } },
        })
      ).status,
    ).toBe(201);
    // VNPost creates the order and then does not answer: the hub's call is in flight when it is killed.
    await admin('POST', '/faults', { createTimeout: true });
    expect((await api('POST', '/v1/postal/orders', { MaHoSo: MA_HO_SO })).status).toBe(202);
    await eventually(async () => ((await admin('GET', `/orders?saleOrderCode=${MA_HO_SO}`)).count === 1 ? true : undefined), {
      what: 'the order at VNPost',
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    await admin('POST', '/faults', { createTimeout: false });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      expect((await client.query('SELECT state FROM postal_orders WHERE ma_ho_so = $1', [MA_HO_SO])).rows[0]).toEqual({
        state: 'pending',
      });
      start();
      await ready();
      // After the lease, the restarted process looks the order up by saleOrderCode and records it.
      const row = await eventually(
        async () => {
          const r = (await client.query('SELECT state, item_code FROM postal_orders WHERE ma_ho_so = $1', [MA_HO_SO])).rows[0] as
            { state: string; item_code: string | null } | undefined;
          return r?.state === 'created' ? r : undefined;
        },
        { what: 'the order recorded after the restart', timeoutMs: 45_000, intervalMs: 250 },
      );
      const atVnpost = await admin('GET', `/orders?saleOrderCode=${MA_HO_SO}`);
      expect(atVnpost.count).toBe(1);
      expect(row.item_code).toBe(atVnpost.orders[0].itemCode);
      expect(output).not.toMatch(/"level":(50|60)/); // no error or fatal log line
    } finally {
      await client.end();
    }
  }, 120_000);
});
