/**
 * national-sync end to end: real Kafka, real Postgres, the DVCQG sandbox peer over HTTP, national-sync
 * built with buildApp. Events are published to dossier.events.v1 the way the gateway publishes them
 * (transactional producer, key = MaHoSo) — the gateway itself is not wired in here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, topicNames, dlqOf, type EventProducer } from '@lienthong/events';
import { validateEventData } from '@lienthong/standard';
import {
  captureLogger,
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  randomSuffix,
  readTopic,
} from '../helpers/index.js';
import { createTestGateway } from '../helpers/gateway.js';
import {
  dossierAt,
  dossierItem,
  gatewayProducer,
  maHoSoOf,
  progressedEvent,
  settledData,
  settledEvent,
  stepItem,
  startNationalSync,
  startSandbox,
  syncEnv,
  upsertedEvent,
  operatorAuth,
  testKeys,
  type RunningSync,
  type Sandbox,
} from '../../services/national-sync/test/harness.js';
import { runReplayCli } from '../../services/national-sync/src/replay/cli.js';

const run = Math.floor(Math.random() * 80);
let seq = 0;
const nextMaHoSo = () => maHoSoOf(++seq, run);

describe('national-sync → DVCQG sandbox (real Kafka, Postgres, HTTP)', () => {
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sandbox: Sandbox;
  let sync: RunningSync;
  let gw: EventProducer;
  const capture = captureLogger('national-sync', 'info');
  let topics: ReturnType<typeof topicNames>;

  beforeAll(async () => {
    ns = await createTestNamespace();
    topics = topicNames(ns);
    db = await createTestDatabase();
    sandbox = await startSandbox({ SANDBOX_DVCQG_TIMEOUT_HANG_MS: 2_000 });
    sync = await startNationalSync(
      syncEnv({
        ns,
        databaseUrl: db.url,
        sandboxUrl: sandbox.url,
        extra: { NATIONAL_SYNC_GROUP_ID: `ns-e2e-${randomSuffix()}`, NATIONAL_SYNC_PAYMENTS: 'true' },
      }),
      capture.logger,
    );
    gw = await gatewayProducer(quietLogger());
  });
  afterAll(async () => {
    await gw?.disconnect();
    await sync?.close();
    await sandbox?.close();
    await deleteTestNamespace(ns);
    await db?.drop();
  });

  const publish = (...events: ReturnType<typeof upsertedEvent>[]) => gw.publish(topics.dossierEvents, events);
  const ledger = async (m: string) => {
    const r = await sync.app.inject({ method: 'GET', url: `/v1/dossiers/${encodeURIComponent(m)}/sync`, headers: operatorAuth });
    return r.statusCode === 200 ? (r.json() as Record<string, any>) : undefined;
  };

  it('dossiers and progress arrive at the sandbox field for field; progress lists over 10 are split', async () => {
    const m1 = nextMaHoSo();
    const m2 = nextMaHoSo();
    const first = dossierAt(m1, '2');
    const newest = dossierAt(m1, '4', {
      GhiChu: 'Đã bổ sung',
      TaiLieuNop: [
        ...(first.TaiLieuNop as object[]),
        {
          TepDinhKemId: 'f-2',
          TenTepDinhKem: 'Giay to 2.pdf',
          IsDeleted: 'False',
          MaThanhPhanHoSo: 'TP2',
          DuongDanTaiTepTin: 'https://files.example.vn/f-2',
          DuocSoHoa: '1',
        },
      ],
    });
    const steps = Array.from({ length: 23 }, (_, n) =>
      stepItem(
        m1,
        n,
        n % 3 === 0 ? { ChucDanh: 'Chuyên viên', NgayBatDau: '20250702090000', NgayKetThucTheoQuyDinh: '20250703170000' } : {},
      ),
    );
    const full = dossierAt(m2, '10', {
      SoBienNhan: 'BN-0001',
      MaDoiTuong: 'tech-123',
      Email: 'an@example.vn',
      SoDienThoai: '0912345678',
      HinhThuc: '1',
      ThongTinTra: 'Trả qua bưu điện',
      NoiNopHoSo: '2',
      HoSoCoThanhPhanSoHoa: '1',
      TaiKhoanDuocXacThucVoiVNeID: '1',
      DuocThanhToanTrucTuyen: '2',
      NgayNopHoSo: '20250702080000',
      DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '001099012345' }],
      DSKetNoiCSDL: [{ MaCSDL: '7' }],
      DanhSachTepDinhKemKhac: [{ TenGiayTo: 'Bản sao', SoLuong: 2, LoaiGiayTo: 1 }],
      DanhSachGiayToKetQua: [
        {
          TenGiayTo: 'Giấy khai sinh',
          MaThanhPhanHoSo: 'KQ1',
          GiayToId: 'kq-1',
          DuongDanTepTinKetQua: 'https://files.example.vn/kq-1',
          MaGiayToKetQua: 'KQ.1',
        },
      ],
    });
    await publish(upsertedEvent(first), ...steps.slice(0, 12).map((s) => progressedEvent(s)));
    await publish(...steps.slice(12).map((s) => progressedEvent(s)), upsertedEvent(newest), upsertedEvent(full));

    const held = await eventually(
      async () => {
        const d = await sandbox.dossier(m1);
        return d?.dossier?.TrangThaiHoSo === '4' && d.progress.length === 23 ? d : undefined;
      },
      { what: 'm1 at the sandbox with 23 steps' },
    );
    expect(held.dossier).toEqual(newest);
    const byContent = new Map(held.progress.map((p) => [p.step.NoiDungXuLy, p.step]));
    for (const s of steps) expect(byContent.get(s.NoiDungXuLy)).toEqual(s);
    const progressCalls = (
      await sandbox.calls(`?service=CapNhatTienDoHoSoMC&maHoSo=${encodeURIComponent(m1)}&limit=100`)
    ).items.filter((c) => c.outcome === 'ok');
    expect(Math.max(...progressCalls.map((c) => c.items as number))).toBeLessThanOrEqual(10);
    expect(progressCalls.reduce((n, c) => n + (c.items as number), 0)).toBeGreaterThanOrEqual(23);

    const held2 = await eventually(() => sandbox.dossier(m2).then((d) => d?.dossier ?? undefined), { what: 'm2 at the sandbox' });
    expect(held2).toEqual(full);

    const l = await eventually(
      async () => {
        const s = await ledger(m1);
        return s?.state === 'synced' && s.steps.pushed === 23 ? s : undefined;
      },
      { what: 'ledger synced' },
    );
    expect(l.portalVersion).toBe(l.acceptedVersion);
    expect(l).toMatchObject({ portalStatus: '4', attempts: 0, lastError: null, steps: { pending: 0, pushed: 23, rejected: 0 } });

    const outcomes = await eventually(
      async () => {
        const recs = (await readTopic(topics.syncOutcomes)).map((r) => decodeEvent(r.value));
        return recs.some((e) => e.subject === m2) ? recs : undefined;
      },
      { what: 'outcomes published', timeoutMs: 30_000 },
    );
    for (const e of outcomes) expect(validateEventData(e.dataschema, e.data).errors).toEqual([]);
    const m1Snapshot = outcomes.filter(
      (e) => e.subject === m1 && e.type === 'vn.lienthong.sync.synced' && (e.data as any).packet === 'DongBoHoSoMC',
    );
    expect(m1Snapshot.at(-1)!.data).toMatchObject({ MaHoSo: m1, outcome: 'accepted', sourceEventId: l.acceptedEventId });
    const stepIds = new Set(
      outcomes
        .filter((e) => e.subject === m1 && (e.data as any).packet === 'CapNhatTienDoHoSoMC')
        .map((e) => (e.data as any).sourceEventId),
    );
    expect(stepIds.size).toBe(23);
  });

  it('dossiers and progress POSTed to the gateway reach the sandbox field for field', async () => {
    const gateway = await createTestGateway({ namespace: ns, databaseUrl: db.url });
    try {
      const m = nextMaHoSo();
      const item = dossierAt(m, '4', { SoBienNhan: 'BN-77', HinhThuc: '0' });
      const steps = Array.from({ length: 12 }, (_, n) => stepItem(m, n));
      const post = (url: string, body: unknown) =>
        gateway.app.inject({
          method: 'POST',
          url,
          headers: {
            authorization: `Bearer ${gateway.keys['motcua-h22']}`,
            'content-type': 'application/json',
            'idempotency-key': randomSuffix(),
          },
          payload: JSON.stringify(body),
        });
      const started = Date.now();
      expect((await post('/v1/dossiers', item)).statusCode).toBe(202);
      expect((await post('/v1/dossiers/progress', steps)).statusCode).toBe(202);
      const held = await eventually(
        async () => {
          const d = await sandbox.dossier(m);
          return d?.dossier && d.progress.length === 12 ? d : undefined;
        },
        { what: 'the gateway-posted dossier at the sandbox' },
      );
      capture.logger.info({ ms: Date.now() - started }, 'gateway to sandbox');
      expect(held.dossier).toEqual(item);
      expect(held.progress.map((p) => p.step)).toEqual(steps);
    } finally {
      await gateway.close();
    }
  });

  it('a replayed older event never regresses the portal', async () => {
    const m = nextMaHoSo();
    const old = upsertedEvent(dossierAt(m, '2'));
    await new Promise((r) => setTimeout(r, 5));
    await publish(old, upsertedEvent(dossierAt(m, '9')));
    await eventually(() => sandbox.dossier(m).then((d) => d?.dossier?.TrangThaiHoSo === '9'), {
      what: 'status 9 at the sandbox',
    });
    await publish(old); // a redelivery or a replay of the older state
    await eventually(async () => (await ledger(m))?.state === 'synced');
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await sandbox.dossier(m))!.dossier!.TrangThaiHoSo).toBe('9');
    const stale = await sync.app.inject({ method: 'GET', url: '/metrics' });
    expect(stale.body).toMatch(
      /national_sync_ingested_total\{[^}]*type="vn\.lienthong\.dossier\.upserted"[^}]*result="stale"[^}]*\} [1-9]/,
    );
  });

  it('a permanent rejection goes to the DLQ with the portal reason, others keep flowing, and a replay after the fix syncs it', async () => {
    const bad = nextMaHoSo();
    const bad2 = nextMaHoSo();
    const good = [nextMaHoSo(), nextMaHoSo(), nextMaHoSo()];
    const t0 = new Date(Date.now() - 1_000);
    await sandbox.faults({ rejectMaHoSo: [bad, bad2] });
    await publish(...[bad, ...good, bad2].map((m) => upsertedEvent(dossierAt(m, '2'))), progressedEvent(stepItem(bad, 1)));
    for (const m of good)
      await eventually(() => sandbox.dossier(m).then((d) => d?.dossier ?? undefined), { what: `${m} synced despite ${bad}` });
    await eventually(async () => (await ledger(bad))?.state === 'rejected', { what: 'bad rejected in the ledger' });
    const l = (await ledger(bad))!;
    expect(l).toMatchObject({ lastErrorCode: 'LT_DVCQG_REJECTED', due: null });
    expect(l.lastError).toContain('bị từ chối');

    const dlq = await eventually(
      async () => {
        const recs = await readTopic(dlqOf(topics.dossierEvents));
        return recs.some((r) => r.key === bad) && recs.some((r) => r.key === bad2) ? recs : undefined;
      },
      { what: 'dead letters', timeoutMs: 30_000 },
    );
    const letter = dlq.find((r) => r.key === bad)!;
    expect(letter.headers).toMatchObject({
      'dlq-error-code': 'LT_DVCQG_REJECTED',
      'dlq-portal-code': '-1',
      'dlq-original-topic': topics.dossierEvents,
    });
    expect(letter.headers['dlq-reason']).toContain(`Hồ sơ ${bad} bị từ chối`);
    expect(decodeEvent(letter.value)).toMatchObject({ subject: bad, type: 'vn.lienthong.dossier.upserted' });
    const rejected = (await readTopic(topics.syncOutcomes))
      .map((r) => decodeEvent(r.value))
      .filter((e) => e.type === 'vn.lienthong.sync.rejected' && e.subject === bad);
    expect(rejected[0]!.data).toMatchObject({ MaHoSo: bad, outcome: 'rejected', packet: 'DongBoHoSoMC', portalErrorCode: '-1' });
    expect((rejected[0]!.data as any).portalMessage).toContain('bị từ chối');

    // Still refused while the fault stands: the ledger does not retry it by itself.
    expect((await sandbox.dossier(bad))?.dossier ?? null).toBeNull();
    await sandbox.faults({});
    const one = await sync.app.inject({
      method: 'POST',
      url: '/v1/admin/replay',
      headers: operatorAuth,
      payload: { maHoSo: bad },
    });
    expect(one.statusCode).toBe(202);
    const held = await eventually(
      async () => {
        const d = await sandbox.dossier(bad);
        return d?.dossier && d.progress.length === 1 ? d : undefined;
      },
      { what: 'replayed dossier and its step at the sandbox' },
    );
    expect(held.dossier).toEqual(dossierAt(bad, '2'));
    expect((await ledger(bad))!.state).toBe('synced');

    const since = await sync.app.inject({
      method: 'POST',
      url: '/v1/admin/replay',
      headers: operatorAuth,
      payload: { deadLettersSince: t0.toISOString() },
    });
    expect(since.statusCode).toBe(202);
    expect(
      since
        .json()
        .dossiers.map((d: { maHoSo: string }) => d.maHoSo)
        .sort(),
    ).toEqual([bad, bad2].sort());
    await eventually(() => sandbox.dossier(bad2).then((d) => d?.dossier ?? undefined), {
      what: 'bad2 synced after the dead-letter replay',
    });

    const nobody = await sync.app.inject({ method: 'POST', url: '/v1/admin/replay', headers: operatorAuth, payload: {} });
    expect(nobody.json()).toMatchObject({ error: 'LT_SYNC_BAD_REPLAY_REQUEST' });
    const unknown = await sync.app.inject({
      method: 'POST',
      url: '/v1/admin/replay',
      headers: operatorAuth,
      payload: { maHoSo: 'no-such' },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it("the replay CLI can go through a running service's admin API (--url)", async () => {
    const m = nextMaHoSo();
    await publish(upsertedEvent(dossierAt(m, '4')));
    await eventually(async () => (await ledger(m))?.state === 'synced', { what: 'synced' });
    const address = await sync.app.listen({ port: 0, host: '127.0.0.1' });
    const out: string[] = [];
    // Without an API key the CLI refuses before calling; with a non-operator key the service refuses.
    expect(await runReplayCli(['--ma-ho-so', m, '--url', address], {}, () => {})).toBe(2);
    const refused: string[] = [];
    expect(
      await runReplayCli(['--ma-ho-so', m, '--url', address], { LIENTHONG_API_KEY: testKeys.submitter }, (s) => refused.push(s)),
    ).toBe(1);
    expect(JSON.parse(refused.join(''))).toMatchObject({ error: 'LT_AUTH_ROLE_REQUIRED' });
    const code = await runReplayCli(['--ma-ho-so', m, '--url', address], { LIENTHONG_API_KEY: testKeys.operator }, (s) =>
      out.push(s),
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ dossiers: [{ maHoSo: m, stepsReset: 0 }] });
    await eventually(
      async () =>
        (await sandbox.calls(`?service=DongBoHoSoMC&maHoSo=${encodeURIComponent(m)}`)).items.filter((c) => c.outcome === 'ok')
          .length === 2,
      { what: 'a second push after the replay' },
    );
    expect(
      await runReplayCli(['--ma-ho-so', 'no-such', '--url', address], { LIENTHONG_API_KEY: testKeys.operator }, () => {}),
    ).toBe(1);
  });

  it('sessions expiring mid-run: re-login, no update lost', async () => {
    const ms = Array.from({ length: 30 }, () => nextMaHoSo());
    await sandbox.faults({ sessionTtlMs: 300 });
    for (let round = 0; round < 3; round++) {
      const events = ms.flatMap((m) =>
        round === 1 ? [progressedEvent(stepItem(m, 1))] : [upsertedEvent(dossierAt(m, round === 0 ? '2' : '4'))],
      );
      await publish(...events);
      if (round === 1) await sandbox.expireSessions();
      await new Promise((r) => setTimeout(r, 400));
    }
    for (const m of ms) {
      await eventually(
        async () => {
          const d = await sandbox.dossier(m);
          return d?.dossier?.TrangThaiHoSo === '4' && d.progress.length === 1;
        },
        { what: `${m} at status 4 with its step` },
      );
    }
    const calls = (await sandbox.calls('?limit=2000')).items;
    expect(calls.filter((c) => c.service === 'login').length).toBeGreaterThan(1);
    await sandbox.faults({});
  });

  it('malformed portal answers are failures with a clear log, never a crash; they sync once the portal behaves', async () => {
    const kinds = ['html', 'non-json', 'no-error-code', 'huge'] as const;
    const byKind = new Map(kinds.map((k) => [k, nextMaHoSo()]));
    for (const [kind, m] of byKind) {
      await sandbox.faults({ malformed: kind });
      await publish(upsertedEvent(dossierItem(m)));
      await eventually(
        async () => {
          const l = await ledger(m);
          return l?.state === 'retrying' && l.lastErrorCode === 'LT_DVCQG_BAD_RESPONSE';
        },
        { what: `${kind}: dossier retrying with LT_DVCQG_BAD_RESPONSE` },
      );
    }
    expect((await sync.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    await sandbox.faults({});
    for (const m of byKind.values()) {
      await eventually(async () => (await ledger(m))?.state === 'synced', {
        what: `${m} synced after the fault`,
        timeoutMs: 30_000,
      });
      expect((await sandbox.dossier(m))!.dossier).toEqual(dossierItem(m));
    }
    const failures = capture
      .lines()
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'push failed; will retry' && l.code === 'LT_DVCQG_BAD_RESPONSE');
    expect(failures.length).toBeGreaterThanOrEqual(kinds.length);
    expect(failures[0].err).toMatch(/DVCQG/);
    // Never personal data in the log, whatever failed.
    expect(capture.text()).not.toContain('Nguyễn Văn An');
    expect(capture.text()).not.toContain('0912345678');
  });

  it('reconciliation finds dossiers the portal lost or changed and resyncs them', async () => {
    const lost = nextMaHoSo();
    const changed = nextMaHoSo();
    await publish(upsertedEvent(dossierAt(lost, '4')), upsertedEvent(dossierAt(changed, '4')));
    for (const m of [lost, changed]) await eventually(async () => (await ledger(m))?.state === 'synced', { what: `${m} synced` });
    // The portal drifts: another system overwrites one dossier, then the portal loses everything.
    await sync.portal.dongBoHoSo([dossierAt(changed, '2')], { isUpdating: true });
    const drift = await sync.app.inject({ method: 'POST', url: '/v1/admin/reconcile', headers: operatorAuth });
    expect(drift.json()).toMatchObject({ ran: true });
    expect(drift.json().different).toBeGreaterThanOrEqual(1);
    await eventually(() => sandbox.dossier(changed).then((d) => d?.dossier?.TrangThaiHoSo === '4'), {
      what: 'changed dossier restored',
    });
    await eventually(async () => (await ledger(changed))?.state === 'synced');

    await fetch(`${sandbox.url}/_admin/reset`, { method: 'POST' });
    const r = await sync.app.inject({ method: 'POST', url: '/v1/admin/reconcile', headers: operatorAuth });
    expect(r.json().unknown).toBeGreaterThanOrEqual(2);
    await eventually(() => sandbox.dossier(lost).then((d) => d?.dossier?.TrangThaiHoSo === '4'), {
      what: 'lost dossier re-created',
    });
    expect((await sandbox.dossier(lost))!.dossier).toEqual(dossierAt(lost, '4'));
  });

  it('a fee settlement (payment.events.v1) re-pushes the dossier with its fee information', async () => {
    const m = nextMaHoSo();
    await publish(upsertedEvent(dossierAt(m, '6')));
    await eventually(async () => (await ledger(m))?.state === 'synced', { what: 'dossier synced' });
    const settled = settledEvent(settledData(m));
    await gw.publish(topics.paymentEvents, [settled]);
    const held = await eventually(
      () => sandbox.dossier(m).then((d) => (d?.dossier?.DuocThanhToanTrucTuyen === '2' ? d.dossier : undefined)),
      { what: 'fees at the sandbox', timeoutMs: 40_000 },
    );
    expect(held).toEqual({
      ...dossierAt(m, '6'),
      DuocThanhToanTrucTuyen: '2',
      DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký', MaPhiLePhi: '1', HinhThucThu: '1', Gia: '50000', LoaiPhiLePhi: '2' }],
    });
    // A later snapshot from the provincial system is the authority again.
    await publish(upsertedEvent(dossierAt(m, '9')));
    await eventually(() => sandbox.dossier(m).then((d) => d?.dossier?.TrangThaiHoSo === '9'), { what: 'newer snapshot' });
    expect((await sandbox.dossier(m))!.dossier).toEqual(dossierAt(m, '9'));
  });

  it('serves health, readiness, metrics and OpenAPI, and guards the admin API', async () => {
    expect((await sync.app.inject({ method: 'GET', url: '/health/ready' })).json()).toMatchObject({ status: 'ok' });
    const metrics = (await sync.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const name of [
      'national_sync_outcomes_total',
      'national_sync_lag_seconds',
      'national_sync_backlog',
      'national_sync_oldest_unsynced_seconds',
      'national_sync_circuit_open',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/national_sync_outcomes_total\{[^}]*outcome="synced"[^}]*service="DongBoHoSoMC"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/national_sync_outcomes_total\{[^}]*outcome="rejected"/);
    expect(metrics).toMatch(/national_sync_outcomes_total\{[^}]*outcome="retrying"/);
    const doc = (await sync.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/admin/replay', '/v1/admin/reconcile', '/v1/dossiers/{maHoSo}/sync']),
    );
    // Loopback is no credential any more: an anonymous local caller (a same-host reverse proxy) gets 401.
    const local = await sync.app.inject({
      method: 'POST',
      url: '/v1/admin/replay',
      payload: { maHoSo: 'x-1' },
      remoteAddress: '127.0.0.1',
    });
    expect(local.statusCode).toBe(401);
    expect(local.json().error).toBe('LT_AUTH_UNAUTHORIZED');
  });

  it('the admin API needs the role operator and the agency of the data', async () => {
    const m = nextMaHoSo(); // an H22 dossier
    await publish(upsertedEvent(dossierAt(m, '4')));
    await eventually(async () => (await ledger(m))?.state === 'synced', { what: 'synced' });
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    const replay = (key: string, payload: object) =>
      sync.app.inject({ method: 'POST', url: '/v1/admin/replay', headers: as(key), payload });
    // The encoded path is the same route, with the same guard.
    expect((await sync.app.inject({ method: 'POST', url: '/v1/%61dmin/replay', payload: { maHoSo: m } })).statusCode).toBe(401);
    // A submitter (a provincial one-stop system) or a viewer may not replay; a viewer may read the ledger.
    expect((await replay(testKeys.submitter, { maHoSo: m })).json().error).toBe('LT_AUTH_ROLE_REQUIRED');
    expect((await replay(testKeys.viewer, { maHoSo: m })).statusCode).toBe(403);
    expect(
      (await sync.app.inject({ method: 'GET', url: `/v1/dossiers/${encodeURIComponent(m)}/sync`, headers: as(testKeys.viewer) }))
        .statusCode,
    ).toBe(200);
    expect(
      (
        await sync.app.inject({
          method: 'GET',
          url: `/v1/dossiers/${encodeURIComponent(m)}/sync`,
          headers: as(testKeys.submitter),
        })
      ).statusCode,
    ).toBe(403);
    // An operator of H22 replays H22's dossier, not another province's.
    expect((await replay(testKeys.operatorH22, { maHoSo: m })).statusCode).toBe(202);
    const h56 = await replay(testKeys.operatorH22, { maHoSo: '000.00.01.H56-250702-000001' });
    expect(h56.statusCode).toBe(403);
    expect(h56.json()).toMatchObject({ error: 'LT_AUTH_AGENCY_FORBIDDEN', details: [{ path: '/maHoSo' }] });
    // Dead letters of every dossier and a whole-ledger reconciliation span agencies: "*" only.
    const all = await replay(testKeys.operatorH22, { deadLettersSince: new Date(Date.now() - 60_000).toISOString() });
    expect(all.statusCode).toBe(403);
    expect(all.json().details[0].path).toBe('/deadLettersSince');
    expect(
      (await sync.app.inject({ method: 'POST', url: '/v1/admin/reconcile', headers: as(testKeys.operatorH22) })).statusCode,
    ).toBe(403);
  });

  it('refuses a fee settlement whose payment agency is not the dossier’s: dead-lettered with the reason, never pushed', async () => {
    const m = nextMaHoSo();
    await publish(upsertedEvent(dossierAt(m, '6')));
    await eventually(async () => (await ledger(m))?.state === 'synced', { what: 'dossier synced' });
    const foreign = settledEvent(settledData(m, new Date(), { agencyCode: '000.00.01.H56' }));
    await gw.publish(topics.paymentEvents, [foreign]);
    const letter = await eventually(
      async () => (await readTopic(dlqOf(topics.paymentEvents))).find((r) => decodeEvent(r.value).id === foreign.id),
      {
        what: 'the foreign settlement dead-lettered',
        timeoutMs: 40_000,
      },
    );
    expect(letter.headers['dlq-error-code']).toBe('LT_SYNC_FEE_AGENCY_MISMATCH');
    expect(letter.headers['dlq-reason']).toMatch(/000\.00\.01\.H56 is not the agency of dossier/);
    // The portal still holds the dossier without the foreign fee list, pushed once.
    const held = await sandbox.dossier(m);
    expect(held!.dossier).toEqual(dossierAt(m, '6'));
    expect(
      (await sandbox.calls(`?service=DongBoHoSoMC&maHoSo=${encodeURIComponent(m)}`)).items.filter((c) => c.outcome === 'ok'),
    ).toHaveLength(1);
  });
});
