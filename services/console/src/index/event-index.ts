import type { Kafka, KafkaMessage } from 'kafkajs';
import { decodeEvent, dlqOf, headerNames, topicNames, type CloudEvent } from '@lienthong/events';
import type { Logger, Pool } from '@lienthong/platform';
import { isAgencyCode, validateDossierBatch, validateProgressBatch } from '@lienthong/standard';

/**
 * The standard's warnings (inferred rules: never a refusal) of an accepted packet, as code and path only.
 * The gateway returns them with its 202 but does not put them in the event; the index recomputes them with
 * the same package, so they match what the gateway said when both run the same version of
 * packages/standard [inf: a gateway on an older version may have said less].
 */
function warningsOf(type: string, data: unknown): string | undefined {
  try {
    const r =
      type === 'vn.lienthong.dossier.upserted'
        ? validateDossierBatch(data)
        : type === 'vn.lienthong.dossier.progressed'
          ? validateProgressBatch(data)
          : undefined;
    const w = r?.warnings ?? [];
    return w.length
      ? w
          .slice(0, 20)
          .map((x) => `${x.code} ${x.path}`)
          .join('; ')
      : undefined;
  } catch {
    return undefined;
  }
}

/** A row of the console's event index, as pages and the live feed read it. */
export interface IndexedEvent {
  topic: string;
  eventId: string;
  type: string;
  subject: string;
  maHoSo: string | null;
  agency: string | null;
  procedure: string | null;
  status: string | null;
  owner: string | null;
  summary: Record<string, unknown>;
  time: Date;
}

const str = (v: unknown, max = 200): string | null => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : null);

/** The agency of a dossier is its MaHoSo prefix (architecture.md decision 3). */
export const agencyOf = (maHoSo: string | null): string | null =>
  maHoSo && maHoSo.includes('-') ? maHoSo.slice(0, maHoSo.indexOf('-')) : null;

/**
 * The agency a dead letter belongs to, from the letter's own content only (never from who asks): the
 * prefix of its MaHoSo (data, subject or key) when that is an agency code, else an agency field of the
 * event's data (`agencyCode` of payment and deadline events, `agency` of inbound packets). A payment id or
 * a question key as the key gives none. Null when nothing names one: such a letter is shown to, and
 * replayable by, province-wide ('*') officers only.
 */
export function deadLetterAgency(d: Record<string, unknown>, maHoSo: string | null): string | null {
  const prefix = agencyOf(maHoSo);
  if (prefix && isAgencyCode(prefix)) return prefix;
  for (const v of [d.agencyCode, d.agency]) if (typeof v === 'string' && isAgencyCode(v)) return v;
  return null;
}

type IndexedTopic = 'dossierEvents' | 'syncOutcomes' | 'paymentEvents' | 'nationalInbound';

/** Only what a page shows: never the packet, never personal data beyond the applicant's name. */
export function summarize(topicKey: IndexedTopic, e: CloudEvent): Omit<IndexedEvent, 'topic'> {
  const d = (e.data && typeof e.data === 'object' ? e.data : {}) as Record<string, unknown>;
  const base = { eventId: e.id, type: e.type, subject: e.subject ?? '', time: new Date(e.time ?? Date.now()) };
  if (topicKey === 'dossierEvents') {
    const maHoSo = str(d.MaHoSo) ?? str(e.subject);
    return {
      ...base,
      maHoSo,
      agency: agencyOf(maHoSo),
      procedure: str(d.MaTTHC, 50),
      status: str(d.TrangThaiHoSo, 10),
      owner: str(d.ChuHoSo) ?? str(d.HoTenNguoiNop),
      summary: {
        ...pick(d, [
          'TenTTHC',
          'NgayTiepNhan',
          'NgayHenTra',
          'NgayKetThucXuLy',
          'MaTrangThai',
          'TrangThaiHoSo',
          'TrangThai',
          'NoiDungXuLy',
          'ThoiDiemXuLy',
          'PhongBanXuLy',
          'DonViXuLy',
        ]),
        ...(warningsOf(e.type, e.data) ? { warnings: warningsOf(e.type, e.data) } : {}),
      },
    };
  }
  if (topicKey === 'syncOutcomes') {
    const maHoSo = str(d.MaHoSo) ?? str(e.subject);
    return {
      ...base,
      maHoSo,
      agency: agencyOf(maHoSo),
      procedure: null,
      status: str(d.outcome, 30),
      owner: null,
      summary: pick(d, [
        'packet',
        'outcome',
        'attempts',
        'portalErrorCode',
        'portalMessage',
        'errorCode',
        'at',
        'nextAttemptAt',
        'nextRetryAt',
        'durationMs',
        'sourceEventId',
      ]),
    };
  }
  if (topicKey === 'nationalInbound') {
    // What the portal sent (services/inbound, schemas/events/inbound-packet.v1.json): the dossier's packets
    // are keyed by MaHoSo; a citizen's question (subject HOIDAP-<id>) belongs to no dossier. The packet itself
    // (applicant, contacts, attachments) is never indexed: kind, key and the procedure only.
    const packet = (d.packet && typeof d.packet === 'object' ? d.packet : {}) as Record<string, unknown>;
    const maHoSo = d.kind === 'question' ? null : (str(packet.MaHoSo) ?? str(e.subject));
    return {
      ...base,
      maHoSo,
      agency: str(d.agency, 50) ?? agencyOf(maHoSo),
      procedure: str(packet.MaTTHC, 50),
      status: str(d.kind, 20),
      owner: null,
      summary: pick(d, ['kind', 'refKey', 'receivedAt']),
    };
  }
  const maHoSo = str(d.MaHoSo);
  return {
    ...base,
    maHoSo,
    agency: str(d.agencyCode, 50) ?? agencyOf(maHoSo),
    procedure: null,
    status: e.type.split('.').pop() ?? null,
    owner: null,
    summary: pick(d, ['paymentId', 'provider', 'amount', 'settledBy', 'paidAt', 'late', 'reason', 'expiredAt']),
  };
}

function pick(d: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = d[k];
    if (v === undefined || v === null) continue;
    out[k] =
      typeof v === 'string'
        ? v.slice(0, 1_000)
        : typeof v === 'number' || typeof v === 'boolean'
          ? v
          : JSON.stringify(v).slice(0, 1_000);
  }
  return out;
}

function headersOf(m: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {}))
    if (v !== undefined) out[k] = (Array.isArray(v) ? v[0] : v)?.toString() ?? '';
  return out;
}

export interface EventIndexOptions {
  kafka: Kafka;
  pool: Pool;
  logger: Logger;
  namespace: string;
  groupId: string;
  /** Called with what each batch added (the live feed). */
  onIndexed?: (rows: IndexedEvent[]) => void;
  onDeadLetter?: () => void;
}

/**
 * The console's index of the hub's topics: one consumer group reads dossier events, sync outcomes,
 * payment events and every dead-letter topic once, as they arrive, into Postgres. Pages then find a
 * dossier's story or a dead letter by indexed columns (console-anchors.md §f.1: AKHQ takes 10–40 s to
 * find one key by scanning; an index answers in milliseconds). Rows are keyed by topic/partition/offset,
 * so a redelivered batch changes nothing. The index is read-only with respect to the hub: it never
 * publishes, and a message it cannot decode is skipped (counted in the log), never dead-lettered.
 */
export function createEventIndex(opts: EventIndexOptions) {
  const names = topicNames(opts.namespace);
  const byTopic = new Map<string, IndexedTopic>([
    [names.dossierEvents, 'dossierEvents'],
    [names.syncOutcomes, 'syncOutcomes'],
    [names.paymentEvents, 'paymentEvents'],
    [names.nationalInbound, 'nationalInbound'],
  ]);
  const dlqs = Object.values(names).map(dlqOf);
  const log = opts.logger.child({ component: 'event-index' });
  const consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout: 30_000,
    maxWaitTimeInMs: 500,
    readUncommitted: false,
  });
  let started = false;

  async function indexEvents(topic: string, partition: number, messages: KafkaMessage[]): Promise<IndexedEvent[]> {
    const key = byTopic.get(topic)!;
    const rows: IndexedEvent[] = [];
    const values: unknown[] = [];
    const tuples: string[] = [];
    const replays: { group: string; partition: number; offset: string }[] = [];
    for (const m of messages) {
      const h = headersOf(m);
      const at = /^(\d{1,7}):(\d{1,19})$/.exec(h[headerNames.replayDlqOffset] ?? '');
      const group = h[headerNames.replayGroup];
      if (at && group) replays.push({ group: group.slice(0, 300), partition: Number(at[1]), offset: at[2]! });
      let e: CloudEvent;
      try {
        e = decodeEvent(m.value);
      } catch (err) {
        log.warn({ topic, partition, offset: m.offset, err: (err as Error).message }, 'undecodable event skipped by the index');
        continue;
      }
      const s = summarize(key, e);
      rows.push({ topic, ...s });
      const p = values.length;
      values.push(
        topic,
        partition,
        m.offset,
        s.eventId,
        s.type,
        s.subject,
        s.maHoSo,
        s.agency,
        s.procedure,
        s.status,
        s.owner,
        JSON.stringify(s.summary),
        s.time.toISOString(),
      );
      tuples.push(`(${Array.from({ length: 13 }, (_, i) => `$${p + i + 1}`).join(',')})`);
    }
    if (tuples.length) {
      await opts.pool.query(
        `INSERT INTO console_event (topic, partition, "offset", event_id, type, subject, ma_ho_so, agency, procedure, status, owner, summary, event_time)
         VALUES ${tuples.join(',')} ON CONFLICT DO NOTHING`,
        values,
      );
    }
    if (replays.length) {
      // A dead letter republished by packages/events' replay (the console's, or the CLI's, which knows
      // nothing of the console): the record names its letter (lt-replay-dlq-offset = DLQ partition:offset)
      // and group. Its open row is marked replayed, so the console never replays it a second time unasked.
      // A row that failed again since points at its newer letter and does not match.
      const marked = await opts.pool.query(
        `UPDATE console_dead_letter d SET state = 'replayed', replayed_at = now()
           FROM jsonb_to_recordset($2::jsonb) AS r("group" text, "partition" int, "offset" bigint)
          WHERE d.dlq_topic = $1 AND d.consumer_group = r."group" AND d.dlq_partition = r."partition"
            AND d.dlq_offset = r."offset" AND d.state = 'open'`,
        [dlqOf(topic), JSON.stringify(replays)],
      );
      if (marked.rowCount) opts.onDeadLetter?.();
    }
    return rows;
  }

  async function indexDeadLetters(topic: string, partition: number, messages: KafkaMessage[]): Promise<void> {
    for (const m of messages) {
      const h = headersOf(m);
      let e: CloudEvent | undefined;
      try {
        e = decodeEvent(m.value);
      } catch {
        e = undefined;
      }
      const originalTopic = h['dlq-original-topic'] ?? topic.replace(/\.dlq$/, '');
      const eventId =
        e?.id ?? h['ce-id'] ?? `${originalTopic}:${h['dlq-original-partition'] ?? '?'}:${h['dlq-original-offset'] ?? m.offset}`;
      const d = (e?.data && typeof e.data === 'object' ? e.data : {}) as Record<string, unknown>;
      const maHoSo =
        str(d.MaHoSo) ?? (e?.type.startsWith('vn.lienthong.dossier.') ? str(e.subject) : null) ?? str(m.key?.toString());
      const at =
        h['dlq-time'] && !Number.isNaN(Date.parse(h['dlq-time'])) ? new Date(h['dlq-time']) : new Date(Number(m.timestamp));
      const attempts = Number.parseInt(h['dlq-attempts'] ?? '1', 10);
      // A newer dead letter of the same event (it failed again after a replay) reopens the row with the
      // new failure; an older one (re-read after a restart) changes nothing.
      await opts.pool.query(
        `INSERT INTO console_dead_letter (dlq_topic, original_topic, consumer_group, event_id, event_type, ma_ho_so, agency, error_code, reason, portal_code, attempts, first_at, last_at, dlq_partition, dlq_offset)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12,$13,$14)
         ON CONFLICT (dlq_topic, original_topic, consumer_group, event_id) DO UPDATE SET
           error_code = EXCLUDED.error_code, reason = EXCLUDED.reason, portal_code = EXCLUDED.portal_code,
           attempts = EXCLUDED.attempts, last_at = EXCLUDED.last_at, failures = console_dead_letter.failures + 1,
           dlq_partition = EXCLUDED.dlq_partition, dlq_offset = EXCLUDED.dlq_offset, state = 'open', replayed_at = NULL
         WHERE (EXCLUDED.dlq_partition, EXCLUDED.dlq_offset) > (console_dead_letter.dlq_partition, console_dead_letter.dlq_offset)`,
        [
          topic,
          originalTopic,
          h['dlq-group'] ?? 'unknown',
          eventId.slice(0, 300),
          e?.type ?? null,
          maHoSo,
          deadLetterAgency(d, maHoSo),
          str(h['dlq-error-code'], 100),
          str(h['dlq-reason'], 2_000),
          str(h['dlq-portal-code'], 50),
          Number.isFinite(attempts) && attempts > 0 ? attempts : 1,
          at.toISOString(),
          partition,
          m.offset,
        ],
      );
    }
  }

  return {
    topics: [...byTopic.keys(), ...dlqs],
    async start(): Promise<void> {
      await consumer.connect();
      await consumer.subscribe({ topics: [...byTopic.keys(), ...dlqs], fromBeginning: true });
      await consumer.run({
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch, heartbeat }) => {
          if (batch.messages.length === 0) return;
          if (byTopic.has(batch.topic)) {
            const rows = await indexEvents(batch.topic, batch.partition, batch.messages);
            if (rows.length) opts.onIndexed?.(rows);
          } else {
            await indexDeadLetters(batch.topic, batch.partition, batch.messages);
            opts.onDeadLetter?.();
          }
          await heartbeat();
        },
      });
      started = true;
    },
    running: () => started,
    async stop(): Promise<void> {
      await consumer.disconnect().catch(() => {});
    },
  };
}

export type EventIndex = ReturnType<typeof createEventIndex>;
