/**
 * One real network round trip: the sandbox's default notifier (the platform's HTTP client) delivers an IPN
 * over a socket to a small fastify receiver that plays the hub — verifying with @lienthong/vnpay and answering
 * the documented RspCode — including a receiver too slow for the notify timeout.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { VNPAY_IPN_REPLIES, createVnpaySigner } from '@lienthong/vnpay';
import vnpayPeer from './index.js';
import { createTestApps, until } from '../payment-peer-kit/test-support.js';

const SECRET = 'SECRETSECRETSECRETSECRETSECRET12';
const signer = createVnpaySigner({
  tmnCode: 'LTHUB001',
  hashSecret: SECRET,
  paymentUrl: 'http://sandbox.test/vnpay/paymentv2/vpcpay.html',
});

const apps = createTestApps();
afterEach(apps.closeAll);

async function receiver(delayMsForFirst = 0, failFirstWith500 = false) {
  const seen: Record<string, string>[] = [];
  const app = Fastify();
  app.get('/v1/payments/ipn/vnpay', async (req, reply) => {
    const query = req.query as Record<string, string>;
    seen.push(query);
    if (seen.length === 1 && failFirstWith500) return reply.status(500).send({ error: 'db down' });
    if (seen.length === 1 && delayMsForFirst) await new Promise((r) => setTimeout(r, delayMsForFirst));
    const v = signer.verifyCallback(query);
    return v.ok ? VNPAY_IPN_REPLIES.confirmSuccess : v.ipnReply;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  apps.add(app);
  const { port } = app.server.address() as { port: number };
  return { seen, url: `http://127.0.0.1:${port}/v1/payments/ipn/vnpay` };
}

const sandbox = (ipnUrl: string, notifyTimeoutMs = 2_000) =>
  apps.peer(vnpayPeer, {
    prefix: '/vnpay',
    merchants: [{ tmnCode: 'LTHUB001', hashSecret: SECRET, ipnUrl }],
    ipnRetryIntervalMs: 30,
    notifyTimeoutMs,
  });

/** Real sockets and a real notify timeout: wait longer than the in-process tests do. */
const UNTIL_MS = 5_000;

const pay = (app: FastifyInstance, txnRef: string) =>
  app.inject({
    method: 'POST',
    url: '/vnpay/_admin/pay',
    payload: {
      payUrl: signer.buildPayUrl({
        amountVnd: 75_000,
        txnRef,
        orderInfo: 'Le phi',
        ipAddr: '203.0.113.9',
        returnUrl: 'https://hub.test/return',
        createdAt: new Date(),
      }).url,
    },
  });

describe('VNPAY IPN over real HTTP', () => {
  it('delivers a verifiable IPN and records the hub answer', async () => {
    const hub = await receiver();
    const app = await sandbox(hub.url);
    expect((await pay(app, 'HTTP-1')).statusCode).toBe(200);
    await until(() => hub.seen.length === 1, UNTIL_MS);
    expect(signer.verifyCallback(hub.seen[0])).toMatchObject({
      ok: true,
      callback: { txnRef: 'HTTP-1', amountVnd: 75_000, paid: true },
    });
    await until(
      async () => (await app.inject({ method: 'GET', url: '/vnpay/_admin/notifications' })).json().notifications.length === 1,
      UNTIL_MS,
    );
    const [n] = (await app.inject({ method: 'GET', url: '/vnpay/_admin/notifications' })).json().notifications;
    expect(n).toMatchObject({ outcome: 'sent', status: 200, response: { RspCode: '00', Message: 'Confirm Success' } });
  });

  it('times out a slow hub and retries on schedule', async () => {
    const hub = await receiver(600);
    const app = await sandbox(hub.url, 200);
    await pay(app, 'HTTP-SLOW');
    await until(async () => {
      const list = (await app.inject({ method: 'GET', url: '/vnpay/_admin/notifications' })).json().notifications;
      return list.length === 2;
    }, UNTIL_MS);
    const list = (await app.inject({ method: 'GET', url: '/vnpay/_admin/notifications' })).json().notifications;
    expect(list[0]).toMatchObject({ attempt: 1, outcome: 'failed', error: 'LT_HTTP_TIMEOUT' });
    expect(list[1]).toMatchObject({ attempt: 2, outcome: 'sent', response: { RspCode: '00' } });
    expect(list[0].durationMs).toBeLessThan(600);
  });

  it('treats a 5xx from the hub as an answer to retry, not a transport failure', async () => {
    const hub = await receiver(0, true);
    const app = await sandbox(hub.url);
    await pay(app, 'HTTP-500');
    await until(() => hub.seen.length === 2, UNTIL_MS);
    await until(
      async () => (await app.inject({ method: 'GET', url: '/vnpay/_admin/notifications' })).json().notifications.length === 2,
      UNTIL_MS,
    );
    const list = (await app.inject({ method: 'GET', url: '/vnpay/_admin/notifications' })).json().notifications;
    expect(list.map((n: { outcome: string; status?: number }) => [n.outcome, n.status])).toEqual([
      ['sent', 500],
      ['sent', 200],
    ]);
  });
});
