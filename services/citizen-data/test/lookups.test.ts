import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullName, type CongDan } from '@lienthong/csdl-dancu';
import { quietLogger } from '../../../tests/helpers/logger.js';
import { FOREIGN_MA_HO_SO, MA_HO_SO, purpose, startCitizenData, type CitizenDataHarness } from './harness.js';

let h: CitizenDataHarness;
let people: CongDan[];
type Biz = {
  MainInformation: Record<string, string>;
  HOAdress: { AddressFullText: string };
  Representatives: { FULL_NAME: string }[];
};
let businesses: Biz[];

beforeAll(async () => {
  h = await startCitizenData({ logger: quietLogger() });
  people = await h.sandbox.citizens();
  businesses = (await h.sandbox.admin<{ items: Biz[] }>('GET', '/dkkd/_admin/businesses?limit=10000')).items;
});
afterAll(() => h.close());

const soapCalls = async () => (await h.sandbox.calls('csdl-dancu')).filter((c) => c.endpoint === 'soap');
const lastRow = async () => (await h.pool.query('SELECT * FROM citizen_audit ORDER BY seq DESC LIMIT 1')).rows[0];
const withId = () => people.find((p) => p.SoDinhDanh && p.NgayThangNamSinh?.NgayThangNam)!;

describe('POST /v1/citizens/lookup', () => {
  it('answers the seeded citizen field for field and audits it (subject hashed, fields named, never the ID)', async () => {
    const p = withId();
    const r = await h.call('POST', '/v1/citizens/lookup', {
      SoDinhDanh: p.SoDinhDanh,
      HoVaTen: fullName(p),
      NgayThangNam: p.NgayThangNamSinh!.NgayThangNam,
      purpose: purpose(),
    });
    expect(r.status).toBe(200);
    expect(r.body.citizen).toEqual(p);
    expect(r.body.source).toMatchObject({ system: 'CSDLQGDC', operation: 'TraCuuThongTinCongDan' });
    const row = await lastRow();
    expect(row).toMatchObject({
      lookup_id: r.body.lookupId,
      client_id: 'h22-motcua',
      agency: '000.00.01.H22',
      officer_id: 'cb.nguyenvana',
      ma_ho_so: MA_HO_SO,
      ma_tthc: '1.001612',
      operation: 'citizen.lookup',
      outcome: 'found',
      subject_type: 'citizen',
    });
    expect(row.subject_hash).toMatch(/^[0-9a-f]{64}$/);
    expect([...row.fields].sort()).toEqual(Object.keys(p).sort());
    expect(JSON.stringify(row)).not.toContain(p.SoDinhDanh);
    const call = (await soapCalls()).at(-1)!;
    expect(call).toMatchObject({
      operation: 'TraCuuThongTinCongDan',
      MaDVC: '1.001612',
      MaCanBo: 'cb.nguyenvana',
      outcome: 'ok',
    });
  });

  it('finds a person known only by a 9-digit old ID', async () => {
    const old = people.find((p) => !p.SoDinhDanh && p.SoCMND)!;
    const r = await h.call('POST', '/v1/citizens/lookup', { SoCMND: old.SoCMND, HoVaTen: fullName(old), purpose: purpose() });
    expect(r.status).toBe(200);
    expect(r.body.citizen).toEqual(old);
  });

  it('answers 404 for nobody, audited as not-found', async () => {
    const r = await h.call('POST', '/v1/citizens/lookup', {
      SoDinhDanh: '001099000000',
      HoVaTen: 'Không Có Ai',
      purpose: purpose(),
    });
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('LT_CITIZEN_NOT_FOUND');
    expect(await lastRow()).toMatchObject({ outcome: 'not-found', fields: [] });
  });

  it('a provincial MaTTHC is licensed as its national code and sent as MaDVC', async () => {
    const p = withId();
    const r = await h.call('POST', '/v1/citizens/lookup', {
      SoDinhDanh: p.SoDinhDanh,
      HoVaTen: fullName(p),
      purpose: purpose({ MaTTHC: '1.001612.000.00.00.H22' }),
    });
    expect(r.status).toBe(200);
    expect((await soapCalls()).at(-1)).toMatchObject({ MaDVC: '1.001612' });
  });
});

describe('POST /v1/citizens/verify', () => {
  it('answers match / no match and nothing else', async () => {
    const p = withId();
    const yes = await h.call('POST', '/v1/citizens/verify', {
      SoDinhDanh: p.SoDinhDanh,
      HoVaTen: fullName(p),
      NgayThangNam: p.NgayThangNamSinh!.NgayThangNam,
      purpose: purpose(),
    });
    expect(yes.status).toBe(200);
    expect(Object.keys(yes.body).sort()).toEqual(['lookupId', 'match']);
    expect(yes.body.match).toBe(true);
    const no = await h.call('POST', '/v1/citizens/verify', {
      SoDinhDanh: p.SoDinhDanh,
      HoVaTen: fullName(p),
      NgayThangNam: '19000101',
      purpose: purpose(),
    });
    expect(no.body).toEqual({ lookupId: no.body.lookupId, match: false });
    expect(await lastRow()).toMatchObject({ operation: 'citizen.verify', outcome: 'no-match' });
  });
});

describe('POST /v1/citizens/household', () => {
  it('returns the household with its head', async () => {
    const p = people.find((x) => x.SoDinhDanh && people.filter((y) => y.SoSoHoKhau === x.SoSoHoKhau).length > 1)!;
    const r = await h.call('POST', '/v1/citizens/household', {
      SoDinhDanh: p.SoDinhDanh,
      HoVaTen: fullName(p),
      purpose: purpose(),
    });
    expect(r.status).toBe(200);
    expect(r.body.members).toEqual(people.filter((y) => y.SoSoHoKhau === p.SoSoHoKhau));
    expect(r.body.members.filter((m: CongDan) => m.ChuHo?.QuanHe === '01')).toHaveLength(1);
  });
});

describe('GET /v1/businesses/{taxCode}', () => {
  const q = `?MaHoSo=${MA_HO_SO}&MaTTHC=1.001612&officerId=cb.nguyenvana`;
  it('answers an active business, a suspended one, a branch (10-3) field for field; 404 for none', async () => {
    for (const status of ['01', '02', '03']) {
      const b = businesses.find((x) => x.MainInformation.ENTERPRISE_STATUS_ID === status)!;
      const r = await h.call('GET', `/v1/businesses/${b.MainInformation.ENTERPRISE_GDT_CODE}${q}`);
      expect(r.status).toBe(200);
      expect(r.body.business).toMatchObject({
        MaSoDoanhNghiep: b.MainInformation.ENTERPRISE_GDT_CODE,
        TenTiengViet: b.MainInformation.NAME,
        LoaiHinhDN: b.MainInformation.ENTERPRISE_TYPE_NAME,
        TinhTrang: { Ma: status, Ten: b.MainInformation.ENTERPRISE_STATUS_NAME },
        NgayDangKyLanDau: b.MainInformation.FOUNDING_DATE!.slice(0, 10),
        DiaChiTruSo: { DiaChiDayDu: b.HOAdress.AddressFullText },
        NguoiDaiDien: b.Representatives.map((x) => ({ HoVaTen: x.FULL_NAME })),
      });
    }
    const branch = businesses.find((x) => x.MainInformation.ENTERPRISE_GDT_CODE!.includes('-'))!;
    expect(
      (await h.call('GET', `/v1/businesses/${branch.MainInformation.ENTERPRISE_GDT_CODE}${q}`)).body.business.MaSoDoanhNghiep,
    ).toBe(branch.MainInformation.ENTERPRISE_GDT_CODE);
    expect((await h.call('GET', `/v1/businesses/0999999999${q}`)).status).toBe(404);
    expect(await lastRow()).toMatchObject({ operation: 'business.lookup', subject_type: 'business', outcome: 'not-found' });
  });
});

describe('POST /v1/autofill', () => {
  it('fills the DongBoHoSoMC applicant fields from the population DB with provenance and the national-DB flags', async () => {
    const p = people.find((x) => x.SoDinhDanh && x.SoCMND && x.NgayThangNamSinh?.NgayThangNam) ?? withId();
    const r = await h.call('POST', '/v1/autofill', {
      MaTTHC: '1.001612',
      applicant: { SoDinhDanh: p.SoDinhDanh, HoVaTen: fullName(p), SoDienThoai: '0912345678' },
      purpose: { MaHoSo: MA_HO_SO, officerId: 'cb.nguyenvana' },
    });
    expect(r.status).toBe(200);
    expect(r.body.fields).toEqual({
      ChuHoSo: fullName(p),
      LoaiDoiTuong: '1',
      SoGiayToChuHoSo: p.SoDinhDanh,
      DinhDanhCHS: [
        { LoaiDinhDanh: '1', SoDinhDanh: p.SoDinhDanh },
        ...(p.SoCMND ? [{ LoaiDinhDanh: '2', SoDinhDanh: p.SoCMND }] : []),
      ],
      DSKetNoiCSDL: [{ MaCSDL: '7' }],
      ...(p.ThuDienTu ? { Email: p.ThuDienTu } : {}),
      SoDienThoai: '0912345678',
    });
    expect(r.body.provenance.ChuHoSo).toMatchObject({ source: 'csdl-dancu', from: 'CongDan.HoVaTen' });
    expect(r.body.provenance.SoDienThoai).toEqual({ source: 'applicant' });
    expect(r.body.provenance.DSKetNoiCSDL).toMatchObject({ source: 'hub', inferred: true });
    expect(r.body.provenance.DinhDanhCHS).toMatchObject({ inferred: true });
    expect(r.body.eForm).toMatchObject({
      NgaySinh: p.NgayThangNamSinh!.NgayThangNam,
      DiaChiThuongTru: p.ThuongTru!.ChiTiet,
      DanToc: p.DanToc,
    });
    expect(await lastRow()).toMatchObject({ operation: 'autofill/citizen.lookup', outcome: 'found', ma_tthc: '1.001612' });
  });

  it('fills from the business registry and warns about a suspended business', async () => {
    const b = businesses.find((x) => x.MainInformation.ENTERPRISE_STATUS_ID === '02')!;
    const r = await h.call('POST', '/v1/autofill', {
      MaTTHC: '1.001612',
      applicant: { taxCode: b.MainInformation.ENTERPRISE_GDT_CODE, Email: 'lienhe@example.vn' },
      purpose: { MaHoSo: MA_HO_SO, officerId: 'cb.nguyenvana' },
    });
    expect(r.status).toBe(200);
    expect(r.body.fields).toEqual({
      ChuHoSo: b.MainInformation.NAME,
      LoaiDoiTuong: '2',
      SoGiayToChuHoSo: b.MainInformation.ENTERPRISE_GDT_CODE,
      Email: 'lienhe@example.vn',
    });
    expect(r.body.eForm.TinhTrang).toBe('Tạm ngừng kinh doanh');
    expect(r.body.warnings.map((w: { code: string }) => w.code)).toContain('LT_CITIZEN_BUSINESS_NOT_ACTIVE');
  });

  it('refuses a MaTTHC that contradicts the purpose', async () => {
    const p = withId();
    const r = await h.call('POST', '/v1/autofill', {
      MaTTHC: '1.001612',
      applicant: { SoDinhDanh: p.SoDinhDanh, HoVaTen: fullName(p) },
      purpose: purpose({ MaTTHC: '1.004227' }),
    });
    expect(r.status).toBe(400);
    expect(r.body.details.map((d: { path: string }) => d.path)).toContain('/purpose/MaTTHC');
  });
});

describe('refusals: audited, and nothing leaves the hub for the hub-side ones', () => {
  const p = () => withId();
  const body = (extra: Record<string, unknown>) => ({ SoDinhDanh: p().SoDinhDanh, HoVaTen: fullName(p()), ...extra });
  it.each([
    ['no purpose', {}, 400, 'LT_CITIZEN_PURPOSE_MISSING', '/purpose'],
    [
      'a purpose without officer',
      { purpose: { MaHoSo: MA_HO_SO, MaTTHC: '1.001612' } },
      400,
      'LT_CITIZEN_PURPOSE_INVALID',
      '/purpose/officerId',
    ],
    ['a foreign agency', { purpose: purpose({ MaHoSo: FOREIGN_MA_HO_SO }) }, 403, 'LT_AUTH_AGENCY_FORBIDDEN', '/purpose/MaHoSo'],
    [
      'a procedure not licensed here',
      { purpose: purpose({ MaTTHC: '1.999999' }) },
      403,
      'LT_CITIZEN_PROCEDURE_NOT_LICENSED',
      '/purpose/MaTTHC',
    ],
    [
      'verify-only procedure asking for a look-up',
      { purpose: purpose({ MaTTHC: '2.000488' }) },
      403,
      'LT_CITIZEN_PROCEDURE_NOT_LICENSED',
      '/purpose/MaTTHC',
    ],
  ])('%s → %s %s', async (_what, extra, status, code, path) => {
    const before = (await soapCalls()).length;
    const r = await h.call('POST', '/v1/citizens/lookup', body(extra));
    expect(r.status).toBe(status);
    expect(r.body.error).toBe(code);
    expect(r.body.details.map((d: { path: string }) => d.path)).toContain(path);
    expect((await soapCalls()).length).toBe(before);
    expect(await lastRow()).toMatchObject({ outcome: 'refused', reason: code, operation: 'citizen.lookup' });
  });

  it('004 (procedure not licensed at the population DB) and 005 (officer not permitted) → 403, audited with the peer code', async () => {
    const r4 = await h.call('POST', '/v1/citizens/lookup', body({ purpose: purpose({ MaTTHC: '1.003003' }) }));
    expect(r4.status).toBe(403);
    expect(r4.body.error).toBe('LT_CSDL_PROCEDURE_NOT_LICENSED');
    expect(await lastRow()).toMatchObject({ outcome: 'refused', peer_code: '004' });
    const r5 = await h.call('POST', '/v1/citizens/lookup', body({ purpose: purpose({ officerId: 'cb.dinhchi' }) }));
    expect(r5.status).toBe(403);
    expect(r5.body.error).toBe('LT_CSDL_OFFICER_NOT_PERMITTED');
    expect(await lastRow()).toMatchObject({ outcome: 'refused', peer_code: '005' });
  });

  it('an invalid body is refused (400) and audited, the ID not echoed', async () => {
    const r = await h.call('POST', '/v1/citizens/lookup', { SoDinhDanh: '12345', HoVaTen: 'X', purpose: purpose() });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).not.toContain('12345');
    expect(await lastRow()).toMatchObject({ outcome: 'refused', reason: 'LT_CITIZEN_REQUEST_INVALID', subject_hash: null });
  });

  it('needs the submitter role (an auditor key cannot look up) and a key', async () => {
    expect((await h.call('POST', '/v1/citizens/lookup', body({ purpose: purpose() }), h.keys.auditor)).status).toBe(403);
    expect(
      (
        await fetch(`${h.url}/v1/citizens/lookup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(401);
  });
});

describe('nothing is answered unaudited', () => {
  it('when the audit row cannot be written the caller gets 503 and none of the data', async () => {
    const p = withId();
    await h.pool.query('ALTER TABLE citizen_audit RENAME TO citizen_audit_away');
    try {
      const r = await h.call('POST', '/v1/citizens/lookup', {
        SoDinhDanh: p.SoDinhDanh,
        HoVaTen: fullName(p),
        purpose: purpose(),
      });
      expect(r.status).toBe(503);
      expect(r.body.error).toBe('LT_CITIZEN_AUDIT_UNAVAILABLE');
      const text = JSON.stringify(r.body);
      for (const v of [p.SoDinhDanh!, fullName(p), p.ThuongTru?.ChiTiet ?? 'none']) expect(text).not.toContain(v);
    } finally {
      await h.pool.query('ALTER TABLE citizen_audit_away RENAME TO citizen_audit');
    }
    const again = await h.call('POST', '/v1/citizens/lookup', {
      SoDinhDanh: p.SoDinhDanh,
      HoVaTen: fullName(p),
      purpose: purpose(),
    });
    expect(again.status).toBe(200);
  });
});

it('serves its OpenAPI with every route, and health', async () => {
  const docs = (await (await fetch(`${h.url}/docs/json`)).json()) as { paths: Record<string, unknown> };
  expect(Object.keys(docs.paths)).toEqual(
    expect.arrayContaining([
      '/v1/citizens/lookup',
      '/v1/citizens/verify',
      '/v1/citizens/household',
      '/v1/businesses/{taxCode}',
      '/v1/autofill',
      '/v1/audit/verify',
      '/v1/audit/search',
    ]),
  );
  expect((await fetch(`${h.url}/health/ready`)).status).toBe(200);
});
