import { createHash, randomUUID } from 'node:crypto';
import { isRetriable, type Clock, type Logger, type Pool, type PoolClient } from '@lienthong/platform';
import type { SecretBox } from '@lienthong/webhooks';
import type { ProvidersFile } from '../providers.js';
import { agencyTemplates, type TemplatesFile } from '../templates.js';
import type { ZnsClient } from '../zalo/zns-client.js';
import { ZNS_TOKEN_INVALID } from '../zalo/zns-client.js';
import type { TokenStore } from '../zalo/token-store.js';
import type { SmsClient } from '../sms/sms-client.js';
import { decideSms, decideZns, type Decision } from './decide.js';
import { nextVnDayStart, notBeforeQuiet, vnDay, type QuietHours } from './schedule.js';
import type { MessagePayload } from './payload.js';

export interface OutboxSenderDeps {
  pool: Pool;
  box: SecretBox;
  templates: () => TemplatesFile;
  providers: ProvidersFile;
  zns: ZnsClient;
  tokens: TokenStore;
  sms: SmsClient;
  clock: Clock;
  logger: Logger;
  quiet: QuietHours | undefined;
  znsMode?: string;
  /** A message still unsent this long after it was queued is marked failed. */
  giveUpAfterMs: number;
  /** A claimed message is reserved this long (> the provider timeout); after a crash it is claimed again. */
  leaseMs: number;
  pollMs: number;
  /** Zalo messages without a delivery webhook after this long are polled with GET /message/status… */
  statusPollAfterMs?: number;
  /** …at most once per this interval, for a day after sending (then the phone is dropped and it stays `sent`). */
  statusPollEveryMs?: number;
  batchSize?: number;
  random?: () => number;
}

interface Row {
  id: string;
  seq: string;
  agency: string;
  channel: 'zalo' | 'sms';
  account: string;
  kind: string;
  ma_ho_so: string;
  dedupe_key: string;
  source_event_id: string;
  phone_hash: string;
  phone_last3: string;
  payload_sealed: string | null;
  attempts: number;
  quota_day: string | null;
  created_at: Date;
}

/**
 * The outbox sender (design.md flow 6). The consumer only records; this loop sends, so a provider outage never
 * blocks consumption and loses nothing. A message is claimed with a lease (status `sending`), never inside a
 * transaction held over the network. A crash after the provider accepted but before the row was updated sends
 * again with the same idempotency key (ZNS `tracking_id`, SMS RequestID), which the providers treat as the same
 * message (§0; ZNS dedupe on tracking_id is [inf], see docs/notifications.md).
 */
export function createOutboxSender(deps: OutboxSenderDeps) {
  const batch = deps.batchSize ?? 20;
  const log = deps.logger.child({ component: 'outbox' });
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let running: Promise<number> | undefined;
  let wakeRequested = false;

  const backoffMs = (attempts: number) =>
    Math.min(3_600_000, 5_000 * 2 ** Math.max(0, attempts - 1)) * (0.8 + 0.2 * (deps.random ?? Math.random)());

  async function claim(now: Date): Promise<Row[]> {
    const r = await deps.pool.query<Row>(
      `UPDATE notif_messages m SET status = 'sending', lease_until = $2, attempts = m.attempts + 1, updated_at = $1
       WHERE m.id IN (SELECT id FROM notif_messages WHERE status IN ('queued', 'sending') AND next_attempt_at <= $1
                        AND (lease_until IS NULL OR lease_until <= $1)
                      ORDER BY next_attempt_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING m.id, m.seq, m.agency, m.channel, m.account, m.kind, m.ma_ho_so, m.dedupe_key, m.source_event_id, m.phone_hash, m.phone_last3,
                 m.payload_sealed, m.attempts, to_char(m.quota_day, 'YYYY-MM-DD') AS quota_day, m.created_at`,
      [now, new Date(now.getTime() + deps.leaseMs), batch],
    );
    return r.rows;
  }

  /** Counts the message against its agency's quota for today, once; false when the quota is used up. */
  async function reserveQuota(m: Row, now: Date): Promise<boolean> {
    if (m.quota_day) return true;
    const quota = agencyTemplates(deps.templates(), m.agency)?.dailyQuota ?? 0;
    const day = vnDay(now);
    const r = await deps.pool.query(
      `WITH up AS (
         INSERT INTO notif_quota_usage (agency, day, used) SELECT $1, $2::date, 1 WHERE $3 > 0
         ON CONFLICT (agency, day) DO UPDATE SET used = notif_quota_usage.used + 1 WHERE notif_quota_usage.used < $3
         RETURNING 1)
       UPDATE notif_messages SET quota_day = $2::date WHERE id = $4 AND EXISTS (SELECT 1 FROM up) RETURNING 1`,
      [m.agency, day, quota, m.id],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async function sendZalo(m: Row, p: MessagePayload): Promise<Decision> {
    if (!p.zalo) return { action: 'failed', reason: 'no Zalo content' };
    const acct = deps.providers.zalo[m.account];
    if (!acct) return { action: 'failed', reason: `Zalo OA ${m.account} not configured` };
    const req = {
      phone: p.phone,
      templateId: p.zalo.templateId,
      templateData: p.zalo.data,
      trackingId: m.id.replace(/-/g, ''),
      ...(deps.znsMode ? { mode: deps.znsMode } : {}),
    };
    let token = await deps.tokens.accessToken(m.account);
    let r = await deps.zns.send({ ...req, accessToken: token });
    if (!r.ok && r.code === ZNS_TOKEN_INVALID) {
      // -124: one refresh, one retry (§1.3); never an SMS.
      log.warn({ messageId: m.id, oa: m.account }, 'ZNS access token refused (-124): refreshing once');
      token = await deps.tokens.forceRefresh(m.account, token);
      r = await deps.zns.send({ ...req, accessToken: token });
    }
    return decideZns(r);
  }

  async function sendSms(m: Row, p: MessagePayload): Promise<Decision> {
    const acct = deps.providers.sms[m.account];
    if (!acct) return { action: 'failed', reason: `SMS account ${m.account} not configured` };
    if (!p.smsText) return { action: 'failed', reason: 'no SMS content' };
    return decideSms(await deps.sms.send(acct, { phone: p.phone, text: p.smsText, requestId: m.seq }));
  }

  async function finish(m: Row, d: Decision, p: MessagePayload | undefined): Promise<void> {
    const now = deps.clock.now();
    const c: PoolClient = await deps.pool.connect();
    try {
      await c.query('BEGIN');
      const expired = now.getTime() - m.created_at.getTime() > deps.giveUpAfterMs;
      if (d.action === 'sent') {
        // Zalo's delivery webhook can arrive before we record the answer (or while a crashed process's answer was
        // lost): a delivery already seen for this msg_id makes the message delivered at once.
        // A Zalo message keeps only the phone (sealed) until delivered, for the status poll; content is dropped.
        const keep = m.channel === 'zalo' && p ? deps.box.seal(JSON.stringify({ phone: p.phone })) : null;
        await c.query(
          `UPDATE notif_messages SET sent_at=$2, provider_msg_id=$3, lease_until=NULL, reason=NULL, updated_at=$2,
             status = CASE WHEN w.msg_id IS NULL THEN 'sent' ELSE 'delivered' END, delivered_at = w.delivery_time,
             payload_sealed = CASE WHEN w.msg_id IS NULL THEN $5 ELSE NULL END
           FROM (SELECT 1) one LEFT JOIN notif_zalo_webhooks w ON w.msg_id = $3 AND $4 = 'zalo'
           WHERE id=$1`,
          [m.id, now, d.providerMsgId ?? null, m.channel, keep],
        );
      } else if (d.action === 'retry' && !expired) {
        await c.query(
          `UPDATE notif_messages SET status='queued', next_attempt_at=$2, lease_until=NULL, reason=$3, updated_at=$4 WHERE id=$1`,
          [m.id, new Date(now.getTime() + backoffMs(m.attempts)), d.reason, now],
        );
      } else if (d.action === 'next-day' && !expired) {
        await c.query(
          `UPDATE notif_messages SET status='queued', next_attempt_at=$2, lease_until=NULL, reason=$3, updated_at=$4 WHERE id=$1`,
          [m.id, notBeforeQuiet(nextVnDayStart(now), deps.quiet), d.reason, now],
        );
      } else {
        const reason = d.action === 'retry' || d.action === 'next-day' ? `gave up: ${d.reason}` : d.reason;
        await c.query(
          `UPDATE notif_messages SET status='failed', payload_sealed=NULL, lease_until=NULL, reason=$2, updated_at=$3 WHERE id=$1`,
          [m.id, reason, now],
        );
        const sms = agencyTemplates(deps.templates(), m.agency)?.smsAccount;
        if (d.action === 'fallback-sms' && p?.smsText && sms) {
          const fb: MessagePayload = { phone: p.phone, smsText: p.smsText };
          await c.query(
            `INSERT INTO notif_messages (id, dedupe_key, source_event_id, kind, ma_ho_so, agency, channel, account, phone_hash, phone_last3, payload_sealed, status,
               next_attempt_at, quota_day, fallback_of, created_at, updated_at)
             VALUES ($1,$2,$3,$4,$5,$6,'sms',$7,$8,$9,$10,'queued',$11,$12::date,$13,$11,$11) ON CONFLICT (dedupe_key) DO NOTHING`,
            [
              randomUUID(),
              createHash('sha256').update(`${m.dedupe_key}\u0000sms-fallback`).digest('hex'),
              m.source_event_id,
              m.kind,
              m.ma_ho_so,
              m.agency,
              sms,
              m.phone_hash,
              m.phone_last3,
              deps.box.seal(JSON.stringify(fb)),
              now,
              m.quota_day,
              m.id,
            ],
          );
        }
        if (d.action === 'failed')
          log.error(
            { messageId: m.id, maHoSo: m.ma_ho_so, channel: m.channel, reason },
            'notification failed: operator attention',
          );
      }
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
    log.info(
      {
        messageId: m.id,
        maHoSo: m.ma_ho_so,
        kind: m.kind,
        channel: m.channel,
        action: d.action,
        ...(d.action !== 'sent' ? { reason: d.reason } : {}),
      },
      'notification attempt',
    );
  }

  async function process(m: Row): Promise<void> {
    const now = deps.clock.now();
    const after = notBeforeQuiet(now, deps.quiet);
    if (after.getTime() > now.getTime()) {
      await deps.pool.query(
        `UPDATE notif_messages SET status='queued', attempts=attempts-1, next_attempt_at=$2, lease_until=NULL, reason='quiet hours' WHERE id=$1`,
        [m.id, after],
      );
      return;
    }
    if (!(await reserveQuota(m, now))) {
      await deps.pool.query(
        `UPDATE notif_messages SET status='queued', attempts=attempts-1, next_attempt_at=$2, lease_until=NULL, reason='agency daily quota used up' WHERE id=$1`,
        [m.id, notBeforeQuiet(nextVnDayStart(now), deps.quiet)],
      );
      return;
    }
    if (!m.payload_sealed) {
      await finish(m, { action: 'failed', reason: 'content missing' }, undefined);
      return;
    }
    const p = JSON.parse(deps.box.open(m.payload_sealed)) as MessagePayload;
    let d: Decision;
    try {
      d = m.channel === 'zalo' ? await sendZalo(m, p) : await sendSms(m, p);
    } catch (err) {
      d = { action: isRetriable(err) ? 'retry' : 'failed', reason: (err as Error).message.slice(0, 300) };
    }
    await finish(m, d, p);
  }

  /**
   * Delivery truth when Zalo's webhook does not come (lost, our endpoint down): poll the status of messages sent a
   * while ago and not yet delivered; after a day stop, drop the phone, and leave them `sent`.
   */
  let lastPoll = 0;
  async function pollStatuses(): Promise<number> {
    const after = deps.statusPollAfterMs ?? 10 * 60_000;
    const every = deps.statusPollEveryMs ?? 10 * 60_000;
    const now = deps.clock.now();
    const since = now.getTime() - lastPoll;
    if (since >= 0 && since < Math.min(every, after)) return 0; // (a clock set back polls at once)
    lastPoll = now.getTime();
    await deps.pool.query(
      `UPDATE notif_messages SET payload_sealed = NULL, updated_at = $1 WHERE channel = 'zalo' AND status = 'sent' AND payload_sealed IS NOT NULL AND sent_at < $2`,
      [now, new Date(now.getTime() - 86_400_000)],
    );
    const rows = (
      await deps.pool.query<{ id: string; account: string; provider_msg_id: string; payload_sealed: string }>(
        `SELECT id, account, provider_msg_id, payload_sealed FROM notif_messages
         WHERE channel = 'zalo' AND status = 'sent' AND payload_sealed IS NOT NULL AND sent_at <= $1 AND (last_polled_at IS NULL OR last_polled_at <= $2)
         ORDER BY sent_at LIMIT 50`,
        [new Date(now.getTime() - after), new Date(now.getTime() - every)],
      )
    ).rows;
    for (const r of rows) {
      try {
        const { phone } = JSON.parse(deps.box.open(r.payload_sealed)) as { phone: string };
        const s = await deps.zns.status({
          accessToken: await deps.tokens.accessToken(r.account),
          msgId: r.provider_msg_id,
          phone,
        });
        if (s.ok && s.deliveredAt) {
          await deps.pool.query(
            `UPDATE notif_messages SET status='delivered', delivered_at=$2, payload_sealed=NULL, last_polled_at=$3, updated_at=$3 WHERE id=$1 AND status='sent'`,
            [r.id, s.deliveredAt, now],
          );
        } else {
          await deps.pool.query('UPDATE notif_messages SET last_polled_at = $2 WHERE id = $1', [r.id, now]);
        }
      } catch (err) {
        log.warn({ err, messageId: r.id }, 'Zalo status poll failed; tried again later');
      }
    }
    return rows.length;
  }

  async function tick(): Promise<number> {
    await pollStatuses().catch((err) => log.warn({ err }, 'Zalo status poll pass failed'));
    const rows = await claim(deps.clock.now());
    await Promise.all(
      rows.map((m) =>
        process(m).catch((err) =>
          log.error({ err, messageId: m.id }, 'notification could not be processed; claimed again after the lease'),
        ),
      ),
    );
    return rows.length;
  }

  const loop = async () => {
    if (stopped) return;
    let n = 0;
    wakeRequested = false;
    try {
      running = tick();
      n = await running;
    } catch (err) {
      log.warn({ err }, 'outbox pass failed');
    } finally {
      running = undefined;
    }
    if (!stopped) timer = setTimeout(loop, n >= batch || wakeRequested ? 0 : deps.pollMs);
  };

  return {
    tick,
    pollStatuses,
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(loop, 0);
    },
    wake() {
      if (stopped) return;
      if (running) {
        wakeRequested = true;
        return;
      }
      if (timer) clearTimeout(timer);
      timer = setTimeout(loop, 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => 0);
    },
  };
}
export type OutboxSender = ReturnType<typeof createOutboxSender>;
