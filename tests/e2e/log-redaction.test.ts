/**
 * Issue 17 §2: a whole flow through the hub, every service logging at `trace` into one log scan (tests/helpers/
 * log-scan.ts), then every line searched for the personal data the flow sent — zero hits. Gateway (listening) →
 * dossier.events.v1 → national-sync → the DVCQG sandbox peer, progress steps with officers' names, a refused dossier
 * and a /v1/validate call carrying personal data, and payments creating and paying a fee over the VNPAY sandbox with
 * the payer's name, ID and address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, personalDataFields } from '@lienthong/platform';
import { createTestDatabase, createTestNamespace, deleteTestNamespace, eventually, randomSuffix } from '../helpers/index.js';
import { createLogScan, personalValuesOf, type LogScan } from '../helpers/log-scan.js';
import { createTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  dossierItem,
  maHoSoOf,
  startNationalSync,
  startSandbox,
  stepItem,
  syncEnv,
  type RunningSync,
  type Sandbox,
} from '../../services/national-sync/test/harness.js';
import { createTestPayments, freePort, paymentBody, type TestPayments } from '../../services/payments/test/harness.js';
import { startTestSandbox, type TestSandbox } from '../../services/payments/test/sandbox-harness.js';

const PROVINCE = 'motcua-h22';
const provinceKey = generateApiKey();

/** A citizen's data as a province sends it: every value here must stay out of every log line. */
const applicant = {
  ChuHoSo: 'Hoàng Thị Mai Phương',
  SoDienThoai: '0987 123 456',
  Email: 'maiphuong.hoang@example.vn',
  SoGiayToChuHoSo: '036190012345',
  DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '036190012345' }],
};
const officer = 'Lương Văn Thắng';
const payer = {
  fullName: 'Hoàng Thị Mai Phương',
  personalId: '036190012345',
  address: 'Số 18 ngõ 7 Tổ 12 phường Nguyễn Trãi',
  province: 'H22',
};

describe('no personal data in any log line of a whole flow (gateway → national-sync → DVCQG; payments → VNPAY)', () => {
  let scan: LogScan;
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let portal: Sandbox;
  let sync: RunningSync;
  let gateway: TestGateway;
  let gatewayUrl: string;
  let payments: TestPayments;
  let vnpay: TestSandbox;

  beforeAll(async () => {
    scan = createLogScan();
    ns = await createTestNamespace();
    db = await createTestDatabase();
    portal = await startSandbox({}, scan.logger('sandbox-dvcqg'));
    sync = await startNationalSync(
      syncEnv({
        ns,
        databaseUrl: db.url,
        sandboxUrl: portal.url,
        extra: { NATIONAL_SYNC_GROUP_ID: `log-scan-${randomSuffix()}`, NATIONAL_SYNC_PAYMENTS: 'true' },
      }),
      scan.logger('national-sync'),
    );
    gateway = await createTestGateway({
      namespace: ns,
      databaseUrl: db.url,
      clients: [{ id: PROVINCE, agencies: ['*.H22'], key: provinceKey }],
      logger: scan.logger('gateway'),
    });
    gatewayUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    const paymentsPort = await freePort();
    vnpay = await startTestSandbox({ paymentsUrl: `http://127.0.0.1:${paymentsPort}` });
    payments = await createTestPayments({
      namespace: ns,
      databaseUrl: db.url,
      port: paymentsPort,
      env: vnpay.env,
      clients: [{ id: PROVINCE, agencies: ['*.H22'], key: provinceKey }],
      logger: scan.logger('payments'),
    });
    await payments.listen();
  });

  afterAll(async () => {
    await vnpay?.close();
    await payments?.close();
    await gateway?.close();
    await sync?.close();
    await portal?.close();
    if (ns) await deleteTestNamespace(ns);
    await db?.drop();
  });

  const headers = { authorization: `Bearer ${provinceKey}`, 'content-type': 'application/json' };
  async function call(url: string, body?: unknown) {
    const res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  }

  it('logs the flow (it is really scanned) and none of the personal values it sent', async () => {
    const m = maHoSoOf(1, 40 + Math.floor(Math.random() * 40));
    const item = dossierItem(m, { ...applicant, TrangThaiHoSo: '6' });

    // The dossier, a refused copy (400) and a conformance check, all carrying the applicant's data.
    expect((await call(`${gatewayUrl}/v1/dossiers`, item)).status).toBe(202);
    const refused = await call(`${gatewayUrl}/v1/dossiers`, { ...item, MaHoSo: `${m}-x`, SoDienThoai: 987123456 });
    expect(refused.status).toBe(400);
    expect((await call(`${gatewayUrl}/v1/validate`, item)).body.valid).toBe(true);
    await eventually(() => portal.dossier(m).then((d) => d?.dossier ?? undefined), {
      what: 'the dossier at the DVCQG sandbox',
      timeoutMs: 30_000,
    });

    // Progress steps name the officer.
    const steps = [1, 2, 3].map((n) => stepItem(m, n, { NguoiXuLy: officer }));
    expect((await call(`${gatewayUrl}/v1/dossiers/progress`, steps)).status).toBe(202);
    await eventually(() => portal.dossier(m).then((d) => ((d?.progress.length ?? 0) >= 3 ? d : undefined)), {
      what: 'the steps at the portal',
      timeoutMs: 30_000,
    });

    // The fee, paid over VNPAY, with the payer's name, ID and address.
    const created = await call(`${payments.baseUrl}/v1/payments`, { ...paymentBody(m, 'vnpay', 40_000), payer });
    expect(created.status).toBe(201);
    expect((await vnpay.admin('vnpay', 'POST', '/pay', { payUrl: created.body.payUrl })).status).toBe(200);
    await eventually(
      async () =>
        (await call(`${payments.baseUrl}/v1/payments/${created.body.paymentId}`)).body?.status === 'paid' ? true : undefined,
      {
        what: 'the payment paid',
      },
    );
    await eventually(
      () =>
        portal
          .dossier(m)
          .then((d) =>
            ((d?.dossier as { DanhSachLePhi?: unknown[] } | undefined)?.DanhSachLePhi?.length ?? 0) >= 2 ? d : undefined,
          ),
      { what: 'the fee on the portal', timeoutMs: 30_000 },
    );

    // The scan is real: every service logged, and the flow's own (non-personal) identifiers are in the lines.
    for (const svc of ['gateway', 'national-sync', 'sandbox-dvcqg', 'payments'])
      expect(scan.linesOf(svc).length, svc).toBeGreaterThan(0);
    expect(scan.hits([m]).length).toBeGreaterThan(0);

    const personal = [
      ...personalValuesOf(item, personalDataFields),
      officer,
      payer.fullName,
      payer.personalId,
      payer.address,
      '987123456',
    ];
    expect(personal).toEqual(
      expect.arrayContaining(['Hoàng Thị Mai Phương', '0987 123 456', 'maiphuong.hoang@example.vn', '036190012345']),
    );
    scan.expectNoPersonalData(personal);
  }, 120_000);

  it('the scan itself finds a leak (so the test above can fail): a value under a key the platform does not redact', () => {
    const own = createLogScan();
    own.logger('leaky').info({ note: `gọi lại cho ${applicant.ChuHoSo}`, ChuHoSo: applicant.ChuHoSo }, 'x');
    expect(own.hits([applicant.ChuHoSo])).toEqual([expect.objectContaining({ logger: 'leaky', value: applicant.ChuHoSo })]);
    expect(() => own.expectNoPersonalData([applicant.ChuHoSo])).toThrow(/personal data in 1 log line/);
    expect(() => own.hits(['abc'])).toThrow(/too short/);
  });
});
