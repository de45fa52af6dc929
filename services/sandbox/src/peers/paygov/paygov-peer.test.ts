import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { PAYGOV_CONFIRM_REPLY_CODES, buildPaygovConfirmReply, createPaygovSigner } from '@lienthong/paygov';
import paygovPeer, { type PaygovPeerOptions } from './index.js';
import type { NotificationAnswer, OutboundNotification } from '../payment-peer-kit/index.js';
import { createTestApps, until } from '../payment-peer-kit/test-support.js';

const PARTNER = { maDoiTac: '000.00.01.H56', secret: 'paygov-partner-secret-0001' };
const MERCHANT = {
  ...PARTNER,
  confirmUrl: 'https://hub.test/v1/payments/confirm/paygov',
  returnUrl: 'https://hub.test/v1/payments/return/paygov',
};
const signer = createPaygovSigner(PARTNER);

const apps = createTestApps();
afterEach(apps.closeAll);

/** The hub side of the confirm: verify, answer with the echo reply ("00" or "99"). */
function fakeHub(answer?: (n: OutboundNotification, i: number) => NotificationAnswer) {
  const calls: OutboundNotification[] = [];
  return {
    calls,
    notify: async (n: OutboundNotification) => {
      calls.push(n);
      if (answer) return answer(n, calls.length);
      const v = signer.verifyConfirm(n.body);
      return { status: 200, body: v.ok ? buildPaygovConfirmReply(n.body) : v.reply };
    },
  };
}

const build = (opts: Partial<PaygovPeerOptions> = {}) =>
  apps.peer(paygovPeer, {
    prefix: '/paygov',
    merchants: [MERCHANT],
    publicUrl: 'http://sandbox.test',
    timeoutHangMs: 50,
    confirmRetryIntervalMs: 20,
    ...opts,
  });

let seq = 0;
const initMsg = (over: Partial<Parameters<typeof signer.buildInit>[0]> = {}) =>
  signer.buildInit({
    maThamChieu: `dvcH56${Date.now()}${++seq}`,
    amountVnd: 120_000,
    thongTinGiaoDich: 'THANH TOAN HO SO H56.14-250304-0001',
    createdAt: new Date('2025-03-04T05:06:07Z'),
    ip: '10.0.0.5',
    receipt: { MaDonVi: '000.00.14.H56', TenDonVi: 'Sở Tư pháp', MaHoSo: 'H56.14-250304-0001' },
    ...over,
  });
const post = async (app: FastifyInstance, path: string, body: unknown) =>
  app.inject({ method: 'POST', url: `/paygov${path}`, payload: body as object });

describe('PayGov peer — INIT, pay, confirm', () => {
  it('INIT answers UrlThanhToan inside the JSON message [T6]', async () => {
    const app = await build();
    const res = await post(app, '/init', initMsg());
    const outcome = signer.readInitReply(res.json());
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.ok && outcome.urlThanhToan).toMatch(/^http:\/\/sandbox\.test\/paygov\/pay\/[0-9a-f-]{36}$/);
  });

  it('INIT refuses a bad hash, an unknown partner, a duplicate reference and a bad receipt', async () => {
    const app = await build();
    const m = initMsg();
    expect((await post(app, '/init', { ...m, SoTien: '1' })).json()).toMatchObject({ error_code: '3' });
    expect((await post(app, '/init', { ...m, MaDoiTac: 'X' })).json()).toMatchObject({ error_code: '2' });
    expect((await post(app, '/init', m)).json().error_code).toBe('0');
    expect((await post(app, '/init', m)).json()).toMatchObject({ error_code: '4' });
    const noDossier = initMsg();
    expect(
      (await post(app, '/init', { ...noDossier, ThongTinBienLai: { ...noDossier.ThongTinBienLai, MaHoSo: '' } })).json(),
    ).toMatchObject({ error_code: '1' });
    for (const junk of [
      [1],
      { LoaiBanTin: 'INIT', MaDoiTac: PARTNER.maDoiTac, SoTien: 5 },
      { ...m, ThongTinGiaoDich: 'x'.repeat(50_000) },
    ]) {
      expect(['1', '3']).toContain((await post(app, '/init', junk)).json().error_code);
    }
  });

  it('pays from the page: confirm callback verified by the hub, redirect to the partner return URL', async () => {
    const hub = fakeHub();
    const app = await build({ notify: hub.notify });
    const init = signer.readInitReply((await post(app, '/init', initMsg())).json());
    const path = (init.ok ? init.urlThanhToan : '').replace('http://sandbox.test', '');
    expect((await app.inject({ method: 'GET', url: path })).body).toContain('id="pay"');
    const res = await app.inject({
      method: 'POST',
      url: path,
      payload: 'action=pay',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toMatch(/^https:\/\/hub\.test\/v1\/payments\/return\/paygov\?MaThamChieu=.+&MaLoi=00$/);
    await until(() => hub.calls.length === 1);
    expect(hub.calls[0]).toMatchObject({ method: 'POST', url: MERCHANT.confirmUrl });
    expect(signer.verifyConfirm(hub.calls[0]!.body)).toMatchObject({ ok: true, confirm: { paid: true, amountVnd: 120_000 } });
    const log = (await app.inject({ method: 'GET', url: '/paygov/_admin/notifications' })).json().notifications;
    expect(log).toMatchObject([{ outcome: 'sent', status: 200, response: { MaLoi: '00' } }]);
  });

  it('retries the confirm when configured and the hub does not answer 00', async () => {
    const hub = fakeHub((n, i) => ({
      status: 200,
      body: buildPaygovConfirmReply(n.body, i < 2 ? PAYGOV_CONFIRM_REPLY_CODES.otherError : PAYGOV_CONFIRM_REPLY_CODES.success),
    }));
    const app = await build({ notify: hub.notify, confirmMaxAttempts: 3 });
    const init = signer.readInitReply((await post(app, '/init', initMsg())).json());
    await post(app, '/_admin/pay', { urlThanhToan: init.ok ? init.urlThanhToan : '' });
    await until(() => hub.calls.length === 2);
    await new Promise((r) => setTimeout(r, 60));
    expect(hub.calls).toHaveLength(2);
  });

  it('cancel sends a not-successful confirm; tampering breaks the MaXacThuc', async () => {
    const hub = fakeHub();
    const app = await build({ notify: hub.notify });
    const m = initMsg();
    await post(app, '/init', m);
    await post(app, '/_admin/pay', { maDoiTac: PARTNER.maDoiTac, maThamChieu: m.MaThamChieu, action: 'cancel' });
    await until(() => hub.calls.length === 1);
    expect(signer.verifyConfirm(hub.calls[0]!.body)).toMatchObject({ ok: true, confirm: { paid: false, maLoi: '01' } });

    await post(app, '/_admin/faults', { tamperNotifications: true });
    const m2 = initMsg();
    await post(app, '/init', m2);
    await post(app, '/_admin/pay', { maDoiTac: PARTNER.maDoiTac, maThamChieu: m2.MaThamChieu });
    await until(() => hub.calls.length === 2);
    expect(signer.verifyConfirm(hub.calls[1]!.body)).toMatchObject({
      ok: false,
      code: 'LT_PAYGOV_SIGNATURE_MISMATCH',
      reply: { MaLoi: '99' },
    });
  });
});

describe('PayGov peer — QUERY and GET_BILL', () => {
  it('QUERY: pending "3", then paid "1", signed so the hub verifies it', async () => {
    const app = await build({ notify: fakeHub().notify });
    const m = initMsg();
    await post(app, '/init', m);
    const q = signer.buildQuery({ maThamChieu: m.MaThamChieu, thoiGianGD: m.ThoiGianGD });
    expect(signer.readQueryResponse((await post(app, '/query', q)).json(), { maThamChieu: m.MaThamChieu }).kind).toBe('pending');
    await post(app, '/_admin/pay', { maDoiTac: PARTNER.maDoiTac, maThamChieu: m.MaThamChieu });
    expect(signer.readQueryResponse((await post(app, '/query', q)).json(), { maThamChieu: m.MaThamChieu })).toMatchObject({
      kind: 'paid',
      amountVnd: 120_000,
    });
  });

  it('QUERY refusals never read as unpaid', async () => {
    const app = await build();
    const q = signer.buildQuery({ maThamChieu: 'unknownref', thoiGianGD: '20250304120607' });
    const nf = (await post(app, '/query', q)).json();
    expect(nf.MaLoi).toBe('01');
    expect(signer.readQueryResponse(nf, { maThamChieu: 'unknownref' })).toMatchObject({
      kind: 'no_answer',
      code: 'LT_PAYGOV_REJECTED',
    });
    const bad = (await post(app, '/query', { ...q, MaXacThuc: '0'.repeat(64) })).json();
    expect(bad.MaLoi).toBe('02');
    expect(signer.readQueryResponse(bad, { maThamChieu: 'unknownref' }).kind).toBe('no_answer');
  });

  it('GET_BILL returns a PDF for a paid payment', async () => {
    const app = await build({ notify: fakeHub().notify });
    const m = initMsg();
    await post(app, '/init', m);
    const bill = signer.buildGetBill({ maThamChieu: m.MaThamChieu, thoiGianGD: m.ThoiGianGD });
    expect((await post(app, '/get-bill', bill)).json().MaLoi).toBe('01');
    await post(app, '/_admin/pay', { maDoiTac: PARTNER.maDoiTac, maThamChieu: m.MaThamChieu });
    const res = await post(app, '/get-bill', bill);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 8).toString()).toBe('%PDF-1.4');
  });

  it('plays provider errors and timeouts', async () => {
    const app = await build({ faults: { errorRate: 1 } });
    expect((await post(app, '/init', initMsg())).statusCode).toBe(500);
    await post(app, '/_admin/faults', { errorRate: 0, timeoutRate: 1 });
    expect((await post(app, '/query', signer.buildQuery({ maThamChieu: 'x', thoiGianGD: '20250304120607' }))).statusCode).toBe(
      504,
    );
    const list = (await app.inject({ method: 'GET', url: '/paygov/_admin/requests' })).json().requests;
    expect(list.map((r: { fault?: string }) => r.fault)).toEqual(['error', 'timeout']);
  });
});
