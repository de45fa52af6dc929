import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createLogger, fixedClock, type RetryPolicy } from '@lienthong/platform';
import { buildPeerApp, sampleDossier, sampleStep } from '../../../services/sandbox/src/peers/dvcqg/test-helpers.js';
import { createDvcqgClient, DvcqgError, type DvcqgClientOptions } from './index.js';

// The client against the DVCQG sandbox over real HTTP: the same bytes a deployment would exchange.
let app: FastifyInstance;
let baseUrl: string;
const logger = createLogger({ name: 'dvcqg-client-test', level: 'silent' });
const noRetry: RetryPolicy = { maxAttempts: 1, minDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: 0 };
let seq = 0;
const ma = () => `000.01.00.H99-250702-${String(++seq).padStart(4, '0')}`;

function client(over: Partial<DvcqgClientOptions> = {}) {
  return createDvcqgClient({
    baseUrl,
    username: 'lienthong',
    password: 'lienthong-sandbox',
    madonvi: '000.00.00.H99',
    logger,
    retry: noRetry,
    ...over,
  });
}
const admin = async (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) => {
  const r = await app.inject({ method, url: `/dvcqg/_admin${url}`, ...(payload ? { payload } : {}) });
  return r.json();
};
const calls = async (q = '') =>
  (await admin('GET', `/calls?limit=1000${q}`)).items as Array<{ service: string; outcome: string }>;
const logins = async () => (await calls('&service=login')).length;
async function caught(p: Promise<unknown>): Promise<DvcqgError> {
  try {
    await p;
  } catch (err) {
    return err as DvcqgError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  app = await buildPeerApp({ SANDBOX_DVCQG_HUGE_BODY_BYTES: 300_000, SANDBOX_DVCQG_TIMEOUT_HANG_MS: 2_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/dvcqg`;
});
afterAll(() => app.close());
beforeEach(() => admin('POST', '/reset'));

describe('session', () => {
  it('logs in once and reuses the session across calls', async () => {
    const c = client();
    await c.traCuuHoSo(ma());
    await c.layDanhSachTTHC();
    await c.traCuuHoSo(ma());
    expect(await logins()).toBe(1);
  });

  it('shares one login between concurrent calls (single flight)', async () => {
    const c = client();
    await Promise.all(Array.from({ length: 8 }, () => c.traCuuHoSo(ma())));
    expect(await logins()).toBe(1);
  });

  it('re-logs in once and retries when the portal says the session expired', async () => {
    const c = client();
    const m = ma();
    await c.dongBoHoSo([sampleDossier(m)], { isUpdating: false });
    await admin('POST', '/expire-sessions');
    const answer = await c.dongBoHoSo([sampleDossier(m, { TrangThaiHoSo: '4' })], { isUpdating: true });
    expect(answer.errorCode).toBe('0');
    expect(await logins()).toBe(2);
    const held = await admin('GET', `/dossiers/${m}`);
    expect(held.dossier.TrangThaiHoSo).toBe('4');
    expect(held.history.map((h: { outcome: string }) => h.outcome)).toEqual(['ok', 'session-expired', 'ok']);
  });

  it('gives up with LT_DVCQG_SESSION_EXPIRED (retriable) when the fresh session is refused too', async () => {
    const c = client();
    await c.traCuuHoSo(ma());
    await admin('PUT', '/faults', { sessionTtlMs: 1 }); // every session dies at once
    const err = await caught(c.traCuuHoSo(ma()));
    expect(err).toBeInstanceOf(DvcqgError);
    expect(err.code).toBe('LT_DVCQG_SESSION_EXPIRED');
    expect(err.retriable).toBe(true);
    expect(err.portalCode).toBe('-2');
    expect(await logins()).toBe(2); // one re-login, not a loop
  });

  it('renews the session before its announced expiry', async () => {
    const clock = fixedClock('2025-07-02T08:00:00Z');
    const now = () => clock.now().getTime();
    const peer = await buildPeerApp({ SANDBOX_DVCQG_SESSION_TTL_MS: 120_000 }, now);
    await peer.listen({ port: 0, host: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${(peer.server.address() as AddressInfo).port}/dvcqg`;
      const c = client({ baseUrl: url, clock, sessionRenewMarginMs: 30_000 });
      await c.traCuuHoSo(ma());
      clock.advance(80_000); // before renewAt (90 s): cached
      await c.traCuuHoSo(ma());
      clock.advance(15_000); // past renewAt, before expiry: renewed proactively, no expired answer seen
      await c.traCuuHoSo(ma());
      const r = (await peer.inject({ url: '/dvcqg/_admin/calls?limit=100' })).json().items as Array<{
        service: string;
        outcome: string;
      }>;
      expect(r.filter((x) => x.service === 'login')).toHaveLength(2);
      expect(r.some((x) => x.outcome === 'session-expired')).toBe(false);
    } finally {
      await peer.close();
    }
  });

  it('invalidateSession forces a new login', async () => {
    const c = client();
    await c.traCuuHoSo(ma());
    c.invalidateSession();
    await c.traCuuHoSo(ma());
    expect(await logins()).toBe(2);
  });

  it('refused credentials → LT_DVCQG_LOGIN_FAILED, not retriable', async () => {
    const err = await caught(client({ password: 'wrong' }).traCuuHoSo(ma()));
    expect(err.code).toBe('LT_DVCQG_LOGIN_FAILED');
    expect(err.retriable).toBe(false);
    expect(err.portalCode).toBe('-1');
  });

  it('unreachable portal → LT_DVCQG_LOGIN_FAILED, retriable', async () => {
    const err = await caught(client({ baseUrl: 'http://127.0.0.1:9/dvcqg', timeoutMs: 1_000 }).traCuuHoSo(ma()));
    expect(err.code).toBe('LT_DVCQG_LOGIN_FAILED');
    expect(err.retriable).toBe(true);
  });
});

describe('DongBoHoSoMC', () => {
  it('creates, then answers LT_DVCQG_ALREADY_EXISTS on a second create; the update goes through', async () => {
    const c = client();
    const m = ma();
    const created = await c.dongBoHoSo([sampleDossier(m)], { isUpdating: false });
    expect(created).toMatchObject({ errorCode: '0', result: [{ MaHoSo: m, KetQua: 'created' }] });
    const err = await caught(c.dongBoHoSo([sampleDossier(m, { TrangThaiHoSo: '4' })], { isUpdating: false }));
    expect(err.code).toBe('LT_DVCQG_ALREADY_EXISTS');
    expect(err.retriable).toBe(false);
    expect(err.portalCode).toBe('-3');
    expect(err.portalMessage).toContain('đã tồn tại');
    expect(err.maHoSo).toBe(m);
    await c.dongBoHoSo([sampleDossier(m, { TrangThaiHoSo: '4' })], { isUpdating: true });
    const held = await admin('GET', `/dossiers/${m}`);
    expect(held).toMatchObject({ version: 2, dossier: sampleDossier(m, { TrangThaiHoSo: '4' }) });
    expect(await c.traCuuHoSo(m)).toEqual([sampleDossier(m, { TrangThaiHoSo: '4' })]);
  });

  it('a dossier rejected by the portal → LT_DVCQG_REJECTED with the portal code and message', async () => {
    const c = client();
    const [good, bad] = [ma(), ma()];
    await admin('PUT', '/faults', { rejectMaHoSo: [bad] });
    const err = await caught(c.dongBoHoSo([sampleDossier(good), sampleDossier(bad)], { isUpdating: false }));
    expect(err.code).toBe('LT_DVCQG_REJECTED');
    expect(err.retriable).toBe(false);
    expect(err.portalCode).toBe('-1');
    expect(err.portalMessage).toContain(bad);
    expect(err.maHoSo).toBe(bad);
    expect(await c.traCuuHoSo(good)).toEqual([]); // all-or-nothing: nothing stored
  });

  it('an invalid dossier is refused with the validation message, naming the dossier', async () => {
    const [good, bad] = [ma(), ma()];
    const err = await caught(
      client().dongBoHoSo([sampleDossier(good), sampleDossier(bad, { NgayHenTra: '2025-07-03' })], { isUpdating: false }),
    );
    expect(err.code).toBe('LT_DVCQG_REJECTED');
    expect(err.maHoSo).toBe(bad);
    expect(err.portalMessage).toMatch(/^Dữ liệu không hợp lệ \(hồ sơ [^)]+\): data\[1\]\.NgayHenTra/);
  });

  it('accepts success written as "0" and "00" [S1 2020 branches, T2]', async () => {
    const c = client();
    for (const successCode of ['0', '00'] as const) {
      await admin('PUT', '/faults', { successCode });
      const a = await c.dongBoHoSo([sampleDossier(ma())], { isUpdating: false });
      expect(a.errorCode).toBe(successCode);
    }
    // the "already exists" rule holds in the string dialect too
    const m = ma();
    await c.dongBoHoSo([sampleDossier(m)], { isUpdating: false });
    expect((await caught(c.dongBoHoSo([sampleDossier(m)], { isUpdating: false }))).code).toBe('LT_DVCQG_ALREADY_EXISTS');
  });

  it('refuses an empty batch before calling', async () => {
    const err = await caught(client().dongBoHoSo([], { isUpdating: false }));
    expect(err.code).toBe('LT_DVCQG_INVALID_ARGUMENT');
    expect(await calls()).toHaveLength(0);
  });
});

describe('CapNhatTienDoHoSoMC', () => {
  it('stores up to 10 steps; more than 10 → LT_DVCQG_TOO_MANY_ITEMS without a call', async () => {
    const c = client();
    const m = ma();
    await c.dongBoHoSo([sampleDossier(m)], { isUpdating: false });
    const steps = Array.from({ length: 10 }, (_, i) =>
      sampleStep(m, { ThoiDiemXuLy: `202507020${i}0000`, NoiDungXuLy: `Bước ${i + 1}` }),
    );
    await c.capNhatTienDo(steps);
    expect((await admin('GET', `/dossiers/${m}`)).progress).toHaveLength(10);
    const before = (await calls()).length;
    const err = await caught(c.capNhatTienDo([...steps, sampleStep(m)]));
    expect(err.code).toBe('LT_DVCQG_TOO_MANY_ITEMS');
    expect(err.retriable).toBe(false);
    expect(await calls()).toHaveLength(before);
  });

  it('progress of a dossier the portal lacks is rejected', async () => {
    const err = await caught(client().capNhatTienDo([sampleStep(ma())]));
    expect(err.code).toBe('LT_DVCQG_REJECTED');
    expect(err.portalMessage).toContain('chưa được đồng bộ');
  });
});

describe('catalogue and other services', () => {
  it('lists procedures and agencies, and reads one procedure', async () => {
    const c = client();
    const procs = await c.layDanhSachTTHC();
    expect(procs.length).toBeGreaterThanOrEqual(50);
    expect(procs[0]).toMatchObject({ MATTHC: expect.stringMatching(/^\d\.\d{6}$/), TENTTHC: expect.any(String) });
    const agencies = await c.layDanhMucCoQuan();
    expect(agencies.find((a) => a.MADONVI === '000.00.00.H99')).toMatchObject({ CAPDONVI: '2' });
    expect(await c.layThuTuc(procs[0]!.MATTHC)).toMatchObject({ MATTHC: procs[0]!.MATTHC, TRANGTHAI: '1' });
    expect(await c.layThuTuc('9.999999')).toBeUndefined();
  });

  it('sends the monthly rating summary', async () => {
    const a = await client().dongBoDanhGia([
      {
        NgayTongHop: '6-2025',
        TongSoNguoiDanhGia: 120,
        NoiDung: 'Mức độ hài lòng về thời gian giải quyết',
        Madonvi: '000.00.00.H99',
        TenDonVi: 'Ủy ban nhân dân tỉnh Sa Bàn',
        PhanTramDanhGiaRatHaiLong: '73%',
        PhanTramDanhGiaHaiLong: '20%',
        PhanTramDanhGiaChuaHaiLong: '7%',
        DanhSachNoiDungYKien: '',
        MaThuTuc: '',
      },
    ]);
    expect(a.errorCode).toBe('0');
    expect((await admin('GET', '/ratings')).items).toHaveLength(1);
  });
});

describe('faults and malformed answers', () => {
  for (const [kind, why] of [
    ['html', /HTML page instead of JSON.*title "Lỗi hệ thống/],
    ['non-json', /body is not JSON \(LT_INPUT_BAD_JSON/],
    ['no-error-code', /answer has no error_code/],
    ['huge', /response body larger than 100000 bytes/],
  ] as const) {
    it(`malformed=${kind} → LT_DVCQG_BAD_RESPONSE (retriable) naming the problem, never quoting the body`, async () => {
      const c = client({ maxResponseBytes: 100_000 });
      await c.traCuuHoSo(ma()); // log in while the portal is healthy
      await admin('PUT', '/faults', { malformed: kind });
      const err = await caught(c.dongBoHoSo([sampleDossier(ma())], { isUpdating: false }));
      expect(err.code).toBe('LT_DVCQG_BAD_RESPONSE');
      expect(err.retriable).toBe(true);
      expect(err.message).toMatch(why);
      expect(err.message.length).toBeLessThan(300);
    });
  }

  it('a garbled login answer is a bad response too', async () => {
    await admin('PUT', '/faults', { malformed: 'html' });
    const err = await caught(client().traCuuHoSo(ma()));
    expect(err.code).toBe('LT_DVCQG_BAD_RESPONSE');
  });

  it('5xx → LT_HTTP_STATUS (retriable) after the transport retries, with a trimmed body', async () => {
    const c = client({ retry: { maxAttempts: 3, minDelayMs: 1, maxDelayMs: 5, factor: 2, jitter: 0 } });
    await c.traCuuHoSo(ma());
    await admin('PUT', '/faults', { errorRate: 1 });
    const err = (await caught(c.traCuuHoSo(ma()))) as unknown as { code: string; retriable: boolean; status: number };
    expect(err.code).toBe('LT_HTTP_STATUS');
    expect(err.retriable).toBe(true);
    expect([500, 502, 503]).toContain(err.status);
    expect((await calls()).filter((x) => x.outcome === 'fault:5xx')).toHaveLength(3);
  });

  it('outage → LT_HTTP_STATUS 503 on a call, LT_DVCQG_LOGIN_FAILED (retriable) on the login', async () => {
    const c = client();
    await c.traCuuHoSo(ma());
    await admin('PUT', '/faults', { outage: true });
    const err = (await caught(c.traCuuHoSo(ma()))) as unknown as {
      code: string;
      status: number;
      retriable: boolean;
      body: string;
    };
    expect(err).toMatchObject({ code: 'LT_HTTP_STATUS', status: 503, retriable: true });
    expect(err.body.length).toBeLessThanOrEqual(201); // the proxy page is trimmed before it can reach a log
    const login = (await caught(client().traCuuHoSo(ma()))) as unknown as {
      code: string;
      retriable: boolean;
      cause?: { status?: number };
    };
    expect(login).toMatchObject({ code: 'LT_DVCQG_LOGIN_FAILED', retriable: true });
    expect(login.cause?.status).toBe(503);
  });

  it('a hung portal → LT_HTTP_TIMEOUT; the create was processed, so the retry meets "đã tồn tại"', async () => {
    const c = client({ timeoutMs: 300 });
    await c.traCuuHoSo(ma());
    await admin('PUT', '/faults', { timeoutRate: 1 });
    const m = ma();
    const err = await caught(c.dongBoHoSo([sampleDossier(m)], { isUpdating: false }));
    expect(err.code).toBe('LT_HTTP_TIMEOUT');
    expect(err.retriable).toBe(true);
    await admin('PUT', '/faults', {});
    expect((await caught(c.dongBoHoSo([sampleDossier(m)], { isUpdating: false }))).code).toBe('LT_DVCQG_ALREADY_EXISTS');
  });

  it('latency is added to each answer', async () => {
    const c = client();
    await c.traCuuHoSo(ma());
    await admin('PUT', '/faults', { latencyMs: 150 });
    const t = Date.now();
    await c.traCuuHoSo(ma());
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  });
});

describe('options', () => {
  it('refuses invalid options listing every problem', () => {
    try {
      createDvcqgClient({ baseUrl: 'ftp://x', username: '', password: 'p', madonvi: 'm', logger, timeoutMs: -1 });
      throw new Error('expected a throw');
    } catch (err) {
      const e = err as DvcqgError;
      expect(e.code).toBe('LT_DVCQG_OPTIONS_INVALID');
      expect(e.message).toMatch(/baseUrl/);
      expect(e.message).toMatch(/username/);
      expect(e.message).toMatch(/timeoutMs/);
      expect(e.message).not.toMatch(/\bp\b.*password/);
    }
  });
});
