#!/usr/bin/env node
// Issue 16: the Postgres CPU of the payments ledger's grouped statements, measured directly (docs/performance.md,
// payments "Second pass"). On a throwaway database with the payments migrations, N pending payments are settled
// by the grouped `payments_settle_paid` statement in groups of G (or read by the grouped read), on one
// connection whose backend CPU is read from /proc/<pid>/stat before and after (Postgres on this machine).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node tests/perf/payments-settle-cost.mjs
//   env: MODE=settle|read, N (4000), G (5), PREPARED=1 (named statements, as grouped-ledger.ts sends them),
//        DROP=outbox,history,sibling,indexes (a variant of the function or schema without that part, to see
//        what each part costs; never what the service runs).
// Figures only, never a test; run it under `flock /tmp/bench.lock`.
import { readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPool, runMigrations } from '../../packages/platform/dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const migrations = path.resolve(here, '../../services/payments/migrations');
const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MODE = process.env.MODE ?? 'settle';
const N = Number(process.env.N ?? 4000);
const G = Number(process.env.G ?? 5);
const PREPARED = process.env.PREPARED === '1';
const DROP = new Set((process.env.DROP ?? '').split(',').filter(Boolean));

const db = `settle_cost_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE ${db}`);
const url = new URL(base);
url.pathname = `/${db}`;
const c = new pg.Client({ connectionString: url.toString() });
try {
  const pool = createPool({ connectionString: url.toString(), applicationName: 'settle-cost', max: 1 });
  await runMigrations(pool, { service: 'payments', dir: migrations });
  await pool.end();
  await c.connect();
  if (DROP.size) {
    let fn = readFileSync(path.join(migrations, '005-settle-paid-function.sql'), 'utf8')
      .replace(/^--.*$/gm, '')
      .replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION');
    if (DROP.has('outbox')) fn = fn.replace(/ {2}INSERT INTO payment_outbox[^;]*;/, '');
    if (DROP.has('history')) fn = fn.replace(/ {2}INSERT INTO payment_events[^;]*;/s, '');
    if (DROP.has('sibling'))
      fn = fn
        .replace(/ {2}PERFORM pg_advisory_xact_lock[^;]*;/, '')
        .replace(/ {2}IF EXISTS[^;]*;/, '  IF false THEN v_review := NULL;');
    await c.query(fn);
    if (DROP.has('indexes'))
      await c.query(
        'DROP INDEX payments_created_order, payments_agency_created_order, payments_review, payments_due, payments_ma_ho_so',
      );
  }
  const ids = Array.from({ length: N }, () => randomUUID());
  await c.query(
    `INSERT INTO payments (payment_id, ma_ho_so, agency_code, client_id, provider, merchant, order_ref, amount, fees, status,
                           return_url, provider_data, created_at, expires_at, updated_at, version)
     SELECT id, '000.00.01.H22-251120-' || lpad(i::text, 9, '0'), '000.00.01.H22', 'bench', 'vnpay', 'BENCH022', 'O' || i,
            50000, '[{"TenPhiLePhi":"Lệ phí","SoTien":50000}]', 'pending', 'https://x.example', '{}', now(),
            now() + interval '15 min', now(), 1
       FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, i)`,
    [ids],
  );
  // An event of the size the service writes (payment-events.ts).
  const event = (id) =>
    JSON.stringify({
      specversion: '1.0',
      id: `payment-${id}-settled`,
      source: 'urn:lienthong:payments',
      type: 'vn.lienthong.payment.settled',
      subject: id,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: {
        paymentId: id,
        MaHoSo: '000.00.01.H22-251120-000000001',
        agencyCode: '000.00.01.H22',
        provider: 'vnpay',
        merchant: 'BENCH022',
        orderRef: 'O1',
        providerTxnId: '123',
        amount: 50000,
        currency: 'VND',
        fees: [{ TenPhiLePhi: 'Lệ phí', SoTien: 50000 }],
        DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí', Gia: '50000' }],
        DuocThanhToanTrucTuyen: '2',
        paidAt: new Date().toISOString(),
        settledAt: new Date().toISOString(),
        settledBy: 'ipn',
        late: false,
      },
    });
  // The statements of services/payments/src/ledger/grouped-ledger.ts.
  const SETTLE = `SELECT a.batch_item, s.*
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::boolean[],
                $8::text[], $9::bigint[], $10::jsonb[], $11::timestamptz[], $12::text[], $13::jsonb[])
         WITH ORDINALITY AS a(payment_id, from_status, from_txn, provider_txn_id, provider_code, paid_at, late,
                              source, amount, extra, now, event_id, event, batch_item)
    CROSS JOIN LATERAL payments_settle_paid(a.payment_id, a.from_status, a.from_txn, a.provider_txn_id,
                a.provider_code, a.paid_at, a.late, a.source, a.amount, a.extra, a.now, a.event_id, a.event) s`;
  const READ = `SELECT t.batch_item, p.*
    FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(provider, merchant, order_ref, batch_item)
    JOIN payments p ON p.provider = t.provider AND p.merchant = t.merchant AND p.order_ref = t.order_ref`;
  const pid = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const ticks = () => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime, 1/100 s
  };
  let txn = 100_000_000;
  const t0 = ticks();
  const w0 = Date.now();
  for (let i = 0; i < N; i += G) {
    const g = ids.slice(i, i + G);
    const same = (v) => g.map(() => v);
    if (MODE === 'read') {
      const refs = g.map((_, k) => `O${i + k + 1}`);
      await c.query({ ...(PREPARED ? { name: 'read' } : {}), text: READ, values: [same('vnpay'), same('BENCH022'), refs] });
      continue;
    }
    g.sort();
    const now = new Date();
    const values = [
      g,
      same('pending'),
      same(null),
      g.map(() => String(txn++)),
      same('00'),
      same(now),
      same(false),
      same('ipn'),
      same(50000),
      same('{}'),
      same(now),
      g.map((id) => `payment-${id}-settled`),
      g.map(event),
    ];
    await c.query({ ...(PREPARED ? { name: 'settle' } : {}), text: SETTLE, values });
  }
  const cpuMs = (ticks() - t0) * 10;
  console.log(
    `${MODE}, groups of ${G}, ${PREPARED ? 'prepared' : 'unnamed'}${DROP.size ? `, without ${[...DROP].join('+')}` : ''}: ` +
      `${(cpuMs / N).toFixed(3)} ms of Postgres CPU per item, ${((Date.now() - w0) / N).toFixed(3)} ms wall per item (N=${N})`,
  );
} finally {
  await c.end().catch(() => {});
  await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin.end();
}
