import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createCircuitBreaker,
  createPool,
  HttpStatusError,
  Registry,
  runMigrations,
  systemClock,
  type Pool,
  type PoolClient,
} from '@lienthong/platform';
import { createTestDatabase, quietLogger } from '../../../../tests/helpers/index.js';
import { dossierAt, maHoSoOf, progressedEvent, stepItem, upsertedEvent } from '../../test/harness.js';
import { createFakePortal } from '../../test/fake-portal.js';
import { migrationsDir } from '../app.js';
import { claimDueDossiers, PUSH_LOCK_SPACE } from '../ledger/claim.js';
import { createLedgerIngest } from '../ledger/ingest.js';
import { settleCycle } from '../ledger/results.js';
import { createSyncMetrics } from '../metrics.js';
import { versionOf } from '../version.js';
import { runPushCycle, type PushCycleDeps } from './cycle.js';

const logger = quietLogger();
const policy = { maxAttempts: 1_000, minDelayMs: 60_000, maxDelayMs: 60_000, factor: 2, jitter: 0 };

describe('push cycle (real Postgres, fake portal)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  const ingest = () => createLedgerIngest(pool);
  let offset = 0;
  const at = (ms: number) => new Date(Date.UTC(2025, 6, 2, 2, 0, 0) + ms);

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({ connectionString: db.url, applicationName: 'push-cycle-test', max: 6 });
    await runMigrations(pool, { service: 'national-sync', dir: migrationsDir });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });
  beforeEach(async () => {
    await pool.query('TRUNCATE sync_dossier, sync_progress, sync_outbox');
  });

  async function snapshot(item: Record<string, unknown>, ms: number) {
    const e = upsertedEvent(item, at(ms));
    return ingest().recordSnapshot(e.subject, e, versionOf(e.time, String(offset++))!);
  }
  async function step(item: Record<string, unknown>, ms: number) {
    const e = progressedEvent(item, at(ms));
    return ingest().recordStep(e.subject, e, versionOf(e.time, String(offset++))!);
  }
  function deps(portal: PushCycleDeps['portal'], batchSize = 20): PushCycleDeps {
    return {
      portal,
      breaker: createCircuitBreaker({ name: 'test', failureThreshold: 100, openMs: 1_000 }),
      logger,
      clock: systemClock,
      metrics: createSyncMetrics(new Registry(), pool),
      batchSize,
      progressBatch: 10,
      dossierTopic: 'dossier.events.v1',
      group: 'test',
    };
  }
  /** Runs cycles until nothing is due, like the pusher's workers do. */
  async function drain(d: PushCycleDeps, max = 20) {
    const client = await pool.connect();
    try {
      for (let i = 0; i < max; i++) {
        const rows = await claimDueDossiers(client, d.batchSize, []);
        if (rows.length === 0) return;
        const results = await runPushCycle(d, client, rows);
        const settled = await settleCycle(
          { client, now: new Date(), dossierTopic: d.dossierTopic, group: d.group },
          rows,
          results,
          policy,
        );
        // Every claimed dossier is settled, and its push lock released by the settlement.
        expect([...settled.keys()].sort()).toEqual(rows.map((r) => r.maHoSo).sort());
        expect(await heldLocks(client)).toBe(0);
      }
      throw new Error('still due after max cycles');
    } finally {
      client.release();
    }
  }
  /** Push locks (advisory locks of PUSH_LOCK_SPACE) the session of `client` holds. */
  const heldLocks = async (client: PoolClient) =>
    (
      await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = $1`,
        [PUSH_LOCK_SPACE],
      )
    ).rows[0]!.n;
  const row = async (m: string) => (await pool.query('SELECT * FROM sync_dossier WHERE ma_ho_so = $1', [m])).rows[0];

  it('never regresses at ingest: an older snapshot is stale, a repeated step a duplicate', async () => {
    const m = maHoSoOf(1);
    expect(await snapshot(dossierAt(m, '4'), 2_000)).toBe('recorded');
    expect(await snapshot(dossierAt(m, '2'), 1_000)).toBe('stale');
    expect(await step(stepItem(m, 1), 1_500)).toBe('recorded');
    expect(await step(stepItem(m, 1), 1_500)).toBe('duplicate');
    const r = await row(m);
    expect(r.snapshot_event.data.TrangThaiHoSo).toBe('4');
    expect(r.state).toBe('pending');
  });

  it('pushes only the newest snapshot, then the steps in order, at most 10 a call', async () => {
    const m = maHoSoOf(2);
    await snapshot(dossierAt(m, '2'), 1_000);
    for (let n = 0; n < 23; n++) await step(stepItem(m, n), 1_100 + n);
    await snapshot(dossierAt(m, '9'), 5_000);
    const fake = createFakePortal();
    await drain(deps(fake.portal));
    expect(fake.calls.map((c) => [c.service, c.maHoSo.length, c.isUpdating])).toEqual([
      ['DongBoHoSoMC', 1, false],
      ['CapNhatTienDoHoSoMC', 10, undefined],
      ['CapNhatTienDoHoSoMC', 10, undefined],
      ['CapNhatTienDoHoSoMC', 3, undefined],
    ]);
    expect(fake.held.get(m)!.TrangThaiHoSo).toBe('9');
    expect(fake.steps.map((s) => s.NoiDungXuLy)).toEqual(Array.from({ length: 23 }, (_, n) => `Bước xử lý ${n}`));
    const r = await row(m);
    expect(r).toMatchObject({ state: 'synced', due_at: null, portal_status: '9', attempts: 0 });
    expect(r.portal_time.getTime()).toBe(at(5_000).getTime());
    const outbox = await pool.query(`SELECT topic, key, value FROM sync_outbox ORDER BY id`);
    // One outcome per event: the snapshot, then each of the 23 steps.
    expect(outbox.rows).toHaveLength(24);
    expect(new Set(outbox.rows.map((o) => `${o.topic} ${JSON.parse(o.value).type}`))).toEqual(
      new Set(['syncOutcomes vn.lienthong.sync.synced']),
    );
  });

  it('retries a refused batch item by item: the culprit is dead-lettered with the reason, the others go through', async () => {
    const ms = [maHoSoOf(3), maHoSoOf(4), maHoSoOf(5)];
    for (const [i, m] of ms.entries()) await snapshot(dossierAt(m, '2'), 1_000 + i);
    await step(stepItem(ms[1]!, 1), 2_000);
    const fake = createFakePortal();
    fake.reject.add(ms[1]!);
    await drain(deps(fake.portal));
    expect([...fake.held.keys()].sort()).toEqual([ms[0], ms[2]]);
    expect(await row(ms[1]!)).toMatchObject({ state: 'rejected', due_at: null, last_error_code: 'LT_DVCQG_REJECTED' });
    // The refused dossier's step waits: the portal does not hold the dossier.
    expect(fake.calls.filter((c) => c.service === 'CapNhatTienDoHoSoMC')).toEqual([]);
    const dlq = (await pool.query(`SELECT key, value, headers FROM sync_outbox WHERE topic = 'dossierEventsDlq'`)).rows;
    expect(dlq).toHaveLength(1);
    expect(dlq[0].key).toBe(ms[1]);
    expect(dlq[0].headers).toMatchObject({
      'dlq-error-code': 'LT_DVCQG_REJECTED',
      'dlq-portal-code': '-1',
      'dlq-reason': `Hồ sơ ${ms[1]} bị từ chối`,
    });
    expect(JSON.parse(dlq[0].value).type).toBe('vn.lienthong.dossier.upserted');
  });

  it('sends a create that meets "đã tồn tại" again as an update', async () => {
    const m = maHoSoOf(6);
    const fake = createFakePortal();
    fake.held.set(m, dossierAt(m, '2'));
    await snapshot(dossierAt(m, '4'), 1_000);
    await drain(deps(fake.portal));
    expect(fake.calls.map((c) => [c.isUpdating, c.ok])).toEqual([
      [false, false],
      [true, true],
    ]);
    expect(fake.held.get(m)!.TrangThaiHoSo).toBe('4');
    expect((await row(m)).state).toBe('synced');
  });

  it('after a transient failure, backs off and later pushes the newest snapshot, not the one that failed', async () => {
    const m = maHoSoOf(7);
    const other = maHoSoOf(8);
    const fake = createFakePortal();
    await snapshot(dossierAt(m, '2'), 1_000);
    fake.failNext(new HttpStatusError('dvcqg', 503, ''));
    await drain(deps(fake.portal));
    let r = await row(m);
    expect(r).toMatchObject({ state: 'retrying', attempts: 1, last_error_code: 'LT_HTTP_STATUS' });
    expect(r.due_at.getTime()).toBeGreaterThan(Date.now() + 50_000);
    // A newer snapshot arrives while the dossier waits: it keeps its backoff; another dossier is not held up.
    await snapshot(dossierAt(m, '4'), 2_000);
    await snapshot(dossierAt(other, '2'), 2_500);
    await drain(deps(fake.portal));
    expect(fake.held.has(other)).toBe(true);
    expect(fake.held.has(m)).toBe(false);
    r = await row(m);
    expect(r.state).toBe('retrying');
    await pool.query('UPDATE sync_dossier SET due_at = now() WHERE ma_ho_so = $1', [m]);
    await drain(deps(fake.portal));
    expect(fake.calls.filter((c) => c.maHoSo.includes(m)).map((c) => c.ok)).toEqual([false, true]);
    expect(fake.held.get(m)!.TrangThaiHoSo).toBe('4');
    expect(await row(m)).toMatchObject({ state: 'synced', attempts: 0, last_error: null });
    const retrying = (await pool.query(`SELECT value FROM sync_outbox WHERE value LIKE '%sync.retrying%'`)).rows;
    expect(retrying).toHaveLength(1);
    expect(JSON.parse(retrying[0].value).data).toMatchObject({
      MaHoSo: m,
      packet: 'DongBoHoSoMC',
      outcome: 'retrying',
      attempts: 1,
    });
  });

  it('lets one worker at a time hold a dossier (advisory lock), and frees it when the connection dies', async () => {
    const m = maHoSoOf(9);
    await snapshot(dossierAt(m, '2'), 1_000);
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      expect((await claimDueDossiers(a, 10, [])).map((r) => r.maHoSo)).toEqual([m]);
      expect(await claimDueDossiers(b, 10, [])).toEqual([]);
      a.release(true); // as if the process died: the session ends, the lock with it
      const c = await pool.connect();
      try {
        expect((await claimDueDossiers(b, 10, [])).map((r) => r.maHoSo)).toEqual([m]);
      } finally {
        c.release();
      }
    } finally {
      b.release(true);
    }
  });
});
