/**
 * The console's routes as an operator's browser uses them (app.inject, real Postgres): sign-in and
 * sessions, roles, CSRF on every form, reasons required and recorded, hostile input, masked personal data.
 * Backing services are absent here (their pages must say so and still render); the flows through real
 * services are in tests/e2e/console-browser.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateApiKey, hashApiKey } from '@lienthong/platform';
import { createTestDatabase, eventually } from '../../../tests/helpers/index.js';
import { startConsole, TestBrowser, type TestConsole } from './harness.js';
import { hashSessionId } from '../src/lib/sessions.js';
import { expectValidOpenApi } from '../../../tests/helpers/openapi.js';

const keys = {
  viewer: generateApiKey(),
  operator: generateApiKey(),
  auditor: generateApiKey(),
  submitter: generateApiKey(),
  h22op: generateApiKey(),
};

describe('console routes: sign-in, roles, CSRF, reasons, hostile input', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let c: TestConsole;

  beforeAll(async () => {
    db = await createTestDatabase();
    c = await startConsole({
      databaseUrl: db.url,
      operators: [
        { id: 'vien', key: keys.viewer, roles: ['viewer'] },
        { id: 'van-hanh', key: keys.operator, roles: ['operator'] },
        { id: 'kiem-toan', key: keys.auditor, roles: ['auditor'] },
        { id: 'motcua', key: keys.submitter, roles: ['submitter'] },
        { id: 'op-h22', key: keys.h22op, roles: ['operator'], agencies: ['*.H22'] },
      ],
    });
    // What the event index would hold for one dossier (the console's own tables).
    await c.pool.query(
      `INSERT INTO console_event (topic, partition, "offset", event_id, type, subject, ma_ho_so, agency, procedure, status, owner, summary, event_time)
       VALUES ('dossier.events.v1', 0, 1, 'ev-1', 'vn.lienthong.dossier.upserted', '000.00.01.H22-251123-0001', '000.00.01.H22-251123-0001', '000.00.01.H22', '1.001234', '2', 'Nguyễn Văn An', '{"TenTTHC":"Cấp giấy phép xây dựng"}', now()),
              ('dossier.events.v1', 0, 2, 'ev-2', 'vn.lienthong.dossier.upserted', '000.00.01.H10-251123-0002', '000.00.01.H10-251123-0002', '000.00.01.H10', '1.001234', '2', 'Trần Thị Bình', '{}', now())`,
    );
    await c.pool.query(
      `INSERT INTO console_dead_letter (dlq_topic, original_topic, consumer_group, event_id, event_type, ma_ho_so, agency, error_code, reason, attempts, first_at, last_at, dlq_partition, dlq_offset)
       VALUES ('dossier.events.v1.dlq', 'dossier.events.v1', 'national-sync', 'ev-1', 'vn.lienthong.dossier.upserted', '000.00.01.H22-251123-0001', '000.00.01.H22', 'LT_DVCQG_REJECTED', 'Cổng từ chối: <b>mã</b>', 1, now(), now(), 0, 0)`,
    );
  });

  afterAll(async () => {
    await c?.close();
    await db?.drop();
  });

  it('sends an anonymous visitor to the sign-in page, keeping where they wanted to go', async () => {
    const b = new TestBrowser(c.app);
    const res = await b.get('/thu-loi?agency=000.00.01.H22');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/dang-nhap?back=%2Fthu-loi%3Fagency%3D000.00.01.H22');
    const form = await b.get('/dang-nhap');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Đăng nhập cho cán bộ vận hành');
    expect(form.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('signs in with an operator key: a Secure HttpOnly SameSite cookie whose id is stored only hashed, the key only sealed', async () => {
    const b = new TestBrowser(c.app);
    const res = await b.signIn(keys.viewer);
    expect(res.statusCode).toBe(303);
    const set = ([] as string[]).concat(res.headers['set-cookie'] as string[]).find((s) => s.startsWith('lt_console_sid='))!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/Secure/);
    expect(set).toMatch(/SameSite=Strict/);
    const signed = decodeURIComponent(b.cookies.get('lt_console_sid')!);
    const id = signed.slice(0, signed.lastIndexOf('.'));
    const rows = (await c.pool.query('SELECT id_hash, client_id, key_sealed FROM console_session WHERE client_id = $1', ['vien']))
      .rows;
    expect(rows.map((r) => r.id_hash)).toContain(hashSessionId(id));
    expect(JSON.stringify(rows)).not.toContain(id);
    expect(JSON.stringify(rows)).not.toContain(keys.viewer);
    const home = await b.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('data-testid="operator">vien<');
    const log = (await c.pool.query(`SELECT action FROM console_action WHERE client_id = 'vien'`)).rows.map((r) => r.action);
    expect(log).toContain('sign-in');
  });

  it('refuses a provincial system key (submitter only), an unknown key and a hostile key, with the same message', async () => {
    for (const key of [keys.submitter, generateApiKey(), '"><script>alert(1)</script>', 'x'.repeat(5000)]) {
      const b = new TestBrowser(c.app);
      const res = await b.signIn(key);
      expect([401, 400]).toContain(res.statusCode);
      expect(res.body).not.toContain('<script>alert(1)');
      expect(b.cookies.has('lt_console_sid')).toBe(false);
    }
  });

  it('refuses every form without a valid CSRF token, or with the token of another session', async () => {
    const a = new TestBrowser(c.app);
    await a.signIn(keys.operator);
    const none = await a.post('/thu-loi/phat-lai', { ids: '1', expected: '1', reason: 'thử lại sau khi sửa' });
    expect(none.statusCode).toBe(403);
    expect(none.body).toContain('CSRF');
    const other = new TestBrowser(c.app);
    await other.signIn(keys.operator);
    const foreign = await other.csrf('/thu-loi');
    const crossed = await a.post('/thu-loi/phat-lai', { _csrf: foreign, ids: '1', expected: '1', reason: 'thử lại sau khi sửa' });
    expect(crossed.statusCode).toBe(403);
    const signOut = await a.post('/dang-xuat', {});
    expect(signOut.statusCode).toBe(403);
    const state = (await c.pool.query(`SELECT state FROM console_dead_letter`)).rows[0].state;
    expect(state).toBe('open');
  });

  it('lets only operators replay, and only with a reason; the attempt is logged with the reason and the dead letter stays when the consumer does not acknowledge', async () => {
    const viewer = new TestBrowser(c.app);
    await viewer.signIn(keys.viewer);
    const list = await viewer.get('/thu-loi');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Cổng từ chối: &lt;b&gt;mã&lt;/b&gt;');
    expect(list.body).not.toContain('name="ids"');
    const refused = await viewer.post('/thu-loi/phat-lai', {
      _csrf: await viewer.csrf('/thu-loi'),
      ids: '1',
      expected: '1',
      reason: 'thử lại sau khi sửa',
    });
    expect(refused.statusCode).toBe(403);

    const op = new TestBrowser(c.app);
    await op.signIn(keys.operator);
    const id = String((await c.pool.query(`SELECT id FROM console_dead_letter`)).rows[0].id);
    const preview = await op.post('/thu-loi/xem-truoc', {
      _csrf: await op.csrf('/thu-loi'),
      mode: 'filter',
      agency: '000.00.01.H22',
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Sẽ phát lại 1 thư lỗi');
    const noReason = await op.post('/thu-loi/phat-lai', {
      _csrf: await op.csrf('/thu-loi'),
      ids: id,
      expected: '1',
      reason: '  ',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Cần nhập lý do');
    expect((await c.pool.query(`SELECT count(*)::int AS n FROM console_action WHERE action LIKE 'replay%'`)).rows[0].n).toBe(0);

    const tried = await op.post('/thu-loi/phat-lai', {
      _csrf: await op.csrf('/thu-loi'),
      ids: id,
      expected: '1',
      reason: 'cổng đã sửa lỗi mã thủ tục',
    });
    expect(tried.statusCode).toBe(502);
    const rows = (
      await c.pool.query(`SELECT client_id, action, reason, outcome FROM console_action WHERE action LIKE 'replay%' ORDER BY id`)
    ).rows;
    expect(rows).toEqual([
      { client_id: 'van-hanh', action: 'replay-dead-letters', reason: 'cổng đã sửa lỗi mã thủ tục', outcome: 'ok' },
      { client_id: 'van-hanh', action: 'replay-dead-letters-result', reason: 'cổng đã sửa lỗi mã thủ tục', outcome: 'failed' },
    ]);
    expect((await c.pool.query(`SELECT state FROM console_dead_letter WHERE id = $1`, [id])).rows[0].state).toBe('open');
  });

  it('guards every other action the same way: role, CSRF, reason, and a log entry whatever the service answered', async () => {
    const viewer = new TestBrowser(c.app);
    await viewer.signIn(keys.viewer);
    const vt = await viewer.csrf('/');
    const pay = '0b8e5b6e-7f2a-4a43-9e53-2b2f0c1d9a10';
    const actions: { url: string; form: Record<string, string>; action: string; target: string }[] = [
      {
        url: '/ho-so/000.00.01.H22-251123-0001/day-ngay',
        form: {},
        action: 'push-now',
        target: 'dossier:000.00.01.H22-251123-0001',
      },
      { url: `/thanh-toan/${pay}/xu-ly`, form: { action: 'expire' }, action: 'payment-expire', target: `payment:${pay}` },
      {
        url: '/qua-han/000.00.01.H22-251123-0001/xin-loi',
        form: { newDueDate: '2030-01-15' },
        action: 'apology-letter',
        target: 'dossier:000.00.01.H22-251123-0001',
      },
      {
        url: '/buu-chinh/000.00.01.H22-251123-0001/huy',
        form: {},
        action: 'postal-cancel',
        target: 'dossier:000.00.01.H22-251123-0001',
      },
      {
        url: '/lien-thong-den/dinh-tuyen',
        form: { refKey: 'create:KM.251205.00001', agency: '000.00.01.H22' },
        action: 'inbound-route',
        target: 'inbound:create:KM.251205.00001',
      },
      { url: '/lien-thong-den/hoi-dap/HD123/day-lai', form: {}, action: 'qa-answer-push', target: 'question:HD123' },
      {
        url: `/thong-bao/webhook/inbound/${pay}/gui-lai`,
        form: {},
        action: 'webhook-redeliver',
        target: `webhook-delivery:${pay}`,
      },
    ];
    const op = new TestBrowser(c.app);
    await op.signIn(keys.operator);
    for (const a of actions) {
      expect((await viewer.post(a.url, { _csrf: vt, ...a.form, reason: 'lý do đầy đủ' })).statusCode, a.url).toBe(403);
      expect((await op.post(a.url, { ...a.form, reason: 'lý do đầy đủ' })).statusCode, a.url).toBe(403);
      const token = await op.csrf('/');
      const noReason = await op.post(a.url, { _csrf: token, ...a.form });
      expect(noReason.statusCode, a.url).toBe(400);
      expect(noReason.body).toContain('Cần nhập lý do');
      expect((await c.pool.query(`SELECT count(*)::int AS n FROM console_action WHERE action = $1`, [a.action])).rows[0].n).toBe(
        0,
      );
      const done = await op.post(a.url, { _csrf: token, ...a.form, reason: 'khách hàng khiếu nại' });
      // The backing service is absent here: the page says so, and the attempt is in the log.
      expect(done.statusCode, a.url).toBe(502);
      expect(done.body).toMatch(/dịch vụ chưa sẵn sàng|Không thực hiện được/);
      const logged = (
        await c.pool.query(`SELECT client_id, target, reason, outcome FROM console_action WHERE action = $1`, [a.action])
      ).rows;
      expect(logged).toEqual([{ client_id: 'van-hanh', target: a.target, reason: 'khách hàng khiếu nại', outcome: 'failed' }]);
    }
    const bad = await op.post('/thanh-toan/not-a-uuid/xu-ly', {
      _csrf: await op.csrf('/'),
      action: 'expire',
      reason: 'khách hàng khiếu nại',
    });
    expect(bad.statusCode).toBe(404);
    const badAction = await op.post(`/thanh-toan/${pay}/xu-ly`, {
      _csrf: await op.csrf('/'),
      action: 'delete_everything',
      reason: 'khách hàng khiếu nại',
    });
    expect(badAction.statusCode).toBe(400);
  });

  it('says "dịch vụ chưa sẵn sàng" on the postal, inbound and notifications pages when those services are absent, and renders the rest', async () => {
    const b = new TestBrowser(c.app);
    await b.signIn(keys.operator);
    for (const [url, name] of [
      ['/buu-chinh', 'postal'],
      ['/lien-thong-den', 'inbound'],
      ['/thong-bao?maHoSo=000.00.01.H22-251123-0001', 'notifications'],
      ['/thong-bao', 'inbound'],
    ] as const) {
      const res = await b.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain(`Dịch vụ ${name} chưa sẵn sàng`);
    }
    const timeline = await b.get('/ho-so/000.00.01.H22-251123-0001');
    expect(timeline.body).toContain('Dịch vụ postal chưa sẵn sàng');
    expect(timeline.body).toContain('Dịch vụ notifications chưa sẵn sàng');
    expect((await b.get('/qua-han')).body).toContain('Hồ sơ sắp đến hạn');
  });

  it('serves an OpenAPI document an independent validator accepts', async () => {
    await expectValidOpenApi(c.app);
  });

  it('keeps the action log append-only', async () => {
    await expect(c.pool.query(`UPDATE console_action SET reason = 'changed later'`)).rejects.toThrow(/append-only/);
    await expect(c.pool.query(`DELETE FROM console_action`)).rejects.toThrow(/append-only/);
  });

  it('masks the applicant by default; revealing needs operator or auditor and a reason, and is logged', async () => {
    const viewer = new TestBrowser(c.app);
    await viewer.signIn(keys.viewer);
    const page = await viewer.get('/ho-so/000.00.01.H22-251123-0001');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Nguyễn Văn An');
    expect(page.body).toContain('N***** V** A*');
    expect(page.body).toContain('dịch vụ chưa sẵn sàng');
    const search = await viewer.get('/ho-so?agency=000.00.01.H22');
    expect(search.body).not.toContain('Nguyễn Văn An');
    const refused = await viewer.post('/ho-so/000.00.01.H22-251123-0001/hien', {
      _csrf: await viewer.csrf('/ho-so'),
      reason: 'xác minh khiếu nại',
    });
    expect(refused.statusCode).toBe(403);

    const auditor = new TestBrowser(c.app);
    await auditor.signIn(keys.auditor);
    const token = await auditor.csrf('/ho-so/000.00.01.H22-251123-0001');
    expect((await auditor.post('/ho-so/000.00.01.H22-251123-0001/hien', { _csrf: token, reason: 'abc' })).statusCode).toBe(400);
    const shown = await auditor.post('/ho-so/000.00.01.H22-251123-0001/hien', {
      _csrf: token,
      reason: 'xác minh khiếu nại số 12',
    });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Nguyễn Văn An');
    const logged = (
      await c.pool.query(`SELECT client_id, target, reason FROM console_action WHERE action = 'reveal-personal-data'`)
    ).rows;
    expect(logged).toEqual([
      { client_id: 'kiem-toan', target: 'dossier:000.00.01.H22-251123-0001', reason: 'xác minh khiếu nại số 12' },
    ]);
  });

  it("hides another agency's dossiers from an operator scoped to one province", async () => {
    const b = new TestBrowser(c.app);
    await b.signIn(keys.h22op);
    expect((await b.get('/ho-so/000.00.01.H10-251123-0002')).statusCode).toBe(404);
    const list = await b.get('/ho-so');
    expect(list.body).toContain('000.00.01.H22-251123-0001');
    expect(list.body).not.toContain('000.00.01.H10-251123-0002');
  });

  it('gives auditors the audit page and nobody else; the action log to operators and auditors', async () => {
    const viewer = new TestBrowser(c.app);
    await viewer.signIn(keys.viewer);
    expect((await viewer.get('/kiem-toan')).statusCode).toBe(403);
    expect((await viewer.get('/nhat-ky')).statusCode).toBe(403);
    const auditor = new TestBrowser(c.app);
    await auditor.signIn(keys.auditor);
    const audit = await auditor.post('/kiem-toan', { _csrf: await auditor.csrf('/kiem-toan'), subjectId: '001099012345' });
    expect(audit.statusCode).toBe(200);
    expect(audit.body).toContain('dịch vụ chưa sẵn sàng');
    expect(audit.body).not.toContain('001099012345');
    expect((await auditor.get('/nhat-ky')).statusCode).toBe(200);
  });

  it('renders every page with hostile query strings: values escaped or dropped, never a 500', async () => {
    const b = new TestBrowser(c.app);
    await b.signIn(keys.auditor);
    const hostile = [
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      "' OR 1=1 --",
      '%00',
      'a'.repeat(5000),
      '__proto__',
    ];
    const pages = [
      '/',
      '/ho-so',
      '/thu-loi',
      '/gui-dvcqg',
      '/thanh-toan',
      '/chi-so-766',
      '/chi-so-766/chi-tiet',
      '/qua-han',
      '/kiem-toan',
      '/nhat-ky',
      '/buu-chinh',
      '/lien-thong-den',
      '/thong-bao',
    ];
    for (const p of pages) {
      for (const h of hostile) {
        const q = new URLSearchParams({
          maHoSo: h,
          agency: h,
          status: h,
          from: h,
          reason_q: h,
          code: h,
          period: h,
          subjectId: h,
          who: h,
          outcome: h,
          state: h,
          kind: h,
          svc: h,
          sub: h,
          delivery: h,
          paymentId: h,
        }).toString();
        const res = await b.get(`${p}?${q}&agency=second`);
        expect(res.statusCode, `${p} ${h.slice(0, 20)}`).toBeLessThan(500);
        expect(res.body).not.toContain('<script>alert(1)');
        expect(res.body).not.toContain('<img src=x');
      }
    }
    expect((await b.get('/ho-so/%3Cscript%3Ealert(1)%3C%2Fscript%3E')).statusCode).toBe(404);
    const lang = await b.get('/ngon-ngu?l=en&back=//evil.example/x');
    expect(lang.headers.location).toBe('/');
  });

  it('refuses hostile and oversize form bodies with a clear page', async () => {
    const b = new TestBrowser(c.app);
    await b.signIn(keys.operator);
    const token = await b.csrf('/thu-loi');
    const big = await b.post('/thu-loi/xem-truoc', { _csrf: token, mode: 'filter', reason_q: 'x'.repeat(300_000) });
    expect(big.statusCode).toBe(413);
    const proto = await b.post('/thu-loi/xem-truoc', {
      _csrf: token,
      mode: 'selected',
      ids: ['1', '__proto__'],
      ['__proto__']: 'x',
      constructor: 'y',
    });
    expect(proto.statusCode).toBe(400);
    const many = await b.post('/thu-loi/xem-truoc', {
      _csrf: token,
      mode: 'selected',
      ids: Array.from({ length: 501 }, (_, i) => String(i + 1)),
    });
    expect(many.statusCode).toBe(400);
    const json = await c.app.inject({
      method: 'POST',
      url: '/thu-loi/phat-lai',
      payload: { ids: ['1'] },
      headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(json.statusCode).toBe(403);
  });

  it('switches to English and back, and signs out for good', async () => {
    const b = new TestBrowser(c.app);
    await b.signIn(keys.viewer);
    await b.get('/ngon-ngu?l=en&back=/thu-loi');
    const en = await b.get('/thu-loi');
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('Dead letters');
    await b.get('/ngon-ngu?l=vi&back=/');
    const sid = b.cookies.get('lt_console_sid')!;
    const out = await b.post('/dang-xuat', { _csrf: await b.csrf('/') });
    expect(out.statusCode).toBe(303);
    const replayed = await c.app.inject({ method: 'GET', url: '/', headers: { cookie: `lt_console_sid=${sid}` } });
    expect(replayed.statusCode).toBe(303);
  });
});

describe('console sessions follow the clients file', () => {
  it('ends the session of a key revoked in the clients file at its next request', async () => {
    const db = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'console-clients-'));
    const file = path.join(dir, 'api-clients.json');
    const key = generateApiKey();
    const write = (revoked: boolean) =>
      writeFileSync(
        file,
        JSON.stringify({
          clients: [
            {
              id: 'ca-truc',
              name: 'Ca trực',
              keyHash: hashApiKey(key),
              agencies: ['*'],
              roles: ['viewer'],
              ...(revoked ? { revoked: true } : {}),
            },
          ],
        }),
      );
    write(false);
    const c = await startConsole({ databaseUrl: db.url, operators: [], clientsFile: file });
    try {
      const b = new TestBrowser(c.app);
      expect((await b.signIn(key)).statusCode).toBe(303);
      expect((await b.get('/')).statusCode).toBe(200);
      write(true);
      await eventually(async () => (await b.get('/')).statusCode === 303, {
        what: 'the revoked key signed out',
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      const ended = (await c.pool.query(`SELECT ended_at FROM console_session WHERE client_id = 'ca-truc'`)).rows;
      expect(ended).toHaveLength(1);
      expect(ended[0].ended_at).not.toBeNull();
    } finally {
      await c.close();
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });
});
