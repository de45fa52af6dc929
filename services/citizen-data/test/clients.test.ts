import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsdlDanCuClient, fullName, type CongDan } from '@lienthong/csdl-dancu';
import { createDkkdClient } from '@lienthong/dkkd';
import { quietLogger } from '../../../tests/helpers/logger.js';
import { sandboxCredentials, startSandbox, type SandboxHarness } from './sandbox.js';

let sb: SandboxHarness;
let people: CongDan[];
beforeAll(async () => {
  sb = await startSandbox(quietLogger());
  people = await sb.citizens();
});
afterAll(() => sb.close());

const csdl = (over: Partial<Parameters<typeof createCsdlDanCuClient>[0]> = {}) =>
  createCsdlDanCuClient({
    tokenUrl: `${sb.csdlUrl}/token`,
    serviceUrl: `${sb.csdlUrl}/ws/dancu`,
    credentials: sandboxCredentials.lgsp,
    timeoutMs: 2_000,
    maxReplyBytes: 1024 * 1024,
    breaker: { failureThreshold: 3, openMs: 500 },
    ...over,
  });
const caller = { MaDVC: '1.001612', MaCanBo: 'cb.nguyenvana' };

describe('population DB peer and client (SOAP over HTTP)', () => {
  it('seeds ≥200 citizens in households with a head, minority names and old 9-digit IDs', () => {
    expect(people.length).toBeGreaterThanOrEqual(200);
    expect(people.filter((p) => !p.SoDinhDanh && p.SoCMND).length).toBeGreaterThan(0);
    expect(new Set(people.map((p) => p.DanToc)).size).toBeGreaterThanOrEqual(5);
    expect(people.every((p) => p.ChuHo?.HoVaTen)).toBe(true);
    expect(people.some((p) => p.ChuHo?.QuanHe === '01')).toBe(true);
  });

  it('looks a person up field for field, by personal ID and by old ID', async () => {
    const c = csdl();
    const p = people.find((x) => x.SoDinhDanh && x.NgayThangNamSinh?.NgayThangNam)!;
    const got = await c.lookup(
      { SoDinhDanh: p.SoDinhDanh!, HoVaTen: fullName(p), NgayThangNam: p.NgayThangNamSinh!.NgayThangNam! },
      caller,
    );
    expect(got).toEqual(p);
    const old = people.find((x) => !x.SoDinhDanh && x.SoCMND)!;
    expect(await c.lookup({ SoCMND: old.SoCMND!, HoVaTen: fullName(old) }, caller)).toEqual(old);
    expect(await c.lookup({ SoDinhDanh: '001099999999', HoVaTen: 'KHONG CO' }, caller)).toBeNull();
  });

  it('verifies, returns a household, and maps 004/005', async () => {
    const c = csdl();
    const p = people.find((x) => x.SoDinhDanh && x.SoSoHoKhau)!;
    expect(await c.verify({ SoDinhDanh: p.SoDinhDanh!, HoVaTen: fullName(p) }, caller)).toBe(true);
    expect(await c.verify({ SoDinhDanh: p.SoDinhDanh!, HoVaTen: 'TEN KHAC' }, caller)).toBe(false);
    const hh = await c.household({ SoDinhDanh: p.SoDinhDanh!, HoVaTen: fullName(p) }, caller);
    expect(hh.map((m) => m.SoSoHoKhau)).toEqual(hh.map(() => p.SoSoHoKhau));
    await expect(
      c.lookup({ SoDinhDanh: p.SoDinhDanh!, HoVaTen: fullName(p) }, { ...caller, MaDVC: '9.999999' }),
    ).rejects.toMatchObject({ code: 'LT_CSDL_PROCEDURE_NOT_LICENSED', peerCode: '004' });
    await expect(
      c.lookup({ SoDinhDanh: p.SoDinhDanh!, HoVaTen: fullName(p) }, { ...caller, MaCanBo: 'cb.dinhchi' }),
    ).rejects.toMatchObject({ code: 'LT_CSDL_OFFICER_NOT_PERMITTED', peerCode: '005' });
  });

  it('renews an expired token once', async () => {
    const c = csdl();
    const p = people[0]!;
    const q = { ...(p.SoDinhDanh ? { SoDinhDanh: p.SoDinhDanh } : { SoCMND: p.SoCMND! }), HoVaTen: fullName(p) };
    await c.lookup(q, caller);
    await sb.admin('POST', '/csdl-dancu/_admin/expire-tokens');
    expect(await c.lookup(q, caller)).toEqual(p);
    const tokenCalls = (await sb.calls('csdl-dancu')).filter((x) => x.endpoint === 'token');
    expect(tokenCalls.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['xxe', 'LT_CSDL_HOSTILE_REPLY'],
    ['billion-laughs', 'LT_CSDL_HOSTILE_REPLY'],
    ['huge', 'LT_CSDL_REPLY_TOO_LARGE'],
    ['html', 'LT_CSDL_BAD_REPLY'],
    ['truncated', 'LT_CSDL_BAD_REPLY'],
    ['wrong-namespace', 'LT_CSDL_BAD_REPLY'],
    ['soap-fault', 'LT_CSDL_SOAP_FAULT'],
    ['not-soap', 'LT_CSDL_BAD_REPLY'],
  ])('refuses a %s reply with %s', async (kind, code) => {
    const c = csdl();
    const p = people.find((x) => x.SoDinhDanh)!;
    await sb.admin('PUT', '/csdl-dancu/_admin/faults', { malformed: kind });
    try {
      const err = await c.lookup({ SoDinhDanh: p.SoDinhDanh!, HoVaTen: fullName(p) }, caller).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code });
      expect(String((err as Error).message)).not.toContain('root:');
    } finally {
      await sb.admin('PUT', '/csdl-dancu/_admin/faults', {});
    }
  });
});

describe('business registry peer and client', () => {
  it('answers NGSP and TP.HCM ESB routes with the same normalized record; branches; not found', async () => {
    const list = (
      await sb.admin<{ items: Array<{ MainInformation: Record<string, string> }> }>('GET', '/dkkd/_admin/businesses?limit=10000')
    ).items;
    expect(list.filter((b) => !b.MainInformation.ENTERPRISE_GDT_CODE!.includes('-')).length).toBeGreaterThanOrEqual(100);
    const ngsp = createDkkdClient({
      route: {
        kind: 'ngsp',
        tokenUrl: `${sb.dkkdUrl}/ngsp/token`,
        adapterUrl: `${sb.dkkdUrl}/ngsp/api`,
        ...sandboxCredentials.ngsp,
      },
      timeoutMs: 2_000,
      maxReplyBytes: 1 << 20,
      breaker: { failureThreshold: 3, openMs: 500 },
    });
    const esb = createDkkdClient({
      route: { kind: 'hcm-esb', url: `${sb.dkkdUrl}/hcm/TraCuuThongTinDoanhNghiep`, credentials: sandboxCredentials.esb },
      timeoutMs: 2_000,
      maxReplyBytes: 1 << 20,
      breaker: { failureThreshold: 3, openMs: 500 },
    });
    const suspended = list.find((b) => b.MainInformation.ENTERPRISE_STATUS_ID === '02')!;
    const a = await ngsp.business(suspended.MainInformation.ENTERPRISE_GDT_CODE!);
    expect(a).toMatchObject({
      MaSoDoanhNghiep: suspended.MainInformation.ENTERPRISE_GDT_CODE,
      TenTiengViet: suspended.MainInformation.NAME,
      TinhTrang: { Ma: '02', Ten: 'Tạm ngừng kinh doanh' },
    });
    expect(await esb.business(suspended.MainInformation.ENTERPRISE_GDT_CODE!)).toEqual(a);
    const branch = list.find((b) => b.MainInformation.ENTERPRISE_GDT_CODE!.includes('-'))!;
    expect((await ngsp.business(branch.MainInformation.ENTERPRISE_GDT_CODE!))?.MaSoDoanhNghiep).toBe(
      branch.MainInformation.ENTERPRISE_GDT_CODE,
    );
    expect(await ngsp.business('0999999999')).toBeNull();
    expect(await esb.business('0999999999')).toBeNull();
  });

  it('answers Thanh Hóa’s proxy shape (GetEntCert, Vietnamese keys) with the same record and more detail', async () => {
    const th = createDkkdClient({
      route: { kind: 'thanh-hoa', url: `${sb.dkkdUrl}/thanhhoa/apiDKKD/DoanhNghiep/chiTietDoanhNghiep` },
      timeoutMs: 2_000,
      maxReplyBytes: 1 << 20,
      breaker: { failureThreshold: 3, openMs: 500 },
    });
    const ngsp = createDkkdClient({
      route: {
        kind: 'ngsp',
        tokenUrl: `${sb.dkkdUrl}/ngsp/token`,
        adapterUrl: `${sb.dkkdUrl}/ngsp/api`,
        ...sandboxCredentials.ngsp,
      },
      timeoutMs: 2_000,
      maxReplyBytes: 1 << 20,
      breaker: { failureThreshold: 3, openMs: 500 },
    });
    const list = (
      await sb.admin<{
        items: Array<{ MainInformation: Record<string, string>; suspension?: { from: string; to: string; reason: string } }>;
      }>('GET', '/dkkd/_admin/businesses?limit=10000')
    ).items;
    const suspended = list.find((b) => b.suspension)!;
    const msdn = suspended.MainInformation.ENTERPRISE_GDT_CODE!;
    const a = await ngsp.business(msdn);
    const b = await th.business(msdn);
    expect(b).toMatchObject({
      MaSoDoanhNghiep: a!.MaSoDoanhNghiep,
      TenTiengViet: a!.TenTiengViet,
      LoaiHinhDN: a!.LoaiHinhDN,
      NgayDangKyLanDau: a!.NgayDangKyLanDau,
      NguoiDaiDien: a!.NguoiDaiDien!.map((n) => ({ ...n, QuocTich: 'Việt Nam' })),
      NganhNghe: a!.NganhNghe,
    });
    expect(b!.TinhTrang).toEqual({
      Ma: '02',
      Ten: 'Tạm ngừng kinh doanh',
      NgayBatDauTamNgung: suspended.suspension!.from,
      NgayKetThucTamNgung: suspended.suspension!.to,
      LyDoTamNgung: suspended.suspension!.reason,
    });
    expect(b!.DiaChiTruSo!.DiaChiDayDu).toBe(a!.DiaChiTruSo!.DiaChiDayDu!.replace(/^(Số \d+) /, '$1, '));
    expect(await th.business('0999999999')).toBeNull();
  });

  it.each([
    ['html', 'LT_DKKD_BAD_REPLY'],
    ['truncated', 'LT_DKKD_BAD_REPLY'],
    ['wrong-shape', 'LT_DKKD_BAD_REPLY'],
    ['huge', 'LT_DKKD_REPLY_TOO_LARGE'],
  ])('refuses a %s registry reply with %s', async (kind, code) => {
    const ngsp = createDkkdClient({
      route: {
        kind: 'ngsp',
        tokenUrl: `${sb.dkkdUrl}/ngsp/token`,
        adapterUrl: `${sb.dkkdUrl}/ngsp/api`,
        ...sandboxCredentials.ngsp,
      },
      timeoutMs: 2_000,
      maxReplyBytes: 1 << 20,
      breaker: { failureThreshold: 100, openMs: 500 },
    });
    const list = (
      await sb.admin<{ items: Array<{ MainInformation: Record<string, string> }> }>('GET', '/dkkd/_admin/businesses?limit=1')
    ).items;
    await sb.admin('PUT', '/dkkd/_admin/faults', { malformed: kind });
    try {
      await expect(ngsp.business(list[0]!.MainInformation.ENTERPRISE_GDT_CODE!)).rejects.toMatchObject({ code });
    } finally {
      await sb.admin('PUT', '/dkkd/_admin/faults', {});
    }
  });

  it('maps a registry outage and a renewed NGSP token', async () => {
    const ngsp = createDkkdClient({
      route: {
        kind: 'ngsp',
        tokenUrl: `${sb.dkkdUrl}/ngsp/token`,
        adapterUrl: `${sb.dkkdUrl}/ngsp/api`,
        ...sandboxCredentials.ngsp,
      },
      timeoutMs: 2_000,
      maxReplyBytes: 1 << 20,
      breaker: { failureThreshold: 100, openMs: 500 },
    });
    expect(await ngsp.business('0999999999')).toBeNull();
    await sb.admin('POST', '/dkkd/_admin/expire-tokens');
    expect(await ngsp.business('0999999999')).toBeNull();
    await sb.admin('PUT', '/dkkd/_admin/faults', { outage: true });
    try {
      await expect(ngsp.business('0999999999')).rejects.toMatchObject({ code: 'LT_DKKD_UNAVAILABLE', kind: 'unavailable' });
    } finally {
      await sb.admin('PUT', '/dkkd/_admin/faults', {});
    }
  });
});

describe('population DB timeouts', () => {
  it('a call that hangs past the client timeout is unavailable (503), not a crash', async () => {
    const c = csdl({ timeoutMs: 800 });
    const p = people.find((x) => x.SoDinhDanh)!;
    await c.lookup({ SoDinhDanh: p.SoDinhDanh!, HoVaTen: fullName(p) }, caller); // token first, outside the fault
    await sb.admin('PUT', '/csdl-dancu/_admin/faults', { timeoutRate: 1 });
    try {
      await expect(c.lookup({ SoDinhDanh: p.SoDinhDanh!, HoVaTen: fullName(p) }, caller)).rejects.toMatchObject({
        code: 'LT_CSDL_UNAVAILABLE',
        kind: 'unavailable',
      });
    } finally {
      await sb.admin('PUT', '/csdl-dancu/_admin/faults', {});
    }
  });
});
