import { createHash } from 'node:crypto';
import { HubError, withTransaction, type Logger, type Pool, type PoolClient } from '@lienthong/platform';
import { createEvent, type CloudEvent, type EventProducer } from '@lienthong/events';
import { schemaIds, type NationalOutboundEvent } from '@lienthong/standard';
import { InboundErrorCodes } from './errors.js';

/** Event types on national.outbound.v1 (national-sync consumes them: services/national-sync/src/outbound/). */
export const OUTBOUND_EVENT_TYPES = Object.freeze({
  'qa-answer': 'vn.lienthong.outbound.qa-answer',
  'promotion-status': 'vn.lienthong.outbound.promotion-status',
} as const);
export type OutboundKind = keyof typeof OUTBOUND_EVENT_TYPES;

export interface OutboundReport {
  /** qa-answer:<HOIDAPID>, or promotion-status:<MaHoSo>:<hash of the report>. */
  refKey: string;
  kind: OutboundKind;
  /** HOIDAPID, or the DVCQG MaHoSo. */
  key: string;
  /** The data's own agency, from what inbound recorded from the portal. */
  agency: string;
  /** The portal-ready packet (validated by the caller against the national schema). */
  packet: Record<string, unknown>;
  reportedStatus?: string;
  /** API client id. */
  submittedBy: string;
}

interface ReportRow {
  ref_key: string;
  kind: OutboundKind;
  key: string;
  agency: string;
  packet: Record<string, unknown>;
  reported_status: string | null;
  event_id: string;
  submitted_by: string;
  accepted_at: Date;
  published_at: Date | null;
}

const eventIdOf = (refKey: string) => `outbound-${createHash('sha256').update(refKey).digest('hex').slice(0, 40)}`;

/**
 * The CloudEvent of a report, rebuilt from its row the same way every time (id from the refKey, time = when it was
 * accepted): a retry after a Kafka failure publishes an identical record. Subject: HOIDAP-<HOIDAPID> for an answer
 * (the question's subject on national.inbound.v1), the DVCQG MaHoSo for a status — the Kafka key, so one key's
 * reports stay in order.
 */
function eventOf(row: ReportRow): CloudEvent<NationalOutboundEvent> {
  return createEvent<NationalOutboundEvent>({
    id: row.event_id,
    source: 'urn:lienthong:inbound',
    type: OUTBOUND_EVENT_TYPES[row.kind],
    subject: row.kind === 'qa-answer' ? `HOIDAP-${row.key}` : row.key,
    dataschema: schemaIds.nationalOutboundEvent,
    time: row.accepted_at,
    data: {
      kind: row.kind,
      key: row.key,
      agency: row.agency,
      acceptedAt: row.accepted_at.toISOString(),
      submittedBy: row.submitted_by,
      ...(row.reported_status ? { reportedStatus: row.reported_status as NationalOutboundEvent['reportedStatus'] } : {}),
      packet: row.packet,
    },
  });
}

export interface PublishOutcome {
  result: 'accepted' | 'duplicate';
  eventId: string;
  /** For a duplicate: the packet published the first time (an answer compares it with the one sent now). */
  packet: Record<string, unknown>;
  acceptedAt: Date;
}

/**
 * Publishes each report once, the way inbound publishes the portal's packets (receive.ts publishOnce): the row is
 * inserted and stays locked until Kafka acknowledged the event (acks=all, in a transaction), and only then is the
 * transaction committed and the caller answered 202. Kafka down: the transaction rolls back, nothing is recorded, the
 * caller is told 503 and sends again. The same refKey again (a provincial system's retry, or a concurrent duplicate
 * that waited on the row lock) publishes nothing and returns the first packet. A row carried over unpublished (the
 * migration of inbound's old answer ledger) is published on its first touch.
 */
export function createOutboundPublisher(deps: { pool: Pool; producer: EventProducer; topic: string; logger: Logger }) {
  const log = deps.logger.child({ component: 'outbound-publisher' });

  async function publishRow(c: PoolClient, row: ReportRow): Promise<void> {
    try {
      await deps.producer.publish(deps.topic, [eventOf(row)]);
    } catch (err) {
      throw new HubError(InboundErrorCodes.UNAVAILABLE, 'Kafka did not acknowledge the report; nothing was recorded, retry', {
        kind: 'unavailable',
        retriable: true,
        cause: err,
        messageVi: 'Hệ thống tạm thời chưa ghi nhận được, vui lòng gửi lại',
      });
    }
    await c.query('UPDATE outbound_reports SET published_at = now() WHERE ref_key = $1', [row.ref_key]);
  }

  async function publish(r: OutboundReport): Promise<PublishOutcome> {
    return withTransaction(deps.pool, async (c) => {
      const ins = await c.query<ReportRow>(
        `INSERT INTO outbound_reports (ref_key, kind, key, agency, packet, reported_status, event_id, submitted_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (ref_key) DO NOTHING RETURNING *`,
        [
          r.refKey,
          r.kind,
          r.key,
          r.agency,
          JSON.stringify(r.packet),
          r.reportedStatus ?? null,
          eventIdOf(r.refKey),
          r.submittedBy,
        ],
      );
      const fresh = ins.rows[0];
      if (fresh) {
        await publishRow(c, fresh);
        log.info({ kind: r.kind, key: r.key, agency: r.agency }, 'report published for the portal');
        return { result: 'accepted', eventId: fresh.event_id, packet: fresh.packet, acceptedAt: fresh.accepted_at };
      }
      const prev = (await c.query<ReportRow>('SELECT * FROM outbound_reports WHERE ref_key = $1 FOR UPDATE', [r.refKey]))
        .rows[0]!;
      if (prev.published_at === null) await publishRow(c, prev);
      return { result: 'duplicate', eventId: prev.event_id, packet: prev.packet, acceptedAt: prev.accepted_at };
    });
  }

  /** Publishes the rows carried over unpublished (at start); returns how many went out. */
  async function publishCarriedOver(): Promise<number> {
    const r = await deps.pool.query<{ ref_key: string }>(
      'SELECT ref_key FROM outbound_reports WHERE published_at IS NULL ORDER BY accepted_at LIMIT 1000',
    );
    let n = 0;
    for (const { ref_key } of r.rows) {
      await withTransaction(deps.pool, async (c) => {
        const row = (
          await c.query<ReportRow>('SELECT * FROM outbound_reports WHERE ref_key = $1 AND published_at IS NULL FOR UPDATE', [
            ref_key,
          ])
        ).rows[0];
        if (row) {
          await publishRow(c, row);
          n++;
        }
      });
    }
    if (n) log.info({ published: n }, 'reports carried over from the old answer ledger published');
    return n;
  }

  /** The report of a refKey, as recorded. */
  async function read(refKey: string): Promise<ReportRow | undefined> {
    return (await deps.pool.query<ReportRow>('SELECT * FROM outbound_reports WHERE ref_key = $1', [refKey])).rows[0];
  }

  return { publish, publishCarriedOver, read };
}

export type OutboundPublisher = ReturnType<typeof createOutboundPublisher>;
