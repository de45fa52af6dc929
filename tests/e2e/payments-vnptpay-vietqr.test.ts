/**
 * VNPT Pay and bank transfers by VietQR end to end (issue 14): the payments app listening on a port, the
 * sandbox's VNPT Pay peer and bank-transfer notifier delivering to it over HTTP, real Kafka and Postgres.
 * Also the citizen's return page after a VNPAY payment (the page must say paid once the IPN lands).
 */
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { validateEventData } from '@lienthong/standard';
import { createTestDatabase, createTestNamespace, deleteTestNamespace, eventually } from '../helpers/index.js';
import { paymentsApi, type CreatedPayment } from '../helpers/payments-api.js';
import {
  createTestPayments,
  freePort,
  H22_MERCHANT,
  newMaHoSo,
  paymentBody,
  type TestPayments,
} from '../../services/payments/test/harness.js';
import { startTestSandbox, type TestSandbox } from '../../services/payments/test/sandbox-harness.js';

// jsqr is CommonJS with `export default`: under NodeNext its default import may be the module object.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as (
  d: Uint8ClampedArray,
  w: number,
  h: number,
) => { data: string } | null;

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;
let sandbox: TestSandbox;
const settled = new Set<string>();
const api = paymentsApi(() => svc);
const ledger = (id: string) => svc.core.store.get(id);
const H22 = H22_MERCHANT;

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  const port = await freePort();
  sandbox = await startTestSandbox({ paymentsUrl: `http://127.0.0.1:${port}` });
  svc = await createTestPayments({ namespace: ns, databaseUrl: db.url, port, env: sandbox.env });
  await svc.listen();
});

beforeEach(async () => {
  for (const peer of ['vnptpay', 'banktransfer', 'vnpay'] as const) await sandbox.admin(peer, 'DELETE', '/faults');
});

afterAll(async () => {
  if (svc && settled.size) {
    // Exactly one settled event per settlement, each valid against schemas/events/payment-settled.v1.json
    // (provider vnptpay or vietqr included).
    for (const e of (await api.settledEvents(settled)).values())
      expect(validateEventData(e.dataschema!, e.data).errors).toEqual([]);
  }
  await sandbox?.close();
  await svc?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

/** The 10 IPN fields signed as VNPT Pay signs them, written out here (not the package's code). */
function signedVnptpayIpn(orderRef: string, amount: number, txn: string, code = '00'): Record<string, string> {
  const f: Record<string, string> = {
    ACTION: 'PAYMENT',
    RESPONSE_CODE: code,
    MERCHANT_SERVICE_ID: H22.vnptpay.merchantServiceId,
    MERCHANT_ORDER_ID: orderRef,
    AMOUNT: String(amount),
    CURRENCY_CODE: 'VND',
    VNPTPAY_TRANSACTION_ID: txn,
    PAYMENT_METHOD: 'VNPTPAY',
    PAY_DATE: '20251123100512',
    ADDITIONAL_INFO: '',
  };
  const order = Object.keys(f);
  return {
    ...f,
    SECURE_CODE: createHash('sha256')
      .update([...order.map((k) => f[k]), H22.vnptpay.secretKey].join('|'))
      .digest('hex'),
  };
}
const postIpn = (body: unknown, form = false) =>
  svc.app.inject({
    method: 'POST',
    url: '/v1/ipn/vnptpay',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    payload: form ? new URLSearchParams({ data: JSON.stringify(body) }).toString() : JSON.stringify(body),
  });

describe('VNPT Pay through the sandbox', () => {
  it('INIT at the sandbox, pay, the signed IPN as a form field `data` settles once; the reply is signed', async () => {
    const p = await api.createPayment('vnptpay', 65_000);
    expect(p.payUrl).toContain(`${sandbox.url}/vnptpay/pay/`);
    const paid = await sandbox.admin('vnptpay', 'POST', '/pay', { payUrl: p.payUrl });
    expect(paid.status).toBe(200);
    await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: 'VNPT Pay payment paid' });
    expect(await ledger(p.paymentId)).toMatchObject({ amount: 65_000, providerTxnId: paid.body.payment.transactionId });
    const sent = (
      (await sandbox.admin('vnptpay', 'GET', '/notifications')).body.notifications as {
        key: string;
        response?: Record<string, string>;
      }[]
    ).filter((n) => n.key.endsWith(p.orderRef));
    expect(sent.map((n) => n.response?.RESPONSE_CODE)).toEqual(['00']);
    const r = sent[0]!.response!;
    const expected = createHash('sha256')
      .update(
        [r.RESPONSE_CODE, r.DESCRIPTION, r.MERCHANT_SERVICE_ID, r.MERCHANT_ORDER_ID, r.CREATE_DATE, H22.vnptpay.secretKey].join(
          '|',
        ),
      )
      .digest('hex');
    expect(r.SECURE_CODE).toBe(expected);
    expect(await api.paidEvents(p.paymentId)).toBe(1);
    settled.add(p.paymentId);
  });

  it('plain JSON works too; a wrong signature → 97, a wrong amount → review; neither settles', async () => {
    const p = await api.createPayment('vnptpay', 40_000);
    const forged = { ...signedVnptpayIpn(p.orderRef, 40_000, '777001'), AMOUNT: '4000' };
    expect((await postIpn(forged)).json().RESPONSE_CODE).toBe('97');
    const wrong = await postIpn(signedVnptpayIpn(p.orderRef, 39_000, '777002'));
    expect(wrong.json().RESPONSE_CODE).toBe('99');
    expect(await ledger(p.paymentId)).toMatchObject({ status: 'pending', reviewReason: 'amount_mismatch' });
    const ok = await postIpn(signedVnptpayIpn(p.orderRef, 40_000, '777003'), false);
    expect(ok.json().RESPONSE_CODE).toBe('00');
    expect((await ledger(p.paymentId))?.status).toBe('paid');
    settled.add(p.paymentId);
  });

  it('the same IPN 10 times (sandbox duplicates): one settlement, the copies answered 02', async () => {
    await sandbox.admin('vnptpay', 'POST', '/faults', { duplicateNotifications: 9 });
    const p = await api.createPayment('vnptpay', 30_000);
    await sandbox.admin('vnptpay', 'POST', '/pay', { payUrl: p.payUrl });
    await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: 'paid' });
    await eventually(
      async () =>
        ((await sandbox.admin('vnptpay', 'GET', '/notifications')).body.notifications as { key: string }[]).filter((n) =>
          n.key.endsWith(p.orderRef),
        ).length >= 10,
      { what: '10 copies delivered' },
    );
    const codes = (
      (await sandbox.admin('vnptpay', 'GET', '/notifications')).body.notifications as {
        key: string;
        response?: { RESPONSE_CODE: string };
      }[]
    )
      .filter((n) => n.key.endsWith(p.orderRef))
      .map((n) => n.response?.RESPONSE_CODE);
    expect(codes.filter((c) => c === '00')).toHaveLength(1);
    expect(codes.filter((c) => c === '02')).toHaveLength(9);
    expect(await api.paidEvents(p.paymentId)).toBe(1);
    settled.add(p.paymentId);
  });

  it('a lost IPN is settled by reconciliation through QUERY', async () => {
    await sandbox.admin('vnptpay', 'POST', '/faults', { lostNotifications: 1 });
    const p = await api.createPayment('vnptpay', 20_000);
    await sandbox.admin('vnptpay', 'POST', '/pay', { payUrl: p.payUrl });
    expect((await ledger(p.paymentId))?.status).toBe('pending');
    const sum = await api.reconcile();
    expect(sum.settled).toBeGreaterThanOrEqual(1);
    expect((await svc.core.store.history(p.paymentId)).find((h) => h.kind === 'paid')?.source).toBe('reconciliation');
    settled.add(p.paymentId);
  });

  it('hostile bodies get a 4xx, never a crash, and change nothing', async () => {
    for (const [ct, payload] of [
      ['application/json', '{"MERCHANT_SERVICE_ID":'],
      ['application/json', '[]'],
      ['application/x-www-form-urlencoded', 'data=%7B'],
      ['application/x-www-form-urlencoded', 'data=1&data=2'],
      ['application/x-www-form-urlencoded', `data=${'x'.repeat(40_000)}`],
      ['text/plain', 'hello'],
    ] as const) {
      const r = await svc.app.inject({ method: 'POST', url: '/v1/ipn/vnptpay', headers: { 'content-type': ct }, payload });
      expect(r.statusCode, `${ct} ${payload.slice(0, 20)}`).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
    }
  });
});

const pngPayload = (p: CreatedPayment) => {
  const png = PNG.sync.read(Buffer.from(p.vietqr!.qrPng.replace(/^data:image\/png;base64,/, ''), 'base64'));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
};
const transfers = async () =>
  (await svc.app.inject({ method: 'GET', url: '/v1/admin/transfers/review', headers: api.auth('operator') })).json()
    .transfers as {
    transferId: string;
    outcome: string;
    paymentId: string | null;
    amount: number;
  }[];

describe('bank transfer by VietQR', () => {
  it('the payload names the agency account, the amount and a short code; the PNG decodes to it; a payOS transfer settles', async () => {
    const p = await api.createPayment('vietqr', 50_000);
    expect(p.vietqr).toMatchObject({
      bin: '970416',
      accountNumber: '257678859',
      amount: 50_000,
      transferCode: expect.stringMatching(/^LT[0-9A-Z]{8}$/),
    });
    expect(p.vietqr!.payload).toContain(`0208QRIBFTTA`);
    expect(p.vietqr!.payload).toContain(`5405500005802VN`);
    expect(p.vietqr!.payload).toContain(`0810${p.vietqr!.transferCode}`);
    expect(pngPayload(p)).toBe(p.vietqr!.payload);
    // The citizen's page shows the QR while pending.
    const page = await fetch(p.payUrl);
    expect(await page.text()).toContain(p.vietqr!.transferCode);
    const t = await sandbox.admin('banktransfer', 'POST', '/transfer', { payload: p.vietqr!.payload, via: 'payos' });
    expect(t.status).toBe(202);
    await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: 'transfer settled' });
    expect((await ledger(p.paymentId))?.providerTxnId).toBe(`payos:FT${t.body.transfer.id}`);
    settled.add(p.paymentId);
  });

  it('SePay: verified by its Apikey; a forged key is refused and settles nothing', async () => {
    const p = await api.createPayment('vietqr', 12_000);
    await sandbox.admin('banktransfer', 'POST', '/faults', { tamperNotifications: true });
    await sandbox.admin('banktransfer', 'POST', '/transfer', { payload: p.vietqr!.payload, via: 'sepay' });
    await eventually(
      async () =>
        ((await sandbox.admin('banktransfer', 'GET', '/notifications')).body.notifications as { status?: number }[]).some(
          (n) => n.status === 401,
        ),
      {
        what: 'forged webhook refused',
      },
    );
    expect((await ledger(p.paymentId))?.status).toBe('pending');
    await sandbox.admin('banktransfer', 'DELETE', '/faults');
    await sandbox.admin('banktransfer', 'POST', '/transfer', { payload: p.vietqr!.payload, via: 'sepay' });
    await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: 'SePay transfer settled' });
    settled.add(p.paymentId);
  });

  it('the right code with the wrong amount, no code at all, and a second transfer: each on the review list, nothing settled twice', async () => {
    const p = await api.createPayment('vietqr', 30_000);
    await sandbox.admin('banktransfer', 'POST', '/transfer', {
      accountNumber: '257678859',
      amount: 29_000,
      text: `CT ${p.vietqr!.transferCode} le phi`,
      via: 'payos',
    });
    await sandbox.admin('banktransfer', 'POST', '/transfer', {
      accountNumber: '257678859',
      amount: 30_000,
      text: 'chuyen tien le phi ho so',
      via: 'sepay',
    });
    await eventually(
      async () => (await transfers()).filter((t) => t.amount === 29_000 && t.paymentId === p.paymentId).length === 1,
      { what: 'mismatch listed' },
    );
    expect((await ledger(p.paymentId))?.status).toBe('pending');
    expect((await transfers()).find((t) => t.paymentId === p.paymentId)?.outcome).toBe('amount_mismatch');
    await eventually(async () => (await transfers()).some((t) => t.outcome === 'unmatched' && t.amount === 30_000), {
      what: 'unmatched listed',
    });
    // Now the right amount, twice (the citizen paid again): the first settles, the second is a double payment to refund.
    await sandbox.admin('banktransfer', 'POST', '/transfer', { payload: p.vietqr!.payload, via: 'payos' });
    await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: 'settled' });
    await sandbox.admin('banktransfer', 'POST', '/transfer', { payload: p.vietqr!.payload, via: 'payos' });
    await eventually(
      async () => (await transfers()).some((t) => t.paymentId === p.paymentId && t.outcome === 'duplicate_payment'),
      { what: 'double payment listed' },
    );
    expect(await api.paidEvents(p.paymentId)).toBe(1);
    settled.add(p.paymentId);
  });

  it('the same webhook re-sent (duplicates) is recorded once; an H22-only operator does not see unmatched transfers', async () => {
    await sandbox.admin('banktransfer', 'POST', '/faults', { duplicateNotifications: 4 });
    const before = (await svc.pool.query('SELECT count(*)::int AS n FROM bank_transfers')).rows[0].n as number;
    const t = await sandbox.admin('banktransfer', 'POST', '/transfer', {
      accountNumber: '257678859',
      amount: 1_234,
      text: 'no code',
      via: 'payos',
    });
    await eventually(
      async () =>
        ((await sandbox.admin('banktransfer', 'GET', '/notifications')).body.notifications as { key: string }[]).filter(
          (n) => n.key === `payos:${t.body.transfer.id}`,
        ).length >= 5,
      {
        what: 'copies delivered',
      },
    );
    expect((await svc.pool.query('SELECT count(*)::int AS n FROM bank_transfers')).rows[0].n).toBe(before + 1);
    const scoped = (
      await svc.app.inject({ method: 'GET', url: '/v1/admin/transfers/review', headers: api.auth('operator-h22') })
    ).json().transfers as { outcome: string }[];
    expect(scoped.some((x) => x.outcome === 'unmatched')).toBe(false);
  });

  it('payOS webhooks: a signature made with another key, a foreign account and junk are refused', async () => {
    const data = { orderCode: 1, amount: 5_000, description: 'x', accountNumber: '257678859', reference: 'FTX1', code: '00' };
    const sign = (key: string) =>
      createHmac('sha256', key)
        .update(
          Object.keys(data)
            .sort()
            .map((k) => `${k}=${data[k as keyof typeof data]}`)
            .join('&'),
        )
        .digest('hex');
    const post = (body: unknown) =>
      svc.app.inject({
        method: 'POST',
        url: '/v1/ipn/payos',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    expect((await post({ data, signature: sign('not-the-key') })).statusCode).toBe(401);
    expect(
      (await post({ data: { ...data, accountNumber: '999' }, signature: sign(H22.vietqr.payos.checksumKey) })).statusCode,
    ).toBe(400);
    for (const junk of [[], 'x', { data: [] }, { data: { accountNumber: '257678859' } }])
      expect((await post(junk)).statusCode).toBeLessThan(500);
    const ok = await post({ data, signature: sign(H22.vietqr.payos.checksumKey) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().outcome).toBe('unmatched');
  });
});

describe("the citizen's return page", () => {
  it('after paying at VNPAY the page says "waiting", refreshes itself, and says paid once the IPN landed', async () => {
    await sandbox.admin('vnpay', 'POST', '/faults', { delayMs: 400 });
    const p = await api.createPayment('vnpay', 50_000);
    const paid = await sandbox.admin('vnpay', 'POST', '/pay', { payUrl: p.payUrl });
    // The browser arrives before the (delayed) IPN, as in the issue.
    const first = await fetch(paid.body.returnUrl);
    const html = await first.text();
    expect(html).toContain('data-status="pending"');
    const refresh = /http-equiv="refresh" content="(\d+);url=([^"]+)"/.exec(html);
    expect(refresh).not.toBeNull();
    await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: 'IPN settled' });
    const next = await (await fetch(refresh![2]!.replace(/&amp;/g, '&'))).text();
    expect(next).toContain('data-status="paid"');
    expect(next).toContain('Đã thanh toán thành công');
    expect(next).not.toContain('http-equiv="refresh"');
    // Per-agency name and logo from the merchants file; fits a phone.
    expect(next).toContain(H22.display.name);
    expect(next).toContain(H22.display.logoUrl);
    expect(next).toContain('width=device-width');
    settled.add(p.paymentId);
  });

  it('the refresh is bounded: after the last round a "check again" link, no more refresh', async () => {
    const p = await api.createPayment('vnpay', 50_000);
    const last = await (await fetch(`${svc.baseUrl}/v1/return/status/${p.paymentId}?r=40`)).text();
    expect(last).not.toContain('http-equiv="refresh"');
    expect(last).toContain('Kiểm tra lại');
    expect((await fetch(`${svc.baseUrl}/v1/return/status/not-a-uuid`)).status).toBe(400);
  });
});

describe('creating payments for the new channels', () => {
  it('refuses an agency without the channel, and amounts outside VNPT Pay range', async () => {
    const h56 = await fetch(`${svc.baseUrl}/v1/payments`, {
      method: 'POST',
      headers: api.auth('motcua-h56'),
      body: JSON.stringify(paymentBody(newMaHoSo('000.00.01.H56'), 'vietqr')),
    });
    expect(((await h56.json()) as { error: string }).error).toBe('LT_PAY_PROVIDER_NOT_CONFIGURED');
    const small = await fetch(`${svc.baseUrl}/v1/payments`, {
      method: 'POST',
      headers: api.auth(),
      body: JSON.stringify(paymentBody(newMaHoSo(), 'vnptpay', 500)),
    });
    expect(small.status).toBe(400);
  });
});
