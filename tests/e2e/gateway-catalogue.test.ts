/**
 * The gateway consults the procedure catalogue (issue 9 §6): services/operations, which syncs LayDanhSachTTHC and
 * LayThuTuc, answers for each dossier whether its MaTTHC is known and its fees are in the procedure's list. Its
 * findings are WARNINGS in the 202 and in /v1/validate, and the dossier is published; for an agency configured to
 * refuse (the operations harness refuses for *.H22) they are errors and nothing is published. A catalogue that
 * does not answer never stops ingest: one "not checked" warning. Real operations app over HTTP, real Kafka.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogueCheck } from '../../services/gateway/src/catalogue-check.js';
import { createHarness, putProcedure, type Harness } from '../../services/operations/test/harness.js';
import { createTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createLogScan } from '../helpers/log-scan.js';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  dossierItem,
  quietLogger,
  readTopic,
} from '../helpers/index.js';
import { topicNames } from '@lienthong/events';

let ops: Harness;
let opsUrl: string;
let gw: TestGateway;
let down: TestGateway;
let ns: string;
let db: Awaited<ReturnType<typeof createTestDatabase>>;

const H56 = '000.00.01.H56';
const post = (g: TestGateway, url: string, body: unknown) =>
  g.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${g.keys.all}`, 'content-type': 'application/json' },
    payload: body as object,
  });

beforeAll(async () => {
  ops = await createHarness({ now: '2025-11-20T00:00:00Z' });
  await putProcedure(ops.pool, { ma: '1.001234', legalDays: 10, fee: 50_000, paper: false, agencies: [H56] });
  await ops.app.listen({ port: 0, host: '127.0.0.1' });
  opsUrl = `http://127.0.0.1:${(ops.app.server.address() as { port: number }).port}`;
  ns = await createTestNamespace();
  db = await createTestDatabase();
  const logger = quietLogger('gateway');
  gw = await createTestGateway({
    namespace: ns,
    databaseUrl: db.url,
    contentWindowSeconds: 0,
    catalogue: createCatalogueCheck({ url: opsUrl, apiKey: ops.keys.viewer, timeoutMs: 2_000, logger }),
  });
  // The same gateway with the catalogue unreachable (a closed port).
  down = await createTestGateway({
    namespace: ns,
    databaseUrl: db.url,
    contentWindowSeconds: 0,
    catalogue: createCatalogueCheck({ url: 'http://127.0.0.1:9', apiKey: ops.keys.viewer, timeoutMs: 300, logger }),
  });
}, 120_000);

afterAll(async () => {
  await gw?.close();
  await down?.close();
  await ops?.close();
  await db?.drop();
  if (ns) await deleteTestNamespace(ns);
});

const codes = (ws: { code: string }[] | undefined) => (ws ?? []).map((w) => w.code);

describe('the gateway and the procedure catalogue', () => {
  it('a known procedure with a listed fee: 202, no catalogue warning', async () => {
    const r = await post(
      gw,
      '/v1/dossiers',
      dossierItem(1, { agency: H56, DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí', Gia: '50000' }] }),
    );
    expect(r.statusCode).toBe(202);
    expect(codes(r.json().warnings).filter((c) => c.startsWith('LT_CATALOGUE'))).toEqual([]);
  });

  it('an unknown MaTTHC and an unlisted fee are warnings in the 202, with paths relative to the body; the dossiers are published', async () => {
    const single = await post(gw, '/v1/dossiers', dossierItem(2, { agency: H56, MaTTHC: '1.999999' }));
    expect(single.statusCode).toBe(202);
    expect(single.json().warnings).toContainEqual(
      expect.objectContaining({ code: 'LT_CATALOGUE_UNKNOWN_MATTHC', path: '/MaTTHC' }),
    );
    const batch = await post(gw, '/v1/dossiers', [
      dossierItem(3, { agency: H56 }),
      dossierItem(4, { agency: H56, DanhSachLePhi: [{ TenPhiLePhi: 'Phí lạ', Gia: '77000' }] }),
    ]);
    expect(batch.statusCode).toBe(202);
    expect(batch.json().warnings).toContainEqual(
      expect.objectContaining({ code: 'LT_CATALOGUE_FEE_NOT_LISTED', path: '/1/DanhSachLePhi/0' }),
    );
    const published = (await readTopic(topicNames(ns).dossierEvents)).map((r) => r.key);
    for (const n of [2, 3, 4]) expect(published).toContain(dossierItem(n, { agency: H56 }).MaHoSo);
  });

  it('/v1/validate reports the same findings, publishing nothing', async () => {
    const r = await post(gw, '/v1/validate', dossierItem(5, { agency: H56, MaTTHC: '1.999999' }));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ valid: true, kind: 'dossier' });
    expect(codes(r.json().warnings)).toContain('LT_CATALOGUE_UNKNOWN_MATTHC');
  });

  it('for an agency configured to refuse, the findings are errors: 400 with the path, nothing published', async () => {
    const item = dossierItem(6, { MaTTHC: '1.999999' }); // 000.00.01.H22: the operations harness refuses for *.H22
    const r = await post(gw, '/v1/dossiers', item);
    expect(r.statusCode).toBe(400);
    expect(r.json().details).toContainEqual(expect.objectContaining({ code: 'LT_CATALOGUE_UNKNOWN_MATTHC', path: '/MaTTHC' }));
    const v = await post(gw, '/v1/validate', item);
    expect(v.json()).toMatchObject({ valid: false });
    expect((await readTopic(topicNames(ns).dossierEvents)).map((x) => x.key)).not.toContain(item.MaHoSo);
  });

  it('a catalogue answering nonsense is not trusted: malformed findings dropped, the request accepted with a "not checked" warning', async () => {
    // A peer's answers are untrusted input: a local server plays a broken operations service.
    const answers = [
      '<html>502 Bad Gateway</html>',
      JSON.stringify({ warnings: 'all good' }),
      JSON.stringify({
        warnings: [
          { code: 'DROP TABLE', path: '/MaTTHC', level: 'error' },
          null,
          7,
          { code: 'LT_X', path: '/MaTTHC', message: 'y'.repeat(10_000), level: 'warning' },
        ],
      }),
    ];
    let i = 0;
    const server = createServer((_req, res) => {
      const body = answers[i++ % answers.length]!;
      res.writeHead(200, { 'content-type': body.startsWith('<') ? 'text/html' : 'application/json' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const broken = await createTestGateway({
      namespace: ns,
      databaseUrl: db.url,
      contentWindowSeconds: 0,
      catalogue: createCatalogueCheck({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        apiKey: ops.keys.viewer,
        timeoutMs: 2_000,
        logger: quietLogger('gateway'),
      }),
    });
    try {
      const notJson = await post(broken, '/v1/dossiers', dossierItem(8, { agency: H56 }));
      expect(notJson.statusCode).toBe(202);
      expect(codes(notJson.json().warnings)).toContain('LT_CATALOGUE_NOT_CHECKED');
      const wrongShape = await post(broken, '/v1/dossiers', dossierItem(9, { agency: H56 }));
      expect(wrongShape.statusCode).toBe(202);
      expect(codes(wrongShape.json().warnings)).toContain('LT_CATALOGUE_NOT_CHECKED');
      // A hostile "error" with a code that is not ours never refuses; a long message is cut.
      const hostile = await post(broken, '/v1/dossiers', dossierItem(10, { agency: H56 }));
      expect(hostile.statusCode).toBe(202);
      const ws = hostile.json().warnings as { code: string; message: string }[];
      expect(codes(ws)).not.toContain('DROP TABLE');
      expect(ws.find((w) => w.code === 'LT_X')!.message.length).toBeLessThanOrEqual(500);
    } finally {
      await broken.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a catalogue that does not answer never stops ingest: 202 with a "not checked" warning', async () => {
    const r = await post(down, '/v1/dossiers', dossierItem(7, { agency: H56, MaTTHC: '1.999999' }));
    expect(r.statusCode).toBe(202);
    expect(codes(r.json().warnings)).toContain('LT_CATALOGUE_NOT_CHECKED');
  });

  it('a catalogue that stopped answering is not asked again for a while (1 s, doubling), then asked again once it is back', async () => {
    let calls = 0;
    let up = false;
    const server = createServer((_req, res) => {
      calls++;
      if (!up) return void res.writeHead(503).end('down');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ warnings: [] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const scan = createLogScan();
    const check = createCatalogueCheck({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      apiKey: 'k',
      timeoutMs: 2_000,
      retryAfterMs: 300,
      logger: scan.logger('gateway'),
    });
    const item = [dossierItem(11, { agency: H56 })];
    try {
      for (let i = 0; i < 20; i++) expect(codes((await check.check(item, true)).warnings)).toEqual(['LT_CATALOGUE_NOT_CHECKED']);
      expect(calls).toBe(1); // 19 answered at once, without a connection
      await new Promise((r) => setTimeout(r, 350));
      await check.check(item, true); // the pause is over: asked again, still down, pause doubles (600 ms)
      expect(calls).toBe(2);
      up = true;
      await new Promise((r) => setTimeout(r, 350));
      expect(codes((await check.check(item, true)).warnings)).toEqual(['LT_CATALOGUE_NOT_CHECKED']); // still paused
      expect(calls).toBe(2);
      await new Promise((r) => setTimeout(r, 300));
      expect((await check.check(item, true)).warnings).toEqual([]);
      expect((await check.check(item, true)).warnings).toEqual([]);
      expect(calls).toBe(4);
      // One line when it stopped answering, one when it was back; none per request.
      const lines = scan.lines().map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(lines.filter((m) => /catalogue check/.test(m))).toEqual([
        'catalogue check not answered; requests accepted unchecked until it answers',
        'catalogue check answers again',
      ]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
