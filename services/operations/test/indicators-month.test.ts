/**
 * The hand-computed month (issue 9, Tests). 350 dossiers (month-fixture.ts) for the province
 * 000.00.00.H99 ("Sa Bàn"), period 2025-03-01 … 2025-03-31, computed on 2025-04-15 (so "period end" for
 * unfinished dossiers is 2025-04-01 00:00). Units: SỞ TƯ PHÁP 000.00.01.H99, SỞ XÂY DỰNG 000.00.03.H99,
 * XÃ 000.03.00.H99, and the OLD 000.00.01.H98 merged into 000.00.01.H99 (agency-overrides.json).
 *
 * Per group (count · unit · procedure · channel · what matters):
 *   G1 100 · TP  · P1 · online · done in 2 wd, on time, e-result code+link, paid flag 2, VNeID, HoSoCoThanhPhanSoHoa, synced
 *   G2  60 · XD  · P2 · direct · done 1 day after NgayHenTra (late), file, MaCSDL 7
 *   G3  40 · XÃ  · P3 · post   · open, due 9 Apr (on time at 1 Apr), fee 20 000 unpaid, no file, synced
 *   G4  30 · H98 · P1 · online · supplement round moves the due date → on time; result link w/o code; file; paid via PayGov event
 *   G5  20 · TP  · P1 · online · second supplement request → late; open; file; fees all Gia 0
 *   G6  15 · XD  · P2 · none(=1)· one supplement request open, made before NgayHenTra → on time; file from DVCQG store
 *   G7  15 · XÃ  · P2 · online · withdrawn next day → on time; MaCSDL 99 (population DB here)
 *   G8  10 · TP  · P2 · direct · no NgayHenTra: due = +3 wd (P2), done next day → on time; DuocSoHoa file
 *   G9  10 · TP  · ?  · direct · unknown procedure, no NgayHenTra → no deadline: out of 2.1; file
 *   G10 10 · XD  · P2 · direct · received in FEBRUARY, open, due 20 Mar → in 2.1 (active in March), late
 *   G11 10 · XD  · P2 · received and finished in February → nowhere
 *   G12 10 · H22 (another province) → nowhere          G13 10 · received in April → nowhere
 *   G14 10 · XÃ  · P3 · direct · stopped (8) next day → on time; no fee lines, no file
 * Catalogue: P1 fee 50 000 paper; P2 free, no paper, 3 wd; P3 fee 20 000 paper; P4 fee 100 000 (no dossier).
 *
 * R = received in March in H99 = G1+G2+G3+G4+G5+G6+G7+G8+G9+G14 = 100+60+40+30+20+15+15+10+10+10 = 310.
 *
 * | ind  | numerator                                   | denominator                                  | rate   | score |
 * |------|---------------------------------------------|----------------------------------------------|--------|-------|
 * | 1.4  | synced G1+G3 = 140                           | R = 310                                      | 45.16  |  –    |
 * | 2.1  | on time G1+G3+G4+G6+G7+G8+G14 = 220          | R−G9+G10 = 300+10 = 310                      | 70.97  |  –    |
 * | 2.2  | P1: G1 100×2 wd + G4 30×4 wd = 320 wd       | G1+G4 finished = 130                         | 2.46   |  –    |
 * | 3.3  | online G1 100 + G5 20 + G7 15 = 135          | R = 310; × 1.4 (45.16129 %)                  | 19.67  | 39.33 |
 * |      |  (G4 is online but finished without code+link on a paper-result procedure → out)                       |
 * | 3.5  | P1, P3 had a fee-bearing dossier = 2         | fee procedures of H99: P1, P3, P4 = 3         | 66.67  | 83.33 |
 * | 3.6  | paid G1 100 + G4 30 = 130                    | fee procs, not all-zero: G1+G4+G3+G14 = 180  | 72.22  |  –    |
 * | 4.1  | result file G1+G4 = 130                      | paper procs: G1+G3+G4+G5+G14 = 200           | 65.00  |  –    |
 * | 4.2  | file and (no paper or result): G1 100+G2 60+G4 30+G6 15+G8 10+G9 10 = 225 | R = 310          | 72.58  | 90.73 |
 * | 4.3  | G1 100 + G8 10 = 110                         | R = 310                                      | 35.48  | 44.35 |
 * | 4.4  | store G6 15 + result&synced G1 100 = 115     | R = 310                                      | 37.10  |  –    |
 * | 4.5b | VNeID G1 100 + store G6 15 + MaCSDL99 G7 15 = 130 | R = 310                                 | 41.94  |  –    |
 * | 5.4  | overdue G2 60 + G5 20 + G10 10 = 90          | 2.1's 310; 100 − 29.0323                     | 70.97  | 78.85 |
 * Scores: 100 at or above the threshold, else rate × 100 ÷ threshold (3.3: 19.66701/50; 3.5: 66.667/80;
 * 4.2: 72.5806/80; 4.3: 35.4839/80; 5.4: 70.9677/90), computed on the unrounded rates.
 *
 * Roll-up (2025 merger): H99's units 000.00.01.H99 = G1+G4+G5+G8+G9 = 170 received, 000.00.03.H99 =
 * G2+G6 = 75, 000.03.00.H99 = G3+G7+G14 = 65 → 310, every dossier once; the OLD province 000.00.00.H98
 * alone = G4 = 30.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '@lienthong/events';
import { createMetricsRegistry } from '@lienthong/platform';
import { createIndicatorGauges } from '../src/indicators/gauges.js';
import type { CloudEvent } from '@lienthong/events';
import { quietLogger, randomSuffix, testBrokers } from '../../../tests/helpers/index.js';
import { createIndicatorService, parsePeriod, type IndicatorFigure } from '../src/indicators/compute.js';
import { ensureReadModel } from '../src/read-model/schema.js';
import { createReadModelStore } from '../src/read-model/store.js';
import { createReadModelHandler } from '../src/read-model/handler.js';
import { rebuildReadModel } from '../src/read-model/rebuild.js';
import { Kafka, logLevel } from 'kafkajs';
import { at, calendar, createHarness, feed, putProcedure, type Harness } from './harness.js';
import { monthFixture, procedures } from './month-fixture.js';
import { expectValidOpenApi } from '../../../tests/helpers/openapi.js';

const expected: Record<string, { numerator: number; denominator: number; rate: number | null; score: number | null }> = {
  '1.4': { numerator: 140, denominator: 310, rate: 45.16, score: null },
  '2.1': { numerator: 220, denominator: 310, rate: 70.97, score: null },
  '2.2': { numerator: 320, denominator: 130, rate: 2.46, score: null },
  '3.3': { numerator: 135, denominator: 310, rate: 19.67, score: 39.33 },
  '3.5': { numerator: 2, denominator: 3, rate: 66.67, score: 83.33 },
  '3.6': { numerator: 130, denominator: 180, rate: 72.22, score: null },
  '4.1': { numerator: 130, denominator: 200, rate: 65, score: null },
  '4.2': { numerator: 225, denominator: 310, rate: 72.58, score: 90.73 },
  '4.3': { numerator: 110, denominator: 310, rate: 35.48, score: 44.35 },
  '4.4': { numerator: 115, denominator: 310, rate: 37.1, score: null },
  '4.5b': { numerator: 130, denominator: 310, rate: 41.94, score: null },
  '5.4': { numerator: 90, denominator: 310, rate: 70.97, score: 78.85 },
};

const NOW = at('2025-04-15T12:00');
const period = parsePeriod('2025-03-01', '2025-03-31', NOW);
const H99 = '000.00.00.H99';
let h: Harness;
const fx = monthFixture();
const allEvents: CloudEvent[] = [...fx.dossierEvents, ...fx.paymentEvents, ...fx.syncEvents];

const table = (figs: IndicatorFigure[]) =>
  Object.fromEntries(
    figs.map((f) => [f.id, { numerator: f.numerator, denominator: f.denominator, rate: f.rate, score: f.score }]),
  );
const serviceOn = (schema: string) => createIndicatorService({ pool: h.pool, schema, populationCodes: ['99'] });
const compute = (schema: string, agency = H99) => serviceOn(schema).compute({ agency, period, nowMs: NOW, maTTHC: '1.000001' });
const derivedRows = async (schema: string) =>
  (
    await h.pool.query(
      `SELECT ma_ho_so, agency_code, kenh, trang_thai, ngay_tiep_nhan, due_base, due_at, overdue_at, end_at, end_status, supp_count, paid_flag, paid_settled, synced_at, resolution_wmin
     FROM ${schema}.dossier ORDER BY ma_ho_so`,
    )
  ).rows;

/** A deterministic shuffle (LCG) with some events delivered twice, as a redelivering consumer would. */
function shuffledWithDuplicates(events: CloudEvent[]): [CloudEvent, number][] {
  const indexed = events.map((e, i) => [e, i] as [CloudEvent, number]);
  let x = 42;
  const rnd = () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const out = [...indexed, ...indexed.filter(() => rnd() < 0.3)];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

beforeAll(async () => {
  h = await createHarness({ now: new Date(NOW).toISOString(), populationCodes: ['99'] });
  for (const p of procedures) await putProcedure(h.pool, p);
  await feed(h.core, allEvents);
}, 180_000);
afterAll(async () => h?.close());

describe('the hand-computed month', () => {
  it('has at least 300 dossiers', () => {
    expect(Object.values(fx.groups).flat().length).toBe(350);
  });

  it('gives every indicator of the hand-computed table', async () => {
    expect(table(await compute(h.schema))).toEqual(expected);
  });

  it('serves the same figures over HTTP, with the lists behind them', async () => {
    h.clock.set(new Date(NOW));
    const auth = { authorization: `Bearer ${h.keys.viewer}` };
    const r = await h.app.inject({
      method: 'GET',
      url: `/v1/indicators?agency=${H99}&from=2025-03-01&to=2025-03-31&maTTHC=1.000001`,
      headers: auth,
    });
    expect(r.statusCode).toBe(200);
    expect(table(r.json().indicators)).toEqual(expected);
    const list = async (id: string, set: string, pageSize = 500, page = 1) =>
      (
        await h.app.inject({
          method: 'GET',
          url: `/v1/indicators/${id}/dossiers?agency=${H99}&from=2025-03-01&to=2025-03-31&set=${set}&pageSize=${pageSize}&page=${page}`,
          headers: auth,
        })
      ).json();
    expect((await list('2.1', 'denominator')).total).toBe(310);
    const overdue = await list('5.4', 'numerator');
    expect(overdue.items.map((i: { MaHoSo: string }) => i.MaHoSo).sort()).toEqual(
      [...fx.groups.G2!, ...fx.groups.G5!, ...fx.groups.G10!].sort(),
    );
    const online = await list('3.3', 'numerator', 100, 2);
    expect(online.total).toBe(135);
    expect(online.items).toHaveLength(35);
    expect((await list('3.5', 'numerator')).items.map((i: { MaTTHC: string }) => i.MaTTHC)).toEqual(['1.000001', '1.000003']);
    // Bad input: unknown indicator, malformed agency or date, period inverted; agency outside the client's scope.
    expect(
      (await h.app.inject({ method: 'GET', url: `/v1/indicators/9.9/dossiers?agency=${H99}&set=numerator`, headers: auth }))
        .statusCode,
    ).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/v1/indicators?agency=H99%27%3B--', headers: auth })).statusCode).toBe(400);
    const inverted = await h.app.inject({
      method: 'GET',
      url: `/v1/indicators?agency=${H99}&from=2025-03-31&to=2025-03-01`,
      headers: auth,
    });
    expect(inverted.statusCode).toBe(400);
    expect(inverted.json().details[0].path).toBe('/to');
    expect(
      (await h.app.inject({ method: 'GET', url: `/v1/indicators?agency=${H99}&from=2025-02-30`, headers: auth })).statusCode,
    ).toBe(400);
    expect(
      (
        await h.app.inject({
          method: 'GET',
          url: `/v1/indicators?agency=${H99}`,
          headers: { authorization: `Bearer ${h.keys.scopedViewer}` },
        })
      ).statusCode,
    ).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: `/v1/indicators?agency=${H99}` })).statusCode).toBe(401);
    expect(
      (
        await h.app.inject({
          method: 'GET',
          url: `/v1/indicators?agency=${H99}`,
          headers: { authorization: `Bearer ${h.keys.submitter}` },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('rolls the merged units into their successors without losing or double-counting a dossier', async () => {
    const received = async (agency: string) => (await compute(h.schema, agency)).find((f) => f.id === '1.4')!.denominator;
    expect(await received('000.00.01.H99')).toBe(170);
    expect(await received('000.00.03.H99')).toBe(75);
    expect(await received('000.03.00.H99')).toBe(65);
    expect(await received('000.00.00.H98')).toBe(30);
    expect(await received('000.00.01.H98')).toBe(30);
    const rollup = await h.app.inject({
      method: 'GET',
      url: '/v1/agencies/000.00.01.H98/rollup',
      headers: { authorization: `Bearer ${h.keys.viewer}` },
    });
    expect(rollup.json().countsUnder).toEqual(['000.00.00.H98', '000.00.00.H99', '000.00.01.H99']);
    const registry = (
      await h.app.inject({ method: 'GET', url: '/v1/agencies', headers: { authorization: `Bearer ${h.keys.viewer}` } })
    ).json().agencies;
    expect(registry.find((a: { code: string }) => a.code === '000.00.01.H98')).toMatchObject({
      successor: '000.00.01.H99',
      validTo: '2025-06-30',
      source: 'override',
    });
  });

  it('exports the live period as Prometheus gauges', async () => {
    const registry = createMetricsRegistry('operations-test', { defaults: false });
    const clock = { now: () => new Date(at('2025-03-31T12:00')) }; // "live" = March 2025 here
    const gauges = createIndicatorGauges({
      registry,
      pool: h.pool,
      schema: h.schema,
      indicators: serviceOn(h.schema),
      clock,
      logger: quietLogger('gauges'),
      agencies: [H99],
    });
    await gauges.refresh();
    const text = await registry.metrics();
    expect(text).toContain('indicator_denominator{indicator="1.4",agency="000.00.00.H99",service="operations-test"} 310');
    // Overdue at 31 March 12:00: G2 (finished late: not overdue now), G5 (second request), G10 (due 20 March).
    expect(text).toContain('overdue_dossiers{agency="000.00.00.H99",service="operations-test"} 30');
    expect(text).toMatch(/indicator_rate_percent\{indicator="4\.2",agency="000\.00\.00\.H99",service="operations-test"\} 72\.58/);
  });

  it('gives the same figures and rows when events are redelivered and reordered', async () => {
    const schema = 'ops_shuffled';
    await ensureReadModel(h.pool, schema);
    const handle = createReadModelHandler({ store: createReadModelStore({ pool: h.pool, schema, calendar }) });
    for (const [e, offset] of shuffledWithDuplicates(allEvents)) await handle(e, { offset: String(offset) });
    expect(table(await compute(schema))).toEqual(expected);
    expect(await derivedRows(schema)).toEqual(await derivedRows(h.schema));
  }, 180_000);

  it('gives the same figures after a rebuild from offset 0 into a fresh schema, records behind a transaction left open included', async () => {
    // A producer's transaction left open on every partition of the dossier topic before the events (a gateway
    // lane that hung when a broker died): the last stable offsets stay at it until the coordinator aborts it
    // (2 s timeout here), and the rebuild must still read the events committed after it.
    const raw = new Kafka({ clientId: 'rebuild-hung', brokers: testBrokers(), logLevel: logLevel.NOTHING });
    const admin = raw.admin();
    await admin.connect();
    const partitions = (await admin.fetchTopicMetadata({ topics: [h.topics.dossierEvents] })).topics[0]!.partitions.length;
    await admin.disconnect();
    const hung = raw.producer({
      transactionalId: `rebuild-hung-${randomSuffix()}`,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 2_000,
    });
    await hung.connect();
    const txn = await hung.transaction();
    await txn.send({
      topic: h.topics.dossierEvents,
      messages: Array.from({ length: partitions }, (_, partition) => ({ partition, value: 'never committed' })),
    });
    await hung.disconnect();
    await h.producer.publish(h.topics.dossierEvents, fx.dossierEvents);
    await h.producer.publish(h.topics.paymentEvents, fx.paymentEvents);
    await h.producer.publish(h.topics.syncOutcomes, fx.syncEvents);
    const schema = 'ops_rebuilt';
    const logger = quietLogger('rebuild');
    const r = await rebuildReadModel({
      kafka: createKafka({ brokers: testBrokers(), clientId: `rebuild-${randomSuffix()}`, logger }),
      producer: h.producer,
      pool: h.pool,
      logger,
      schema,
      topics: [h.topics.dossierEvents, h.topics.syncOutcomes, h.topics.paymentEvents],
      store: createReadModelStore({ pool: h.pool, schema, calendar }),
      groupId: `rebuild-${randomSuffix()}`,
      timeoutMs: 120_000,
    });
    expect(r.records).toBe(allEvents.length);
    expect(table(await compute(schema))).toEqual(expected);
    // A second rebuild into the same, now filled, schema is refused.
    await expect(
      rebuildReadModel({
        kafka: createKafka({ brokers: testBrokers(), clientId: 'x', logger }),
        producer: h.producer,
        pool: h.pool,
        logger,
        schema,
        topics: [],
        store: createReadModelStore({ pool: h.pool, schema, calendar }),
        groupId: 'x',
      }),
    ).rejects.toThrow(/fresh/);
  }, 180_000);
});

describe('operations: OpenAPI', () => {
  it('serves a document an independent OpenAPI validator accepts', async () => {
    await expectValidOpenApi(h.app);
  });
});
