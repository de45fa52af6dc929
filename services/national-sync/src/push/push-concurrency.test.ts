/**
 * The push cycle's few round trips (issue 16) against what may happen while a push is at the portal:
 * ingest records a newer snapshot, a fee overlay or a step; an operator's replay resets refused steps;
 * other workers claim at the same moment. Real Postgres, fake portal.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createCircuitBreaker,
  createPool,
  Registry,
  runMigrations,
  systemClock,
  type Pool,
  type PoolClient,
} from '@lienthong/platform';
import { createTestDatabase, eventually, quietLogger } from '../../../../tests/helpers/index.js';
import { dossierAt, maHoSoOf, progressedEvent, stepItem, upsertedEvent } from '../../test/harness.js';
import { createFakePortal } from '../../test/fake-portal.js';
import { migrationsDir } from '../app.js';
import { claimDueDossiers, handOverPushLocksSql, PUSH_LOCK_SPACE } from '../ledger/claim.js';
import { createLedgerIngest } from '../ledger/ingest.js';
import { settleCycle } from '../ledger/results.js';
import { createSyncMetrics } from '../metrics.js';
import { versionOf } from '../version.js';
import { runPushCycle, type PushCycleDeps } from './cycle.js';
import type { PortalClient } from './portal.js';
import { createPusher } from './pusher.js';

const logger = quietLogger();
const policy = { maxAttempts: 1_000, minDelayMs: 60_000, maxDelayMs: 60_000, factor: 2, jitter: 0 };

describe('push cycle under concurrent ledger writes (real Postgres, fake portal)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let offset = 0;
  const at = (ms: number) => new Date(Date.UTC(2025, 6, 2, 2, 0, 0) + ms);
  const ingest = () => createLedgerIngest(pool);

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({ connectionString: db.url, applicationName: 'push-concurrency-test', max: 8 });
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
  function deps(portal: PortalClient): PushCycleDeps {
    return {
      portal,
      breaker: createCircuitBreaker({ name: 'test', failureThreshold: 100, openMs: 1_000 }),
      logger,
      clock: systemClock,
      metrics: createSyncMetrics(new Registry(), pool),
      batchSize: 20,
      progressBatch: 10,
      dossierTopic: 'dossier.events.v1',
      group: 'test',
    };
  }
  /** The fake portal, with `during` run inside each DongBoHoSoMC call (the push is "at the portal"). */
  function portalWith(during: (items: object[]) => Promise<void>, fake = createFakePortal()) {
    const portal: PortalClient = {
      ...fake.portal,
      async dongBoHoSo(items, o) {
        await during(items);
        return fake.portal.dongBoHoSo(items, o);
      },
    };
    return { fake, portal };
  }
  /** One claim → push → settle on `client`; returns what was claimed and how it was settled. */
  async function oneCycle(client: PoolClient, d: PushCycleDeps) {
    const rows = await claimDueDossiers(client, d.batchSize, []);
    const results = await runPushCycle(d, client, rows);
    const settled = await settleCycle(
      { client, now: new Date(), dossierTopic: d.dossierTopic, group: d.group },
      rows,
      results,
      policy,
    );
    return { rows, settled };
  }
  async function drain(d: PushCycleDeps, max = 10) {
    const client = await pool.connect();
    try {
      for (let i = 0; i < max; i++) if ((await oneCycle(client, d)).rows.length === 0) return i;
      throw new Error('still due after max cycles');
    } finally {
      client.release();
    }
  }
  const row = async (m: string) => (await pool.query('SELECT * FROM sync_dossier WHERE ma_ho_so = $1', [m])).rows[0];
  const heldBy = async (client: PoolClient) =>
    (
      await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = $1`,
        [PUSH_LOCK_SPACE],
      )
    ).rows[0]!.n;

  it('a cycle of snapshots costs two round trips: the claim and the settlement (which releases the locks)', async () => {
    const ms = [1, 2, 3].map((i) => maHoSoOf(100 + i));
    for (const [i, m] of ms.entries()) await snapshot(dossierAt(m, '2'), 1_000 + i);
    const fake = createFakePortal();
    const client = await pool.connect();
    const sent: string[] = [];
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (q: unknown, ...rest: unknown[]) => {
      sent.push(typeof q === 'string' ? q : String((q as { text: string }).text));
      return query(q, ...rest);
    };
    try {
      const { rows, settled } = await oneCycle(client, deps(fake.portal));
      expect(rows.map((r) => r.maHoSo).sort()).toEqual(ms);
      expect([...settled.values()].map((s) => s.state)).toEqual(['synced', 'synced', 'synced']);
      expect(sent).toHaveLength(2);
      expect(sent[0]).toContain('sync_claim_due');
      expect(await heldBy(client)).toBe(0);
    } finally {
      (client as unknown as { query: unknown }).query = query;
      client.release();
    }
    for (const m of ms)
      expect(await row(m)).toMatchObject({ state: 'synced', due_at: null, portal_status: '2', total_attempts: 1 });
    const outbox = await pool.query(`SELECT key, value FROM sync_outbox ORDER BY id`);
    expect(outbox.rows.map((o) => [o.key, JSON.parse(o.value).type])).toEqual(ms.map((m) => [m, 'vn.lienthong.sync.synced']));
  });

  it('a newer snapshot recorded during the push keeps the dossier due; the next cycle sends it', async () => {
    const m = maHoSoOf(110);
    await snapshot(dossierAt(m, '2'), 1_000);
    let once = true;
    const { fake, portal } = portalWith(async () => {
      if (once) await snapshot(dossierAt(m, '4'), 2_000);
      once = false;
    });
    const client = await pool.connect();
    try {
      const first = await oneCycle(client, deps(portal));
      expect(first.settled.get(m)).toMatchObject({ state: 'pending', dueInMs: 0 });
    } finally {
      client.release();
    }
    // What the portal acknowledged is recorded even though the settlement re-read the row.
    expect((await row(m)).portal_time.getTime()).toBe(at(1_000).getTime());
    await drain(deps(portal));
    expect(fake.calls.map((c) => [c.service, c.isUpdating])).toEqual([
      ['DongBoHoSoMC', false],
      ['DongBoHoSoMC', true],
    ]);
    expect(fake.held.get(m)!.TrangThaiHoSo).toBe('4');
    expect(await row(m)).toMatchObject({ state: 'synced', due_at: null, portal_status: '4' });
  });

  it('a fee settlement recorded during the push is not lost: the dossier is pushed again with the fees', async () => {
    const m = maHoSoOf(111);
    await snapshot(dossierAt(m, '2'), 1_000);
    let once = true;
    const { fake, portal } = portalWith(async () => {
      if (once) await ingest().recordFees(m, { DuocThanhToanTrucTuyen: '2' }, at(5_000).getTime());
      once = false;
    });
    await drain(deps(portal));
    expect(fake.calls.filter((c) => c.service === 'DongBoHoSoMC')).toHaveLength(2);
    expect(fake.held.get(m)!.DuocThanhToanTrucTuyen).toBe('2');
    expect(await row(m)).toMatchObject({ state: 'synced', resync: false, due_at: null });
  });

  it('a step recorded during the push of its dossier goes out in the next cycle', async () => {
    const m = maHoSoOf(112);
    await snapshot(dossierAt(m, '2'), 1_000);
    let once = true;
    const { fake, portal } = portalWith(async () => {
      if (once) await step(stepItem(m, 1), 1_500);
      once = false;
    });
    await drain(deps(portal));
    expect(fake.steps.map((s) => s.NoiDungXuLy)).toEqual(['Bước xử lý 1']);
    expect(await row(m)).toMatchObject({ state: 'synced', due_at: null });
    expect((await pool.query('SELECT count(pushed_at)::int AS n FROM sync_progress')).rows[0].n).toBe(1);
  });

  it('refused steps reset by a replay during the push (no write to the dossier row) are seen by the settlement', async () => {
    const m = maHoSoOf(113);
    const fake = createFakePortal();
    await snapshot(dossierAt(m, '2'), 1_000);
    await drain(deps(fake.portal));
    // The portal holds the dossier and refuses its step.
    fake.reject.add(m);
    await step(stepItem(m, 1), 1_100);
    await drain(deps(fake.portal));
    expect((await row(m)).state).toBe('rejected');
    fake.reject.delete(m);
    // The operator asks for a resync; while the snapshot is at the portal, the refused step is reset.
    await pool.query(`UPDATE sync_dossier SET resync = true, due_at = now(), state = 'pending' WHERE ma_ho_so = $1`, [m]);
    let once = true;
    const { portal } = portalWith(async () => {
      if (once) await pool.query(`UPDATE sync_progress SET rejected_at = NULL WHERE ma_ho_so = $1`, [m]);
      once = false;
    }, fake);
    const client = await pool.connect();
    try {
      const { rows, settled } = await oneCycle(client, deps(portal));
      expect(rows[0]).toMatchObject({ pendingSteps: 0, rejectedSteps: 1 });
      // The claim counted one refused step and none pending; the settlement finds one pending: due again.
      expect(settled.get(m)).toMatchObject({ state: 'pending', dueInMs: 0 });
    } finally {
      client.release();
    }
    await drain(deps(fake.portal));
    expect(fake.steps.map((s) => s.NoiDungXuLy)).toEqual(['Bước xử lý 1']);
    expect(await row(m)).toMatchObject({ state: 'synced', due_at: null });
  });

  it('concurrent claims step over dossiers another worker holds instead of coming back empty', async () => {
    const ms = Array.from({ length: 6 }, (_, i) => maHoSoOf(120 + i));
    for (const [i, m] of ms.entries()) await snapshot(dossierAt(m, '2'), 1_000 + i);
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      const [ra, rb] = await Promise.all([claimDueDossiers(a, 3, []), claimDueDossiers(b, 3, [])]);
      expect(ra).toHaveLength(3);
      expect(rb).toHaveLength(3);
      expect([...ra, ...rb].map((r) => r.maHoSo).sort()).toEqual(ms);
      // Only what was returned is locked.
      expect(await heldBy(a)).toBe(3);
      expect(await heldBy(b)).toBe(3);
      // Each row carries its version and step counts for the settlement.
      expect(ra[0]).toMatchObject({ pendingSteps: 0, rejectedSteps: 0, rowVersion: expect.stringMatching(/^\d+$/) });
    } finally {
      a.release(true);
      b.release(true);
    }
  });

  it('a settlement keeps its dossiers locked until it commits (no other worker reads them half-settled)', async () => {
    const m = maHoSoOf(130);
    await snapshot(dossierAt(m, '2'), 1_000);
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      expect((await claimDueDossiers(a, 5, [])).map((r) => r.maHoSo)).toEqual([m]);
      await a.query('BEGIN');
      await a.query(handOverPushLocksSql('$1'), [[m]]);
      expect(await claimDueDossiers(b, 5, [])).toEqual([]);
      await a.query('COMMIT');
      expect(await heldBy(a)).toBe(0);
      expect((await claimDueDossiers(b, 5, [])).map((r) => r.maHoSo)).toEqual([m]);
    } finally {
      a.release(true);
      b.release(true);
    }
  });

  it('the pusher misses no wake-up: work recorded while a claim is under way (and comes back empty) goes out', async () => {
    const fake = createFakePortal();
    const m = maHoSoOf(200);
    // The worker's first claim finds nothing; its answer is held until the test has recorded a dossier and
    // woken the pusher (a wake-up that, with a claim under way, starts no other worker).
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let claims = 0;
    const gated = {
      connect: async () => {
        const client = await pool.connect();
        return new Proxy(client, {
          get(target, key, receiver) {
            if (key !== 'query') return Reflect.get(target, key, receiver) as unknown;
            return (q: unknown, ...rest: unknown[]) => {
              const r = (target.query as (...a: unknown[]) => Promise<unknown>)(q, ...rest);
              if (!String((q as { text?: string }).text ?? q).includes('sync_claim_due')) return r;
              claims++;
              return r.then(async (x) => (await gate, x));
            };
          },
        });
      },
    } as unknown as Pool;
    const pusher = createPusher({
      ...deps(fake.portal),
      pool: gated,
      claimSize: 20,
      workers: 2,
      pollMs: 600_000,
      retryPolicy: policy,
    });
    pusher.start();
    try {
      await eventually(() => claims >= 1, { what: 'the first claim under way' });
      await snapshot(dossierAt(m, '2'), 1_000);
      pusher.wake();
      open();
      await eventually(() => (fake.held.has(m) ? true : undefined), { timeoutMs: 10_000, what: 'the dossier at the portal' });
    } finally {
      open();
      await pusher.stop();
    }
    expect(await row(m)).toMatchObject({ state: 'synced', due_at: null });
  });

  it('the pusher pushes events recorded one by one, each once', async () => {
    const fake = createFakePortal();
    const ms = Array.from({ length: 40 }, (_, i) => maHoSoOf(300 + i));
    const pusher = createPusher({ ...deps(fake.portal), pool, claimSize: 20, workers: 4, pollMs: 600_000, retryPolicy: policy });
    pusher.start();
    try {
      for (const [i, m] of ms.entries()) {
        await snapshot(dossierAt(m, '2'), 1_000 + i);
        pusher.wake();
        if (i % 7 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      await eventually(async () => (fake.held.size === ms.length ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 50,
        what: 'every dossier at the portal',
      });
    } finally {
      await pusher.stop();
    }
    const states = await pool.query(`SELECT state, count(*)::int AS n FROM sync_dossier GROUP BY state`);
    expect(states.rows).toEqual([{ state: 'synced', n: ms.length }]);
    expect(fake.calls.flatMap((c) => c.maHoSo).length).toBe(ms.length);
  });

  it('a claim larger than the portal batch goes out in calls of the batch, one at a time per pusher', async () => {
    const ms = Array.from({ length: 150 }, (_, i) => maHoSoOf(500 + i));
    for (const [i, m] of ms.entries()) await snapshot(dossierAt(m, '2'), 1_000 + i);
    let inFlight = 0;
    let most = 0;
    const { fake, portal } = portalWith(async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
    });
    let claims = 0;
    const counted = {
      connect: async () => {
        const c = await pool.connect();
        const query = c.query.bind(c) as (...a: unknown[]) => Promise<unknown>;
        return Object.assign(Object.create(c) as PoolClient, {
          query: (q: unknown, ...rest: unknown[]) => {
            if (String((q as { text?: string }).text ?? q).includes('sync_claim_due')) claims++;
            return query(q, ...rest);
          },
          release: (e?: Error) => c.release(e),
        });
      },
    } as unknown as Pool;
    const pusher = createPusher({
      ...deps(portal),
      pool: counted,
      claimSize: 60,
      workers: 2,
      pollMs: 600_000,
      retryPolicy: policy,
    });
    pusher.start();
    try {
      pusher.wake();
      await eventually(() => (fake.held.size === ms.length ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 50,
        what: 'every dossier at the portal',
      });
    } finally {
      await pusher.stop();
    }
    const states = await pool.query(`SELECT state, count(*)::int AS n FROM sync_dossier GROUP BY state`);
    expect(states.rows).toEqual([{ state: 'synced', n: ms.length }]);
    // Each dossier once, in calls of at most the batch (20), never more calls at once than pushers (2).
    expect(fake.calls.flatMap((c) => c.maHoSo).sort()).toEqual([...ms].sort());
    expect(Math.max(...fake.calls.map((c) => c.maHoSo.length))).toBe(20);
    expect(most).toBeLessThanOrEqual(2);
    // 150 dossiers in claims of at most 60: at least 3 claims with rows; fewer than one claim per portal call.
    expect(claims).toBeGreaterThanOrEqual(3);
    expect(claims).toBeLessThan(fake.calls.length);
  });
});
