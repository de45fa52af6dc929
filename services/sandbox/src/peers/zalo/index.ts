import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SandboxPeer, SandboxPeerOptions } from '../../peer.js';
import { registerFormBodyParser } from '../payment-peer-kit/form-body.js';
import { configProperties, readPeerConfig } from './config.js';

export { configProperties };

/** One ZNS message the simulated Zalo accepted. */
interface SimMessage {
  msgId: string;
  phone: string;
  templateId: string;
  templateData: Record<string, string>;
  trackingId: string | undefined;
  mode: string | undefined;
  sentTime: number;
  deliveredAt: number | undefined;
  webhooksSent: number;
}

interface Faults {
  /** Every call answers HTTP 503 (Zalo unreachable). */
  outage: boolean;
  /** Phones answering -118 "Zalo account not existed" (84-form). */
  noAccountPhones: string[];
  /** Phones answering -119 "account can not receive" [inf: code order from Z2]. */
  cannotReceivePhones: string[];
  /** Webhooks are not sent (the hub must poll /message/status). */
  dropWebhooks: boolean;
  /** Each webhook is sent twice (Zalo redelivers). */
  duplicateWebhooks: boolean;
  /** Webhooks carry a wrong signature. */
  badSignature: boolean;
  /** The next N sends answer -100 (unknown error, retry later). */
  failNext: number;
  /** Accepted sends answer only after this delay (the message is already recorded: "accepted, answer lost"). */
  latencyMs: number;
}
const noFaults = (): Faults => ({
  outage: false,
  noAccountPhones: [],
  cannotReceivePhones: [],
  dropWebhooks: false,
  duplicateWebhooks: false,
  badSignature: false,
  failNext: 0,
  latencyMs: 0,
});

export interface ZaloPeerOptions extends SandboxPeerOptions {
  now?: () => number;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Zalo's own day for the quota: midnight in GMT+7. */
const zaloDay = (t: number) => new Date(t + 7 * 3_600_000).toISOString().slice(0, 10);

/**
 * Simulated Zalo ZNS (notifications-receipts.md §1): `POST /zalo/message/template` (header `access_token`),
 * `GET /zalo/message/status`, `GET /zalo/message/quota`, OAuth v4 refresh at `/zalo/oauth/v4/oa/access_token`
 * (form, header `secret_key`; refresh tokens are single use: a reused one answers -14020 [2nd Z6]), and the signed
 * `user_received_message` delivery webhook (`X-ZEvent-Signature: mac=` + hex SHA-256(app_id + body + timestamp + OA secret) [code Z7]).
 * Answers are HTTP 200 with `error` ≠ 0 for failures, as Zalo does [2nd Z6]. Error codes: -108 bad phone, -111 empty
 * template data, -118 no Zalo account, -124 invalid access token (confirmed); -115 out of quota and -119 cannot receive
 * are inferred from the order of Zalo's table [doc Z2]. `tracking_id` repeated answers the first message again
 * without sending twice [inf: Zalo documents tracking_id for reconciliation only; the hub relies on its own ledger].
 */
const zaloPeer: FastifyPluginAsync<ZaloPeerOptions> = async (app, opts) => {
  const cfg = readPeerConfig(opts.config);
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ peer: 'zalo' });
  registerFormBodyParser(app);

  let messages: SimMessage[] = [];
  let faults = noFaults();
  let webhookUrl = cfg.webhookUrl;
  let quota = { day: zaloDay(now()), used: 0, limit: cfg.dailyQuota };
  // Token state: the one valid refresh token, the valid access tokens with their expiry, and what was refused.
  let refreshToken = cfg.refreshToken;
  let refreshSeq = 0;
  let accessTokens = new Map<string, number>();
  let tokenLog: { at: number; outcome: 'refreshed' | 'reused' | 'bad_secret' }[] = [];
  let webhooks: { at: number; msgId: string; status: number | string }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const quotaNow = () => {
    const d = zaloDay(now());
    if (d !== quota.day) quota = { day: d, used: 0, limit: quota.limit };
    return { dailyQuota: String(quota.limit), remainingQuota: String(Math.max(0, quota.limit - quota.used)) };
  };
  const accessOk = (req: FastifyRequest) => {
    const t = req.headers.access_token;
    const exp = typeof t === 'string' ? accessTokens.get(t) : undefined;
    return exp !== undefined && exp > now();
  };
  const err = (reply: FastifyReply, error: number, message: string) => reply.send({ error, message, data: null });

  const sendWebhook = async (m: SimMessage) => {
    if (!webhookUrl || faults.dropWebhooks) return;
    const timestamp = String(now());
    const body = JSON.stringify({
      app_id: cfg.appId,
      sender: { id: cfg.oaId },
      recipient: { id: createHash('sha256').update(m.phone).digest('hex').slice(0, 16) },
      event_name: 'user_received_message',
      message: { msg_id: m.msgId, delivery_time: String(m.deliveredAt) },
      timestamp,
    });
    const mac = createHash('sha256')
      .update(cfg.appId + body + timestamp + (faults.badSignature ? 'wrong' : cfg.oaSecret))
      .digest('hex');
    const copies = faults.duplicateWebhooks ? 2 : 1;
    const url = webhookUrl;
    for (let i = 0; i < copies; i++) {
      // Zalo redelivers a webhook that was not answered 200 [2nd Z6]: up to 8 tries, 1 s, 2 s, 4 s… apart (capped at 10 s)
      // [inf: Zalo's schedule is not documented].
      for (let attempt = 1; attempt <= 8; attempt++) {
        try {
          const r = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${mac}` },
            body,
            signal: AbortSignal.timeout(5_000),
          });
          webhooks.push({ at: now(), msgId: m.msgId, status: r.status });
          if (r.ok) {
            m.webhooksSent++;
            break;
          }
        } catch (e) {
          webhooks.push({ at: now(), msgId: m.msgId, status: (e as Error).message });
        }
        if (closed) return;
        await new Promise((r) => setTimeout(r, Math.min(10_000, 1_000 * 2 ** (attempt - 1))).unref());
      }
    }
  };

  app.addHook('onRequest', async (req, reply) => {
    if (faults.outage && !req.url.includes('/_admin'))
      return reply.status(503).send({ error: -1, message: 'Service Unavailable' });
  });

  app.post('/oauth/v4/oa/access_token', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const secret = req.headers.secret_key;
    if (typeof secret !== 'string' || !sameSecret(secret, cfg.appSecret) || body.app_id !== cfg.appId) {
      tokenLog.push({ at: now(), outcome: 'bad_secret' });
      return reply.send({
        error: -14014,
        error_name: 'Invalid app secret',
        error_description: 'secret_key or app_id is invalid',
      });
    }
    if (
      body.grant_type !== 'refresh_token' ||
      typeof body.refresh_token !== 'string' ||
      !sameSecret(body.refresh_token, refreshToken)
    ) {
      tokenLog.push({ at: now(), outcome: 'reused' });
      return reply.send({
        error: -14020,
        error_name: 'Invalid refresh token',
        error_description: 'refresh token is invalid, used or expired',
      });
    }
    refreshSeq++;
    refreshToken = `zalo-refresh-sandbox-${refreshSeq}-${randomBytes(8).toString('hex')}`;
    const access = `zalo-access-${refreshSeq}-${randomBytes(12).toString('hex')}`;
    accessTokens.set(access, now() + cfg.tokenTtlS * 1000);
    tokenLog.push({ at: now(), outcome: 'refreshed' });
    return reply.send({ access_token: access, refresh_token: refreshToken, expires_in: String(cfg.tokenTtlS) });
  });

  app.post('/message/template', async (req, reply) => {
    if (!accessOk(req)) return err(reply, -124, 'Access token is invalid');
    const b = (req.body ?? {}) as {
      phone?: unknown;
      template_id?: unknown;
      template_data?: unknown;
      tracking_id?: unknown;
      mode?: unknown;
    };
    if (faults.failNext > 0) {
      faults.failNext--;
      return err(reply, -100, 'Unknown error');
    }
    if (typeof b.phone !== 'string' || !/^84\d{9}$/.test(b.phone)) return err(reply, -108, 'Phone number is invalid');
    if (typeof b.template_id !== 'string' || !/^\d{1,20}$/.test(b.template_id)) return err(reply, -109, 'Template ID is invalid');
    const data = b.template_data;
    if (!data || typeof data !== 'object' || Array.isArray(data) || Object.keys(data).length === 0)
      return err(reply, -111, 'Template data is empty');
    if (Object.values(data).some((v) => typeof v !== 'string' || v.length > 400))
      return err(reply, -112, 'Template data is invalid');
    if (b.tracking_id !== undefined && (typeof b.tracking_id !== 'string' || !/^[A-Za-z0-9_-]{1,48}$/.test(b.tracking_id)))
      return err(reply, -112, 'tracking_id is invalid');
    const trackingId = b.tracking_id as string | undefined;
    const prior = trackingId ? messages.find((m) => m.trackingId === trackingId) : undefined;
    if (prior) {
      return reply.send({
        error: 0,
        message: 'Success',
        data: { msg_id: prior.msgId, sent_time: String(prior.sentTime), sending_mode: '1', quota: quotaNow() },
      });
    }
    if (faults.noAccountPhones.includes(b.phone)) return err(reply, -118, 'Zalo account not existed');
    if (faults.cannotReceivePhones.includes(b.phone)) return err(reply, -119, 'Account can not receive message');
    quotaNow();
    if (quota.used >= quota.limit) return err(reply, -115, 'Out of quota');
    quota.used++;
    const m: SimMessage = {
      msgId: randomBytes(16).toString('hex'),
      phone: b.phone,
      templateId: b.template_id,
      templateData: data as Record<string, string>,
      trackingId,
      mode: typeof b.mode === 'string' ? b.mode : undefined,
      sentTime: now(),
      deliveredAt: undefined,
      webhooksSent: 0,
    };
    messages.push(m);
    const timer = setTimeout(() => {
      timers.delete(timer);
      m.deliveredAt = now();
      void sendWebhook(m);
    }, cfg.deliveryDelayMs);
    timers.add(timer);
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    return reply.send({
      error: 0,
      message: 'Success',
      data: { msg_id: m.msgId, sent_time: String(m.sentTime), sending_mode: '1', quota: quotaNow() },
    });
  });

  app.get('/message/status', async (req, reply) => {
    if (!accessOk(req)) return err(reply, -124, 'Access token is invalid');
    const q = req.query as { message_id?: string; phone?: string };
    const m = messages.find((x) => x.msgId === q.message_id && x.phone === q.phone);
    if (!m) return err(reply, -107, 'Message ID is invalid');
    return reply.send({
      error: 0,
      message: 'Success',
      data: { ...(m.deliveredAt ? { delivery_time: String(m.deliveredAt) } : {}), message: m.deliveredAt ? 'Delivered' : 'Sent' },
    });
  });

  app.get('/message/quota', async (req, reply) => {
    if (!accessOk(req)) return err(reply, -124, 'Access token is invalid');
    return reply.send({ error: 0, message: 'Success', data: quotaNow() });
  });

  // Inspection and fault switches.
  app.get('/_admin/messages', async (req) => {
    const q = req.query as { phone?: string; trackingId?: string };
    return {
      messages: messages.filter((m) => (!q.phone || m.phone === q.phone) && (!q.trackingId || m.trackingId === q.trackingId)),
    };
  });
  app.get('/_admin/tokens', async () => ({
    refreshes: refreshSeq,
    log: tokenLog,
    validAccessTokens: [...accessTokens.values()].filter((e) => e > now()).length,
  }));
  app.get('/_admin/webhooks', async () => ({ webhookUrl, webhooks }));
  app.get('/_admin/faults', async () => ({ faults, quota: quotaNow() }));
  app.post('/_admin/faults', async (req) => {
    const b = (req.body ?? {}) as Partial<Faults> & {
      webhookUrl?: string;
      quotaRemaining?: number;
      expireAccessTokens?: boolean;
    };
    faults = {
      ...faults,
      ...(typeof b.outage === 'boolean' ? { outage: b.outage } : {}),
      ...(Array.isArray(b.noAccountPhones) ? { noAccountPhones: b.noAccountPhones.map(String) } : {}),
      ...(Array.isArray(b.cannotReceivePhones) ? { cannotReceivePhones: b.cannotReceivePhones.map(String) } : {}),
      ...(typeof b.dropWebhooks === 'boolean' ? { dropWebhooks: b.dropWebhooks } : {}),
      ...(typeof b.duplicateWebhooks === 'boolean' ? { duplicateWebhooks: b.duplicateWebhooks } : {}),
      ...(typeof b.badSignature === 'boolean' ? { badSignature: b.badSignature } : {}),
      ...(typeof b.failNext === 'number' ? { failNext: b.failNext } : {}),
      ...(typeof b.latencyMs === 'number' ? { latencyMs: Math.min(60_000, Math.max(0, b.latencyMs)) } : {}),
    };
    if (typeof b.webhookUrl === 'string') webhookUrl = b.webhookUrl || undefined;
    if (typeof b.quotaRemaining === 'number') {
      quotaNow();
      quota.limit = quota.used + Math.max(0, b.quotaRemaining);
    }
    // Every access token handed out so far stops working: the next send answers -124 (as after a revocation).
    if (b.expireAccessTokens) accessTokens = new Map();
    log.info({ faults }, 'zalo faults set');
    return { faults, quota: quotaNow(), webhookUrl };
  });
  app.post('/_admin/reset', async () => {
    messages = [];
    faults = noFaults();
    webhooks = [];
    tokenLog = [];
    quota = { day: zaloDay(now()), used: 0, limit: cfg.dailyQuota };
    // The token chain is kept: a hub that holds the current refresh token keeps working across a reset.
    return { ok: true };
  });
  /** Hands out the current refresh token (what an admin gets from the first OAuth grant, §1.4). */
  app.get('/_admin/refresh-token', async () => ({ refreshToken }));

  app.addHook('onClose', async () => {
    closed = true;
    for (const t of timers) clearTimeout(t);
  });
};

export default zaloPeer as SandboxPeer;
