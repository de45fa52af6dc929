/**
 * The console's postal, inbound and notifications pages in Chromium, against postal's, inbound's and
 * notifications' real apps (services/console/test/peers-harness.ts: real Postgres and Kafka, the sandbox's
 * VNPost and DVCQG peers over HTTP). An operator finds a parcel VNPost failed to deliver and cancels an
 * order, finds a portal packet nobody is subscribed for and routes it once a one-stop system subscribed,
 * pushes an answer to a citizen's question again, and follows the packet's webhook delivery and its
 * attempts. Screenshots in .data/screenshots; Vietnamese read back from the DOM.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateApiKey } from '@lienthong/platform';
import { createTestDatabase, createTestNamespace, deleteTestNamespace, eventually } from '../helpers/index.js';
import { startConsole, type TestConsole, type TestOperator } from '../../services/console/test/harness.js';
import { startPeers, type Peers } from '../../services/console/test/peers-harness.js';

const CHROMIUM = process.env.CONSOLE_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '../../.data/screenshots');

describe.skipIf(!existsSync(CHROMIUM))('console: postal, inbound and notifications pages in Chromium', () => {
  const keys = { operator: generateApiKey(), submitter: generateApiKey() };
  const operators: TestOperator[] = [
    { id: 'operator', key: keys.operator, roles: ['operator'] },
    { id: 'motcua-h22', key: keys.submitter, roles: ['submitter'], agencies: ['*.H22'] },
  ];
  const run = String(Math.floor(Math.random() * 9000) + 1000);
  const failed = `000.00.01.H22-251205-${run}1`;
  const created = `000.00.01.H22-251205-${run}2`;
  const km = `KM.BROWSER.${run}`;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ns: string;
  let peers: Peers;
  let c: TestConsole;
  let url: string;
  let browser: Browser;
  let page: Page;
  let question: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    db = await createTestDatabase();
    ns = await createTestNamespace();
    peers = await startPeers({ databaseUrl: db.url, namespace: ns, operators });
    await peers.createdOrder(failed, keys.submitter);
    await peers.walk(failed, [10, 15]);
    await peers.createdOrder(created, keys.submitter);
    await peers.portalCreate({
      MaSoThue: '0101234567',
      MaHoSo: km,
      MaTTHC: '1.999999',
      TenThuongNhan: 'Công ty Cổ phần Ánh Dương',
      DiaChiDoanhNghiep: { MaTinh: '99', DiaChiChiTiet: 'Không rõ' },
    });
    question = await peers.question('000.00.01.H22', 'Hồ sơ cấp phép cần mấy bản sao?');
    // The portal refuses the answer: national-sync dead-letters it and the operator pushes it again below.
    await peers.dvcqgFaults({ rejectHoiDapId: [question] });
    const answered = await fetch(`${peers.urls.inbound}/v1/qa/answers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.submitter}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        HOIDAPID: question,
        NGUOITRALOI: 'Chuyên viên',
        NGAYTRALOI: '05/12/2026',
        NOIDUNGTRALOI: 'Một bản.',
      }),
    });
    expect(answered.status).toBe(202);
    c = await startConsole({ databaseUrl: db.url, operators, urls: peers.urls });
    url = await c.listen();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' })
    ).newPage();
    await page.goto(`${url}/dang-nhap`);
    await page.getByLabel('Khóa API').fill(keys.operator);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${url}/`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await c?.close();
    await peers?.close();
    if (ns) await deleteTestNamespace(ns);
    await db?.drop();
  });

  it('shows the parcel VNPost failed to deliver, and cancels another order with a reason', async () => {
    await page.getByRole('link', { name: 'Bưu chính', exact: true }).click();
    await page.waitForURL(`${url}/buu-chinh`);
    expect(await page.locator('h1').innerText()).toBe('Trả kết quả qua bưu chính (VNPost)');
    expect(await page.getByTestId(`postal-state-${failed}`).innerText()).toBe('failed');
    expect(await page.locator(`tr[data-postal="${failed}"]`).innerText()).toContain('delivery failed');
    writeFileSync(path.join(SHOTS, 'postal.png'), await page.screenshot({ fullPage: true }));

    await page.getByRole('link', { name: 'created', exact: true }).click();
    const row = page.locator(`tr[data-postal="${created}"]`);
    await row.locator('summary').click();
    await row.getByLabel('Lý do').fill('Công dân đến nhận trực tiếp tại quầy');
    await row.getByRole('button', { name: 'Hủy đơn bưu chính' }).click();
    await page.locator('.notice.ok').waitFor();
    const log = (
      await c.pool.query(`SELECT client_id, target, reason, outcome FROM console_action WHERE action = 'postal-cancel'`)
    ).rows;
    expect(log).toEqual([
      { client_id: 'operator', target: `dossier:${created}`, reason: 'Công dân đến nhận trực tiếp tại quầy', outcome: 'ok' },
    ]);
    await page.goto(`${url}/buu-chinh?state=cancelled`);
    expect(await page.getByTestId(`postal-state-${created}`).innerText()).toBe('cancelled');
  });

  it('routes a portal packet nobody was subscribed for, pushes an answer again, and follows the webhook delivery', async () => {
    await page.goto(`${url}/lien-thong-den`);
    const row = page.locator(`tr[data-ref="create:${km}"]`);
    await row.waitFor();
    await eventually(
      async () => {
        await page.reload();
        return (await page.getByTestId(`answer-${question}`).innerText()) === 'dead-lettered' ? true : undefined;
      },
      { what: 'the refused answer dead-lettered' },
    );
    await peers.dvcqgFaults({});
    writeFileSync(path.join(SHOTS, 'inbound.png'), await page.screenshot({ fullPage: true }));

    const qa = page.locator(`tr[data-question="${question}"]`);
    await qa.locator('summary').click();
    await qa.getByLabel('Lý do').fill('Cổng DVCQG đã hoạt động lại');
    await qa.getByRole('button', { name: 'Đẩy lại lên Cổng' }).click();
    await page.locator('.notice.ok').waitFor();
    await eventually(
      async () => {
        await page.goto(`${url}/lien-thong-den`);
        return (await page.getByTestId(`answer-${question}`).innerText()) === 'synced' ? true : undefined;
      },
      { what: 'the answer at the portal after the push' },
    );

    const sub = await fetch(`${peers.urls.inbound}/v1/webhooks/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.submitter}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: peers.receiverUrl,
        eventTypes: ['vn.lienthong.inbound.*'],
        agencies: ['*.H22'],
        description: 'Một cửa tỉnh H22',
      }),
    });
    expect(sub.status).toBe(201);
    const again = page.locator(`tr[data-ref="create:${km}"]`);
    await again.locator('summary').click();
    await again.getByLabel(/Cơ quan nhận/).fill('000.00.02.H22');
    await again.getByLabel('Lý do').fill('Sở Công Thương tiếp nhận hồ sơ khuyến mại');
    await again.getByRole('button', { name: 'Định tuyến' }).click();
    expect(await page.locator('.notice.ok').innerText()).toContain('Đã định tuyến tới 000.00.02.H22: 1 lần gửi.');
    await eventually(() => (peers.received.some((e) => e.subject === km) ? true : undefined), {
      what: 'the routed packet at the provincial system',
    });

    await page.getByRole('link', { name: 'Thông báo', exact: true }).click();
    await page.getByRole('link', { name: 'Một cửa tỉnh H22' }).click();
    await page.locator('[data-testid="webhook-deliveries"]').waitFor();
    await eventually(
      async () => {
        await page.reload();
        return (await page.locator('[data-testid="webhook-deliveries"]').innerText()).includes('delivered') ? true : undefined;
      },
      { what: 'the delivery shown delivered', intervalMs: 300 },
    );
    await page.locator('[data-testid="webhook-deliveries"] tr[data-delivery] td a').first().click();
    expect(await page.getByTestId('attempts').innerText()).toContain('204');
    writeFileSync(path.join(SHOTS, 'notifications.png'), await page.screenshot({ fullPage: true }));
    await page.getByRole('link', { name: 'English' }).click();
    expect(await page.locator('h1').innerText()).toBe('Citizen messages and webhooks to one-stop systems');
    await page.getByRole('link', { name: 'Tiếng Việt' }).click();
  });
});
