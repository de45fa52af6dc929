import { verifyRecordSignature, type CloudEvent, type MessageContext, type SigningKey } from '@lienthong/events';
import { Counter, HubError, type Registry } from '@lienthong/platform';
import { OpsError } from '../errors.js';
import type { ApplyResult, ReadModelStore } from './store.js';

export const DOSSIER_UPSERTED = 'vn.lienthong.dossier.upserted';
export const DOSSIER_PROGRESSED = 'vn.lienthong.dossier.progressed';
export const PAYMENT_SETTLED = 'vn.lienthong.payment.settled';
export const PAYMENT_EXPIRED = 'vn.lienthong.payment.expired';
/**
 * national-sync's outcome of a push the portal accepted: type `vn.lienthong.sync.synced`, `data.outcome`
 * "accepted" (services/national-sync/src/outbox/outcomes.ts; schemas/events/sync-outcome.v1.json).
 */
export const SYNC_SYNCED = 'vn.lienthong.sync.synced';

const MA_HO_SO = /^[A-Za-z0-9.]{1,80}-\d{6}-\d{4,12}$/;

function bad(event: CloudEvent, why: string): OpsError {
  return new OpsError('LT_OPS_BAD_EVENT', `event ${event.id} (${event.type}): ${why}`, {
    kind: 'invalid',
    retriable: false,
    messageVi: `sự kiện không hợp lệ: ${why}`,
  });
}

function objectData(event: CloudEvent): Record<string, unknown> {
  const d = event.data;
  if (d === null || typeof d !== 'object' || Array.isArray(d)) throw bad(event, 'data is not an object');
  return d as Record<string, unknown>;
}

function maHoSoOf(event: CloudEvent, d: Record<string, unknown>, mustMatchSubject: boolean): string {
  const m = d.MaHoSo;
  if (typeof m !== 'string' || !MA_HO_SO.test(m)) throw bad(event, 'MaHoSo missing or malformed');
  if (mustMatchSubject && m !== event.subject) throw bad(event, 'data.MaHoSo differs from the subject');
  return m;
}

/** Postgres refused the values themselves (class 22 data exception, 23 integrity constraint): retrying cannot help. */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

/**
 * The consumer handler of dossier.events.v1, sync.outcomes.v1 and payment.events.v1. A malformed event is
 * dead-lettered (non-retriable), and so is one whose values Postgres refuses (SQLSTATE class 22/23: the
 * same record would be refused forever, and retrying it would hold its partition); any other database
 * failure is retriable, so the runner retries and never commits an offset whose effect is not in Postgres.
 * Event types that are not ours are skipped.
 *
 * Payment settlements and expiries change the Decision 766 figures (paid online), so with `signingKeys`
 * they count only when payments' producer signed them (packages/events signature.ts), as national-sync
 * and notifications require; a forged one is dead-lettered with LT_EVENT_SIGNATURE_INVALID. Without keys
 * (a pilot; refused in production by signingKeysForStart) they are taken as they come.
 */
export function createReadModelHandler(deps: { store: ReadModelStore; metrics?: Registry; signingKeys?: readonly SigningKey[] }) {
  const counter = deps.metrics
    ? new Counter({
        name: 'read_model_events_total',
        help: 'events applied to the read model, by type and result',
        labelNames: ['type', 'result'],
        registers: [deps.metrics],
      })
    : undefined;
  return async function handle(
    event: CloudEvent,
    ctx: Pick<MessageContext, 'offset'> & Partial<Pick<MessageContext, 'value' | 'headers'>>,
  ): Promise<ApplyResult> {
    let result: ApplyResult = 'ignored';
    try {
      switch (event.type) {
        case DOSSIER_UPSERTED: {
          const d = objectData(event);
          const timeMs = Date.parse(event.time);
          if (Number.isNaN(timeMs)) throw bad(event, 'time is not a date');
          result = await deps.store.applySnapshot(maHoSoOf(event, d, true), d, { timeMs, seq: BigInt(ctx.offset) }, event.id);
          break;
        }
        case DOSSIER_PROGRESSED: {
          const d = objectData(event);
          result = await deps.store.applyStep(maHoSoOf(event, d, true), d, event.id);
          break;
        }
        case PAYMENT_SETTLED:
        case PAYMENT_EXPIRED: {
          if (deps.signingKeys) verifyRecordSignature({ value: ctx.value ?? null, headers: ctx.headers }, deps.signingKeys);
          const d = objectData(event);
          if (typeof d.paymentId !== 'string' || d.paymentId.length > 100) throw bad(event, 'paymentId missing');
          const flag =
            typeof d.DuocThanhToanTrucTuyen === 'string' && /^[12]$/.test(d.DuocThanhToanTrucTuyen)
              ? Number(d.DuocThanhToanTrucTuyen)
              : undefined;
          result = await deps.store.applyPayment({
            paymentId: d.paymentId,
            maHoSo: maHoSoOf(event, d, false),
            status: event.type === PAYMENT_SETTLED ? 'settled' : 'expired',
            ...(typeof d.provider === 'string' ? { provider: d.provider.slice(0, 20) } : {}),
            ...(flag ? { paidFlag: flag } : {}),
            ...(typeof d.amount === 'number' ? { amount: d.amount } : {}),
            ...(typeof d.paidAt === 'string' && !Number.isNaN(Date.parse(d.paidAt)) ? { at: d.paidAt } : {}),
          });
          break;
        }
        case SYNC_SYNCED: {
          const d = objectData(event);
          const at = Date.parse(typeof d.at === 'string' ? d.at : event.time);
          if (d.packet === 'DongBoHoSoMC' && d.outcome === 'accepted' && !Number.isNaN(at))
            result = await deps.store.applySyncAccepted(maHoSoOf(event, d, true), at);
          break;
        }
        default:
          result = 'ignored';
      }
    } catch (err) {
      if (err instanceof HubError) throw err;
      if (isDataError(err))
        throw new OpsError('LT_OPS_BAD_EVENT', `event ${event.id} (${event.type}): refused by the read model's schema`, {
          kind: 'invalid',
          retriable: false,
          messageVi: 'sự kiện có giá trị không hợp lệ với mô hình đọc',
          cause: err,
        });
      // Any database failure (Postgres away, a deadlock) is retried by the runner's policy, which keeps the
      // offset uncommitted meanwhile; our own checks ran before, so this is never a malformed event.
      throw new OpsError('LT_OPS_READ_MODEL_WRITE', `read model write failed: ${(err as Error).message}`, {
        kind: 'unavailable',
        retriable: true,
        cause: err,
      });
    }
    counter?.inc({ type: event.type, result });
    return result;
  };
}
