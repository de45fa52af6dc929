/**
 * The operator console in a real browser (Debian's Chromium driven by playwright-core, headless), against
 * the real hub: gateway, national-sync and payments on real Kafka and Postgres, the DVCQG and VNPAY
 * sandbox peers over HTTP. An operator signs in, posts a dossier and watches it appear live, opens its
 * timeline, makes the sandbox portal refuse a dossier, finds it in dead letters, clears the fault, replays
 * it with a reason and sees it synced; a fee is paid through the sandbox and shows as paid; the indicators
 * page is opened. Screenshots go to .data/screenshots (git-ignored); Vietnamese text is read back from the
 * DOM and the screenshots are checked not to be blank, and the font is checked to have the glyphs.
 *
 * Needs Chromium (`apt-get install -y chromium fonts-noto-core`); CONSOLE_CHROMIUM overrides the path.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  randomSuffix,
} from '../helpers/index.js';
import { createTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  dossierItem,
  maHoSoOf,
  startNationalSync,
  startSandbox,
  syncEnv,
  testKeys,
  type RunningSync,
  type Sandbox,
} from '../../services/national-sync/test/harness.js';
import { createTestPayments, freePort, paymentBody, type TestPayments } from '../../services/payments/test/harness.js';
import { startTestSandbox, type TestSandbox } from '../../services/payments/test/sandbox-harness.js';
import { startConsole, type TestConsole } from '../../services/console/test/harness.js';
import { generateApiKey } from '@lienthong/platform';

const CHROMIUM = process.env.CONSOLE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The little of the browser's globals these tests touch inside page.evaluate (the tests' tsconfig has no
 * DOM library; the callbacks run in the page, where these exist).
 */
interface PageGlobals {
  __stay?: number;
  document: {
    fonts: { ready: Promise<unknown>; check(font: string, text: string): boolean };
    createElement(tag: 'canvas'): { getContext(kind: '2d'): { font: string; measureText(t: string): { width: number } } | null };
    activeElement: { textContent: string | null } | null;
  };
}

const SHOTS = path.resolve(import.meta.dirname, '../../.data/screenshots');
const PROVINCE = 'motcua-h22';
const provinceKey = generateApiKey();

/** A screenshot that is not blank: enough non-background pixels and more than a handful of colours. */
function assertNotBlank(png: Buffer, name: string): void {
  const img = PNG.sync.read(png);
  let inked = 0;
  const colours = new Set<number>();
  for (let i = 0; i < img.data.length; i += 4 * 7) {
    const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
    if (r < 235 || g < 235 || b < 235) inked++;
    colours.add((r << 16) | (g << 8) | b);
  }
  expect(inked, `${name}: inked pixels`).toBeGreaterThan(500);
  expect(colours.size, `${name}: colours`).toBeGreaterThan(8);
}

describe.skipIf(!existsSync(CHROMIUM))('operator console in Chromium against the real hub', () => {
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let consoleDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let portal: Sandbox;
  let sync: RunningSync;
  let syncUrl: string;
  let gateway: TestGateway;
  let gatewayUrl: string;
  let payments: TestPayments;
  let vnpay: TestSandbox;
  let consoleApp: TestConsole;
  let consoleUrl: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ns = await createTestNamespace();
    db = await createTestDatabase();
    // The console on a database of its own: what it shows of the other services came through their APIs
    // (it once read payments' tables in a shared database).
    consoleDb = await createTestDatabase();
    portal = await startSandbox();
    const group = `national-sync-${ns}`;
    sync = await startNationalSync(
      syncEnv({ ns, databaseUrl: db.url, sandboxUrl: portal.url, extra: { NATIONAL_SYNC_GROUP_ID: group } }),
      quietLogger('national-sync'),
    );
    syncUrl = await sync.app.listen({ host: '127.0.0.1', port: 0 });
    gateway = await createTestGateway({
      namespace: ns,
      databaseUrl: db.url,
      clients: [{ id: PROVINCE, agencies: ['*.H22'], key: provinceKey }],
    });
    gatewayUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    const paymentsPort = await freePort();
    vnpay = await startTestSandbox({ paymentsUrl: `http://127.0.0.1:${paymentsPort}` });
    // The operator's key is the one national-sync's clients file knows (operator of every agency), so the
    // console calls each service as that operator; payments gets the same key.
    payments = await createTestPayments({
      namespace: ns,
      databaseUrl: db.url,
      port: paymentsPort,
      env: vnpay.env,
      clients: [
        { id: PROVINCE, agencies: ['*.H22'], key: provinceKey },
        { id: 'operator', agencies: ['*'], roles: ['operator'], key: testKeys.operator },
      ],
    });
    await payments.listen();
    consoleApp = await startConsole({
      databaseUrl: consoleDb.url,
      operators: [
        { id: 'operator', key: testKeys.operator, roles: ['operator'] },
        { id: 'viewer', key: testKeys.viewer, roles: ['viewer'] },
      ],
      urls: {
        gateway: gatewayUrl,
        'national-sync': syncUrl,
        payments: payments.baseUrl,
        operations: 'http://127.0.0.1:9',
        'citizen-data': 'http://127.0.0.1:9',
      },
      namespace: ns,
      nationalSyncGroup: group,
      scrapeIntervalMs: 500,
    });
    consoleUrl = await consoleApp.listen();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await consoleApp?.close();
    await vnpay?.close();
    await payments?.close();
    await gateway?.close();
    await sync?.close();
    await portal?.close();
    if (ns) await deleteTestNamespace(ns);
    await db?.drop();
    await consoleDb?.drop();
  });

  async function shot(name: string): Promise<void> {
    const png = await page.screenshot({ fullPage: true });
    writeFileSync(path.join(SHOTS, `${name}.png`), png);
    assertNotBlank(png, name);
  }

  async function postDossier(item: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${gatewayUrl}/v1/dossiers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${provinceKey}`, 'content-type': 'application/json', 'idempotency-key': randomSuffix() },
      body: JSON.stringify(item),
    });
    expect(res.status).toBe(202);
  }

  const run = Math.floor(Math.random() * 89);
  const m1 = maHoSoOf(1, run);
  const m2 = maHoSoOf(2, run);

  it('signs in, then shows a dossier posted to the gateway on the overview live, without reloading', async () => {
    await page.goto(`${consoleUrl}/`);
    await page.waitForURL(/\/dang-nhap/);
    expect(await page.locator('h1').innerText()).toBe('Đăng nhập cho cán bộ vận hành');
    await page.getByLabel('Khóa API').fill(testKeys.operator);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${consoleUrl}/`);
    expect(await page.getByTestId('operator').innerText()).toBe('operator');
    // Vietnamese renders: the text reads back from the DOM, and the page's font has these glyphs.
    expect(await page.locator('h1').innerText()).toBe('Tổng quan');
    const glyphs = await page.evaluate(async () => {
      const { document } = globalThis as unknown as PageGlobals;
      await document.fonts.ready;
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = '16px "Noto Sans", sans-serif';
      const tofu = ctx.measureText('\u{10FFFD}').width;
      return {
        check: document.fonts.check('16px "Noto Sans"', 'Đồng bộ hồ sơ ỹ ặ ữ'),
        widths: [...'ĐồộữặỹẫỗƯơ'].map((ch) => ctx.measureText(ch).width),
        tofu,
      };
    });
    expect(glyphs.check).toBe(true);
    expect(new Set(glyphs.widths).size).toBeGreaterThan(2); // tofu boxes would all be one width
    await page.evaluate(() => ((globalThis as unknown as PageGlobals).__stay = 1));

    // A phone the standard only warns about (an inferred rule): accepted, and the warning shows in the timeline.
    await postDossier(dossierItem(m1, { ChuHoSo: 'Nguyễn Văn An', SoDienThoai: '12345' }));
    const row = page.locator('[data-testid="activity"] a', { hasText: m1 }).first();
    await row.waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__stay)).toBe(1);
    // The applicant is masked on the overview.
    expect(await page.locator('#activity').innerText()).not.toContain('Nguyễn Văn An');
    await eventually(async () => (await page.locator('[data-testid="rate-ingest"]').innerText()) !== '0', {
      what: 'the ingest rate moving',
      timeoutMs: 20_000,
    });
    await shot('overview');
  });

  it('opens the timeline of the dossier: accepted at the gateway, synced to DVCQG', async () => {
    await page.locator('[data-testid="activity"] a', { hasText: m1 }).first().click();
    await page.waitForURL(`${consoleUrl}/ho-so/${encodeURIComponent(m1)}`);
    await eventually(
      async () => {
        await page.reload();
        return (
          (await page
            .getByTestId('sync-state')
            .innerText()
            .catch(() => '')) === 'synced' && (await page.getByTestId('timeline').innerText()).includes('accepted')
        );
      },
      { what: 'the ledger saying synced and the outcome in the timeline', timeoutMs: 30_000, intervalMs: 500 },
    );
    const timeline = await page.getByTestId('timeline').innerText();
    expect(timeline).toContain('Gateway tiếp nhận · DongBoHoSoMC');
    expect(timeline).toContain('Kết quả đồng bộ DVCQG');
    expect(timeline).toContain('LT_STD_PHONE_INVALID /SoDienThoai');
    expect(await page.getByTestId('owner').innerText()).toContain('N***** V** A*');
    await shot('timeline');
  });

  it('finds a dossier the portal refused in dead letters, replays it with a reason after the fault is cleared, and sees it synced', async () => {
    await portal.faults({ rejectMaHoSo: [m2] });
    await postDossier(dossierItem(m2));
    await page.goto(`${consoleUrl}/thu-loi`);
    await eventually(
      async () => {
        await page.reload();
        return page.locator(`[data-testid="dead-letters"] tr:has-text("${m2}")`).count();
      },
      { what: 'the refused dossier in dead letters', timeoutMs: 40_000, intervalMs: 500 },
    );
    const row = page.locator(`[data-testid="dead-letters"] tr:has-text("${m2}")`);
    expect(await row.innerText()).toContain('LT_DVCQG_REJECTED');
    await shot('dead-letters');

    await portal.faults({ rejectMaHoSo: [] });
    await row.locator('input[type="checkbox"]').check();
    await page.getByRole('button', { name: 'Phát lại các thư đã chọn' }).click();
    await page.waitForURL(/\/thu-loi\/xem-truoc/);
    expect(await page.getByTestId('replay-preview').innerText()).toContain('Sẽ phát lại 1 thư lỗi');
    await shot('replay-preview');
    // The reason is required: the browser refuses an empty one before anything is sent.
    await page.getByRole('button', { name: /Phát lại \(1\)/ }).click();
    expect(
      await page
        .getByLabel('Lý do')
        .evaluate((el) => (el as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing),
    ).toBe(true);
    await page.getByLabel('Lý do').fill('Cổng đã sửa lỗi, gửi lại hồ sơ');
    await page.getByRole('button', { name: /Phát lại \(1\)/ }).click();
    await page.waitForURL(/\/thu-loi\/phat-lai/);
    expect(await page.locator('.notice.ok').innerText()).toContain(
      '1 thư: national-sync đã nhận yêu cầu đẩy lại hồ sơ (HTTP 202)',
    );
    expect(await page.locator(`[data-testid="dead-letters"] tr:has-text("${m2}")`).count()).toBe(0);

    await eventually(() => portal.dossier(m2).then((d) => d?.dossier ?? undefined), {
      what: 'the replayed dossier at the portal',
      timeoutMs: 30_000,
    });
    await page.goto(`${consoleUrl}/ho-so/${encodeURIComponent(m2)}`);
    await eventually(
      async () => {
        await page.reload();
        return (
          (await page
            .getByTestId('sync-state')
            .innerText()
            .catch(() => '')) === 'synced'
        );
      },
      { what: 'the ledger saying synced after the replay', timeoutMs: 30_000, intervalMs: 500 },
    );
    const logged = (
      await consoleApp.pool.query(
        `SELECT client_id, reason, outcome FROM console_action WHERE action = 'replay-dead-letters-result'`,
      )
    ).rows;
    expect(logged).toEqual([{ client_id: 'operator', reason: 'Cổng đã sửa lỗi, gửi lại hồ sơ', outcome: 'ok' }]);
  });

  it('shows a fee paid through the sandbox as paid', async () => {
    const created = await fetch(`${payments.baseUrl}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${provinceKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(paymentBody(m1, 'vnpay', 75_000)),
    });
    expect(created.status).toBe(201);
    const { paymentId, payUrl } = (await created.json()) as { paymentId: string; payUrl: string };
    expect((await vnpay.admin('vnpay', 'POST', '/pay', { payUrl })).status).toBe(200);
    // Payments settles on the IPN (or, if the IPN is lost under load, on reconciliation); the console shows
    // what payments' ledger says, so the page is checked once the ledger says paid.
    await eventually(
      async () => {
        const r = await fetch(`${payments.baseUrl}/v1/payments/${paymentId}`, {
          headers: { authorization: `Bearer ${provinceKey}` },
        });
        return ((await r.json()) as { status?: string }).status === 'paid';
      },
      { what: 'payments settling the fee', timeoutMs: 90_000, intervalMs: 300 },
    );
    await page.goto(`${consoleUrl}/thanh-toan?status=paid`);
    expect(await page.getByTestId(`status-${paymentId}`).innerText()).toBe('paid');
    expect(await page.locator(`tr[data-payment="${paymentId}"]`).innerText()).toContain('75.000 ₫');
    await shot('payments');
    // A partial refund made by hand at the bank, recorded through payments' refund API with a reason.
    const row = page.locator(`tr[data-payment="${paymentId}"]`);
    await row.getByText('Hoàn tiền', { exact: true }).first().click();
    const form = row.locator('form[action$="/hoan-tien"]');
    await form.getByLabel(/^Số tiền/).fill('25000');
    await form.getByLabel('Cách hoàn').selectOption('manual');
    await form.getByLabel(/Số chứng từ/).fill('UNC-2026-0001');
    await form.getByLabel('Lý do').fill('Công dân nộp thừa lệ phí');
    await form.getByRole('button', { name: 'Hoàn tiền' }).click();
    await page.locator('.notice.ok').waitFor();
    expect(await page.getByTestId(`refunded-${paymentId}`).innerText()).toContain('25.000 ₫');
    const refundLog = (await consoleApp.pool.query(`SELECT reason, outcome FROM console_action WHERE action = 'payment-refund'`))
      .rows;
    expect(refundLog).toEqual([{ reason: 'Công dân nộp thừa lệ phí', outcome: 'ok' }]);
    // The dossier's timeline tells the payment's story, the provider's notification (IPN) included.
    await page.goto(`${consoleUrl}/ho-so/${encodeURIComponent(m1)}`);
    const story = await page.getByTestId('timeline').innerText();
    expect(story).toMatch(/payments · ipn\s+Thanh toán · vnpay · paid/);
  }, 150_000);

  it('opens deliveries, indicators (saying when operations is not there), overdue, and switches to English', async () => {
    // Search by MaHoSo: htmx swaps the results in place and the URL follows (a link to paste in a ticket).
    await page.goto(`${consoleUrl}/ho-so`);
    await page.evaluate(() => ((globalThis as unknown as PageGlobals).__stay = 2));
    await page.getByLabel('Mã hồ sơ').fill(m2);
    await page.getByRole('button', { name: 'Tìm' }).click();
    await page.waitForURL(/\/ho-so\?.*maHoSo=/);
    await page.locator('[data-testid="dossiers"]', { hasText: m2 }).waitFor();
    expect(await page.locator('[data-testid="dossiers"]').innerText()).not.toContain(m1);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__stay)).toBe(2);
    await shot('dossiers');

    await page.goto(`${consoleUrl}/gui-dvcqg`);
    expect(await page.getByTestId('deliveries').innerText()).toContain(m1);
    await shot('deliveries');
    await page.goto(`${consoleUrl}/chi-so-766`);
    const indicators = page.getByTestId('indicators');
    if (await indicators.count()) {
      await indicators.locator('a').first().click();
      await page.waitForURL(/chi-so-766\/chi-tiet/);
    } else {
      expect(await page.getByTestId('unavailable').innerText()).toContain('dịch vụ chưa sẵn sàng');
    }
    await shot('indicators-unavailable');
    await page.goto(`${consoleUrl}/qua-han`);
    await shot('overdue-unavailable');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(`${consoleUrl}/qua-han`);
    expect(await page.locator('h1').innerText()).toBe('Overdue dossiers');
    await page.getByRole('link', { name: 'Tiếng Việt' }).click();
    // Keyboard: the skip link is the first stop and moves focus to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent)).toBe(
      'Bỏ qua, tới nội dung chính',
    );
  });
});
