import { backoffDelay, type Logger, type Pool, type RetryPolicy } from '@lienthong/platform';
import { createEvent, type CloudEvent, type EventProducer } from '@lienthong/events';
import { schemaIds, validatePacket } from '@lienthong/standard';
import { rowOf } from './audit-log.js';
import type { AuditRow } from './chain.js';

const LOCK = "hashtext('lienthong-citizen-audit-outbox')";
const POLICY: RetryPolicy = { maxAttempts: Infinity, minDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0.3 };

const RESULT: Record<AuditRow['outcome'], 'found' | 'not-found' | 'denied' | 'error'> = {
  found: 'found',
  match: 'found',
  'not-found': 'not-found',
  'no-match': 'not-found',
  refused: 'denied',
  error: 'error',
};

/**
 * The `vn.lienthong.citizen.looked-up` event of a row (schemas/events/citizen-lookup-audited.v1.json), or
 * undefined when the row cannot make a valid one: a refusal before any subject or dossier was named (no
 * purpose, malformed MaHoSo) has no MaHoSo/subjectHash, which the event schema requires. Those rows stay in
 * the table (and in the chain); docs/citizen-data.md lists this gap.
 */
export function auditEvent(r: AuditRow): CloudEvent | undefined {
  if (!r.maHoSo || !r.subjectHash || !r.subjectType) return undefined;
  const data = {
    lookupId: r.lookupId,
    subjectType: r.subjectType,
    subjectHash: r.subjectHash,
    clientId: r.clientId,
    ...(r.officerId ? { officerId: r.officerId } : {}),
    purpose: `${r.operation} MaTTHC=${r.maTTHC ?? ''}`.slice(0, 500),
    MaHoSo: r.maHoSo,
    at: r.at.toISOString(),
    result: RESULT[r.outcome],
    ...(r.peerCode ? { peerErrorCode: r.peerCode.slice(0, 20) } : {}),
    cached: false,
  };
  if (!validatePacket('event-citizen-lookup-audited', data).ok) return undefined;
  return createEvent({
    id: r.lookupId,
    source: 'urn:lienthong:citizen-data',
    type: 'vn.lienthong.citizen.looked-up',
    subject: r.maHoSo,
    dataschema: schemaIds.citizenLookupAuditedEvent,
    data,
    time: r.at,
  });
}

export interface AuditOutbox {
  start(): void;
  kick(): void;
  /** Publishes everything waiting; resolves with the rows passed (published or unpublishable). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Publishes the audit log to citizen.audit.v1 in seq order (transactional outbox: the row is the outbox,
 * `citizen_audit_published.last_seq` the cursor). Kafka being away loses nothing: rows wait in the table
 * and leave, in order, once it is back. A crash between Kafka's commit and the cursor update re-sends
 * events with the same id (the lookupId), which consumers drop.
 */
export function createAuditOutbox(opts: {
  pool: Pool;
  producer: EventProducer;
  topic: string;
  logger: Logger;
  intervalMs: number;
  onUnpublishable?: (n: number) => void;
}): AuditOutbox {
  const log = opts.logger.child({ component: 'audit-outbox' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  let failures = 0;

  async function passOnce(): Promise<{ passed: number; more: boolean }> {
    const c = await opts.pool.connect();
    try {
      await c.query('BEGIN');
      if (!((await c.query(`SELECT pg_try_advisory_xact_lock(${LOCK}) AS ok`)).rows[0] as { ok: boolean }).ok) {
        await c.query('COMMIT');
        return { passed: 0, more: false };
      }
      const last = Number(
        ((await c.query('SELECT last_seq FROM citizen_audit_published WHERE id = 1 FOR UPDATE')).rows[0] as { last_seq: string })
          .last_seq,
      );
      const rows = (await c.query('SELECT * FROM citizen_audit WHERE seq > $1 ORDER BY seq LIMIT 500', [last])).rows.map((r) =>
        rowOf(r as Record<string, unknown>),
      );
      if (rows.length === 0) {
        await c.query('COMMIT');
        return { passed: 0, more: false };
      }
      const events = rows.map(auditEvent);
      const publishable = events.filter((e): e is CloudEvent => e !== undefined);
      if (publishable.length > 0) await opts.producer.publish(opts.topic, publishable);
      if (publishable.length < rows.length) opts.onUnpublishable?.(rows.length - publishable.length);
      await c.query('UPDATE citizen_audit_published SET last_seq = $1, updated_at = now() WHERE id = 1', [
        rows[rows.length - 1]!.seq,
      ]);
      await c.query('COMMIT');
      return { passed: rows.length, more: rows.length === 500 };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  function tick(): void {
    timer = undefined;
    void outbox.drain().then(
      () => {
        failures = 0;
        schedule(opts.intervalMs);
      },
      (err) => {
        const delay = backoffDelay(POLICY, ++failures);
        log.warn(
          { err: { code: (err as { code?: unknown }).code, message: (err as Error).message }, failures, retryInMs: delay },
          'audit events not published yet; they wait in the audit table',
        );
        schedule(delay);
      },
    );
  }
  const outbox: AuditOutbox = {
    start() {
      stopped = false;
      schedule(0);
    },
    kick() {
      if (!stopped && !running && failures === 0) schedule(0);
    },
    drain() {
      running ??= (async () => {
        try {
          let total = 0;
          for (;;) {
            const { passed, more } = await passOnce();
            total += passed;
            if (!more) return total;
          }
        } finally {
          running = undefined;
        }
      })();
      return running;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => 0);
    },
  };
  return outbox;
}
