import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPool, runMigrations, type Pool } from '@lienthong/platform';
import { createTestDatabase } from '../../../../tests/helpers/index.js';
import { dossierAt, maHoSoOf, upsertedEvent } from '../../test/harness.js';
import { migrationsDir } from '../app.js';
import { versionOf } from '../version.js';
import { createLedgerIngest } from './ingest.js';

/** Snapshots recorded concurrently share one statement (issue 16); each caller still gets its own outcome. */
describe('ledger ingest of snapshots, batched (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let offset = 0;
  const at = (ms: number) => new Date(Date.UTC(2025, 6, 2, 2, 0, 0) + ms);

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({ connectionString: db.url, applicationName: 'ingest-test', max: 4 });
    await runMigrations(pool, { service: 'national-sync', dir: migrationsDir });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });
  beforeEach(async () => {
    await pool.query('TRUNCATE sync_dossier, sync_progress, sync_outbox');
  });

  const record = (ingest: ReturnType<typeof createLedgerIngest>, item: Record<string, unknown>, ms: number) => {
    const e = upsertedEvent(item, at(ms));
    return ingest.recordSnapshot(e.subject, e, versionOf(e.time, String(offset++))!);
  };
  const statusOf = async (ma: string) =>
    (
      await pool.query<{ s: string }>(
        `SELECT snapshot_event->'data'->>'TrangThaiHoSo' AS s FROM sync_dossier WHERE ma_ho_so = $1`,
        [ma],
      )
    ).rows[0]?.s;

  it('concurrent snapshots of many dossiers: each recorded, each newer one replaces, older and equal ones are stale', async () => {
    const ingest = createLedgerIngest(pool);
    const first = await Promise.all(Array.from({ length: 50 }, (_, i) => record(ingest, dossierAt(maHoSoOf(i), '2'), 1_000)));
    expect(first).toEqual(Array(50).fill('recorded'));
    // Newer for the even ones, older for the odd ones, in one turn.
    const second = await Promise.all(
      Array.from({ length: 50 }, (_, i) => record(ingest, dossierAt(maHoSoOf(i), i % 2 ? '9' : '4'), i % 2 ? 500 : 2_000)),
    );
    expect(second).toEqual(Array.from({ length: 50 }, (_, i) => (i % 2 ? 'stale' : 'recorded')));
    expect(await statusOf(maHoSoOf(0))).toBe('4');
    expect(await statusOf(maHoSoOf(1))).toBe('2'); // never regressed by the older snapshot
    const due = await pool.query(`SELECT count(*)::int AS n FROM sync_dossier WHERE state = 'pending' AND due_at IS NOT NULL`);
    expect(due.rows[0].n).toBe(50);
  });

  it('two snapshots of one dossier in the same turn: both applied in order, the newest wins', async () => {
    const ingest = createLedgerIngest(pool);
    const ma = maHoSoOf(7);
    const r = await Promise.all([
      record(ingest, dossierAt(ma, '2'), 1_000),
      record(ingest, dossierAt(ma, '4'), 2_000),
      record(ingest, dossierAt(ma, '5'), 1_500),
    ]);
    expect(r).toEqual(['recorded', 'recorded', 'stale']);
    expect(await statusOf(ma)).toBe('4');
  });

  it('a newer snapshot with the same dossier data (a resend) is stale: the row keeps its version and is not due again; after a refusal it is recorded', async () => {
    const ingest = createLedgerIngest(pool);
    const [synced, pending, rejected] = [maHoSoOf(20), maHoSoOf(21), maHoSoOf(22)];
    for (const ma of [synced, pending, rejected]) expect(await record(ingest, dossierAt(ma, '2'), 1_000)).toBe('recorded');
    await pool.query(`UPDATE sync_dossier SET state = 'synced', due_at = NULL WHERE ma_ho_so = $1`, [synced]);
    await pool.query(`UPDATE sync_dossier SET state = 'rejected', due_at = NULL WHERE ma_ho_so = $1`, [rejected]);
    const before = await pool.query<{ ma_ho_so: string; snapshot_time: Date; snapshot_event: { id: string } }>(
      'SELECT ma_ho_so, snapshot_time, snapshot_event FROM sync_dossier ORDER BY ma_ho_so',
    );
    const r = await Promise.all([synced, pending, rejected].map((ma) => record(ingest, dossierAt(ma, '2'), 2_000)));
    expect(r).toEqual(['stale', 'stale', 'recorded']);
    const after = await pool.query<{
      ma_ho_so: string;
      state: string;
      due: boolean;
      snapshot_time: Date;
      snapshot_event: { id: string };
    }>('SELECT ma_ho_so, state, due_at IS NOT NULL AS due, snapshot_time, snapshot_event FROM sync_dossier ORDER BY ma_ho_so');
    expect(after.rows.map((x) => [x.ma_ho_so, x.state, x.due])).toEqual([
      [synced, 'synced', false],
      [pending, 'pending', true],
      [rejected, 'pending', true],
    ]);
    expect(after.rows[0]!.snapshot_event.id).toBe(before.rows[0]!.snapshot_event.id);
    expect(after.rows[1]!.snapshot_time).toEqual(before.rows[1]!.snapshot_time);
    // Different data is recorded as before, and the same data again after it (A → B → A) too.
    expect(await record(ingest, dossierAt(synced, '4'), 3_000)).toBe('recorded');
    expect(await record(ingest, dossierAt(synced, '2'), 4_000)).toBe('recorded');
    expect(await statusOf(synced)).toBe('2');
  });

  it('a record Postgres refuses (a NUL that jsonb cannot hold) fails alone; its neighbours in the batch are recorded', async () => {
    const ingest = createLedgerIngest(pool);
    const bad = dossierAt(maHoSoOf(3), '2', { TrichYeuHoSo: 'a\u0000b' });
    const r = await Promise.allSettled([
      record(ingest, dossierAt(maHoSoOf(1), '2'), 1_000),
      record(ingest, bad, 1_000),
      record(ingest, dossierAt(maHoSoOf(2), '2'), 1_000),
    ]);
    expect(r.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const err = (r[1] as PromiseRejectedResult).reason as { code: string; retriable: boolean };
    expect(err.code).toBe('LT_SYNC_LEDGER_REFUSED');
    expect(err.retriable).toBe(false); // dead-lettered by the consumer runner, not retried forever
    const rows = await pool.query<{ ma_ho_so: string }>('SELECT ma_ho_so FROM sync_dossier ORDER BY ma_ho_so');
    expect(rows.rows.map((x) => x.ma_ho_so)).toEqual([maHoSoOf(1), maHoSoOf(2)]);
  });

  it('Postgres unreachable: every caller of the batch gets a retriable error (the partition pauses, nothing is dead-lettered)', async () => {
    const dead = createPool({ connectionString: db.url.replace(/:\d+\//, ':1/'), applicationName: 'ingest-test-dead', max: 1 });
    try {
      const ingest = createLedgerIngest(dead);
      const r = await Promise.allSettled([
        record(ingest, dossierAt(maHoSoOf(1), '2'), 1_000),
        record(ingest, dossierAt(maHoSoOf(2), '2'), 1_000),
      ]);
      for (const x of r) {
        expect(x.status).toBe('rejected');
        expect(((x as PromiseRejectedResult).reason as { retriable: boolean }).retriable).toBe(true);
      }
    } finally {
      await dead.end();
    }
  });
});
