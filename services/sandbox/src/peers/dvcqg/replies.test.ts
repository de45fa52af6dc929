import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildPeerApp } from './test-helpers.js';

// The two services the province answers the portal with (reference §5): DongBoKetQuaHoiDapGuiTuDVCQG and
// DongBoTrangThaiHoSo type "2" — what the simulated portal accepts, keeps, refuses, and its fault switches.
let app: FastifyInstance;
let session: string;
const madonvi = '000.00.00.H22';

const post = (url: string, payload: unknown) =>
  app.inject({
    method: 'POST',
    url: `/dvcqg${url}`,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { 'content-type': 'application/json' },
  });
const call = async (service: string, params: Record<string, unknown> = {}) =>
  (await post('/integration', { session, madonvi, service, ...params })).json();
const admin = async (method: 'GET' | 'PUT' | 'PATCH' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url: `/dvcqg/_admin${url}`, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  app = await buildPeerApp({ SANDBOX_DVCQG_BODY_LIMIT_BYTES: 64 * 1024 });
});
afterAll(() => app.close());
beforeEach(async () => {
  await admin('POST', '/reset');
  session = (await post('/auth', { username: 'lienthong', password: 'lienthong-sandbox' })).json().session;
});

let seq = 0;
const status = (maHoSo: string, overrides: Record<string, unknown> = {}) => ({
  MaHoSo: maHoSo,
  MaHoSoDonVi: '000.00.01.H22-270105-0007',
  MaDoiTuong: '',
  NoiDung: 'Đã xác nhận thông báo khuyến mại',
  NgayXuLy: '20270105100000',
  TrangThai: '2',
  TaiLieuXuLy: [{ TepDinhKemId: 'x-1', TenTepDinhKem: 'xac-nhan.pdf', DuongDanTaiTepTin: 'https://files.example.vn/x-1.pdf' }],
  ...overrides,
});
async function knownDossier(): Promise<string> {
  const m = `KM.270105.${String(++seq).padStart(5, '0')}`;
  expect((await admin('POST', '/promotion/dossiers', { MaHoSo: m })).statusCode).toBe(200);
  return m;
}

describe('DongBoTrangThaiHoSo type 2', () => {
  it('keeps each status of a dossier the portal sent, field for field, repeats counted not duplicated', async () => {
    const m = await knownDossier();
    expect(await call('DongBoTrangThaiHoSo', { type: '2', data: status(m) })).toMatchObject({ error_code: 0 });
    expect(await call('DongBoTrangThaiHoSo', { type: '2', data: status(m) })).toMatchObject({ error_code: 0 });
    const later = status(m, { TrangThai: '5', NgayXuLy: '20270106090000', NoiDung: 'Dừng xử lý' });
    expect(await call('DongBoTrangThaiHoSo', { type: '2', data: later })).toMatchObject({ error_code: 0 });
    const seen = (await admin('GET', `/promotion/status/${m}`)).json();
    expect(seen.current).toEqual(later);
    expect(seen.received.map((r: { data: unknown; timesReceived: number }) => [r.data, r.timesReceived])).toEqual([
      [status(m), 2],
      [later, 1],
    ]);
    const calls = (await admin('GET', `/calls?service=DongBoTrangThaiHoSo&maHoSo=${m}`)).json().items;
    expect(calls).toHaveLength(3);
  });

  it.each([
    ['type other than "2"', { type: '1' }, 'type phải là "2"'],
    ['data as an array', { data: [{}] }, 'một đối tượng'],
    ['TrangThai not reduced', { data: { TrangThai: '9' } }, 'data.TrangThai'],
    ['NgayXuLy not yyyyMMddHHmmss', { data: { NgayXuLy: '2027-01-05' } }, 'data.NgayXuLy'],
  ])('refuses %s with -1, keeping nothing', async (_what, change, words) => {
    const m = await knownDossier();
    const base = { type: '2', data: status(m) };
    const body =
      'data' in change && !Array.isArray(change.data)
        ? { ...base, data: { ...base.data, ...change.data } }
        : { ...base, ...change };
    const r = await call('DongBoTrangThaiHoSo', body);
    expect(r).toMatchObject({ error_code: -1 });
    expect(r.message).toContain(words);
    expect((await admin('GET', `/promotion/status/${m}`)).statusCode).toBe(404);
  });

  it('keeps a status carrying a field the standard does not list: an unknown field only warns and is passed on as sent', async () => {
    const m = await knownDossier();
    const withExtra = status(m, { Extra: 'x' });
    expect(await call('DongBoTrangThaiHoSo', { type: '2', data: withExtra })).toMatchObject({ error_code: 0 });
    expect((await admin('GET', `/promotion/status/${m}`)).json().current).toEqual(withExtra);
  });

  it('refuses a dossier it never sent, and the ones rejectMaHoSo names', async () => {
    expect(await call('DongBoTrangThaiHoSo', { type: '2', data: status('KM.NEVER.SENT') })).toMatchObject({
      error_code: -1,
      message: expect.stringContaining('không phải hồ sơ khuyến mại'),
    });
    const m = await knownDossier();
    await admin('PUT', '/faults', { rejectMaHoSo: [m] });
    expect(await call('DongBoTrangThaiHoSo', { type: '2', data: status(m) })).toMatchObject({
      error_code: -1,
      message: expect.stringContaining('bị từ chối'),
    });
  });

  it('is on the integration endpoint only', async () => {
    const m = await knownDossier();
    const r = (await post('/share', { session, madonvi, service: 'DongBoTrangThaiHoSo', type: '2', data: status(m) })).json();
    expect(r).toMatchObject({ error_code: -1 });
  });
});

describe('DongBoKetQuaHoiDapGuiTuDVCQG', () => {
  async function question(): Promise<string> {
    const r = await admin('POST', '/qa/questions', { MADONVI: '000.00.01.H22', NOIDUNG: 'Hỏi về giấy phép' });
    return r.json().added[0];
  }
  const answer = (id: string, overrides: Record<string, unknown> = {}) => ({
    HOIDAPID: id,
    MADONVI: '000.00.01.H22',
    NGUOITRALOI: 'Phòng Cấp phép',
    CHUCVUNGUOITRALOI: 'Trưởng phòng',
    NGAYTRALOI: '05/01/2027',
    NOIDUNGTRALOI: 'Trả lời',
    ...overrides,
  });

  it('logs each answer received, field for field', async () => {
    const id = await question();
    expect(await call('DongBoKetQuaHoiDapGuiTuDVCQG', { data: [answer(id)] })).toMatchObject({ error_code: 0 });
    const qa = (await admin('GET', '/qa')).json();
    expect(qa.answers.map((a: { item: unknown }) => a.item)).toEqual([answer(id)]);
  });

  it.each([
    ['a date that does not exist', { NGAYTRALOI: '31/02/2027' }, 'NGAYTRALOI'],
    ['another agency', { MADONVI: '000.00.02.H22' }, 'MADONVI'],
  ])('refuses %s with -1', async (_what, change, words) => {
    const id = await question();
    const r = await call('DongBoKetQuaHoiDapGuiTuDVCQG', { data: [answer(id, change)] });
    expect(r).toMatchObject({ error_code: -1 });
    expect(r.message).toContain(words);
    expect((await admin('GET', '/qa')).json().answers).toHaveLength(0);
  });

  it('takes an answer over the standard’s length cap: the cap is ours [inf], a warning, not a refusal', async () => {
    const id = await question();
    const long = answer(id, { NOIDUNGTRALOI: 'x'.repeat(8_001) });
    expect(await call('DongBoKetQuaHoiDapGuiTuDVCQG', { data: [long] })).toMatchObject({ error_code: 0 });
    expect((await admin('GET', '/qa')).json().answers.map((a: { item: unknown }) => a.item)).toEqual([long]);
  });

  it('refuses the answers rejectHoiDapId names, then takes them once the switch is off', async () => {
    const id = await question();
    await admin('PATCH', '/faults', { rejectHoiDapId: [id] });
    expect((await admin('GET', '/faults')).json().rejectHoiDapId).toEqual([id]);
    expect(await call('DongBoKetQuaHoiDapGuiTuDVCQG', { data: [answer(id)] })).toMatchObject({ error_code: -1 });
    await admin('PATCH', '/faults', { rejectHoiDapId: [] });
    expect(await call('DongBoKetQuaHoiDapGuiTuDVCQG', { data: [answer(id)] })).toMatchObject({ error_code: 0 });
    expect((await admin('PUT', '/faults', { rejectHoiDapId: 'x' })).statusCode).toBe(400);
  });
});
