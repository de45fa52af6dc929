/**
 * Issue 17 §4: the gateway refuses only what the standard knows is wrong. Findings of inferred rules come back as
 * `warnings` with the 202 (dossiers and progress) and in /v1/validate's report; identifiers sent as JSON numbers are
 * refused with their path.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, topicNames } from '@lienthong/events';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  dossierItem,
  progressItem,
  readTopic,
} from '../../../tests/helpers/index.js';
import { createTestGateway, type TestGateway } from '../../../tests/helpers/gateway.js';

const companyFormation = JSON.parse(
  readFileSync(
    fileURLToPath(
      new URL('../../../tests/fixtures/standard/warning/dossier.company-formation-founder-personal-id.json', import.meta.url),
    ),
    'utf8',
  ),
) as { packet: Record<string, unknown> };

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let gw: TestGateway;
let topic: string;

const post = (url: string, body: unknown) =>
  gw.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${gw.keys['motcua-h22']}`, 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  topic = topicNames(ns).dossierEvents;
  gw = await createTestGateway({ namespace: ns, databaseUrl: db.url, clients: [{ id: 'motcua-h22', agencies: ['*.H22'] }] });
});

afterAll(async () => {
  await gw?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

describe('warnings of inferred rules', () => {
  it("accepts a company-formation dossier named by its founder's personal ID: 202 with the warning, published as sent", async () => {
    const res = await post('/v1/dossiers', companyFormation.packet);
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    expect(body.accepted).toEqual([{ MaHoSo: companyFormation.packet.MaHoSo, eventId: expect.any(String) }]);
    expect(body.warnings).toEqual([
      expect.objectContaining({
        path: '/SoGiayToChuHoSo',
        code: 'LT_STD_TAX_CODE_INVALID',
        message_en: expect.stringContaining('warning'),
      }),
    ]);
    const records = (await readTopic(topic)).filter((r) => r.key === companyFormation.packet.MaHoSo);
    expect(records).toHaveLength(1);
    expect(decodeEvent(records[0]!.value).data).toMatchObject({ LoaiDoiTuong: '2', SoGiayToChuHoSo: '002185012345' });
  });

  it('returns progress warnings with the 202 too, with paths into the body', async () => {
    const step = progressItem(7, 1, { NgayBatDau: '20251121080000', NgayKetThucTheoQuyDinh: '20251120080000' });
    const res = await post('/v1/dossiers/progress', [progressItem(7, 0), step]);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().warnings.map((w: { path: string; code: string }) => [w.path, w.code])).toEqual([
      ['/1/NgayKetThucTheoQuyDinh', 'LT_STD_DATE_ORDER'],
    ]);
  });

  it('has no warnings field when nothing inferred was found', async () => {
    const res = await post('/v1/dossiers', dossierItem(301));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).not.toHaveProperty('warnings');
  });

  it('/v1/validate reports the packet valid, with the same warnings', async () => {
    const res = await post('/v1/validate', companyFormation.packet);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      valid: true,
      kind: 'dossier',
      errors: [],
      warnings: [{ path: '/SoGiayToChuHoSo', code: 'LT_STD_TAX_CODE_INVALID' }],
    });
  });

  it('accepts a real dossier carrying only inferred findings (review probe): 202, a warning per path, published as sent', async () => {
    const probe = dossierItem(310, {
      agency: '000.00.001.H22', // agency-code group widths [inf]
      HinhThuc: '2', // beyond 0/1 unconfirmed (reference §12)
      NoiNopHoSo: '3', // "1 = DVCQG" is [inf]
      TruongMoiCuaCong: 'giá trị mới', // outside the field lists of the two implementations
      TaiLieuNop: [{ TepDinhKemId: 'f-1', TenTepDinhKem: 'don.pdf', DuocTaiSuDung: '3' }], // no link; 3 unseen
    });
    const res = await post('/v1/dossiers', [dossierItem(311), probe]);
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    expect(body.accepted.map((a: { MaHoSo: string }) => a.MaHoSo)).toEqual([dossierItem(311).MaHoSo, probe.MaHoSo]);
    expect(body.warnings.map((w: { path: string; code: string }) => [w.path, w.code])).toEqual([
      ['/1/MaHoSo', 'LT_STD_MAHOSO_UNUSUAL'],
      ['/1/TruongMoiCuaCong', 'LT_STD_FIELD_UNKNOWN'],
      ['/1/HinhThuc', 'LT_STD_CODE_UNKNOWN'],
      ['/1/NoiNopHoSo', 'LT_STD_CODE_UNKNOWN'],
      ['/1/TaiLieuNop/0/DuongDanTaiTepTin', 'LT_STD_REQUIRED'],
      ['/1/TaiLieuNop/0/DuocTaiSuDung', 'LT_STD_CODE_UNKNOWN'],
    ]);
    for (const w of body.warnings as { message: string; message_en: string }[]) {
      expect(w.message).toContain('cảnh báo');
      expect(w.message_en).toContain('warning');
    }
    // Published exactly as sent: the unknown field is passed on, nothing is stripped or rewritten.
    const records = (await readTopic(topic)).filter((r) => r.key === probe.MaHoSo);
    expect(records).toHaveLength(1);
    expect(decodeEvent(records[0]!.value).data).toEqual(probe);
    // The same report from the conformance check.
    const check = await post('/v1/validate', probe);
    expect(check.json()).toMatchObject({ valid: true, kind: 'dossier', errors: [] });
    expect(check.json().warnings).toHaveLength(6);
  });

  it('keeps the agency scope on the MaHoSo prefix as written: an unusual prefix outside the scope is 403, not accepted', async () => {
    const item = dossierItem(312, { agency: '000.00.01.h22' }); // lower-case: a warning for the standard, not H22 for the scope
    const res = await post('/v1/dossiers', item);
    expect(res.statusCode).toBe(403);
    expect(res.json().details).toEqual([expect.objectContaining({ path: '/MaHoSo', code: 'LT_GATEWAY_AGENCY_FORBIDDEN' })]);
    expect((await readTopic(topic)).map((r) => r.key)).not.toContain(item.MaHoSo);
  });

  it.each([
    ['a MaHoSo the hub cannot key on', { MaHoSo: '000.00.01.H22 251120 0320' }, '/1/MaHoSo', 'LT_STD_MAHOSO_INVALID'],
    ['a MaHoSo over 100 characters', { MaHoSo: `000.00.01.H22-251120-${'0'.repeat(80)}` }, '/1/MaHoSo', 'LT_STD_TOO_LONG'],
    ['no TrangThaiHoSo', { TrangThaiHoSo: undefined }, '/1/TrangThaiHoSo', 'LT_STD_REQUIRED'],
    ['a KenhThucHien outside the confirmed table', { KenhThucHien: '4' }, '/1/KenhThucHien', 'LT_STD_CODE_UNKNOWN'],
    ['a date that does not exist', { NgayHenTra: '20251131170000' }, '/1/NgayHenTra', 'LT_STD_DATE_INVALID'],
    [
      'an amount with a separator',
      { DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí', Gia: '150.000' }] },
      '/1/DanhSachLePhi/0/Gia',
      'LT_STD_AMOUNT_INVALID',
    ],
    ['HinhThuc as an object', { HinhThuc: { ma: '2' } }, '/1/HinhThuc', 'LT_STD_TYPE'],
    ['a key with a control character', { 'Ghi\u0007Chu': 'x' }, '/1', 'LT_STD_FIELD_NAME_INVALID'],
  ])('still refuses %s, naming the path, publishing nothing', async (_what, overrides, path, code) => {
    const item = JSON.parse(JSON.stringify(dossierItem(320, overrides))) as Record<string, unknown>;
    const res = await post('/v1/dossiers', [dossierItem(321), item]);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().details).toEqual([expect.objectContaining({ path, code })]);
    const keys = (await readTopic(topic)).map((r) => r.key);
    expect(keys).not.toContain(dossierItem(321).MaHoSo);
  });

  it('refuses a phone sent as a JSON number (its leading 0 lost) with the path, publishing nothing', async () => {
    const item = dossierItem(302, { SoDienThoai: 912345678 });
    const res = await post('/v1/dossiers', [dossierItem(303), item]);
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([expect.objectContaining({ path: '/1/SoDienThoai', code: 'LT_STD_IDENTIFIER_NUMBER' })]);
    const keys = (await readTopic(topic)).map((r) => r.key);
    expect(keys).not.toContain(item.MaHoSo);
  });

  it('refuses JSON nested too deep with the path where the limit was crossed', async () => {
    const deep = `[{"MaHoSo":"x","TaiLieuNop":[{"k":${'['.repeat(60)}${']'.repeat(60)}}]}]`;
    const res = await post('/v1/dossiers', deep);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('LT_INPUT_TOO_DEEP');
    expect(body.details).toEqual([
      expect.objectContaining({ code: 'LT_INPUT_TOO_DEEP', path: expect.stringMatching(/^\/0\/TaiLieuNop\/0\/k(\/0)+$/) }),
    ]);
  });
});
