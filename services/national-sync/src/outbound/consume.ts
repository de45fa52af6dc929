import { checkPromotionStatusData } from '@lienthong/dvcqg';
import type { CloudEvent, MessageContext } from '@lienthong/events';
import type { Pool } from '@lienthong/platform';
import { schemaIds, validatePacket, type NationalOutboundEvent, type ValidationIssue } from '@lienthong/standard';
import { ledgerError, SyncError, SyncErrorCodes } from '../errors.js';
import type { SyncMetrics } from '../metrics.js';
import { recordOutbound, replayOutbound } from './ledger.js';
import type { OutboundKind, OutboundVersion } from './rows.js';

/** Event types on national.outbound.v1 (services/inbound publishes them; docs/events.md). */
export const OUTBOUND_EVENT_TYPES: Readonly<Record<OutboundKind, string>> = Object.freeze({
  'qa-answer': 'vn.lienthong.outbound.qa-answer',
  'promotion-status': 'vn.lienthong.outbound.promotion-status',
});
const kindOfType = new Map(Object.entries(OUTBOUND_EVENT_TYPES).map(([k, t]) => [t, k as OutboundKind]));

function badEvent(event: CloudEvent, why: string): SyncError {
  return new SyncError(SyncErrorCodes.BAD_EVENT, `event ${event.id} (${event.type}): ${why}`, {
    kind: 'invalid',
    retriable: false,
    messageVi: `sự kiện gửi Cổng DVCQG không hợp lệ: ${why}`,
  });
}

/** Paths and codes only: values may be personal data or an answer's text. */
const describe = (issues: readonly ValidationIssue[]) =>
  issues
    .slice(0, 5)
    .map((i) => `${i.path || '/'} ${i.code}`)
    .join('; ');

export interface CheckedOutbound {
  kind: OutboundKind;
  key: string;
  agency: string;
  event: CloudEvent<NationalOutboundEvent>;
  version: OutboundVersion;
}

/**
 * Checks what the ledger and the portal rely on. Inbound validated the packet before publishing; a record on the
 * topic is still untrusted input (any producer with access could write it), so the envelope is checked against
 * schemas/events/national-outbound.v1.json and the packet against the national schema again, and the identities
 * must agree: the subject is HOIDAP-<HOIDAPID> (answer) or the DVCQG MaHoSo (status), the answer's MADONVI is the
 * agency. A wrong record is dead-lettered (not retriable), never pushed.
 */
export function checkOutboundEvent(event: CloudEvent, offset: string): CheckedOutbound {
  const kind = kindOfType.get(event.type);
  if (!kind) throw badEvent(event, 'not an outbound event type');
  if (event.dataschema !== schemaIds.nationalOutboundEvent)
    throw badEvent(event, `dataschema is not ${schemaIds.nationalOutboundEvent}`);
  const env = validatePacket('event-national-outbound', event.data);
  if (!env.ok) throw badEvent(event, `data does not conform: ${describe(env.errors)}`);
  const data = env.value as NationalOutboundEvent;
  if (data.kind !== kind) throw badEvent(event, `data.kind ${data.kind} does not match the type`);
  const timeMs = Date.parse(event.time);
  if (Number.isNaN(timeMs)) throw badEvent(event, 'time is not a date');
  const seq = BigInt(offset);
  if (kind === 'qa-answer') {
    const r = validatePacket('hoi-dap-answer', data.packet);
    if (!r.ok) throw badEvent(event, `packet is not a DongBoKetQuaHoiDapGuiTuDVCQG item: ${describe(r.errors)}`);
    if ((r.value as unknown[]).length !== 1) throw badEvent(event, 'packet must be one answer');
    const item = (r.value as Record<string, unknown>[])[0]!;
    if (item.HOIDAPID !== data.key || event.subject !== `HOIDAP-${data.key}`)
      throw badEvent(event, 'HOIDAPID, key and subject disagree');
    if (item.MADONVI !== data.agency) throw badEvent(event, 'MADONVI is not the agency of the event');
    return {
      kind,
      key: data.key,
      agency: data.agency,
      event: { ...event, data: { ...data, packet: item } },
      version: { rank: '', timeMs, seq },
    };
  }
  const r = checkPromotionStatusData(data.packet);
  if (!r.ok) throw badEvent(event, `packet is not a DongBoTrangThaiHoSo type 2 data object: ${describe(r.errors)}`);
  if (r.packet.MaHoSo !== data.key || event.subject !== data.key) throw badEvent(event, 'MaHoSo, key and subject disagree');
  return {
    kind,
    key: data.key,
    agency: data.agency,
    event: { ...event, data: { ...data, packet: r.packet } },
    version: { rank: String(r.packet.NgayXuLy), timeMs, seq },
  };
}

/**
 * Consumer handler of national.outbound.v1: records the packet in the ledger and returns, so the offset is
 * committed once the work is durable (at-least-once; recording is idempotent by version). A redelivered or
 * replayed older version changes nothing (never regress). A replayed dead letter (`ctx.replayOf`, the generic
 * replay of the console or the CLI) is an operator's request: after recording, the key is replayed — its newest
 * version goes out again, whatever was given up on. Other event types are not ours and are skipped.
 */
export function createOutboundHandler(deps: { pool: Pool; metrics: SyncMetrics; onRecorded: () => void }) {
  return async function handle(event: CloudEvent, ctx: Pick<MessageContext, 'offset' | 'log' | 'replayOf'>): Promise<void> {
    if (!kindOfType.has(event.type)) {
      deps.metrics.ingested(event.type, 'ignored');
      return;
    }
    const c = checkOutboundEvent(event, ctx.replayOf?.offset ?? ctx.offset);
    const r = await recordOutbound(deps.pool, c);
    deps.metrics.ingested(event.type, r);
    if (r === 'stale') ctx.log.debug({ kind: c.kind, key: c.key }, 'older outbound packet skipped');
    if (ctx.replayOf) {
      await replayOutbound(deps.pool, c.kind, c.key).catch((err: unknown) => {
        throw ledgerError(err, 'replay outbound packet');
      });
      ctx.log.info({ kind: c.kind, key: c.key }, 'outbound packet replayed from its dead letter');
    }
    deps.onRecorded();
  };
}
