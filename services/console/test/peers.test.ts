/**
 * The console's postal, inbound and notifications pages against those services' real apps (peers-harness.ts:
 * real Postgres, real Kafka, the sandbox's VNPost and DVCQG over HTTP): what each page lists, each action as
 * the signed-in operator (the service's own role and agency checks apply), CSRF, the reason, the action log,
 * hostile query strings; and the new lines of a dossier's timeline (postal history, inbound packets through
 * the event index, messages), and the three services on the overview.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { generateApiKey } from '@lienthong/platform';
import { createTestDatabase, createTestNamespace, deleteTestNamespace, eventually } from '../../../tests/helpers/index.js';
import { startConsole, TestBrowser, type TestConsole, type TestOperator } from './harness.js';
import { startPeers, type Peers } from './peers-harness.js';

const keys = { viewer: generateApiKey(), operator: generateApiKey(), h22op: generateApiKey(), submitter: generateApiKey() };
const operators: TestOperator[] = [
  { id: 'vien', key: keys.viewer, roles: ['viewer'] },
  { id: 'van-hanh', key: keys.operator, roles: ['operator'] },
  { id: 'op-h22', key: keys.h22op, roles: ['operator'], agencies: ['*.H22'] },
  { id: 'motcua', key: keys.submitter, roles: ['submitter'], agencies: ['*.H22'] },
];
const run = String(Math.floor(Math.random() * 9000) + 1000);
const code = (n: number, agency = '000.00.01.H22') => `${agency}-251205-${run}${n}`;
const A = code(1); // by post, no address yet
const B = code(2); // delivery failed at VNPost
const C = code(3); // created, cancellable
const P = code(4); // a dossier the portal sent (inbound), with messages
const KM = `KM.CONSOLE.${run}`; // a portal registration no agency claims

const actions = async (c: TestConsole, action: string) =>
  (
    await c.pool.query(`SELECT client_id, target, reason, outcome, detail FROM console_action WHERE action = $1 ORDER BY id`, [
      action,
    ])
  ).rows;

describe('console: postal, inbound and notifications pages against the real services', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ns: string;
  let peers: Peers;
  let c: TestConsole;
  let viewer: TestBrowser;
  let op: TestBrowser;
  let h22: TestBrowser;

  beforeAll(async () => {
    db = await createTestDatabase();
    ns = await createTestNamespace();
    peers = await startPeers({ databaseUrl: db.url, namespace: ns, operators });
    c = await startConsole({ databaseUrl: db.url, operators, urls: peers.urls, namespace: ns });
    viewer = new TestBrowser(c.app);
    op = new TestBrowser(c.app);
    h22 = new TestBrowser(c.app);
    await viewer.signIn(keys.viewer);
    await op.signIn(keys.operator);
    await h22.signIn(keys.h22op);

    await peers.needsAddress(A);
    await peers.createdOrder(B, keys.submitter);
    await peers.walk(B, [10, 15]);
    await peers.createdOrder(C, keys.submitter);
  }, 120_000);

  afterAll(async () => {
    await c?.close();
    await peers?.close();
    if (ns) await deleteTestNamespace(ns);
    await db?.drop();
  });

  it('lists the orders that need an operator (flagged, waiting for an address) and every order of a state; viewers get no cancel form', async () => {
    const page = await viewer.get('/buu-chinh');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`data-testid="postal-state-${B}">failed<`);
    expect(page.body).toContain(`data-testid="postal-state-${A}">needs-address<`);
    expect(page.body).not.toContain(`data-postal="${C}"`);
    expect(page.body).not.toContain('/huy"');
    const created = await viewer.get('/buu-chinh?state=created');
    expect(created.body).toContain(`data-postal="${C}"`);
    expect(created.body).not.toContain(`data-postal="${B}"`);
    const asOperator = await op.get('/buu-chinh?state=created');
    expect(asOperator.body).toContain(`action="/buu-chinh/${C}/huy"`);
  });

  it('cancels an order as the operator, with CSRF and a reason, logged; a refusal by postal is shown and logged too', async () => {
    const url = `/buu-chinh/${C}/huy`;
    expect((await viewer.post(url, { _csrf: await viewer.csrf('/'), reason: 'công dân đến nhận trực tiếp' })).statusCode).toBe(
      403,
    );
    expect((await op.post(url, { reason: 'công dân đến nhận trực tiếp' })).statusCode).toBe(403);
    const token = await op.csrf('/buu-chinh');
    const noReason = await op.post(url, { _csrf: token, reason: 'x' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Cần nhập lý do');
    expect(await actions(c, 'postal-cancel')).toEqual([]);

    const done = await op.post(url, { _csrf: token, reason: 'công dân đến nhận trực tiếp' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toMatch(/Đã thực hiện|VNPost đang chờ duyệt/);
    const order = (await peers.pool.query(`SELECT state FROM postal_orders WHERE ma_ho_so = $1`, [C])).rows[0];
    expect(order.state).toBe('cancelled');
    expect((await viewer.get('/buu-chinh?state=cancelled')).body).toContain(`data-postal="${C}"`);

    // An order without a VNPost id cannot be cancelled: postal says so (409), the console shows it and logs it.
    const refused = await op.post(`/buu-chinh/${A}/huy`, { _csrf: token, reason: 'công dân đổi ý, nhận tại quầy' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Chỉ hủy được đơn MyVNPost');
    // Another agency's dossier answers as unknown before anything is sent.
    expect(
      (await h22.post(`/buu-chinh/${code(5, '000.00.01.H10')}/huy`, { _csrf: await h22.csrf('/'), reason: 'lý do đầy đủ ở đây' }))
        .statusCode,
    ).toBe(404);
    expect((await op.post('/buu-chinh/%3Cscript%3E/huy', { _csrf: token, reason: 'lý do đầy đủ ở đây' })).statusCode).toBe(404);
    const log = await actions(c, 'postal-cancel');
    expect(log.map((r) => ({ client_id: r.client_id, target: r.target, reason: r.reason, outcome: r.outcome }))).toEqual([
      { client_id: 'van-hanh', target: `dossier:${C}`, reason: 'công dân đến nhận trực tiếp', outcome: 'ok' },
      { client_id: 'van-hanh', target: `dossier:${A}`, reason: 'công dân đổi ý, nhận tại quầy', outcome: 'refused' },
    ]);
  });

  it('lists portal packets nobody is subscribed for and routes one as the operator (scope checked by inbound), then it is delivered', async () => {
    const packet = (MaHoSo: string) => ({
      MaSoThue: '0101234567',
      MaHoSo,
      MaTTHC: '1.999999',
      TenThuongNhan: 'Công ty Cổ phần Ánh Dương',
      DiaChiDoanhNghiep: { MaTinh: '99', DiaChiChiTiet: 'Không rõ' },
    });
    const refKey = await peers.portalCreate(packet(KM));
    await peers.portalCreate(packet(P));
    const page = await viewer.get('/lien-thong-den');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`data-ref="${refKey}"`);
    expect(page.body).toContain(`data-ref="create:${P}"`);
    expect(page.body).not.toContain('/lien-thong-den/dinh-tuyen');
    // A packet without an agency is for all-agency operators only (inbound's rule).
    expect((await h22.get('/lien-thong-den')).body).not.toContain(`data-ref="${refKey}"`);
    expect((await viewer.get('/lien-thong-den?kind=amend')).body).not.toContain(`data-ref="${refKey}"`);

    const token = await op.csrf('/lien-thong-den');
    expect((await op.post('/lien-thong-den/dinh-tuyen', { _csrf: token, refKey, agency: '000.00.02.H22' })).statusCode).toBe(400);
    const scoped = await h22.post('/lien-thong-den/dinh-tuyen', {
      _csrf: await h22.csrf('/lien-thong-den'),
      refKey,
      agency: '000.00.01.H10',
      reason: 'chuyển Sở Công Thương',
    });
    expect(scoped.statusCode).toBe(403);
    expect(scoped.body).toContain('Không thực hiện được');

    const sub = await fetch(`${peers.urls.inbound}/v1/webhooks/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.submitter}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: peers.receiverUrl,
        eventTypes: ['vn.lienthong.inbound.*'],
        agencies: ['*.H22'],
        description: 'Một cửa H22',
      }),
    });
    expect(sub.status).toBe(201);
    const routed = await op.post('/lien-thong-den/dinh-tuyen', {
      _csrf: token,
      refKey,
      agency: '000.00.02.H22',
      reason: 'Sở Công Thương tiếp nhận',
    });
    expect(routed.statusCode).toBe(200);
    expect(routed.body).toContain('Đã định tuyến tới 000.00.02.H22: 1 lần gửi.');
    expect(routed.body).not.toContain(`data-ref="${refKey}"`);
    await eventually(() => (peers.received.some((e) => e.subject === KM) ? true : undefined), {
      what: 'the routed packet at the provincial receiver',
    });
    const log = await actions(c, 'inbound-route');
    expect(log.map((r) => [r.client_id, r.target, r.reason, r.outcome])).toEqual([
      ['op-h22', `inbound:${refKey}`, 'chuyển Sở Công Thương', 'refused'],
      ['van-hanh', `inbound:${refKey}`, 'Sở Công Thương tiếp nhận', 'ok'],
    ]);
    expect(log[1].detail).toMatchObject({ queued: 1, routedTo: '000.00.02.H22' });
  });

  it("shows citizens' questions with their answer's push state (national-sync), and pushes a refused answer again with a reason", async () => {
    const id = await peers.question('000.00.01.H22', 'Thủ tục cấp giấy phép xây dựng cần những giấy tờ gì?');
    const before = await viewer.get('/lien-thong-den');
    expect(before.body).toContain(`data-testid="answer-${id}">chưa trả lời<`);
    expect(before.body).not.toContain('Thủ tục cấp giấy phép xây dựng cần'); // the question's text (and the citizen) stay in inbound
    // The portal refuses this answer: national-sync dead-letters it, where an operator sees it.
    await peers.dvcqgFaults({ rejectHoiDapId: [id] });
    const answer = await fetch(`${peers.urls.inbound}/v1/qa/answers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.submitter}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        HOIDAPID: id,
        NGUOITRALOI: 'Chuyên viên Sở Xây dựng',
        NGAYTRALOI: '05/12/2026',
        NOIDUNGTRALOI: 'Đơn đề nghị và bản vẽ thiết kế.',
      }),
    });
    expect(answer.status).toBe(202);
    const refused = await eventually(
      async () => {
        const p = await op.get('/lien-thong-den');
        return p.body.includes(`data-testid="answer-${id}">dead-lettered<`) ? p : undefined;
      },
      { what: 'the refused answer shown dead-lettered' },
    );
    expect(refused.body).toContain('bị từ chối'); // the portal's words, as the last error
    const url = `/lien-thong-den/hoi-dap/${id}/day-lai`;
    expect(refused.body).toContain(`action="${url}"`);
    await peers.dvcqgFaults({});
    expect((await viewer.post(url, { _csrf: await viewer.csrf('/'), reason: 'cổng đã sửa lỗi' })).statusCode).toBe(403);
    const token = await op.csrf('/lien-thong-den');
    expect((await op.post(url, { _csrf: token })).statusCode).toBe(400);
    expect((await op.post(url, { _csrf: token, reason: 'cổng đã nhận lại câu trả lời' })).statusCode).toBe(200);
    expect(
      (await op.post('/lien-thong-den/hoi-dap/%22%3E%3Cb%3E/day-lai', { _csrf: token, reason: 'cổng đã hoạt động lại' }))
        .statusCode,
    ).toBe(404);
    expect((await actions(c, 'qa-answer-push')).map((r) => [r.client_id, r.target, r.reason, r.outcome])).toEqual([
      ['van-hanh', `question:${id}`, 'cổng đã nhận lại câu trả lời', 'ok'],
    ]);
    const pushed = await eventually(
      async () => {
        const p = await op.get('/lien-thong-den');
        return p.body.includes(`data-testid="answer-${id}">synced<`) ? p : undefined;
      },
      { what: 'the answer synced after the push' },
    );
    expect(pushed.body).not.toContain(`action="${url}"`);
  });

  it('shows webhook subscriptions, a delivery and its attempts, and redelivers it as the operator; a viewer sees the services refuse', async () => {
    const subs = await op.get('/thong-bao');
    expect(subs.statusCode).toBe(200);
    const m = /href="\/thong-bao\?svc=(notifications|inbound)&amp;sub=([0-9a-f-]{36})#deliveries-h">Một cửa H22</.exec(subs.body);
    expect(m, 'the subscription listed').not.toBeNull();
    expect(subs.body).toMatch(/<td>notifications, inbound<\/td>|<td>inbound, notifications<\/td>/);
    const [, svc, sub] = m!;
    const list = await op.get(`/thong-bao?svc=${svc}&sub=${sub}`);
    const d = new RegExp(
      `data-delivery="([0-9a-f-]{36})"><td><a href="[^"]*">[^<]*</a></td><td>vn.lienthong.inbound.dossier-created</td>\\s*<td>${KM.replace(/\./g, '\\.')}</td>`,
    ).exec(list.body);
    expect(d, 'the delivery of the routed packet').not.toBeNull();
    const deliveryId = d![1]!;
    await eventually(
      async () =>
        (await op.get(`/thong-bao?svc=${svc}&sub=${sub}&status=delivered`)).body.includes(`data-delivery="${deliveryId}"`)
          ? true
          : undefined,
      { what: 'delivered' },
    );
    const detail = await op.get(`/thong-bao?svc=${svc}&sub=${sub}&delivery=${deliveryId}`);
    expect(detail.body).toMatch(/data-testid="attempts">[\s\S]*<td>1<\/td>[\s\S]*<td>204<\/td>/);

    const url = `/thong-bao/webhook/${svc}/${deliveryId}/gui-lai`;
    expect((await viewer.post(url, { _csrf: await viewer.csrf('/'), reason: 'hệ thống một cửa mất dữ liệu' })).statusCode).toBe(
      403,
    );
    const token = await op.csrf('/thong-bao');
    expect((await op.post(url, { _csrf: token, reason: '' })).statusCode).toBe(400);
    const redone = await op.post(url, { _csrf: token, reason: 'hệ thống một cửa mất dữ liệu' });
    expect(redone.statusCode).toBe(200);
    await eventually(() => (peers.received.filter((e) => e.subject === KM).length === 2 ? true : undefined), {
      what: 'the redelivered packet',
    });
    expect(
      (
        await op.post(`/thong-bao/webhook/inbound/${randomUUID()}/gui-lai`, {
          _csrf: token,
          reason: 'hệ thống một cửa mất dữ liệu',
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await op.post(`/thong-bao/webhook/gateway/${deliveryId}/gui-lai`, {
          _csrf: token,
          reason: 'hệ thống một cửa mất dữ liệu',
        })
      ).statusCode,
    ).toBe(404);
    expect((await actions(c, 'webhook-redeliver')).map((r) => [r.client_id, r.target, r.outcome])).toEqual([
      ['van-hanh', `webhook-delivery:${deliveryId}`, 'ok'],
      ['van-hanh', expect.stringMatching(/^webhook-delivery:[0-9a-f-]{36}$/), 'refused'],
    ]);

    // Subscriptions are for operators and provincial systems: a viewer sees each service's refusal, no list.
    const asViewer = await viewer.get('/thong-bao');
    expect(asViewer.statusCode).toBe(200);
    expect(asViewer.body).not.toContain('data-testid="subscriptions"');
    expect(asViewer.body).toContain('notifications: LT_AUTH_ROLE_REQUIRED');
    expect(asViewer.body).toContain('inbound: LT_AUTH_ROLE_REQUIRED');
  });

  it("shows one dossier's message ledger with the phone only as the ledger keeps it; another agency's is refused by notifications", async () => {
    const first = randomUUID();
    await peers.pool.query(
      `INSERT INTO notif_messages (id, dedupe_key, source_event_id, kind, ma_ho_so, agency, channel, account, phone_hash, phone_last3, status, reason, attempts, next_attempt_at, created_at, updated_at, fallback_of, delivered_at)
       VALUES ($1, $2, 'ev-1', 'dossier.received', $3, '000.00.01.H22', 'zalo', 'oa-sandbox', 'h1', '678', 'failed', '-118: Zalo account not existed', 1, now(), now() - interval '2 minutes', now(), NULL, NULL),
              ($4, $5, 'ev-1', 'dossier.received', $3, '000.00.01.H22', 'sms', 'viettel-sandbox', 'h1', '678', 'delivered', NULL, 1, now(), now() - interval '1 minute', now(), $1, now())`,
      [first, `d-${first}`, P, randomUUID(), `d2-${first}`],
    );
    const page = await viewer.get(`/thong-bao?maHoSo=${encodeURIComponent(P)}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-testid="messages"');
    expect(page.body).toContain('<code>*******678</code>');
    expect(page.body).toContain('-118: Zalo account not existed');
    expect(page.body).toContain('(fallback)');
    const foreign = await h22.get(`/thong-bao?maHoSo=${encodeURIComponent(code(6, '000.00.01.H10'))}`);
    expect(foreign.statusCode).toBe(200);
    expect(foreign.body).not.toContain('data-testid="messages"');
    expect(foreign.body).toContain('LT_AUTH_');
  });

  it("tells a dossier's story with its postal order and VNPost statuses, the portal's packet (event index) and its messages", async () => {
    const b = await viewer.get(`/ho-so/${encodeURIComponent(B)}`);
    expect(b.statusCode).toBe(200);
    expect(b.body).toContain('data-testid="postal-order-state">failed<');
    expect(b.body).toMatch(/postal · poll<\/span> <strong>Bưu chính · /);
    expect(b.body).not.toContain('Dịch vụ postal chưa sẵn sàng');
    expect(b.body).not.toContain('Dịch vụ notifications chưa sẵn sàng');
    await eventually(
      async () =>
        (await viewer.get(`/ho-so/${encodeURIComponent(P)}`)).body.includes('Gói tin từ Cổng DVCQG · dossier-created')
          ? true
          : undefined,
      {
        what: 'the inbound packet in the timeline (event index)',
        timeoutMs: 30_000,
      },
    );
    const p = await viewer.get(`/ho-so/${encodeURIComponent(P)}`);
    expect(p.body).toContain('Tin nhắn · zalo · dossier.received');
    expect(p.body).toContain('Tin nhắn · sms · dossier.received');
    expect(p.body).not.toContain('Công ty Cổ phần Ánh Dương'); // the portal's packet is not indexed, only its kind and key
  });

  it('shows postal, inbound and notifications on the overview (health and flows)', async () => {
    await eventually(
      async () => {
        const home = await viewer.get('/');
        return ['postal', 'inbound', 'notifications'].every((s) =>
          home.body.includes(`<th scope="row">${s}</th><td><span class="badge ready">`),
        ) && home.body.includes('data-flow="postal"')
          ? true
          : undefined;
      },
      { what: 'the three services ready on the overview', timeoutMs: 20_000 },
    );
    const home = await viewer.get('/');
    expect(home.body).toContain('Bưu chính (VNPost)');
    expect(home.body).toContain('Từ Cổng DVCQG về tỉnh');
    expect(home.body).toContain('Thông báo (Zalo/SMS, webhook)');
  });

  it('renders the three pages with hostile query strings: values escaped or dropped, never a 500', async () => {
    const hostile = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' OR 1=1 --", 'a'.repeat(5000), '__proto__'];
    for (const p of ['/buu-chinh', '/lien-thong-den', '/thong-bao']) {
      for (const h of hostile) {
        const q = new URLSearchParams({
          state: h,
          kind: h,
          maHoSo: h,
          paymentId: h,
          svc: h,
          sub: h,
          delivery: h,
          status: h,
        }).toString();
        const res = await op.get(`${p}?${q}&state=second&svc=inbound`);
        expect(res.statusCode, `${p} ${h.slice(0, 20)}`).toBe(200);
        expect(res.body).not.toContain('<script>alert(1)');
        expect(res.body).not.toContain('<img src=x');
        expect(res.body).toContain('Dữ liệu nhập không hợp lệ');
      }
    }
    const token = await op.csrf('/lien-thong-den');
    const bad = await op.post('/lien-thong-den/dinh-tuyen', {
      _csrf: token,
      refKey: 'a b<script>',
      reason: 'lý do đầy đủ ở đây',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toContain('<script>');
    expect(
      (await op.post('/lien-thong-den/dinh-tuyen', { _csrf: token, refKey: ['x', 'y'], reason: 'lý do đầy đủ ở đây' }))
        .statusCode,
    ).toBe(400);
  });
});
