import { agencyScopeSql, type ApiClient, type Pool } from '@lienthong/platform';

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
  /** Where the dead letter sits in its DLQ topic: partition and offset together name it. */
  dlqPartition: number;
  dlqOffset: string;
}

/** Whose eyes a query is for: rows of the client's agencies only, agency-less rows for '*' only. */
export type Viewer = Pick<ApiClient, 'agencies'>;

export interface DeadLetterFilter {
  /** Required: every read is scoped to the officer's agencies in the query itself. */
  visibleTo: Viewer;
  reason?: string;
  agency?: string;
  maHoSo?: string;
  topic?: string;
  from?: string;
  to?: string;
  includeReplayed?: boolean;
  ids?: string[];
}

const COLS = `dlq_partition, dlq_offset, id, dlq_topic, original_topic, consumer_group, event_id, event_type, ma_ho_so, agency, error_code, reason, portal_code, attempts, failures, first_at, last_at, state, replayed_at`;

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
    dlqPartition: Number(x.dlq_partition),
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
  const scope = agencyScopeSql(f.visibleTo, 'agency', args.length + 1);
  args.push(...scope.params);
  where.push(scope.sql);
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
    async topics(visibleTo: Viewer): Promise<{ topic: string; open: number }[]> {
      const scope = agencyScopeSql(visibleTo, 'agency', 1);
      const r = await pool.query<{ dlq_topic: string; open: string }>(
        `SELECT dlq_topic, count(*) FILTER (WHERE state <> 'replayed') AS open FROM console_dead_letter WHERE ${scope.sql} GROUP BY dlq_topic ORDER BY dlq_topic`,
        scope.params,
      );
      return r.rows.map((x) => ({ topic: x.dlq_topic, open: Number(x.open) }));
    },
    /**
     * Marks rows as being replayed by an action and returns them, each with the state it had: the open ones,
     * plus the replayed ones only when the operator asked to replay those again (`again`). Rows being
     * replayed by another action, and rows outside the officer's agencies, are never claimed. The row lock
     * of the UPDATE makes two concurrent replays of one row impossible: the second finds it 'replaying'.
     */
    async claim(
      ids: string[],
      actionId: string,
      o: { visibleTo: Viewer; again: boolean },
    ): Promise<(DeadLetterRow & { was: 'open' | 'replayed' })[]> {
      const scope = agencyScopeSql(o.visibleTo, 'd.agency', 4);
      const r = await pool.query(
        `UPDATE console_dead_letter d SET state = 'replaying', replay_action = $2
           FROM (SELECT id, state AS was FROM console_dead_letter WHERE id = ANY($1::bigint[]) FOR UPDATE) prior
          WHERE d.id = prior.id AND (d.state = 'open' OR ($3 AND d.state = 'replayed')) AND ${scope.sql}
         RETURNING ${COLS.split(', ')
           .map((c) => `d.${c}`)
           .join(', ')}, prior.was`,
        [ids.map(Number), actionId, o.again, ...scope.params],
      );
      return r.rows.map((x: Record<string, unknown>) => ({ ...toRow(x), was: x.was as 'open' | 'replayed' }));
    },
    /**
     * The replay was delivered (Kafka committed the republished record, or national-sync accepted the
     * replay request): the dead letter leaves the list, kept as history. That is not yet the consumer
     * having handled it; if it fails again, a new dead letter reopens the row.
     */
    async acknowledged(ids: string[]): Promise<void> {
      await pool.query(
        `UPDATE console_dead_letter SET state = 'replayed', replayed_at = now() WHERE id = ANY($1::bigint[]) AND state = 'replaying'`,
        [ids.map(Number)],
      );
    },
    /** The replay did not go: each row goes back to the state it had (open, or replayed for a re-replay). */
    async release(rows: { id: string; was: 'open' | 'replayed' }[]): Promise<void> {
      for (const was of ['open', 'replayed'] as const) {
        const ids = rows.filter((r) => r.was === was).map((r) => Number(r.id));
        if (ids.length)
          await pool.query(`UPDATE console_dead_letter SET state = $2 WHERE id = ANY($1::bigint[]) AND state = 'replaying'`, [
            ids,
            was,
          ]);
      }
    },
  };
}

export type DeadLetterStore = ReturnType<typeof createDeadLetterStore>;
