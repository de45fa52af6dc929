import type {} from '@fastify/swagger'; // OpenAPI fields (hide) on route schemas
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Clock, Pool } from '@lienthong/platform';
import { NotifyError, NotifyErrorCodes } from '../errors.js';
import type { ZaloOaAccount } from '../providers.js';

/**
 * `X-ZEvent-Signature` = lowercase hex SHA-256(app_id + raw body + timestamp + OA secret key), sometimes
 * prefixed `mac=`; `timestamp` from the body (notifications-receipts.md §1.5 [code Z7; 2nd Z6]). Which secret is
 * used is contradicted by one source (an n8n node uses the app secret with HMAC) — test on a real event [inf].
 */
export function zaloSignatureValid(
  header: unknown,
  rawBody: string,
  appId: string,
  timestamp: string,
  oaSecretKey: string,
): boolean {
  if (typeof header !== 'string') return false;
  const given = header.trim().replace(/^mac=/i, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = createHash('sha256')
    .update(appId + rawBody + timestamp + oaSecretKey, 'utf8')
    .digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

const signatureRefused = () =>
  new NotifyError(NotifyErrorCodes.WEBHOOK_SIGNATURE, 'Zalo webhook signature invalid', {
    kind: 'unauthorized',
    messageVi: 'Chữ ký webhook Zalo không hợp lệ',
  });

/**
 * How far a webhook's `timestamp` may be from our clock, either way, by default: 15 minutes. Zalo's reference gives
 * the field (epoch milliseconds, in the body and under the signature, notifications-receipts.md §1.5 [code Z7; 2nd
 * Z6]) but no window [inf: ours, NOTIFICATIONS_ZALO_WEBHOOK_WINDOW_MS]. Wide enough for clock skew and for Zalo's
 * redeliveries of an unanswered webhook, whose schedule is not documented either (the sandbox resends the same body
 * for ~45 s); a delivery refused as stale is still learnt by the status poll.
 */
export const DEFAULT_ZALO_WEBHOOK_WINDOW_MS = 15 * 60_000;

const timestampRefused = (en: string, vi: string) =>
  new NotifyError(NotifyErrorCodes.WEBHOOK_TIMESTAMP, `Zalo webhook refused: ${en}`, {
    kind: 'unauthorized',
    messageVi: `Từ chối webhook Zalo: ${vi}`,
  });

/**
 * Whether a signed webhook's timestamp is fresh: epoch milliseconds as decimal digits (a string, or a JSON number
 * Zalo might send), within `windowMs` of now in the past or the future. A captured webhook replayed later, or one
 * stamped ahead to be replayed later, is refused (the signature alone proves only that Zalo once sent it).
 */
export function zaloTimestampProblem(timestamp: string, nowMs: number, windowMs: number): { en: string; vi: string } | undefined {
  if (!/^\d{1,15}$/.test(timestamp))
    return { en: 'timestamp missing or not epoch milliseconds', vi: 'thiếu timestamp hoặc không phải mili giây' };
  const age = nowMs - Number(timestamp);
  if (age > windowMs) return { en: `timestamp older than ${windowMs} ms`, vi: `timestamp cũ hơn ${windowMs} ms` };
  if (-age > windowMs)
    return { en: `timestamp more than ${windowMs} ms ahead`, vi: `timestamp vượt quá ${windowMs} ms về tương lai` };
  return undefined;
}

/**
 * Zalo's delivery webhook. A ZNS delivery is `user_received_message` with `message.delivery_time`; the same
 * event name without it is an OA chat receipt and is ignored (§1.5). The signature is checked first, then the
 * timestamp's freshness (zaloTimestampProblem); both refusals answer 401. Deduplicated on msg_id; answers 200 fast.
 */
export async function zaloWebhookRoute(
  app: FastifyInstance,
  opts: { pool: Pool; accounts: Record<string, ZaloOaAccount>; clock: Clock; windowMs?: number },
): Promise<void> {
  const windowMs = opts.windowMs ?? DEFAULT_ZALO_WEBHOOK_WINDOW_MS;
  const byAppId = new Map<string, ZaloOaAccount[]>();
  for (const a of Object.values(opts.accounts)) byAppId.set(a.appId, [...(byAppId.get(a.appId) ?? []), a]);

  app.post(
    '/v1/zalo/webhook',
    {
      config: {
        access: {
          signed:
            'X-ZEvent-Signature: SHA-256(app_id + raw body + timestamp + OA secret key), checked against every OA of the app_id',
        },
      },
      schema: { hide: true },
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as {
        app_id?: unknown;
        timestamp?: unknown;
        event_name?: unknown;
        message?: { msg_id?: unknown; delivery_time?: unknown };
      };
      const raw = (req as unknown as { rawBody?: string }).rawBody ?? '';
      const appId = typeof body.app_id === 'string' ? body.app_id : '';
      const ts = typeof body.timestamp === 'string' || typeof body.timestamp === 'number' ? String(body.timestamp) : '';
      const candidates = byAppId.get(appId) ?? [];
      if (!candidates.some((a) => zaloSignatureValid(req.headers['x-zevent-signature'], raw, appId, ts, a.oaSecretKey)))
        throw signatureRefused();
      const stale = zaloTimestampProblem(ts, opts.clock.now().getTime(), windowMs);
      if (stale) throw timestampRefused(stale.en, stale.vi);
      const msgId = typeof body.message?.msg_id === 'string' ? body.message.msg_id : undefined;
      const deliveryMs = Number(body.message?.delivery_time);
      if (body.event_name !== 'user_received_message' || !msgId || !Number.isFinite(deliveryMs))
        return reply.send({ error: 0, message: 'ignored' });
      const now = opts.clock.now();
      const deliveredAt = new Date(deliveryMs);
      const first = await opts.pool.query(
        'INSERT INTO notif_zalo_webhooks (msg_id, received_at, delivery_time) VALUES ($1,$2,$3) ON CONFLICT (msg_id) DO NOTHING',
        [msgId, now, deliveredAt],
      );
      if ((first.rowCount ?? 0) > 0) {
        await opts.pool.query(
          `UPDATE notif_messages SET status='delivered', delivered_at=$2, payload_sealed=NULL, lease_until=NULL, updated_at=$3
           WHERE channel='zalo' AND provider_msg_id=$1 AND status IN ('sent','sending')`,
          [msgId, deliveredAt, now],
        );
      }
      return reply.send({ error: 0, message: 'Success' });
    },
  );
}
