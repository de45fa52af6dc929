import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildPeerApp, sampleDossier, sampleStep } from './test-helpers.js';

// The simulated portal on its own, through app.inject: what it answers, what it stores, what it refuses.
let app: FastifyInstance;
let session: string;
const madonvi = '000.00.00.H99';
let seq = 0;
const ma = () => `000.01.00.H99-250702-${String(++seq).padStart(4, '0')}`;

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: `/dvcqg${url}`,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { 'content-type': 'application/json', ...headers },
  });
const call = async (service: string, params: Record<string, unknown> = {}) =>
  (await post('/integration', { session, madonvi, service, ...params })).json();
const admin = async (method: 'GET' | 'PUT' | 'PATCH' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url: `/dvcqg/_admin${url}`, ...(payload ? { payload } : {}) });
async function login(): Promise<string> {
  return (await post('/auth', { username: 'lienthong', password: 'lienthong-sandbox' })).json().session;
}

beforeAll(async () => {
  app = await buildPeerApp({ SANDBOX_DVCQG_BODY_LIMIT_BYTES: 64 * 1024, SANDBOX_DVCQG_MAX_DOSSIERS_PER_CALL: 20 });
});
afterAll(() => app.close());
beforeEach(async () => {
  await admin('POST', '/reset');
  session = await login();
});

describe('login', () => {
  it('answers a session and its announced expiry', async () => {
    const r = await post('/auth', { username: 'lienthong', password: 'lienthong-sandbox' });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ error_code: 0, session: expect.any(String) });
    expect(Date.parse(body.expires)).toBeGreaterThan(Date.now() + 29 * 60_000);
  });

  it.each([
    [{ username: 'lienthong', password: 'nope' }, 'không đúng'],
    [{ username: 'lienthong' }, 'Thiếu'],
    [{ username: ['lienthong'], password: 'lienthong-sandbox' }, 'Thiếu'],
  ])('refuses %j in the body with error_code -1', async (payload, words) => {
    const r = await post('/auth', payload);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ error_code: -1, message: expect.stringContaining(words) });
    expect(r.json().session).toBeUndefined();
  });
});

describe('envelope', () => {
  it('refuses a missing, unknown or expired session with -2', async () => {
    for (const s of [undefined, 'not-a-session', 42]) {
      const r = (await post('/integration', { session: s, madonvi, service: 'TraCuuHoSo', mahoso: ma() })).json();
      expect(r).toMatchObject({ error_code: -2, message: expect.stringContaining('hết hạn') });
    }
    await admin('POST', '/expire-sessions');
    expect((await call('TraCuuHoSo', { mahoso: ma() })).error_code).toBe(-2);
  });

  it('applies the sessionTtlMs fault to sessions already handed out', async () => {
    expect((await call('TraCuuHoSo', { mahoso: ma() })).error_code).toBe(0);
    await admin('PUT', '/faults', { sessionTtlMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    expect((await call('TraCuuHoSo', { mahoso: ma() })).error_code).toBe(-2);
  });

  it('refuses a missing madonvi, an unknown service, and a service on the wrong endpoint', async () => {
    expect((await post('/integration', { session, service: 'TraCuuHoSo', mahoso: ma() })).json()).toMatchObject({
      error_code: -1,
      message: expect.stringContaining('madonvi'),
    });
    expect(await call('XoaHetDuLieu')).toMatchObject({ error_code: -1, message: expect.stringContaining('không được hỗ trợ') });
    expect(await call('toString')).toMatchObject({ error_code: -1 }); // prototype names are not services
    expect(await call('LayDanhSachTTHC')).toMatchObject({ error_code: -1, message: expect.stringContaining('điểm kết nối') });
    const share = (await post('/share', { session, madonvi, service: 'LayDanhSachTTHC' })).json();
    expect(share.error_code).toBe(0);
  });

  it('speaks the string dialect ("00", "-1") when asked', async () => {
    await admin('PUT', '/faults', { successCode: '00' });
    expect((await call('TraCuuHoSo', { mahoso: ma() })).error_code).toBe('00');
    expect((await call('TraCuuHoSo', {})).error_code).toBe('-1');
  });
});

describe('hostile bodies', () => {
  it.each([
    ['broken JSON', '{"session": "x", ', 400],
    ['a JSON array', '[1,2,3]', 400],
    ['JSON null', 'null', 400],
    ['a JSON string', '"hello"', 400],
    ['an empty body', '', 400],
    ['deep nesting', `${'['.repeat(5_000)}${']'.repeat(5_000)}`, 400],
    ['a __proto__ key', '{"__proto__": {"admin": true}, "session": "x"}', 400],
    ['a NUL character', '{"session": "a\\u0000b"}', 400],
  ])('%s → HTTP %i with a portal-style error, no crash', async (_what, body, status) => {
    const r = await post('/integration', body);
    expect(r.statusCode).toBe(status);
    expect(r.json()).toMatchObject({ error_code: -1, message: expect.any(String) });
  });

  it('a body over the limit → 413; a non-JSON content type → 415', async () => {
    const big = await post('/integration', { session, madonvi, service: 'DongBoHoSoMC', data: ['x'.repeat(70 * 1024)] });
    expect(big.statusCode).toBe(413);
    const text = await app.inject({
      method: 'POST',
      url: '/dvcqg/integration',
      payload: 'session=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().error_code).toBe(-1);
  });

  it('wrong shapes inside a valid envelope are refused, never stored', async () => {
    for (const data of ['not-a-list', { MaHoSo: ma() }, [null], [42], ['x'], [[]], [{ MaHoSo: 42 }], []]) {
      const r = await call('DongBoHoSoMC', { isUpdating: 'False', data });
      expect(r.error_code).toBe(-1);
    }
    expect((await call('DongBoHoSoMC', { isUpdating: 'perhaps', data: [sampleDossier(ma())] })).message).toContain('isUpdating');
    expect(
      (await call('DongBoHoSoMC', { isUpdating: 'False', data: Array.from({ length: 21 }, () => sampleDossier(ma())) })).message,
    ).toContain('tối đa 20');
    expect((await admin('GET', '/stats')).json().dossiers).toBe(0);
  });

  it('bad requests show up in the call log', async () => {
    await post('/integration', '{oops');
    const calls = (await admin('GET', '/calls?limit=5')).json().items;
    expect(calls[0]).toMatchObject({ outcome: 'bad-request', httpStatus: 400 });
  });
});

describe('DongBoHoSoMC', () => {
  it('create, create again (-3 "đã tồn tại"), update replaces', async () => {
    const m = ma();
    expect(await call('DongBoHoSoMC', { isUpdating: 'False', data: [sampleDossier(m)] })).toMatchObject({
      error_code: 0,
      result: [{ MaHoSo: m, KetQua: 'created' }],
    });
    const again = await call('DongBoHoSoMC', { isUpdating: 'False', data: [sampleDossier(m)] });
    expect(again).toMatchObject({ error_code: -3, message: `Hồ sơ ${m} đã tồn tại trên hệ thống` });
    expect(await call('DongBoHoSoMC', { isUpdating: 'True', data: [sampleDossier(m, { TrangThaiHoSo: '4' })] })).toMatchObject({
      error_code: 0,
      result: [{ KetQua: 'updated' }],
    });
    const held = (await admin('GET', `/dossiers/${m}`)).json();
    expect(held).toMatchObject({ version: 2, dossier: { TrangThaiHoSo: '4' } });
    expect(held.history.map((h: { outcome: string; isUpdating: boolean }) => [h.outcome, h.isUpdating])).toEqual([
      ['ok', false],
      ['already-exists', false],
      ['ok', true],
    ]);
  });

  it('accepts isUpdating as a boolean or in any case', async () => {
    const m = ma();
    expect((await call('DongBoHoSoMC', { isUpdating: false, data: [sampleDossier(m)] })).error_code).toBe(0);
    expect((await call('DongBoHoSoMC', { isUpdating: 'true', data: [sampleDossier(m)] })).error_code).toBe(0);
  });

  it('an update of a missing dossier creates it (default)', async () => {
    const m = ma();
    expect(await call('DongBoHoSoMC', { isUpdating: 'True', data: [sampleDossier(m)] })).toMatchObject({
      error_code: 0,
      result: [{ KetQua: 'created' }],
    });
  });

  it('a batch is all-or-nothing: one existing dossier refuses the whole call', async () => {
    const [a, b] = [ma(), ma()];
    await call('DongBoHoSoMC', { isUpdating: 'False', data: [sampleDossier(a)] });
    expect((await call('DongBoHoSoMC', { isUpdating: 'False', data: [sampleDossier(b), sampleDossier(a)] })).error_code).toBe(-3);
    expect((await admin('GET', `/dossiers/${b}`)).json().dossier).toBeNull();
  });

  it('refuses the same dossier twice in one call, and invalid dossiers with the schema paths', async () => {
    const m = ma();
    expect((await call('DongBoHoSoMC', { isUpdating: 'False', data: [sampleDossier(m), sampleDossier(m)] })).error_code).toBe(-1);
    const r = await call('DongBoHoSoMC', {
      isUpdating: 'False',
      data: [sampleDossier(ma(), { TrangThaiHoSo: '77', NgayTiepNhan: 'hôm qua' })],
    });
    expect(r.error_code).toBe(-1);
    expect(r.message).toMatch(/^Dữ liệu không hợp lệ \(hồ sơ [^)]+\): data\[0\]\./);
  });

  it('rejects the dossiers named by the rejectMaHoSo fault', async () => {
    const m = ma();
    await admin('PUT', '/faults', { rejectMaHoSo: [m] });
    expect(await call('DongBoHoSoMC', { isUpdating: 'False', data: [sampleDossier(m)] })).toMatchObject({
      error_code: -1,
      message: expect.stringContaining(`${m} bị từ chối`),
    });
    expect(await call('CapNhatTienDoHoSoMC', { data: [sampleStep(m)] })).toMatchObject({ error_code: -1 });
  });
});

describe('CapNhatTienDoHoSoMC', () => {
  it('stores steps, counts a repeated step instead of duplicating it, refuses more than 10', async () => {
    const m = ma();
    await call('DongBoHoSoMC', { isUpdating: 'False', data: [sampleDossier(m)] });
    expect(
      (
        await call('CapNhatTienDoHoSoMC', {
          data: [sampleStep(m), sampleStep(m, { ThoiDiemXuLy: '20250702100000', TrangThai: '4', NoiDungXuLy: 'Chuyển xử lý' })],
        })
      ).error_code,
    ).toBe(0);
    expect((await call('CapNhatTienDoHoSoMC', { data: [sampleStep(m)] })).error_code).toBe(0);
    const held = (await admin('GET', `/dossiers/${m}`)).json();
    expect(
      held.progress.map((p: { step: { TrangThai: string }; timesReceived: number }) => [p.step.TrangThai, p.timesReceived]),
    ).toEqual([
      ['2', 2],
      ['4', 1],
    ]);
    const eleven = Array.from({ length: 11 }, (_, i) => sampleStep(m, { NoiDungXuLy: `Bước ${i}` }));
    expect(await call('CapNhatTienDoHoSoMC', { data: eleven })).toMatchObject({
      error_code: -1,
      message: expect.stringContaining('tối đa 10'),
    });
  });

  it('refuses progress of a dossier it does not hold, unless configured to accept it', async () => {
    expect((await call('CapNhatTienDoHoSoMC', { data: [sampleStep(ma())] })).message).toContain('chưa được đồng bộ');
    const lenient = await buildPeerApp({ SANDBOX_DVCQG_PROGRESS_UNKNOWN: 'accept', SANDBOX_DVCQG_UPDATE_MISSING: 'reject' });
    try {
      const s = (
        await lenient.inject({
          method: 'POST',
          url: '/dvcqg/auth',
          payload: { username: 'lienthong', password: 'lienthong-sandbox' },
        })
      ).json().session;
      const m = ma();
      const send = (payload: object) =>
        lenient.inject({ method: 'POST', url: '/dvcqg/integration', payload: { session: s, madonvi, ...payload } });
      expect((await send({ service: 'CapNhatTienDoHoSoMC', data: [sampleStep(m)] })).json().error_code).toBe(0);
      const upd = (await send({ service: 'DongBoHoSoMC', isUpdating: 'True', data: [sampleDossier(m)] })).json();
      expect(upd).toMatchObject({ error_code: -1, message: expect.stringContaining('không tồn tại') });
    } finally {
      await lenient.close();
    }
  });
});

describe('look-ups', () => {
  it('TraCuuHoSo answers [] for an unknown dossier and the dossier as held otherwise', async () => {
    const m = ma();
    expect((await call('TraCuuHoSo', { mahoso: m })).result).toEqual([]);
    await call('DongBoHoSoMC', { isUpdating: 'False', data: [sampleDossier(m)] });
    expect((await call('TraCuuHoSo', { mahoso: m })).result).toEqual([sampleDossier(m)]);
    expect((await call('TraCuuHoSo', {})).error_code).toBe(-1);
  });

  it('LayThuTuc answers national and provincial codes, [] for unknown ones', async () => {
    expect((await call('LayThuTuc', { maTTHC: '1.001193' })).result[0]).toMatchObject({
      MATTHC: '1.001193',
      TENTTHC: 'Đăng ký khai sinh',
    });
    expect((await call('LayThuTuc', { maTTHC: '1.001193.000.00.00.H99' })).result[0].MATTHC).toBe('1.001193');
    expect((await call('LayThuTuc', { maTTHC: '1.0011934' })).result).toEqual([]);
  });

  it('DongBoDanhGia checks the percentages', async () => {
    const item = {
      NgayTongHop: '6-2025',
      TongSoNguoiDanhGia: '10',
      NoiDung: 'Q1',
      Madonvi: madonvi,
      TenDonVi: 'UBND',
      PhanTramDanhGiaRatHaiLong: '50%',
      PhanTramDanhGiaHaiLong: '30%',
      PhanTramDanhGiaChuaHaiLong: '20%',
    };
    expect((await call('DongBoDanhGia', { data: [item] })).error_code).toBe(0);
    expect((await call('DongBoDanhGia', { data: [{ ...item, PhanTramDanhGiaChuaHaiLong: '50%' }] })).message).toContain('100%');
    expect((await call('DongBoDanhGia', { data: [{ ...item, NgayTongHop: '2025-06' }] })).message).toContain('M-yyyy');
  });
});

describe('faults', () => {
  it('outage answers 503 HTML without processing', async () => {
    const m = ma();
    await admin('PUT', '/faults', { outage: true });
    const r = await post('/integration', {
      session,
      madonvi,
      service: 'DongBoHoSoMC',
      isUpdating: 'False',
      data: [sampleDossier(m)],
    });
    expect(r.statusCode).toBe(503);
    expect(r.headers['content-type']).toContain('text/html');
    await admin('PUT', '/faults', {});
    expect((await call('TraCuuHoSo', { mahoso: m })).result).toEqual([]);
    expect((await admin('GET', `/dossiers/${m}`)).json().history[0].outcome).toBe('fault:outage');
  });

  it('errorRate draws are reproducible from the seed', async () => {
    const run = async () => {
      await admin('PUT', '/faults', { errorRate: 0.5, seed: 7 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push((await post('/integration', { session, madonvi, service: 'TraCuuHoSo', mahoso: 'x-1' })).statusCode);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.filter((s) => s >= 500).length).toBeGreaterThan(3);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(3);
  });

  it('malformed answers come with HTTP 200, after processing', async () => {
    const m = ma();
    await admin('PUT', '/faults', { malformed: 'no-error-code' });
    const r = await post('/integration', {
      session,
      madonvi,
      service: 'DongBoHoSoMC',
      isUpdating: 'False',
      data: [sampleDossier(m)],
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().error_code).toBeUndefined();
    expect((await admin('GET', `/dossiers/${m}`)).json()).toMatchObject({
      version: 1,
      history: [{ outcome: 'malformed:no-error-code (ok)' }],
    });
  });

  it('PUT replaces, PATCH merges, invalid switches are refused with paths', async () => {
    await admin('PUT', '/faults', { latencyMs: 5, rejectMaHoSo: ['a'] });
    await admin('PATCH', '/faults', { errorRate: 0.1 });
    expect((await admin('GET', '/faults')).json()).toMatchObject({
      latencyMs: 5,
      errorRate: 0.1,
      rejectMaHoSo: ['a'],
      outage: false,
    });
    await admin('PUT', '/faults', { outage: true });
    expect((await admin('GET', '/faults')).json()).toMatchObject({ latencyMs: 0, rejectMaHoSo: [], outage: true });
    const bad = await admin('PUT', '/faults', { errorRate: 2, malformed: 'xml', extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['/errorRate', '/malformed']));
  });
});

describe('inspection API', () => {
  it('never records the session or the password', async () => {
    await call('TraCuuHoSo', { mahoso: ma() });
    const log = (await admin('GET', '/calls?limit=100')).body;
    expect(log).not.toContain(session);
    expect(log).not.toContain('lienthong-sandbox');
  });

  it('404 for an unknown dossier, 400 for a bad limit, lists dossiers and filters calls', async () => {
    expect((await admin('GET', '/dossiers/000.01.00.H99-250702-9999')).statusCode).toBe(404);
    expect((await admin('GET', '/calls?limit=abc')).statusCode).toBe(400);
    const m = ma();
    await call('DongBoHoSoMC', { isUpdating: 'False', data: [sampleDossier(m)] });
    expect((await admin('GET', '/dossiers')).json()).toMatchObject({
      total: 1,
      items: [{ maHoSo: m, version: 1, TrangThaiHoSo: '2' }],
    });
    const calls = (await admin('GET', `/calls?maHoSo=${m}`)).json().items;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ service: 'DongBoHoSoMC', madonvi, items: 1, errorCode: 0, outcome: 'ok' });
  });

  it('reset forgets everything, faults included', async () => {
    await call('DongBoHoSoMC', { isUpdating: 'False', data: [sampleDossier(ma())] });
    await admin('PUT', '/faults', { outage: true });
    await admin('POST', '/reset');
    expect((await admin('GET', '/stats')).json()).toMatchObject({ dossiers: 0, sessions: 0, callsLogged: 0 });
    expect((await admin('GET', '/faults')).json().outage).toBe(false);
  });
});
