import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEvent } from '@lienthong/events';
import { createPool, runMigrations, type Pool } from '@lienthong/platform';
import { schemaIds, type NationalOutboundEvent } from '@lienthong/standard';
import { createTestDatabase } from '../../../../tests/helpers/index.js';
import { migrationsDir } from '../app.js';
import { claimDueOutbound, recordOutbound, releaseOutbound, lockKeyOf, replayOutbound } from './ledger.js';
import type { OutboundVersion } from './rows.js';

/** The outbound ledger's SQL on a real Postgres: what ingest records, what a claim returns, what a replay resets. */
describe('sync_outbound ledger (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({ connectionString: db.url, applicationName: 'outbound-ledger-test', max: 4 });
    await runMigrations(pool, { service: 'national-sync', dir: migrationsDir });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });
  beforeEach(async () => {
    await pool.query('TRUNCATE sync_outbound');
  });

  const status = (ngay: string, trangThai: '2' | '5') =>
    createEvent<NationalOutboundEvent>({
      source: 'urn:lienthong:inbound',
      type: 'vn.lienthong.outbound.promotion-status',
      subject: 'KM.1',
      dataschema: schemaIds.nationalOutboundEvent,
      data: {
        kind: 'promotion-status',
        key: 'KM.1',
        agency: '000.00.01.H22',
        acceptedAt: new Date().toISOString(),
        packet: { MaHoSo: 'KM.1', MaHoSoDonVi: '000.00.01.H22-270105-0001', NgayXuLy: ngay, TrangThai: trangThai },
      },
    });
  const v = (rank: string, timeMs: number, seq: number): OutboundVersion => ({ rank, timeMs, seq: BigInt(seq) });
  const record = (ngay: string, t: '2' | '5', timeMs: number, seq: number) =>
    recordOutbound(pool, {
      kind: 'promotion-status',
      key: 'KM.1',
      agency: '000.00.01.H22',
      event: status(ngay, t),
      version: v(ngay, timeMs, seq),
    });
  const row = async () => (await pool.query('SELECT * FROM sync_outbound')).rows[0];

  it('records a newer version only: an older NgayXuLy accepted later, or the same version again, is stale', async () => {
    expect(await record('20270105100000', '2', 1_000, 1)).toBe('recorded');
    expect(await record('20270106090000', '5', 2_000, 2)).toBe('recorded');
    expect(await record('20270105120000', '2', 3_000, 3)).toBe('stale'); // sent late: older NgayXuLy
    expect(await record('20270106090000', '5', 2_000, 2)).toBe('stale'); // a redelivery
    expect((await row()).event.data.packet.TrangThai).toBe('5');
  });

  it('a newer version of a key given up on starts with all its attempts; one of a retrying key keeps its backoff', async () => {
    await record('20270105100000', '2', 1_000, 1);
    await pool.query(`UPDATE sync_outbound SET state = 'dead-lettered', attempts = 8, due_at = NULL`);
    await record('20270106090000', '5', 2_000, 2);
    expect(await row()).toMatchObject({ state: 'pending', attempts: 0 });
    await pool.query(`UPDATE sync_outbound SET state = 'retrying', attempts = 3, due_at = now() + interval '1 hour'`);
    await record('20270107090000', '2', 3_000, 3);
    const r = await row();
    expect(r).toMatchObject({ state: 'retrying', attempts: 3 });
    expect(r.due_at.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('a claim locks the key (another worker skips it); a replay makes the newest due again with attempts reset', async () => {
    await record('20270105100000', '2', 1_000, 1);
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      const mine = await claimDueOutbound(a, 10, []);
      expect(mine.map((x) => x.key)).toEqual(['KM.1']);
      expect(await claimDueOutbound(b, 10, [])).toEqual([]);
      await releaseOutbound(a, mine.map(lockKeyOf));
      await pool.query(`UPDATE sync_outbound SET state = 'dead-lettered', attempts = 8, due_at = NULL,
        dead_rank = ver_rank, dead_time = ver_time, dead_seq = ver_seq`);
      expect(await claimDueOutbound(b, 10, [])).toEqual([]);
      expect(await replayOutbound(pool, 'promotion-status', 'KM.1')).toBe(true);
      expect(await replayOutbound(pool, 'promotion-status', 'KM.NONE')).toBe(false);
      const again = await claimDueOutbound(b, 10, []);
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ resync: true, attempts: 0, deadVersion: undefined, state: 'pending' });
      await releaseOutbound(b, again.map(lockKeyOf));
    } finally {
      a.release();
      b.release();
    }
  });
});
