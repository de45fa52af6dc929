import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, readTopic } from '../../../tests/helpers/index.js';
import { topicNames } from '@lienthong/events';
import { createPaygovSigner } from '@lienthong/paygov';
import { validateEventData } from '@lienthong/standard';
import { OPERATOR_KEY, PROVINCE_KEY, startHarness, type Harness } from './harness.js';

const clock = { now: () => new Date() };
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    clock,
    config: {
      NOTIFICATIONS_PROVIDER_TIMEOUT_MS: 1_000,
      NOTIFICATIONS_RECEIPT_RECHECK_MS: 300,
      EVENT_SIGNING_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const settled = (paymentId: string, maHoSo: string, agencyCode: string, amount = 150_000) => ({
  paymentId,
  MaHoSo: maHoSo,
  agencyCode,
  provider: 'vnpay',
  amount,
  currency: 'VND',
  fees: [
    { TenPhiLePhi: 'Lệ phí cấp giấy phép xây dựng', SoTien: 100_000, MaPhiLePhi: 'LP01' },
    { TenPhiLePhi: 'Phí thẩm định', SoTien: amount - 100_000 },
  ],
  paidAt: new Date().toISOString(),
  settledBy: 'ipn',
});
const receipt = async (paymentId: string, key = OPERATOR_KEY) => {
  const r = await fetch(`${h.appUrl}/v1/receipts/${paymentId}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: r.status, body: (await r.json()) as any };
};
const waitStatus = (paymentId: string, status: string) =>
  eventually(
    async () => {
      const r = await receipt(paymentId);
      return r.body.status === status ? r.body : undefined;
    },
    { what: `receipt ${status}` },
  );

describe('electronic fee receipts', () => {
  it('one VNPT receipt per settlement across duplicate events (IPN redelivered, reconciliation), with its PDF', async () => {
    const maHoSo = `000.00.01.H22-251205-${Math.floor(Math.random() * 1e6)}`;
    await h.publish('vn.lienthong.dossier.upserted', maHoSo, {
      MaHoSo: maHoSo,
      TenTTHC: 'Cấp phép',
      ChuHoSo: 'Võ Thị Sáu',
      SoDienThoai: '0912000999',
      TrangThaiHoSo: '6',
    });
    // Dossier and payment events travel on different topics: wait until the applicant is known (else the receipt
    // names "Người nộp hồ sơ <MaHoSo>", see docs/notifications.md).
    await eventually(
      async () => (await h.pool.query('SELECT 1 FROM notif_dossiers WHERE ma_ho_so = $1', [maHoSo])).rowCount === 1,
      { what: 'dossier recorded' },
    );
    const paymentId = randomUUID();
    const ev = `settled-${paymentId}`;
    await h.publish('vn.lienthong.payment.settled', paymentId, settled(paymentId, maHoSo, '000.00.01.H22'), {
      topic: 'paymentEvents',
      id: ev,
    });
    await h.publish('vn.lienthong.payment.settled', paymentId, settled(paymentId, maHoSo, '000.00.01.H22'), {
      topic: 'paymentEvents',
      id: ev,
    });
    await h.publish(
      'vn.lienthong.payment.settled',
      paymentId,
      { ...settled(paymentId, maHoSo, '000.00.01.H22'), settledBy: 'reconciliation' },
      { topic: 'paymentEvents' },
    );
    const r = await waitStatus(paymentId, 'issued');
    expect(r).toMatchObject({
      MaHoSo: maHoSo,
      provider: 'vnpt',
      providerKey: paymentId,
      agencyTaxCode: '2800123456',
      pattern: '1/001',
      serial: 'C26TLT',
      amount: 150_000,
      hasPdf: true,
    });
    expect(r.number).toMatch(/^\d{1,8}$/);
    await new Promise((res) => setTimeout(res, 800));
    const atPeer = ((await h.peer('vnpt-invoice/_admin/receipts')).receipts as any[]).filter((x) => x.fkey === paymentId);
    expect(atPeer).toHaveLength(1);
    expect(atPeer[0]).toMatchObject({
      cusCode: maHoSo,
      cusName: 'Võ Thị Sáu',
      total: '150000',
      amountInWords: 'Một trăm năm mươi nghìn đồng',
      number: Number(r.number),
    });
    expect(atPeer[0].products.map((p: any) => p.name)).toEqual(['Lệ phí cấp giấy phép xây dựng', 'Phí thẩm định']);
    const pdf = await fetch(`${h.appUrl}/v1/receipts/${paymentId}?format=pdf`, {
      headers: { authorization: `Bearer ${PROVINCE_KEY}` },
    });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(r.pdfSha256);
    // payment.receipted is published on payment.events.v1, keyed by the payment id, once.
    const receipted = await eventually(
      async () => {
        const recs = (await readTopic(topicNames(h.ns).paymentEvents, { idleMs: 500, maxIdleMs: 1_500 })).map((x) =>
          JSON.parse(String(x.value)),
        );
        const mine = recs.filter((e) => e.type === 'vn.lienthong.payment.receipted' && e.subject === paymentId);
        return mine.length ? mine : undefined;
      },
      { what: 'payment.receipted on the topic' },
    );
    expect(receipted).toHaveLength(1);
    expect(receipted[0].data).toMatchObject({
      paymentId,
      MaHoSo: maHoSo,
      pattern: '1/001',
      serial: 'C26TLT',
      number: r.number,
      pdfSha256: r.pdfSha256,
      agencyTaxCode: '2800123456',
    });
  });

  it('Viettel S-Invoice: a create that times out is recovered by transactionUuid, never issued twice', async () => {
    await h.peer('viettel-sinvoice/_admin/faults', { hangAfterIssueMs: 2_500 });
    const paymentId = randomUUID();
    const maHoSo = `000.00.01.H23-251205-${Math.floor(Math.random() * 1e6)}`;
    await h.publish('vn.lienthong.payment.settled', paymentId, settled(paymentId, maHoSo, '000.00.01.H23', 200_000), {
      topic: 'paymentEvents',
    });
    await eventually(async () => (await receipt(paymentId)).body.status === 'uncertain', {
      what: 'outcome unknown after the timeout',
    });
    await h.peer('viettel-sinvoice/_admin/faults', { hangAfterIssueMs: 0 });
    const r = await waitStatus(paymentId, 'issued');
    expect(r).toMatchObject({ provider: 'viettel', pattern: '1/001', serial: 'K26TLT', hasPdf: true });
    const peer = await h.peer('viettel-sinvoice/_admin/invoices');
    const mine = (peer.invoices as any[]).filter((i) => i.transactionUuid === paymentId);
    expect(mine).toHaveLength(1);
    expect(Number(mine[0].invoiceNo.slice('K26TLT'.length))).toBe(Number(r.number));
    expect(mine[0].totalInWords).toBe('Hai trăm nghìn đồng');
    expect(peer.calls.search).toBeGreaterThanOrEqual(1);
    // The province of H22 does not see an H23 receipt.
    expect((await receipt(paymentId, PROVINCE_KEY)).status).toBe(403);
  });

  it('VNPT: a timed-out issue is recovered by fkey (number read on the portal); ERR codes reach operators', async () => {
    await h.peer('vnpt-invoice/_admin/faults', { hangAfterIssueMs: 2_500 });
    const a = randomUUID();
    const maHoSo = `000.00.01.H22-251205-${Math.floor(Math.random() * 1e6)}`;
    await h.publish('vn.lienthong.payment.settled', a, settled(a, maHoSo, '000.00.01.H22'), { topic: 'paymentEvents' });
    await eventually(async () => (await receipt(a)).body.status === 'uncertain', { what: 'uncertain' });
    await h.peer('vnpt-invoice/_admin/faults', { hangAfterIssueMs: 0 });
    const r = await waitStatus(a, 'issued');
    expect(r.number).toBeNull();
    expect(r.note).toMatch(/recovered by fkey/);
    expect(((await h.peer('vnpt-invoice/_admin/receipts')).receipts as any[]).filter((x) => x.fkey === a)).toHaveLength(1);

    await h.peer('vnpt-invoice/_admin/faults', { nextError: 'ERR:20' });
    const b = randomUUID();
    await h.publish('vn.lienthong.payment.settled', b, settled(b, maHoSo, '000.00.01.H22'), { topic: 'paymentEvents' });
    const failed = await waitStatus(b, 'failed');
    expect(failed).toMatchObject({
      errorCode: 'ERR:20',
      errorMessage: 'Mẫu số/ký hiệu không khớp hoặc chưa đăng ký',
      number: null,
    });
    expect((await receipt('no-such-payment')).status).toBe(404);
  });

  it("a settlement without payments' signature makes no receipt and no message (dead-lettered)", async () => {
    const forged = randomUUID();
    const maHoSo = `000.00.01.H22-251205-${Math.floor(Math.random() * 1e6)}`;
    await h.publish('vn.lienthong.payment.settled', forged, settled(forged, maHoSo, '000.00.01.H22'), {
      topic: 'paymentEvents',
      unsigned: true,
    });
    const dlq = await eventually(
      async () => {
        const recs = await readTopic(`${topicNames(h.ns).paymentEvents}.dlq`, { idleMs: 500, maxIdleMs: 1_500 });
        return recs.filter((r) => String(r.value).includes(forged)).length ? recs : undefined;
      },
      { what: 'forged settlement dead-lettered' },
    );
    expect(dlq.length).toBeGreaterThan(0);
    expect((await receipt(forged)).status).toBe(404);
    expect(await h.messages(maHoSo)).toEqual([]);
  });
});

describe('receipts of fees paid through PayGov (GET_BILL)', () => {
  const PARTNER = { maDoiTac: '000.00.00.H56', secretKey: 'lt-demo-paygov-secret-0001' };
  it('fetches the platform’s receipt with GET_BILL instead of issuing one: the PDF kept with its hash, one per payment', async () => {
    const signer = createPaygovSigner({ maDoiTac: PARTNER.maDoiTac, secret: PARTNER.secretKey });
    const maHoSo = `000.00.01.H22-251205-${Math.floor(Math.random() * 1e6)}`;
    const init = signer.buildInit({
      maThamChieu: `dvc${Date.now()}`,
      amountVnd: 150_000,
      thongTinGiaoDich: `THANH TOAN HO SO ${maHoSo}`,
      createdAt: new Date(),
      ip: '127.0.0.1',
      receipt: { MaDonVi: '000.00.01.H22', TenDonVi: 'Sở Xây dựng', MaHoSo: maHoSo },
    });
    const post = (path: string, body: unknown) =>
      fetch(`${h.sandboxUrl}/paygov${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('/init', init)).status).toBe(200);
    expect((await post('/_admin/pay', { maDoiTac: PARTNER.maDoiTac, maThamChieu: init.MaThamChieu })).status).toBe(200);

    const paymentId = randomUUID();
    const data = {
      ...settled(paymentId, maHoSo, '000.00.01.H22'),
      provider: 'paygov',
      merchant: PARTNER.maDoiTac,
      orderRef: init.MaThamChieu,
    };
    await h.publish('vn.lienthong.payment.settled', paymentId, data, { topic: 'paymentEvents', id: `settled-${paymentId}` });
    await h.publish('vn.lienthong.payment.settled', paymentId, data, { topic: 'paymentEvents', id: `settled-${paymentId}` });
    const issued = await waitStatus(paymentId, 'issued');
    expect(issued).toMatchObject({ provider: 'paygov', MaHoSo: maHoSo });
    expect(issued.providerKey).toMatch(new RegExp(`^${init.MaThamChieu}@\\d{14}$`));
    const pdf = await fetch(`${h.appUrl}/v1/receipts/${paymentId}?format=pdf`, {
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(issued.pdfSha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const bills = (
      (await (await fetch(`${h.sandboxUrl}/paygov/_admin/requests`)).json()) as { requests: { route: string }[] }
    ).requests.filter((r) => r.route.endsWith('/get-bill'));
    expect(bills.length).toBeGreaterThanOrEqual(1);
    expect((await h.pool.query('SELECT count(*)::int AS n FROM receipts WHERE payment_id = $1', [paymentId])).rows[0].n).toBe(1);
    // payment.receipted, checked against its schema (schemas/events/payment-receipted.v1.json).
    const ev = await eventually(
      async () =>
        (await readTopic(topicNames(h.ns).paymentEvents))
          .map((r) => JSON.parse(r.value!))
          .find((e) => e.type === 'vn.lienthong.payment.receipted' && e.subject === paymentId),
      { what: 'payment.receipted published' },
    );
    expect(ev.data).toMatchObject({ provider: 'paygov', pattern: '', number: null });
    expect(validateEventData(ev.dataschema, ev.data)).toMatchObject({ ok: true });
  });

  it('a PayGov payment not paid at the platform waits (retried), never issued from elsewhere', async () => {
    const paymentId = randomUUID();
    const maHoSo = `000.00.01.H22-251205-${Math.floor(Math.random() * 1e6)}`;
    await h.publish(
      'vn.lienthong.payment.settled',
      paymentId,
      {
        ...settled(paymentId, maHoSo, '000.00.01.H22'),
        provider: 'paygov',
        merchant: PARTNER.maDoiTac,
        orderRef: `dvcunknown${Date.now()}`,
      },
      { topic: 'paymentEvents', id: `settled-${paymentId}` },
    );
    const pending = await eventually(
      async () => {
        const r = await receipt(paymentId);
        return r.body.errorCode ? r.body : undefined;
      },
      { what: 'the GET_BILL refusal recorded' },
    );
    expect(pending.status).toBe('pending');
    expect(String(pending.errorCode)).toMatch(/^PAYGOV:/);
  });
});
