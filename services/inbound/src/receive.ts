import { createHash } from 'node:crypto';
import { HubError, withTransaction, type Logger, type Pool, type PoolClient } from '@lienthong/platform';
import { createEvent, type CloudEvent, type EventProducer } from '@lienthong/events';
import { validatePacket, type PacketKind } from '@lienthong/standard';
import { extractAttachments, storeAttachments } from './attachments.js';
import { InboundErrorCodes } from './errors.js';

export const INBOUND_EVENT_SCHEMA = 'https://lienthong.gov.vn/schemas/events/inbound-packet.v1.json';

/** The inbound calls of reference §6, with the packet kind that validates each and the event it becomes. */
export const inboundKinds = {
  create: {
    packetKind: 'dvcqg-inbound-create',
    type: 'vn.lienthong.inbound.dossier-created',
    operation: 'createdossierfromdvcqg',
  },
  amend: { packetKind: 'dvcqg-inbound-amend', type: 'vn.lienthong.inbound.dossier-amended', operation: 'nhanhsdvcqg' },
  'tax-notice': { packetKind: 'dvcqg-inbound-tax-notice', type: 'vn.lienthong.inbound.tax-notice', operation: 'nhantbthuedvcqg' },
} as const satisfies Record<string, { packetKind: PacketKind; type: string; operation: string }>;
export type InboundKind = keyof typeof inboundKinds;

export interface ReceiveOutcome {
  result: 'accepted' | 'duplicate';
  maHoSo: string;
  refKey: string;
  eventId: string;
  agency: string | null;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** JSON with sorted keys: the same packet always hashes the same, whatever the sender's key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/**
 * The refId of duplicate detection (reply error_code 1 "duplicate refId" [code S4]). The reference names
 * the MaHoSo as refId for a registration [code S4]; for the other kinds the key is ours [inf]: an amendment
 * is the MaHoSo plus a hash of its content (one dossier is amended many times; the same amendment resent is
 * a duplicate), a tax notice is the MaHoSo, MaThongBaoThue and TrangThaiThanhToan (a payment-status change
 * of the same notice is news, its resend is not).
 */
export function refKeyOf(kind: InboundKind, p: Record<string, unknown>): string {
  const maHoSo = String(p.MaHoSo);
  if (kind === 'create') return `create:${maHoSo}`;
  if (kind === 'amend') return `amend:${maHoSo}:${sha(canonical(p)).slice(0, 32)}`;
  const info = (p.ThongTinThanhToan ?? {}) as Record<string, unknown>;
  return `tax-notice:${maHoSo}:${String(info.MaThongBaoThue ?? '')}:${String(p.TrangThaiThanhToan ?? '')}`;
}

/**
 * Publishes an inbound packet once per refId: the packet's row is upserted and stays locked until the end, so a
 * retry arriving while the first call is still publishing waits for it and is then a duplicate; the row is marked
 * published only after Kafka committed the event (acks=all, in a transaction), and if Kafka does not acknowledge,
 * the transaction rolls back: nothing is recorded, the caller retries. `beforePublish` runs inside the transaction
 * (attachments stored with the row). Used for the portal's calls and for the questions polled from it.
 */
export async function publishOnce(
  deps: Pick<ReceiverDeps, 'pool' | 'producer' | 'topic'>,
  p: { refKey: string; kind: string; subject: string; agency: string | null; event: CloudEvent },
  beforePublish?: (c: PoolClient) => Promise<void>,
): Promise<'accepted' | 'duplicate'> {
  return withTransaction(deps.pool, async (c) => {
    const row = await c.query<{ state: string }>(
      `INSERT INTO inbound_packets (ref_key, kind, ma_ho_so, agency, event_id, event, state) VALUES ($1, $2, $3, $4, $5, $6, 'received')
       ON CONFLICT (ref_key) DO UPDATE SET attempts = inbound_packets.attempts + 1 RETURNING state`,
      [p.refKey, p.kind, p.subject, p.agency, p.event.id, JSON.stringify(p.event)],
    );
    if (row.rows[0]?.state === 'published') return 'duplicate' as const;
    await beforePublish?.(c);
    try {
      await deps.producer.publish(deps.topic, [p.event]);
    } catch (err) {
      throw new HubError(
        InboundErrorCodes.UNAVAILABLE,
        'Kafka did not acknowledge the inbound packet; nothing was recorded, retry',
        {
          kind: 'unavailable',
          retriable: true,
          cause: err,
          messageVi: 'Hệ thống tạm thời chưa ghi nhận được gói tin, vui lòng gửi lại',
        },
      );
    }
    await c.query(`UPDATE inbound_packets SET state = 'published', published_at = now() WHERE ref_key = $1`, [p.refKey]);
    return 'accepted' as const;
  });
}

export interface ReceiverDeps {
  pool: Pool;
  producer: EventProducer;
  /** national.inbound.v1 under the namespace. */
  topic: string;
  route: (packet: Record<string, unknown>) => string | undefined;
  maxAttachmentBytes: number;
  logger: Logger;
}

/**
 * Receives one inbound call. The answer "accepted" is given only after the event is committed on Kafka
 * (acks=all, in a transaction): the row of the refId is upserted first and stays locked until the end,
 * so a portal retry arriving while the first call is still publishing waits for it and is then answered
 * "duplicate" — one record on Kafka whatever the portal's retries. If Kafka does not acknowledge, the
 * transaction rolls back: nothing is recorded, the portal is told to retry (error_code −1, HTTP 503).
 */
export function createReceiver(deps: ReceiverDeps) {
  const log = deps.logger.child({ component: 'inbound-receiver' });
  return async function receive(kind: InboundKind, body: unknown): Promise<ReceiveOutcome> {
    const spec = inboundKinds[kind];
    const v = validatePacket(spec.packetKind, body);
    if (!v.ok) {
      throw new HubError(
        InboundErrorCodes.INVALID_PACKET,
        `${spec.operation}: the packet does not conform to the national standard`,
        {
          kind: 'invalid',
          messageVi: `${spec.operation}: gói tin không đúng chuẩn`,
          details: v.errors
            .slice(0, 50)
            .map((e) => ({ path: e.path, code: e.code, message: e.message, message_en: e.message_en })),
        },
      );
    }
    const packet = v.value as Record<string, unknown>;
    const maHoSo = String(packet.MaHoSo);
    const refKey = refKeyOf(kind, packet);
    const { packet: stripped, files } = extractAttachments(packet, deps.maxAttachmentBytes);
    const agency = deps.route(packet) ?? null;
    const eventId = `inbound-${sha(refKey).slice(0, 40)}`;
    const warnings = (v as { warnings?: unknown[] }).warnings ?? [];
    const event = createEvent({
      id: eventId,
      source: 'urn:lienthong:inbound',
      type: spec.type,
      subject: maHoSo,
      dataschema: INBOUND_EVENT_SCHEMA,
      data: {
        kind,
        refKey,
        agency,
        receivedAt: new Date().toISOString(),
        packet: stripped,
        ...(warnings.length ? { warnings } : {}),
      },
    });
    const result = await publishOnce(deps, { refKey, kind, subject: maHoSo, agency, event }, (c) =>
      storeAttachments(c, refKey, files),
    );
    log.info({ kind, maHoSo, agency, result, attachments: files.length }, 'inbound packet');
    return { result, maHoSo, refKey, eventId, agency };
  };
}
