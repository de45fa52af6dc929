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
