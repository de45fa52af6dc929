/**
 * The console's operations pages in Chromium, against operations' real app (its read model on real
 * Postgres, fed with dossier events as its consumer would): the 766 indicators of an agency, the drill-down
 * to the dossiers behind a denominator, the overdue list, an apology letter filed with a reason and its
 * printable page; the overview's deadline flow from operations' /metrics (transitions, overdue and due soon
 * now, failures) and the indicators chart's legend in Vietnamese. Screenshots in .data/screenshots.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestDatabase, eventually, quietLogger } from '../helpers/index.js';
import { createHarness, feed, putProcedure, snapshotEvent, type Harness } from '../../services/operations/test/harness.js';
import { startConsole, type TestConsole } from '../../services/console/test/harness.js';
import { calendar } from '../../services/operations/test/harness.js';
import { createIndicatorGauges } from '../../services/operations/src/indicators/gauges.js';

const CHROMIUM = process.env.CONSOLE_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '../../.data/screenshots');
const DAY = 86_400_000;

/** yyyyMMddHHmmss in Vietnam's time (the national standard's instants). */
const d14 = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);

describe.skipIf(!existsSync(CHROMIUM))('console: 766 indicators, drill-down, overdue and apology letter in Chromium', () => {
  const agency = `000.00.${String(10 + Math.floor(Math.random() * 89))}.H98`;
  const now = Date.now();
  const late = `${agency}-${d14(now - 10 * DAY).slice(2, 8)}-0001`;
  const onTime = `${agency}-${d14(now - 2 * DAY).slice(2, 8)}-0002`;
  let ops: Harness;
  let opsUrl: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let c: TestConsole;
  let url: string;
  let browser: Browser;
  let page: Page;
  let gauges: ReturnType<typeof createIndicatorGauges>;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ops = await createHarness({ now: new Date(now).toISOString() });
    await putProcedure(ops.pool, { ma: '1.100001', legalDays: 5, fee: 0, paper: false, agencies: [agency] });
    const item = (m: string, received: number, due: number) => ({
      MaHoSo: m,
      MaTTHC: '1.100001',
      TenTTHC: 'Cấp giấy phép thử nghiệm',
      KenhThucHien: '2',
      ChuHoSo: 'Lê Thị Hoa',
      TrangThaiHoSo: '2',
      NgayTiepNhan: d14(received),
      NgayHenTra: d14(due),
    });
    await feed(ops.core, [
      snapshotEvent(item(late, now - 10 * DAY, now - 3 * DAY), new Date(now - 10 * DAY).toISOString()),
      snapshotEvent(item(onTime, now - 2 * DAY, now + 5 * DAY), new Date(now - 2 * DAY).toISOString()),
    ]);
    await ops.core.monitor.scanOnce();
    // The deadline gauges as the service's jobs refresh them (services/operations/src/jobs.ts), on the app's
    // own registry (the harness gives the core the app's /metrics registry, as the service does).
    gauges = createIndicatorGauges({
      registry: ops.metrics,
      pool: ops.pool,
      schema: ops.schema,
      indicators: ops.core.indicators,
      clock: ops.clock,
      logger: quietLogger('gauges'),
      agencies: [agency],
      deadlines: { metrics: ops.core.deadlineMetrics!, calendar, dueSoonWorkingHours: 8 },
    });
    await gauges.refresh();
    opsUrl = await ops.app.listen({ host: '127.0.0.1', port: 0 });
    db = await createTestDatabase();
    c = await startConsole({
      databaseUrl: db.url,
      operators: [{ id: 'operator', key: ops.keys.operator, roles: ['operator'] }],
      urls: { operations: opsUrl },
    });
    url = await c.listen();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await (await browser.newContext({ viewport: { width: 1024, height: 1366 }, locale: 'vi-VN' })).newPage(); // a tablet
    await page.goto(`${url}/dang-nhap`);
    await page.getByLabel('Khóa API').fill(ops.keys.operator);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${url}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await c?.close();
    await db?.drop();
    await ops?.close();
  });

  it('shows the indicators of the agency for the year and drills down from 2.1 to the dossiers behind its denominator', async () => {
    const year = new Date(now + 7 * 3_600_000).toISOString().slice(0, 4);
    await page.goto(`${url}/chi-so-766?agency=${agency}&period=${year}`);
    const row = page.locator('tr[data-indicator="2.1"]');
    await row.waitFor();
    expect(await row.innerText()).toContain('Hồ sơ xử lý trước hạn, đúng hạn');
    // The chart's legend speaks Vietnamese like the rest of the page: uPlot's default x label is "Value".
    const legend = page.locator('.chart .u-legend');
    await legend.waitFor();
    const legendText = await legend.innerText();
    expect(legendText).toContain('Chỉ số');
    expect(legendText).not.toContain('Value');
    writeFileSync(path.join(SHOTS, 'indicators.png'), await page.screenshot({ fullPage: true }));
    await row.locator('td').nth(3).locator('a').click();
    await page.waitForURL(/\/chi-so-766\/chi-tiet/);
    expect(Number(await page.getByTestId('drill-total').innerText())).toBeGreaterThanOrEqual(2);
    const list = await page.getByTestId('indicator-dossiers').innerText();
    expect(list).toContain(late);
    expect(list).toContain(onTime);
    expect(list).not.toContain('Lê Thị Hoa');
    writeFileSync(path.join(SHOTS, 'indicator-drill-down.png'), await page.screenshot({ fullPage: true }));
  });

  it('lists the overdue dossier, files an apology letter with a reason and opens its printable page', async () => {
    await page.goto(`${url}/qua-han?agency=${agency}`);
    const row = page.locator(`[data-testid="overdue"] tr:has-text("${late}")`);
    await row.waitFor();
    expect(await page.locator('[data-testid="overdue"]').innerText()).not.toContain(onTime);
    // The due-soon section is there, read from operations (its table or its "no results" line).
    expect(await page.getByRole('heading', { name: /Hồ sơ sắp đến hạn/ }).count()).toBe(1);
    expect(await page.locator('[data-testid="due-soon"], [data-testid="no-due-soon"]').count()).toBe(1);
    writeFileSync(path.join(SHOTS, 'overdue.png'), await page.screenshot({ fullPage: true }));
    await row.locator('summary').click();
    const due = new Date(now + 7 * 3_600_000 + 7 * DAY).toISOString().slice(0, 10);
    await row.getByLabel('Ngày hẹn mới').fill(due);
    await row.getByLabel('Lý do').fill('Chờ kết quả thẩm định của Sở Xây dựng');
    await row.getByRole('button', { name: 'Thực hiện' }).click();
    await page.getByTestId('letter-link').waitFor();
    expect(await page.locator(`[data-testid="overdue"] tr:has-text("${late}")`).innerText()).toContain('1 Thư xin lỗi');
    await page.getByTestId('letter-link').click();
    await page.waitForURL(/thu-xin-loi/);
    const letter = await page.locator('body').innerText();
    expect(letter).toContain(late);
    expect(letter).toContain('Chờ kết quả thẩm định của Sở Xây dựng');
    writeFileSync(path.join(SHOTS, 'apology-letter.png'), await page.screenshot({ fullPage: true }));
    const logged = (
      await c.pool.query(`SELECT client_id, target, reason, outcome FROM console_action WHERE action = 'apology-letter'`)
    ).rows;
    expect(logged).toEqual([
      { client_id: 'operator', target: `dossier:${late}`, reason: 'Chờ kết quả thẩm định của Sở Xây dựng', outcome: 'ok' },
    ]);
  });

  it("shows the deadline flow on the overview from operations' own figures, and they move", async () => {
    await page.goto(`${url}/`);
    const row = page.locator('tr[data-flow="deadlines"]');
    await eventually(
      async () =>
        (await row
          .getByTestId('overdue-now')
          .innerText()
          .catch(() => '')) === '1',
      {
        what: 'one dossier overdue now on the overview',
        timeoutMs: 20_000,
        intervalMs: 250,
      },
    );
    expect(await row.getByTestId('due-soon-now').innerText()).toBe('0');
    expect(await row.getByTestId('failures-deadlines').innerText()).toBe('0');
    expect(await row.locator('th').innerText()).toContain('Thời hạn');
    // Another dossier becomes overdue: the scan records the transition, the gauges follow.
    const later = `${agency}-${d14(now - 9 * DAY).slice(2, 8)}-0003`;
    await feed(
      ops.core,
      [
        snapshotEvent(
          {
            MaHoSo: later,
            MaTTHC: '1.100001',
            TenTTHC: 'Cấp giấy phép thử nghiệm',
            KenhThucHien: '2',
            TrangThaiHoSo: '2',
            NgayTiepNhan: d14(now - 9 * DAY),
            NgayHenTra: d14(now - 2 * DAY),
          },
          new Date(now - 9 * DAY).toISOString(),
        ),
      ],
      100,
    );
    expect((await ops.core.monitor.scanOnce()).overdue).toBe(1);
    await gauges.refresh();
    await eventually(
      async () =>
        (await row.getByTestId('overdue-now').innerText()) === '2' &&
        Number((await row.getByTestId('rate-deadlines').innerText()).replace(/\./g, '').replace(',', '.')) > 0,
      { what: 'the transition counted and two dossiers overdue', timeoutMs: 20_000, intervalMs: 250 },
    );
    writeFileSync(path.join(SHOTS, 'overview-deadlines.png'), await page.screenshot({ fullPage: true }));
  });
});
