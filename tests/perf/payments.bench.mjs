// Issue 5 bench: (1) provider notifications handled per second and their p50/p99, with valid, duplicate and
// forged notifications mixed, each one going through the signature check and the ledger (a read; for the valid
// ones the settling statement, the outbox and Kafka; docs/payments.md "One or two round trips") — VNPAY IPNs (GET, HMAC-SHA512), VNPT Pay IPNs (POST JSON, SHA-256
// SECURE_CODE; issue 14) and payOS bank-transfer webhooks (HMAC-SHA256 over sorted data, matched by payment
// code and amount; issue 14), same mix for each; (2) payment creation throughput through POST /v1/payments
// against the sandbox over HTTP (MoMo: a create call to the sandbox; VNPAY: signed locally, for comparison).
// Everything runs in this process from the dist builds, on the real broker and Postgres. Figures only.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import {
  createApiClientRegistry,
  createLogger,
  createMetricsRegistry,
  createPool,
  generateApiKey,
  hashApiKey,
  runMigrations,
  systemClock,
} from '../../packages/platform/dist/index.js';
import { catalogueSpecs, createEventProducer, createKafka, ensureTopics, topicNames } from '../../packages/events/dist/index.js';
import { vnpayCanonicalString, vnpayHmac, formatVnpayDate, verifyVnpayCallback } from '../../packages/vnpay/dist/index.js';
import { computeSecureCode } from '../../packages/vnptpay/dist/index.js';
import { payosSignature } from '../../packages/vietqr/dist/index.js';
import vnpayPeer from '../../services/sandbox/dist/peers/vnpay/index.js';
import vnptpayPeer from '../../services/sandbox/dist/peers/vnptpay/index.js';
import momoPeer from '../../services/sandbox/dist/peers/momo/index.js';
import { percentile } from './load.mjs';
import { freePort } from '../../infra/kafka/kafka.mjs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// PAYMENTS_BENCH_DIST: another build of the payments service (a copy of services/payments/dist, e.g. the code
// before a change, placed where it resolves the workspace's node_modules), for interleaved before/after runs.
const paymentsDist = path.resolve(process.env.PAYMENTS_BENCH_DIST ?? path.join(here, '../../services/payments/dist'));
const { buildApp, createMerchantRegistry, createPaymentsCore, loadPaymentsConfig } = await import(
  pathToFileURL(path.join(paymentsDist, 'index.js')).href
);
// BENCH_CHANNELS: which rounds run (default all): create, vnpay, vnptpay, payos. The ceiling runs with vnpay.
const CHANNELS = new Set((process.env.BENCH_CHANNELS ?? 'create,vnpay,vnptpay,payos').split(','));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Share of valid first deliveries, duplicates and forgeries in the notification mix. */
const MIX = { valid: 0.4, duplicate: 0.4, forged: 0.2 };

const VNPAY = { tmnCode: 'BENCH022', hashSecret: 'BENCH-VNPAY-SECRET-000000000000' };
const MOMO = { partnerCode: 'MOMOBENCH', accessKey: 'bench-access-key', secretKey: 'bench-momo-secret-key-000000' };
const VNPTPAY = { merchantServiceId: '470', secretKey: 'BENCH-VNPTPAY-SECRET-00000', apiKey: 'bench-vnptpay-api-key' };
const VIETQR = { bin: '970416', accountNumber: '257678859', payos: { checksumKey: 'bench-payos-checksum-key' } };
const merchants = {
  merchants: [
    { id: 'bench-h22', name: 'Bench H22', agencies: ['*.H22'], vnpay: VNPAY, momo: MOMO, vnptpay: VNPTPAY, vietqr: VIETQR },
  ],
};

function request(agent, port, method, urlPath, headers = {}, body) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method,
        agent,
        headers: body ? { ...headers, 'content-length': Buffer.byteLength(body) } : headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, text, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, text: '', ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    req.end(body);
  });
}

function summary(lat, seconds) {
  lat.sort((a, b) => a - b);
  return { perSecond: lat.length / seconds, n: lat.length, p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

function signedIpn(txnRef, amountVnd, transactionNo, forged) {
  const params = {
    vnp_Amount: `${amountVnd}00`,
    vnp_BankCode: 'NCB',
    vnp_CardType: 'ATM',
    vnp_OrderInfo: 'Thanh toan le phi',
    vnp_PayDate: formatVnpayDate(new Date()),
    vnp_ResponseCode: '00',
    vnp_TmnCode: VNPAY.tmnCode,
    vnp_TransactionNo: transactionNo,
    vnp_TransactionStatus: '00',
    vnp_TxnRef: txnRef,
  };
  const signed = vnpayCanonicalString(params);
  const hash = vnpayHmac(forged ? 'NOT-THE-SECRET-FORGED-00000000' : VNPAY.hashSecret, signed);
  return `/v1/ipn/vnpay?${signed}&vnp_SecureHash=${hash}`;
}

/** A VNPT Pay IPN body signed as VNPT Pay signs it (the 10 fields, secret last) [VP3][VP4]. */
function vnptpayIpn(orderRef, amount, txn, forged) {
  const f = {
    ACTION: 'PAYMENT',
    RESPONSE_CODE: '00',
    MERCHANT_SERVICE_ID: VNPTPAY.merchantServiceId,
    MERCHANT_ORDER_ID: orderRef,
    AMOUNT: String(amount),
    CURRENCY_CODE: 'VND',
    VNPTPAY_TRANSACTION_ID: txn,
    PAYMENT_METHOD: 'VNPTPAY',
    PAY_DATE: '20251123100512',
    ADDITIONAL_INFO: '',
  };
  return JSON.stringify({ ...f, SECURE_CODE: computeSecureCode('ipn', f, forged ? 'NOT-THE-SECRET-FORGED' : VNPTPAY.secretKey) });
}

/** A payOS webhook for a transfer carrying `code` [PO1]. */
function payosWebhook(code, amount, reference, forged) {
  const data = {
    orderCode: 1,
    amount,
    description: `MBVCB.1.${code}.CT`,
    accountNumber: VIETQR.accountNumber,
    reference,
    code: '00',
    desc: 'success',
    currency: 'VND',
  };
  return JSON.stringify({
    code: '00',
    desc: 'success',
    success: true,
    data,
    signature: payosSignature(forged ? 'not-the-checksum-key' : VIETQR.payos.checksumKey, data),
  });
}

/**
 * BENCH_CPU_PROF=<file.cpuprofile>: a CPU profile of this process (service and load generator) during the
 * VNPAY round only, start-up and the payments' creation left out (node:inspector, 100 µs sampling).
 */
async function profiled(fn) {
  const file = process.env.BENCH_CPU_PROF;
  if (!file) return fn();
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

export async function run(log, { brokers, databaseUrl }) {
  const suffix = randomBytes(4).toString('hex');
  const ns = `bench-${suffix}.`;
  const dbName = `bench_payments_${suffix}`;
  const adminDb = new pg.Client({ connectionString: databaseUrl });
  await adminDb.connect();
  await adminDb.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(databaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const logger = createLogger({ name: 'payments-bench', level: 'silent' });
  const kafkaAdmin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await kafkaAdmin.connect();
  await ensureTopics(kafkaAdmin, catalogueSpecs(ns));

  // The sandbox (VNPAY and MoMo peers) on its own port; the payments app on another, reserved up front.
  const paymentsPort = await freePort();
  const sandboxPort = await freePort();
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const sandbox = Fastify({ loggerInstance: logger });
  await sandbox.register(vnpayPeer, {
    prefix: '/vnpay',
    logger,
    merchants: [{ ...VNPAY, ipnUrl: `http://127.0.0.1:${paymentsPort}/v1/ipn/vnpay` }],
  });
  await sandbox.register(momoPeer, { prefix: '/momo', logger, publicUrl: sandboxUrl, merchants: [MOMO] });
  await sandbox.register(vnptpayPeer, {
    prefix: '/vnptpay',
    logger,
    publicUrl: sandboxUrl,
    merchants: [{ ...VNPTPAY, ipnUrl: `http://127.0.0.1:${paymentsPort}/v1/ipn/vnptpay` }],
  });
  await sandbox.listen({ host: '127.0.0.1', port: sandboxPort });

  const config = loadPaymentsConfig({
    DATABASE_URL: dbUrl.toString(),
    API_CLIENTS_FILE: '(in memory)',
    PAYMENTS_MERCHANTS_FILE: '(in memory)',
    PAYMENTS_PUBLIC_URL: `http://127.0.0.1:${paymentsPort}`,
    KAFKA_TOPIC_NAMESPACE: ns,
    VNPAY_PAYMENT_URL: `${sandboxUrl}/vnpay/paymentv2/vpcpay.html`,
    VNPAY_API_URL: `${sandboxUrl}/vnpay/merchant_webapi/api/transaction`,
    MOMO_API_URL: `${sandboxUrl}/momo`,
    VNPTPAY_INIT_URL: `${sandboxUrl}/vnptpay/rest/payment/v1.0.5/init`,
    VNPTPAY_QUERY_URL: `${sandboxUrl}/vnptpay/rest/payment/v1.0.5/query_transaction`,
    PAYMENTS_RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'silent',
    // A lever measured in the same build: PAYMENTS_SETTLED_CACHE_SIZE=0 answers every repeat from the ledger.
    ...(process.env.PAYMENTS_SETTLED_CACHE_SIZE ? { PAYMENTS_SETTLED_CACHE_SIZE: process.env.PAYMENTS_SETTLED_CACHE_SIZE } : {}),
  });
  const apiKey = generateApiKey();
  const clients = createApiClientRegistry({
    clients: [{ id: 'bench', name: 'bench', keyHash: hashApiKey(apiKey), agencies: ['*'], roles: ['submitter'] }],
  });
  const pool = createPool({ connectionString: config.DATABASE_URL, applicationName: 'payments-bench', max: 20 });
  await runMigrations(pool, { service: 'payments', dir: path.resolve(paymentsDist, '../migrations') });
  const registry = createMetricsRegistry('payments', { defaults: false });
  const producer = createEventProducer({
    kafka: createKafka({ brokers: brokers.split(','), clientId: 'payments-bench', logger }),
    logger,
    transactionalIdPrefix: 'payments-bench',
  });
  await producer.connect();
  const core = createPaymentsCore({
    config,
    pool,
    producer,
    topic: topicNames(ns).paymentEvents,
    merchants: createMerchantRegistry(merchants),
    logger,
    registry,
    clock: systemClock,
  });
  const app = await buildApp({
    core,
    clients,
    logger,
    metrics: registry,
    clock: systemClock,
    readiness: {},
    bodyLimit: config.PAYMENTS_BODY_LIMIT_BYTES,
    rateLimitPerMinute: config.PAYMENTS_RATE_LIMIT_PER_MINUTE,
    publicUrl: config.PAYMENTS_PUBLIC_URL,
  });
  core.outbox.start();
  await app.listen({ host: '127.0.0.1', port: paymentsPort });

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
  let seq = 0;
  const body = (provider) =>
    JSON.stringify({
      MaHoSo: `000.00.01.H22-251120-${String(++seq).padStart(7, '0')}${suffix.slice(0, 2).replace(/\D/g, '0')}`,
      provider,
      amount: 50_000,
      fees: [{ TenPhiLePhi: 'Lệ phí', SoTien: 50_000 }],
      payer: { fullName: 'Nguyễn Văn An' },
      returnUrl: 'https://motcua.example.vn/ket-qua',
      ipAddr: '203.0.113.7',
    });

  async function closedLoop(seconds, step) {
    const lat = {};
    let failed = 0;
    const end = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < end) {
          const r = await step();
          if (!r) return;
          if (r.ok) (lat[r.kind] ??= []).push(r.ms);
          else failed++;
        }
      }),
    );
    return { lat, failed };
  }

  // What a notification costs, over a round: the ledger's statements (every query of this database's pool,
  // the outbox relay's included), this process's CPU (the service and the load generator: one process) and the
  // CPU of this database's Postgres backends (/proc/<pid>/stat, where Postgres runs on this machine).
  let statements = 0;
  const clientQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    if (this.connectionParameters?.database === dbName) statements++;
    return clientQuery.apply(this, args);
  };
  const backendTicks = async () => {
    const { rows } = await adminDb.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName]);
    const out = new Map();
    for (const { pid } of rows) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        out.set(pid, Number(f[11]) + Number(f[12])); // utime + stime, clock ticks (1/100 s)
      } catch {
        // not on this machine, or gone
      }
    }
    return out;
  };
  const costProbe = async () => ({ statements, cpu: process.cpuUsage(), ticks: await backendTicks() });
  const costOf = async (b, n) => {
    const ticks = await backendTicks();
    let pgTicks = 0;
    for (const [pid, t] of ticks) pgTicks += t - (b.ticks.get(pid) ?? 0);
    const cpu = process.cpuUsage(b.cpu);
    return {
      statementsPer: (statements - b.statements) / n,
      processMsPer: (cpu.user + cpu.system) / 1000 / n,
      postgresMsPer: ticks.size ? (pgTicks * 10) / n : NaN,
    };
  };
  const costs = {};

  const results = {};
  try {
    // (2) creation throughput.
    for (const provider of CHANNELS.has('create') ? ['momo', 'vnpay'] : []) {
      log(
        `  POST /v1/payments (${provider}${provider === 'momo' ? ', create call to the sandbox over HTTP' : ', signed locally'}), ${CONCURRENCY} in flight, ${SECONDS} s…`,
      );
      const { lat, failed } = await closedLoop(SECONDS, async () => {
        const r = await request(agent, paymentsPort, 'POST', '/v1/payments', headers, body(provider));
        return { ok: r.status === 201, kind: 'create', ms: r.ms };
      });
      results[`create/${provider}`] = { ...summary(lat.create ?? [], SECONDS), failed };
    }

    // (1) notifications: payments to notify about, created beforehand, then the same mix for each channel.
    const want = Math.ceil(CONCURRENCY * SECONDS * 400 * MIX.valid);
    const cap = Number(process.env.BENCH_PAYMENTS ?? 10_000);
    async function prepare(provider, n) {
      log(`  creating ${n} ${provider} payments to notify about…`);
      const made = [];
      let tried = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (tried < n) {
            tried++;
            const r = await request(agent, paymentsPort, 'POST', '/v1/payments', headers, body(provider));
            if (r.status === 201) made.push(JSON.parse(r.text));
          }
        }),
      );
      return made;
    }
    let txn = 50_000_000;
    /**
     * One channel's round: `valid(payment)` is a first delivery that must settle, re-sent as the duplicates;
     * `forged(payment)` must be refused. `send` returns whether the answer was the expected one.
     */
    async function notificationRound(label, payments, ch, port = paymentsPort) {
      let next = 0;
      const delivered = [];
      const pick = () => {
        const x = Math.random();
        if (x < MIX.forged) return 'forged';
        if (x < MIX.forged + MIX.duplicate && delivered.length) return 'duplicate';
        return 'valid';
      };
      log(
        `  ${label}: ${MIX.valid * 100}% valid / ${MIX.duplicate * 100}% duplicate / ${MIX.forged * 100}% forged, ${CONCURRENCY} in flight, up to ${SECONDS} s…`,
      );
      const before = await costProbe();
      const t0 = Date.now();
      const { lat, failed } = await closedLoop(SECONDS, async () => {
        const kind = pick();
        if (kind === 'valid') {
          if (next >= payments.length) return undefined; // out of fresh payments: stop this worker
          const req = ch.valid(payments[next++]);
          const r = await request(agent, port, req.method, req.path, req.headers, req.body);
          const ok = ch.ok('valid', r);
          if (ok) delivered.push(req);
          return { ok, kind, ms: r.ms };
        }
        const req =
          kind === 'duplicate'
            ? delivered[Math.floor(Math.random() * delivered.length)]
            : ch.forged(payments[Math.floor(Math.random() * payments.length)]);
        const r = await request(agent, port, req.method, req.path, req.headers, req.body);
        return { ok: ch.ok(kind, r), kind, ms: r.ms };
      });
      const elapsed = (Date.now() - t0) / 1000;
      const all = [...(lat.valid ?? []), ...(lat.duplicate ?? []), ...(lat.forged ?? [])];
      results[`${label}/all`] = { ...summary(all, elapsed), failed };
      costs[label] = await costOf(before, all.length + failed);
      for (const k of ['valid', 'duplicate', 'forged']) results[`${label}/${k}`] = summary(lat[k] ?? [], elapsed);
    }
    const json = { 'content-type': 'application/json' };
    const field = (r, name) => {
      try {
        return JSON.parse(r.text)[name];
      } catch {
        return undefined;
      }
    };

    const vnpayChannel = {
      valid: (p) => ({ method: 'GET', path: signedIpn(p.orderRef, 50_000, String(txn++), false) }),
      forged: (p) => ({ method: 'GET', path: signedIpn(p.orderRef, 50_000, String(txn++), true) }),
      ok: (kind, r) => r.status === 200 && field(r, 'RspCode') === { valid: '00', duplicate: '02', forged: '97' }[kind],
    };
    // Issue 16's ceiling, same mix, same process, same load generator: a bare fastify route verifying the same
    // VNPAY signature (the package's verifyVnpayCallback), no database, no Kafka (a duplicate is not known as
    // one, so it answers 00 like a first delivery).
    if (CHANNELS.has('vnpay')) {
      const ceiling = Fastify();
      ceiling.get('/v1/ipn/vnpay', async (req) => ({
        RspCode: verifyVnpayCallback(VNPAY, req.query).ok ? '00' : '97',
        Message: 'ok',
      }));
      const ceilingPort = await freePort();
      await ceiling.listen({ host: '127.0.0.1', port: ceilingPort });
      try {
        await notificationRound(
          'ceiling-vnpay',
          Array.from({ length: 200_000 }, (_, i) => ({ orderRef: `CEIL${i}` })),
          { ...vnpayChannel, ok: (kind, r) => r.status === 200 && field(r, 'RspCode') === (kind === 'forged' ? '97' : '00') },
          ceilingPort,
        );
      } finally {
        await ceiling.close();
      }
      const vnpayPayments = await prepare('vnpay', Math.min(want, cap));
      await profiled(() => notificationRound('ipn-vnpay', vnpayPayments, vnpayChannel));
    }
    const nOther = Math.min(want, Number(process.env.BENCH_PAYMENTS_OTHER ?? Math.ceil(cap / 2)));
    if (CHANNELS.has('vnptpay'))
      await notificationRound('ipn-vnptpay', await prepare('vnptpay', nOther), {
        valid: (p) => ({
          method: 'POST',
          path: '/v1/ipn/vnptpay',
          headers: json,
          body: vnptpayIpn(p.orderRef, 50_000, String(txn++), false),
        }),
        forged: (p) => ({
          method: 'POST',
          path: '/v1/ipn/vnptpay',
          headers: json,
          body: vnptpayIpn(p.orderRef, 50_000, String(txn++), true),
        }),
        ok: (kind, r) => r.status === 200 && field(r, 'RESPONSE_CODE') === { valid: '00', duplicate: '02', forged: '97' }[kind],
      });
    if (CHANNELS.has('payos'))
      await notificationRound('webhook-payos', await prepare('vietqr', nOther), {
        valid: (p) => ({
          method: 'POST',
          path: '/v1/ipn/payos',
          headers: json,
          body: payosWebhook(p.vietqr.transferCode, 50_000, `FT${txn++}`, false),
        }),
        forged: (p) => ({
          method: 'POST',
          path: '/v1/ipn/payos',
          headers: json,
          body: payosWebhook(p.vietqr.transferCode, 50_000, `FT${txn++}`, true),
        }),
        // A re-sent webhook is acknowledged again (200, outcome kept), a forged one refused (401).
        ok: (kind, r) => (kind === 'forged' ? r.status === 401 : r.status === 200 && field(r, 'outcome') === 'settled'),
      });
    const drained = await core.outbox.drain();
    const published = await pool.query('SELECT count(*)::int AS n, count(published_at)::int AS p FROM payment_outbox');
    results.outbox = { events: published.rows[0].n, published: published.rows[0].p, drainedAtEnd: drained };
  } finally {
    agent.destroy();
    await app.close();
    await core.outbox.stop();
    await producer.disconnect().catch(() => {});
    await pool.end();
    await sandbox.close();
    await kafkaAdmin.deleteTopics({ topics: catalogueSpecs(ns).map((s) => s.name) }).catch(() => {});
    await kafkaAdmin.disconnect();
    await adminDb.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await adminDb.end();
  }

  const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  log('');
  log('  what                               per s     p50 ms   p99 ms   count  failed');
  for (const [k, r] of Object.entries(results)) {
    if (k === 'outbox') continue;
    log(
      `  ${k.padEnd(32)} ${f(r.perSecond).padStart(7)} ${f(r.p50, 1).padStart(10)} ${f(r.p99, 1).padStart(8)} ${String(r.n).padStart(7)} ${String(r.failed ?? '').padStart(7)}`,
    );
  }
  log(`  settled events in the outbox: ${results.outbox.events}, published: ${results.outbox.published}`);
  for (const [label, k] of Object.entries(costs))
    log(
      `  ${label}: per notification ${f(k.statementsPer, 3)} ledger statements, ${f(k.processMsPer, 3)} ms CPU of this process (service + load generator), ${f(k.postgresMsPer, 3)} ms of Postgres backends`,
    );
  const c = results['ceiling-vnpay/all'];
  for (const ch of ['ipn-vnpay', 'ipn-vnptpay', 'webhook-payos']) {
    const r = results[`${ch}/all`];
    if (!r || !c) continue;
    log(
      `  ${ch}: ${f(r.perSecond)}/s = ${f(r.perSecond / c.perSecond, 2)} of the ceiling (bare fastify + VNPAY signature check, no database: ${f(c.perSecond)}/s, p99 ${f(c.p99, 1)} ms); p99 ${f(r.p99, 1)} ms (goal ≥ 3,000/s, p99 < 30 ms)`,
    );
  }
  return results;
}
