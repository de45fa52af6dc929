import type { Pool } from '@lienthong/platform';

export interface DeadLetterRow {
  id: string;
  dlqTopic: string;
  originalTopic: string;
  consumerGroup: string;
  eventId: string;
  eventType: string | null;
  maHoSo: string | null;
  agency: string | null;
  errorCode: string | null;
  reason: string | null;
  portalCode: string | null;
  attempts: number;
  failures: number;
  firstAt: Date;
  lastAt: Date;
  state: 'open' | 'replaying' | 'replayed';
  replayedAt: Date | null;
  /** Offset of the dead letter in its DLQ topic (what packages/events' replay reports). */
  dlqOffset: string;
}

export interface DeadLetterFilter {
  reason?: string;
  agency?: string;
  maHoSo?: string;
  topic?: string;
  from?: string;
  to?: string;
  includeReplayed?: boolean;
  ids?: string[];
}

const COLS = `dlq_offset, id, dlq_topic, original_topic, consumer_group, event_id, event_type, ma_ho_so, agency, error_code, reason, portal_code, attempts, failures, first_at, last_at, state, replayed_at`;

function toRow(x: Record<string, unknown>): DeadLetterRow {
  return {
    id: String(x.id),
    dlqTopic: x.dlq_topic as string,
    originalTopic: x.original_topic as string,
    consumerGroup: x.consumer_group as string,
    eventId: x.event_id as string,
    eventType: x.event_type as string | null,
    maHoSo: x.ma_ho_so as string | null,
    agency: x.agency as string | null,
    errorCode: x.error_code as string | null,
    reason: x.reason as string | null,
    portalCode: x.portal_code as string | null,
    attempts: x.attempts as number,
    failures: x.failures as number,
    firstAt: x.first_at as Date,
    lastAt: x.last_at as Date,
    state: x.state as DeadLetterRow['state'],
    replayedAt: x.replayed_at as Date | null,
    dlqOffset: String(x.dlq_offset),
  };
}

function whereOf(f: DeadLetterFilter): { sql: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (!f.includeReplayed) where.push(`state <> 'replayed'`);
  if (f.reason)
    where.push(
      `(reason ILIKE $${args.push(`%${f.reason.replace(/[%_\\]/g, (c) => `\\${c}`)}%`)} OR error_code = $${args.length})`,
    );
  if (f.agency) where.push(`agency = $${args.push(f.agency)}`);
  if (f.maHoSo) where.push(`ma_ho_so = $${args.push(f.maHoSo)}`);
  if (f.topic) where.push(`dlq_topic = $${args.push(f.topic)}`);
  if (f.from) where.push(`last_at >= ($${args.push(f.from)}::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'`);
  if (f.to) where.push(`last_at < (($${args.push(f.to)}::date) + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'`);
  if (f.ids) where.push(`id = ANY($${args.push(f.ids.map(Number))}::bigint[])`);
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

export function createDeadLetterStore(pool: Pool) {
  return {
    async list(f: DeadLetterFilter, limit: number): Promise<DeadLetterRow[]> {
      const w = whereOf(f);
      const r = await pool.query(
        `SELECT ${COLS} FROM console_dead_letter ${w.sql} ORDER BY last_at DESC, id DESC LIMIT $${w.args.length + 1}`,
        [...w.args, limit],
      );
      return r.rows.map(toRow);
    },
    async count(f: DeadLetterFilter): Promise<number> {
      const w = whereOf(f);
      const r = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM console_dead_letter ${w.sql}`, w.args);
      return Number(r.rows[0]!.n);
    },
    async topics(): Promise<{ topic: string; open: number }[]> {
      const r = await pool.query<{ dlq_topic: string; open: string }>(
        `SELECT dlq_topic, count(*) FILTER (WHERE state <> 'replayed') AS open FROM console_dead_letter GROUP BY dlq_topic ORDER BY dlq_topic`,
      );
      return r.rows.map((x) => ({ topic: x.dlq_topic, open: Number(x.open) }));
    },
    /** Marks rows as being replayed by an action; returns the rows that were open (others are skipped). */
    async claim(ids: string[], actionId: string): Promise<DeadLetterRow[]> {
      const r = await pool.query(
        `UPDATE console_dead_letter SET state = 'replaying', replay_action = $2 WHERE id = ANY($1::bigint[]) AND state = 'open' RETURNING ${COLS}`,
        [ids.map(Number), actionId],
      );
      return r.rows.map(toRow);
    },
    /** The consumer acknowledged the replay: the dead letter leaves the list (kept as history). */
    async acknowledged(ids: string[]): Promise<void> {
      await pool.query(
        `UPDATE console_dead_letter SET state = 'replayed', replayed_at = now() WHERE id = ANY($1::bigint[]) AND state = 'replaying'`,
        [ids.map(Number)],
      );
    },
    /** The replay was not acknowledged: the dead letter stays, open, as it was. */
    async release(ids: string[]): Promise<void> {
      await pool.query(`UPDATE console_dead_letter SET state = 'open' WHERE id = ANY($1::bigint[]) AND state = 'replaying'`, [
        ids.map(Number),
      ]);
    },
  };
}

export type DeadLetterStore = ReturnType<typeof createDeadLetterStore>;
