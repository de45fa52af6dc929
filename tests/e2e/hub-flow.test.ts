/**
 * One dossier through the whole hub, as a province sees it, every hop over real Kafka, Postgres and HTTP:
 * gateway (buildApp, listening) → dossier.events.v1 → national-sync → DVCQG sandbox peer; payments →
 * VNPAY sandbox peer → IPN back to payments → payment.events.v1 → national-sync → the portal's copy of the
 * dossier carries the fee; progress steps → the portal in order, ≤ 10 per call; sync.outcomes.v1.
 * The province uses one API key for the gateway and for payments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, topicNames, type CloudEvent } from '@lienthong/events';
import { generateApiKey } from '@lienthong/platform';
import { validateEventData } from '@lienthong/standard';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  randomSuffix,
  readTopic,
} from '../helpers/index.js';
import { createTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  dossierItem,
  maHoSoOf,
  startNationalSync,
  startSandbox,
  stepItem,
  syncEnv,
  operatorAuth,
  type RunningSync,
  type Sandbox,
} from '../../services/national-sync/test/harness.js';
import { createTestPayments, freePort, paymentBody, type TestPayments } from '../../services/payments/test/harness.js';
import { startTestSandbox, type TestSandbox } from '../../services/payments/test/sandbox-harness.js';

const PROVINCE = 'motcua-h22';
const provinceKey = generateApiKey();

describe('one dossier through the whole hub (gateway → national-sync → DVCQG; payments → VNPAY → IPN → DVCQG)', () => {
  let ns: string;
  let topics: ReturnType<typeof topicNames>;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let portal: Sandbox;
  let sync: RunningSync;
  let gateway: TestGateway;
  let gatewayUrl: string;
  let payments: TestPayments;
  let vnpay: TestSandbox;

  beforeAll(async () => {
    ns = await createTestNamespace();
    topics = topicNames(ns);
    db = await createTestDatabase();
    portal = await startSandbox();
    sync = await startNationalSync(
      syncEnv({
        ns,
        databaseUrl: db.url,
        sandboxUrl: portal.url,
        extra: { NATIONAL_SYNC_GROUP_ID: `hub-flow-${randomSuffix()}`, NATIONAL_SYNC_PAYMENTS: 'true' },
      }),
      quietLogger('national-sync'),
    );
    gateway = await createTestGateway({
      namespace: ns,
      databaseUrl: db.url,
      clients: [{ id: PROVINCE, agencies: ['*.H22'], key: provinceKey }],
    });
    gatewayUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    const paymentsPort = await freePort();
    vnpay = await startTestSandbox({ paymentsUrl: `http://127.0.0.1:${paymentsPort}` });
    payments = await createTestPayments({
      namespace: ns,
      databaseUrl: db.url,
      port: paymentsPort,
      env: vnpay.env,
      clients: [{ id: PROVINCE, agencies: ['*.H22'], key: provinceKey }],
    });
    await payments.listen();
  });

  afterAll(async () => {
    await vnpay?.close();
    await payments?.close();
    await gateway?.close();
    await sync?.close();
    await portal?.close();
    if (ns) await deleteTestNamespace(ns);
    await db?.drop();
  });

  const headers = { authorization: `Bearer ${provinceKey}`, 'content-type': 'application/json' };
  async function call(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const res = await fetch(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { ...headers, ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  }

  it('accepted, synced field for field, paid over VNPAY, fee on the portal, steps in order by tens, outcomes published', async () => {
    const m = maHoSoOf(1, Math.floor(Math.random() * 89));
    // (a) The province posts the dossier, waiting for its fee (status 6), to the gateway.
    const item = dossierItem(m, { TrangThaiHoSo: '6', SoBienNhan: 'BN-HUB-1' });
    const accepted = await call(`${gatewayUrl}/v1/dossiers`, { body: item, headers: { 'idempotency-key': randomSuffix() } });
    expect(accepted.status).toBe(202);
    expect(accepted.body.accepted).toHaveLength(1);
    expect(accepted.body.accepted[0].MaHoSo).toBe(m);
    const dossierEventId: string = accepted.body.accepted[0].eventId;

    // (b) national-sync pushes it to the portal: the portal holds exactly what the province sent.
    const held = await eventually(() => portal.dossier(m).then((d) => d?.dossier ?? undefined), {
      what: 'the dossier at the DVCQG sandbox',
      timeoutMs: 30_000,
    });
    expect(held).toEqual(item);

    // (c) The province asks payments for a VNPAY payment of the fee; the sandbox pays it and sends the IPN over HTTP.
    const created = await call(`${payments.baseUrl}/v1/payments`, { body: paymentBody(m, 'vnpay', 75_000) });
    expect(created.status).toBe(201);
    const { paymentId, payUrl } = created.body as { paymentId: string; payUrl: string };
    expect(payUrl.startsWith(`${vnpay.url}/vnpay/`)).toBe(true);
    const paid = await vnpay.admin('vnpay', 'POST', '/pay', { payUrl });
    expect(paid).toMatchObject({ status: 200, body: { settled: true } });
    const payment = await eventually(
      async () => {
        const r = await call(`${payments.baseUrl}/v1/payments/${paymentId}`);
        return r.body?.status === 'paid' ? r.body : undefined;
      },
      { what: 'the payment paid through the IPN' },
    );
    expect(payment).toMatchObject({ paymentId, MaHoSo: m, amount: 75_000 });
    const ipns = (await vnpay.admin('vnpay', 'GET', '/notifications')).body.notifications as Array<{
      outcome: string;
      response?: { RspCode?: string };
    }>;
    expect(ipns.map((n) => [n.outcome, n.response?.RspCode])).toEqual([['sent', '00']]);
    expect((await payments.core.store.history(paymentId)).find((e) => e.kind === 'paid')?.source).toBe('ipn');

    // (d) national-sync consumes payment.settled and re-pushes the dossier with that payment's fee lines.
    const feeLines = [
      { TenPhiLePhi: 'Lệ phí cấp giấy phép', MaPhiLePhi: 'LP01', HinhThucThu: '1', Gia: '37500', LoaiPhiLePhi: '2' },
      { TenPhiLePhi: 'Phí thẩm định', MaPhiLePhi: 'P01', HinhThucThu: '1', Gia: '37500', LoaiPhiLePhi: '1' },
    ];
    const withFee = await eventually(
      () => portal.dossier(m).then((d) => (d?.dossier?.DuocThanhToanTrucTuyen === '2' ? d.dossier : undefined)),
      { what: "the fee on the portal's copy of the dossier", timeoutMs: 40_000 },
    );
    expect(withFee).toEqual({ ...item, DuocThanhToanTrucTuyen: '2', DanhSachLePhi: feeLines });
    const settled = (await readTopic(topics.paymentEvents))
      .map((r) => decodeEvent(r.value))
      .filter((e) => e.subject === paymentId);
    expect(settled.map((e) => e.type)).toEqual(['vn.lienthong.payment.settled']);
    expect(settled[0]!.data).toMatchObject({ MaHoSo: m, DanhSachLePhi: feeLines, DuocThanhToanTrucTuyen: '2', settledBy: 'ipn' });
    const metrics = (await sync.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/national_sync_ingested_total\{[^}]*type="vn\.lienthong\.payment\.settled"[^}]*\} [1-9]/);

    // (e) 23 steps in two requests reach the portal in order, at most 10 per CapNhatTienDoHoSoMC call.
    const steps = Array.from({ length: 23 }, (_, n) => stepItem(m, n));
    const stepEventIds: string[] = [];
    for (const part of [steps.slice(0, 14), steps.slice(14)]) {
      const r = await call(`${gatewayUrl}/v1/dossiers/progress`, { body: part, headers: { 'idempotency-key': randomSuffix() } });
      expect(r.status).toBe(202);
      expect(r.body.accepted).toHaveLength(part.length);
      stepEventIds.push(...(r.body.accepted as Array<{ eventId: string }>).map((a) => a.eventId));
    }
    const withSteps = await eventually(
      () => portal.dossier(m).then((d) => (d && d.progress.length === steps.length ? d : undefined)),
      { what: '23 steps at the portal', timeoutMs: 30_000 },
    );
    expect(withSteps.progress.map((p) => p.step)).toEqual(steps);
    expect(withSteps.progress.every((p) => p.timesReceived === 1)).toBe(true);
    const stepCalls = (await portal.calls(`?service=CapNhatTienDoHoSoMC&maHoSo=${encodeURIComponent(m)}&limit=100`)).items.filter(
      (c) => c.outcome === 'ok',
    );
    expect(stepCalls.length).toBeGreaterThanOrEqual(3);
    expect(stepCalls.every((c) => (c.items as number) >= 1 && (c.items as number) <= 10)).toBe(true);
    expect(stepCalls.reduce((n, c) => n + (c.items as number), 0)).toBe(steps.length);
    // The steps never touched the portal's dossier record.
    expect(withSteps.dossier).toEqual(withFee);

    // (f) sync.outcomes.v1: the dossier's snapshot (the event the gateway accepted) and every step synced.
    const outcomes = await eventually(
      async () => {
        const all = (await readTopic(topics.syncOutcomes)).map((r) => decodeEvent(r.value)).filter((e) => e.subject === m);
        const stepsDone = new Set(
          all.filter((e) => (e.data as any).packet === 'CapNhatTienDoHoSoMC').map((e) => (e.data as any).sourceEventId),
        );
        return stepsDone.size === steps.length ? all : undefined;
      },
      { what: 'outcomes of the dossier and its steps', timeoutMs: 30_000 },
    );
    for (const e of outcomes) expect(validateEventData(e.dataschema, e.data).errors).toEqual([]);
    const snapshot = outcomes.filter(
      (e: CloudEvent) => e.type === 'vn.lienthong.sync.synced' && (e.data as any).packet === 'DongBoHoSoMC',
    );
    expect(snapshot.length).toBeGreaterThanOrEqual(1);
    expect(snapshot.at(-1)!.data).toMatchObject({ MaHoSo: m, outcome: 'accepted', sourceEventId: dossierEventId });
    const stepOutcomes = outcomes.filter((e) => (e.data as any).packet === 'CapNhatTienDoHoSoMC');
    expect(stepOutcomes.every((e) => e.type === 'vn.lienthong.sync.synced')).toBe(true);
    expect(new Set(stepOutcomes.map((e) => (e.data as any).sourceEventId))).toEqual(new Set(stepEventIds));
    expect(outcomes.filter((e) => e.type !== 'vn.lienthong.sync.synced')).toEqual([]);

    const ledger = (
      await sync.app.inject({ method: 'GET', url: `/v1/dossiers/${encodeURIComponent(m)}/sync`, headers: operatorAuth })
    ).json();
    expect(ledger).toMatchObject({ state: 'synced', portalStatus: '6', steps: { pending: 0, pushed: 23, rejected: 0 } });
  }, 180_000);

  it('a dossier that trips only inferred rules is accepted with its warnings and reaches the portal exactly as sent', async () => {
    // What review probed: HinhThuc 2 (beyond 0/1 unconfirmed), NoiNopHoSo 3 ("1 = DVCQG" is inferred), a field
    // outside the two implementations' lists, an agency prefix of other group widths. None is known wrong.
    const m = `000.00.001.H22-250702-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const item = dossierItem(m, { HinhThuc: '2', NoiNopHoSo: '3', TruongMoiCuaCong: 'giá trị mới' });
    const accepted = await call(`${gatewayUrl}/v1/dossiers`, { body: item });
    expect(accepted.status).toBe(202);
    expect(accepted.body.accepted.map((a: { MaHoSo: string }) => a.MaHoSo)).toEqual([m]);
    const warnings = (accepted.body.warnings as Array<{ path: string; code: string }>).map((w) => [w.path, w.code]);
    expect(warnings).toEqual(
      expect.arrayContaining([
        ['/MaHoSo', 'LT_STD_MAHOSO_UNUSUAL'],
        ['/HinhThuc', 'LT_STD_CODE_UNKNOWN'],
        ['/NoiNopHoSo', 'LT_STD_CODE_UNKNOWN'],
        ['/TruongMoiCuaCong', 'LT_STD_FIELD_UNKNOWN'],
      ]),
    );
    expect(warnings).toHaveLength(4);
    // national-sync and the sandbox portal apply the same levels: the unknown field is passed on, never stripped.
    const held = await eventually(() => portal.dossier(m).then((d) => d?.dossier ?? undefined), {
      what: 'the dossier with warnings at the DVCQG sandbox',
      timeoutMs: 30_000,
    });
    expect(held).toEqual(item);
    const outcome = await eventually(
      async () =>
        (await readTopic(topics.syncOutcomes))
          .map((r) => decodeEvent(r.value))
          .find((e) => e.subject === m && (e.data as any).packet === 'DongBoHoSoMC' && (e.data as any).outcome === 'accepted'),
      { what: "the dossier's sync outcome", timeoutMs: 30_000 },
    );
    expect(validateEventData(outcome.dataschema, outcome.data).errors).toEqual([]);
  }, 90_000);
});
