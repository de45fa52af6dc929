/**
 * Operations against the sandbox's simulated DVCQG over real HTTP (issue 9 §6, §7): the catalogue sync
 * (LayDanhSachTTHC, LayThuTuc, LayDanhMucCoQuan) under errors and an outage, the lookup the gateway calls
 * for unknown MaTTHC and unlisted fees, and the monthly DongBoDanhGia summaries, sent exactly once per
 * agency-month and retried through a portal outage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDvcqgClient } from '@lienthong/dvcqg';
import { quietLogger } from '../helpers/index.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger } from '@lienthong/platform';
import dvcqgPeer from '../../services/sandbox/src/peers/dvcqg/index.js';
import { createCatalogue } from '../../services/sandbox/src/peers/dvcqg/catalogue.js';
import { at, createHarness, type Harness } from '../../services/operations/test/harness.js';
import { createCatalogueSync } from '../../services/operations/src/catalogue/catalogue-sync.js';
import { createMonthlyRatings } from '../../services/operations/src/ratings/ratings.js';

const SANDBOX_USER = 'lienthong';
const SANDBOX_PASSWORD = 'lienthong-sandbox';
const MADONVI = '000.00.00.H99';

/** The sandbox's simulated DVCQG in-process over real HTTP, with its admin API (faults, calls, ratings). */
async function startSandbox(config: Record<string, unknown>) {
  const app: FastifyInstance = Fastify();
  await app.register(dvcqgPeer, {
    prefix: '/dvcqg',
    logger: createLogger({ name: 'sandbox', level: 'silent' }),
    config,
    publicUrl: 'http://127.0.0.1',
  });
  const url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/dvcqg`;
  const admin = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${url}/_admin${p}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  return {
    url,
    async faults(f: Record<string, unknown>) {
      const r = await admin('PUT', '/faults', f);
      if (r.status !== 200) throw new Error(`sandbox faults refused: ${JSON.stringify(r.body)}`);
    },
    calls: async (query = '') => (await admin('GET', `/calls${query}`)).body as { items: Array<Record<string, unknown>> },
    close: () => app.close(),
  };
}

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let h: Harness;
const logger = quietLogger('operations-e2e');
const client = () =>
  createDvcqgClient({
    baseUrl: sandbox.url,
    username: SANDBOX_USER,
    password: SANDBOX_PASSWORD,
    madonvi: MADONVI,
    timeoutMs: 3_000,
    logger,
  });
const seeded = createCatalogue();

beforeAll(async () => {
  sandbox = await startSandbox({ SANDBOX_DVCQG_TIMEOUT_HANG_MS: 50 });
  h = await createHarness({
    now: new Date(at('2025-04-01T01:00')).toISOString(),
    catalogueSync: (d) =>
      createCatalogueSync({
        pool: d.pool,
        client: client(),
        registry: d.core.registry,
        store: d.core.store,
        logger,
        clock: d.clock,
        retry: { maxAttempts: 8, minDelayMs: 5, maxDelayMs: 40, factor: 2, jitter: 0.3 },
      }),
  });
}, 120_000);
afterAll(async () => {
  await h?.close();
  await sandbox?.close();
});

const op = () => ({ authorization: `Bearer ${h.keys.operator}` });
const count = async (sql: string) => Number(((await h.pool.query(sql)).rows[0] as { n: string }).n);

describe('catalogue sync', () => {
  it('fills procedures, fees, deadlines and agencies from the portal through 5xx errors and timeouts', async () => {
    await sandbox.faults({ errorRate: 0.2, timeoutRate: 0.05, seed: 7 });
    const r = await h.app.inject({ method: 'POST', url: '/v1/catalogue/sync', headers: op() });
    expect(r.statusCode).toBe(200);
    const run = r.json();
    expect(run.proceduresListed).toBe(seeded.procedures.length);
    expect(run.detailsOk + run.detailsFailed).toBe(seeded.procedures.length);
    if (run.status === 'partial') {
      // Unlucky draws exhausted a procedure's retries: the next run, without faults, completes it.
      await sandbox.faults({});
      expect((await h.app.inject({ method: 'POST', url: '/v1/catalogue/sync', headers: op() })).json().status).toBe('ok');
    } else expect(run.status).toBe('ok');
    expect(await count('SELECT count(*) AS n FROM ops_procedure WHERE detail_synced_at IS NOT NULL')).toBe(
      seeded.procedures.length,
    );
    const p = await h.app.inject({ method: 'GET', url: '/v1/catalogue/procedures/1.004873', headers: op() });
    expect(p.json()).toMatchObject({
      MaTTHC: '1.004873',
      legalDays: 3,
      workingDays: true,
      hasFee: true,
      requiresPaperResult: true,
      agencies: ['000.01.00.H99'],
    });
    expect(p.json().fees).toEqual([expect.objectContaining({ SOTIEN: 3000 })]);
    expect(await count("SELECT count(*) AS n FROM ops_agency WHERE source = 'dvcqg'")).toBeGreaterThanOrEqual(
      seeded.agencies.length - 1,
    );
    // The override's successor survives the portal's list (which knows nothing of the 2025 merger).
    expect((await h.pool.query("SELECT successor, source FROM ops_agency WHERE code = '000.00.00.H98'")).rows[0]).toEqual({
      successor: '000.00.00.H99',
      source: 'override',
    });
    const calls = await sandbox.calls('?service=LayThuTuc&limit=1000');
    expect(calls.items.some((c) => String(c.outcome).startsWith('fault:'))).toBe(true);
  });

  it('keeps the catalogue when the portal is down, and records the failed run', async () => {
    await sandbox.faults({ outage: true });
    const before = await count('SELECT count(*) AS n FROM ops_procedure WHERE detail_synced_at IS NOT NULL');
    const r = await h.app.inject({ method: 'POST', url: '/v1/catalogue/sync', headers: op() });
    expect(r.statusCode).toBe(502);
    expect(r.json().status).toBe('failed');
    expect(await count('SELECT count(*) AS n FROM ops_procedure WHERE detail_synced_at IS NOT NULL')).toBe(before);
    const runs = (await h.app.inject({ method: 'GET', url: '/v1/catalogue/runs', headers: op() })).json().runs;
    expect(runs[0]).toMatchObject({ status: 'failed', trigger: 'on-demand' });
    expect(runs[0].errors[0].what).toBe('LayDanhSachTTHC');
    await sandbox.faults({});
    expect(
      (await h.app.inject({ method: 'POST', url: '/v1/catalogue/sync', headers: { authorization: `Bearer ${h.keys.viewer}` } }))
        .statusCode,
    ).toBe(403);
  });

  it('warns the gateway of an unknown MaTTHC and of a fee not in the procedure list', async () => {
    const r = await h.app.inject({
      method: 'POST',
      url: '/v1/catalogue/check',
      headers: { authorization: `Bearer ${h.keys.submitter}` },
      payload: {
        items: [
          { MaTTHC: '9.999999' },
          { MaTTHC: '1.004873', DanhSachLePhi: [{ Gia: '3000' }, { Gia: '0' }] },
          { MaTTHC: '1.004873.000.00.00.H99', DanhSachLePhi: [{ Gia: '99999', MaPhiLePhi: 'X' }] },
        ],
      },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().refuse).toBe(false);
    expect(r.json().warnings.map((w: { path: string; code: string; level: string }) => [w.path, w.code, w.level])).toEqual([
      ['/0/MaTTHC', 'LT_CATALOGUE_UNKNOWN_MATTHC', 'warning'],
      ['/2/DanhSachLePhi/0', 'LT_CATALOGUE_FEE_NOT_LISTED', 'warning'],
    ]);
    // An agency configured to refuse (here *.H22, the harness's setting) gets errors instead of warnings.
    const strict = await h.app.inject({
      method: 'POST',
      url: '/v1/catalogue/check',
      headers: { authorization: `Bearer ${h.keys.submitter}` },
      payload: {
        items: [
          { MaHoSo: '000.00.01.H22-251123-0001', MaTTHC: '8.888888' },
          { MaHoSo: '000.00.01.H99-251123-0001', MaTTHC: '8.888888' },
        ],
      },
    });
    expect(strict.json().refuse).toBe(true);
    expect(strict.json().warnings.map((w: { index: number; level: string }) => [w.index, w.level])).toEqual([
      [0, 'error'],
      [1, 'warning'],
    ]);
    const bad = await h.app.inject({
      method: 'POST',
      url: '/v1/catalogue/check',
      headers: { authorization: `Bearer ${h.keys.submitter}` },
      payload: { items: [] },
    });
    expect(bad.statusCode).toBe(400);
    const hostile = await h.app.inject({
      method: 'POST',
      url: '/v1/catalogue/check',
      headers: { authorization: `Bearer ${h.keys.submitter}`, 'content-type': 'application/json' },
      payload: '{"items":[{"__proto__":{"x":1}}]}',
    });
    expect(hostile.statusCode).toBe(400);
  });
});

describe('monthly ratings', () => {
  const rate = (items: unknown[]) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/ratings',
      headers: { authorization: `Bearer ${h.keys.submitter}` },
      payload: { items },
    });

  it('takes answers per dossier and question, refusing bad ones with their path', async () => {
    const q1 = 'Mức độ hài lòng về thời gian giải quyết';
    const q2 = 'Mức độ hài lòng về thái độ cán bộ';
    const items = [];
    // Agency A (Sở Tư pháp): 10 dossiers, q1 answers 1,1,1,1,1,1,1,2,2,3 (70 / 20 / 10 %); q2 all 2.
    for (let i = 0; i < 10; i++) {
      const ma = `000.00.01.H99-250310-${String(i + 1).padStart(4, '0')}`;
      items.push({ MaHoSo: ma, question: q1, answer: i < 7 ? 1 : i < 9 ? 2 : 3, ratedAt: '20250310100000' });
      items.push({ MaHoSo: ma, question: q2, answer: 2, ratedAt: '2025-03-10T10:00:00+07:00' });
    }
    // Agency B (a commune): 4 dossiers, q1 answers 1,2,3,3 (25 / 25 / 50 %).
    for (let i = 0; i < 4; i++)
      items.push({
        MaHoSo: `000.03.00.H99-250312-${String(i + 1).padStart(4, '0')}`,
        question: q1,
        answer: [1, 2, 3, 3][i],
        ratedAt: '20250312090000',
      });
    // An April answer belongs to the next month.
    items.push({ MaHoSo: '000.03.00.H99-250401-0001', question: q1, answer: 1, ratedAt: '20250401000500' });
    const r = await rate(items);
    expect(r.statusCode).toBe(202);
    expect(r.json().accepted).toBe(items.length);
    const bad = await rate([{ MaHoSo: '000.00.01.H99-250310-0001', question: q1, answer: 4, ratedAt: '20250310100000' }]);
    expect(bad.statusCode).toBe(400);
    const future = await rate([{ MaHoSo: '000.00.01.H99-250310-0001', question: q1, answer: 1, ratedAt: '20300101000000' }]);
    expect(future.statusCode).toBe(400);
    expect(future.json().details[0].path).toBe('/items/0/ratedAt');
    expect((await h.app.inject({ method: 'POST', url: '/v1/ratings', headers: op(), payload: { items } })).statusCode).toBe(403);
  });

  it('sends each agency-month once, retried through a portal outage until acknowledged', async () => {
    const ratings = createMonthlyRatings({
      pool: h.pool,
      client: client(),
      clock: h.clock,
      logger,
      retry: { maxAttempts: Infinity, minDelayMs: 60_000, maxDelayMs: 60_000, factor: 1, jitter: 0 },
    });
    await sandbox.faults({ outage: true });
    await ratings.tick(); // 1 April, 01:00: March is opened and the first send fails
    let subs = (await h.app.inject({ method: 'GET', url: '/v1/ratings/submissions', headers: op() })).json().submissions;
    expect(subs.map((s: { agency: string; month: string; status: string }) => [s.agency, s.month, s.status])).toEqual([
      ['000.00.01.H99', '2025-03', 'pending'],
      ['000.03.00.H99', '2025-03', 'pending'],
    ]);
    expect(subs.find((s: { attempts: number }) => s.attempts === 1).lastError).toBeTruthy();
    h.clock.advance(61_000);
    await ratings.tick(); // still down
    await sandbox.faults({});
    // Back up: the agency whose send failed waits for its retry time; the one never tried (a failing portal
    // stops a tick after its first failure) goes now.
    await ratings.tick();
    expect((await sandbox.calls('?service=DongBoDanhGia&limit=100')).items.filter((c) => c.outcome === 'ok')).toHaveLength(1);
    subs = (await h.app.inject({ method: 'GET', url: '/v1/ratings/submissions', headers: op() })).json().submissions;
    expect(subs.find((s: { agency: string }) => s.agency === '000.00.01.H99')).toMatchObject({ status: 'pending', attempts: 2 });
    h.clock.advance(61_000);
    await ratings.tick();
    await ratings.tick();
    h.clock.advance(3_600_000);
    await ratings.tick(); // acknowledged rows are never sent again
    subs = (await h.app.inject({ method: 'GET', url: '/v1/ratings/submissions', headers: op() })).json().submissions;
    expect(subs.every((s: { status: string }) => s.status === 'acknowledged')).toBe(true);
    expect((await sandbox.calls('?service=DongBoDanhGia&limit=100')).items.filter((c) => c.outcome === 'ok')).toHaveLength(2);
    const res = await fetch(`${sandbox.url}/_admin/ratings`);
    const stored = ((await res.json()) as { items: { item: Record<string, unknown>; timesReceived: number }[] }).items;
    expect(stored.every((s) => s.timesReceived === 1)).toBe(true);
    const a1 = stored.find((s) => s.item.Madonvi === '000.00.01.H99' && String(s.item.NoiDung).includes('thời gian'))!.item;
    expect(a1).toMatchObject({
      NgayTongHop: '3-2025',
      TongSoNguoiDanhGia: 10,
      PhanTramDanhGiaRatHaiLong: '70%',
      PhanTramDanhGiaHaiLong: '20%',
      PhanTramDanhGiaChuaHaiLong: '10%',
    });
    const b1 = stored.find((s) => s.item.Madonvi === '000.03.00.H99')!.item;
    expect(b1).toMatchObject({
      TongSoNguoiDanhGia: 4,
      PhanTramDanhGiaRatHaiLong: '25%',
      PhanTramDanhGiaHaiLong: '25%',
      PhanTramDanhGiaChuaHaiLong: '50%',
    });
    expect(stored).toHaveLength(3); // A: two questions, B: one; April's answer is not in March
  });

  it("shows each caller the ledger rows of its own agencies only, checked on each row's agency", async () => {
    // A third agency's month, in another province (H22), beside the two H99 units above.
    await h.pool.query(
      `INSERT INTO ops_rating_submission (agency_code, month, items, next_attempt_at) VALUES ('000.00.01.H22', '2025-03-01', '[]', now())`,
    );
    const seen = async (key: string) => {
      const r = await h.app.inject({
        method: 'GET',
        url: '/v1/ratings/submissions',
        headers: { authorization: `Bearer ${key}` },
      });
      expect(r.statusCode).toBe(200);
      return (r.json().submissions as { agency: string }[]).map((s) => s.agency);
    };
    expect(await seen(h.keys.operator)).toEqual(['000.00.01.H22', '000.00.01.H99', '000.03.00.H99']);
    expect(await seen(h.keys.unitViewer)).toEqual(['000.00.01.H99']); // one unit: not its sibling commune
    expect(await seen(h.keys.scopedViewer)).toEqual(['000.00.01.H22']); // *.H22: not H99's rows
    expect((await h.app.inject({ method: 'GET', url: '/v1/ratings/submissions' })).statusCode).toBe(401);
  });
});
