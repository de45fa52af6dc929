// Bench of operations (issue 9): (1) events/s into the read model — dossier snapshots and progress steps
// published to dossier.events.v1, consumed by the service's consumer runner and handler into Postgres;
// (2) the time to compute every indicator for one province-month with 1 million dossiers in the read
// model (generated in SQL with generate_series, spread over 12 months and 20 units of one province), and
// for the whole year (all 1 million in the period).
//
// Plain ESM on the dist/ builds (npm run bench builds first). Needs Kafka and Postgres like every bench; a
// throwaway database is created on the server and dropped.
//   npm run bench -- operations
// Sizes: OPS_BENCH_EVENTS (6000 = 3000 snapshots + 3000 steps), OPS_BENCH_DOSSIERS (1000000).
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import {
  catalogueSpecs,
  createConsumerRunner,
  createEvent,
  createEventProducer,
  createKafka,
  ensureTopics,
  topicNames,
} from '@lienthong/events';
import { createLogger, createPool, runMigrations } from '@lienthong/platform';
import { createOperationsCore, loadCalendar } from '@lienthong/operations-service';
import { ensureReadModel } from '../../services/operations/dist/read-model/schema.js';
import { createIndicatorService, parsePeriod } from '../../services/operations/dist/indicators/compute.js';
import { defaultCalendarDir, migrationsDir } from '../../services/operations/dist/paths.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const UNITS = Array.from({ length: 20 }, (_, i) =>
  i < 12 ? `000.00.${String(i + 1).padStart(2, '0')}.H99` : `000.${String(i - 11).padStart(2, '0')}.00.H99`,
);

export async function run(log, env = {}) {
  const brokers = (env.brokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const base = env.databaseUrl ?? process.env.DATABASE_URL;
  const dbName = `ops_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  const logger = createLogger({ name: 'ops-bench', level: 'warn' });
  const pool = createPool({
    connectionString: url.toString(),
    applicationName: 'ops-bench',
    logger,
    max: 10,
    statementTimeoutMs: 900_000,
  });
  const ns = `bench-ops-${randomBytes(3).toString('hex')}.`;
  const kafka = createKafka({ brokers, clientId: 'ops-bench', logger });
  const kadmin = kafka.admin();
  await kadmin.connect();
  await ensureTopics(kadmin, catalogueSpecs(ns));
  const topics = topicNames(ns);
  const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: `ops-bench-${randomBytes(3).toString('hex')}` });
  await producer.connect();
  try {
    await runMigrations(pool, { service: 'operations', dir: migrationsDir, logger });
    const calendar = loadCalendar(defaultCalendarDir);
    await ensureReadModel(pool, 'ops_read');
    const core = createOperationsCore({
      pool,
      schema: 'ops_read',
      calendar,
      clock: { now: () => new Date() },
      logger,
      producer,
      deadlineTopic: topics.dossierDeadline,
      agencyOverrides: [],
      populationCodes: [],
      dueSoonWorkingHours: 8,
      outboxIntervalMs: 1000,
    });

    // (1) events/s into the read model.
    const n = Number(process.env.OPS_BENCH_EVENTS ?? 6000) / 2;
    const events = [];
    for (let i = 0; i < n; i++) {
      const ma = `${UNITS[i % UNITS.length]}-250310-${String(i).padStart(6, '0')}`;
      events.push(
        createEvent({
          source: 'urn:lienthong:gateway',
          type: 'vn.lienthong.dossier.upserted',
          subject: ma,
          dataschema: 'https://lienthong.gov.vn/schemas/dvcqg/dong-bo-ho-so-mc.item.v1.json',
          data: {
            MaHoSo: ma,
            MaTTHC: '1.001193',
            KenhThucHien: '2',
            NgayTiepNhan: '20250310090000',
            NgayHenTra: '20250314170000',
            TrangThaiHoSo: '2',
            TaiLieuNop: [
              { TepDinhKemId: 'f', TenTepDinhKem: 'a.pdf', IsDeleted: 'False', DuongDanTaiTepTin: 'https://f.example.vn/a' },
            ],
            DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí', MaPhiLePhi: '1', HinhThucThu: '1', Gia: '50000', LoaiPhiLePhi: '1' }],
          },
        }),
      );
      events.push(
        createEvent({
          source: 'urn:lienthong:gateway',
          type: 'vn.lienthong.dossier.progressed',
          subject: ma,
          dataschema: 'https://lienthong.gov.vn/schemas/dvcqg/cap-nhat-tien-do-ho-so-mc.item.v1.json',
          data: {
            MaHoSo: ma,
            NguoiXuLy: 'Chuyên viên',
            ThoiDiemXuLy: '20250311090000',
            NoiDungXuLy: 'Thẩm định',
            TrangThai: '4',
          },
        }),
      );
    }
    for (let i = 0; i < events.length; i += 500) await producer.publish(topics.dossierEvents, events.slice(i, i + 500));
    const consumer = createConsumerRunner({
      kafka,
      logger,
      groupId: `ops-bench-${randomBytes(3).toString('hex')}`,
      topics: [topics.dossierEvents],
      producer,
      handle: (e, ctx) => core.handle(e, ctx),
      retry: { maxAttempts: 5, minDelayMs: 100, maxDelayMs: 2000, factor: 2, jitter: 0.2 },
      partitionsConsumedConcurrently: 6,
    });
    let t0 = 0;
    const started = Date.now();
    await consumer.start();
    for (;;) {
      const r = (
        await pool.query('SELECT (SELECT count(*) FROM ops_read.dossier) AS d, (SELECT count(*) FROM ops_read.step) AS s')
      ).rows[0];
      if (!t0 && Number(r.d) > 0) t0 = Date.now();
      if (Number(r.d) >= n && Number(r.s) >= n) break;
      if (Date.now() - started > 300_000) throw new Error('read model did not catch up in 5 min');
      await sleep(100);
    }
    const secs = (Date.now() - t0) / 1000;
    await consumer.stop();
    log(
      `  read model: ${events.length} events (${n} snapshots + ${n} steps, 6 partitions) applied in ${secs.toFixed(1)} s from the first row → ${(events.length / secs).toFixed(0)} events/s`,
    );

    // (2) indicators at 1 million dossiers.
    const total = Number(process.env.OPS_BENCH_DOSSIERS ?? 1_000_000);
    await ensureReadModel(pool, 'ops_big');
    for (const u of [...UNITS, '000.00.00.H99']) await core.registry.ensureCode(u);
    await pool.query(
      `INSERT INTO ops_procedure (ma_tthc, name, legal_days, fees, has_fee, requires_paper_result, agencies)
      SELECT format('1.%s', lpad(p::text, 6, '0')), 'TTHC ' || p, 5, '[]', p % 3 = 0, p % 2 = 0, ARRAY[$1::text] FROM generate_series(1, 50) p`,
      [UNITS[0]],
    );
    const g0 = Date.now();
    // Deterministic pseudo-random fields from i; received spread over 2025 (one month ≈ 1/12).
    await pool.query(
      `INSERT INTO ops_big.dossier (ma_ho_so, agency_code, ma_tthc, ma_tthc_national, kenh, trang_thai, ngay_tiep_nhan, ngay_hen_tra,
        fee_total, fee_lines, fees_all_zero, paid_flag, has_submitted_file, has_result_file, has_result_code_link, reuse_flag, from_citizen_store, vneid,
        synced_at, start_at, end_at, end_status, supp_count, supp1_req, supp1_done, supp2_req, due_base, due_at, overdue_at, resolution_wmin, snap_time, snap_seq)
      SELECT ma, agency, tthc, tthc, (1 + i % 3)::smallint, CASE WHEN i % 4 = 0 THEN 4 ELSE 10 END, recv, recv + interval '5 days',
        CASE WHEN i % 3 = 0 THEN 50000 ELSE 0 END, 1, false, CASE WHEN i % 5 < 2 THEN 2 ELSE 0 END, i % 10 <> 0, i % 4 <> 0, i % 8 <> 0,
        i % 7 < 4, i % 11 = 0, i % 6 = 0, CASE WHEN i % 9 <> 0 THEN recv + interval '1 hour' END, recv,
        CASE WHEN i % 4 = 0 THEN NULL ELSE recv + (i % 9) * interval '1 day' END, CASE WHEN i % 4 = 0 THEN NULL ELSE 10 END,
        CASE WHEN i % 13 = 0 THEN 1 WHEN i % 29 = 0 THEN 2 ELSE 0 END,
        CASE WHEN i % 13 = 0 OR i % 29 = 0 THEN recv + interval '1 day' END, CASE WHEN i % 13 = 0 THEN recv + interval '2 days' END,
        CASE WHEN i % 29 = 0 THEN recv + interval '3 days' END,
        recv + interval '5 days', recv + interval '5 days', CASE WHEN i % 4 = 0 THEN recv + interval '5 days' END, (i % 9) * 480.0, recv, i
      FROM (SELECT i, format('%s-250101-%s', u.code, lpad(i::text, 8, '0')) AS ma, u.code AS agency,
              format('1.%s', lpad((1 + i % 50)::text, 6, '0')) AS tthc,
              timestamptz '2024-12-31 17:00:00+00' + ((i::bigint * 7919) % 365) * interval '1 day' + (i % 480) * interval '1 minute' AS recv
            FROM generate_series(1, $1::int) i JOIN unnest($2::text[]) WITH ORDINALITY AS u(code, k) ON u.k = 1 + i % 20) s`,
      [total, UNITS],
    );
    await pool.query('ANALYZE ops_big.dossier');
    log(
      `  generated ${total.toLocaleString('en')} dossiers with INSERT … SELECT generate_series in ${((Date.now() - g0) / 1000).toFixed(1)} s`,
    );
    const svc = createIndicatorService({ pool, schema: 'ops_big', populationCodes: [] });
    const now = Date.parse('2026-01-15T00:00:00Z');
    for (const [label, from, to] of [
      ['one province-month (March 2025)', '2025-03-01', '2025-03-31'],
      [`one province-year (all ${total.toLocaleString('en')} in the period)`, '2025-01-01', '2025-12-31'],
    ]) {
      const period = parsePeriod(from, to, now);
      const times = [];
      let figs;
      for (let k = 0; k < 3; k++) {
        const t = Date.now();
        figs = await svc.compute({ agency: '000.00.00.H99', period, nowMs: now, maTTHC: '1.000001' });
        times.push(Date.now() - t);
      }
      times.sort((a, b) => a - b);
      const f21 = figs.find((f) => f.id === '2.1');
      log(
        `  indicators, ${label}: median ${times[1]} ms (runs ${times.join(', ')} ms); 2.1 = ${f21.numerator}/${f21.denominator}`,
      );
    }
  } finally {
    await producer.disconnect();
    await kadmin.deleteTopics({ topics: (await kadmin.listTopics()).filter((t) => t.startsWith(ns)) }).catch(() => {});
    await kadmin.disconnect();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}
