import { validateDossierBatch, validateProgressBatch, type ValidationResult } from '@lienthong/standard';
import type { CloudEvent, MessageContext } from '@lienthong/events';
import type { Logger } from '@lienthong/platform';
import { SyncError, SyncErrorCodes } from '../errors.js';
import type { LedgerIngest } from '../ledger/ingest.js';
import type { SyncMetrics } from '../metrics.js';
import { versionOf, type Version } from '../version.js';

export const DOSSIER_UPSERTED = 'vn.lienthong.dossier.upserted';
export const DOSSIER_PROGRESSED = 'vn.lienthong.dossier.progressed';

export interface DossierEventHandlerDeps {
  ingest: LedgerIngest;
  metrics: SyncMetrics;
  logger: Logger;
  /** Called after an event was recorded (wakes the pusher). */
  onRecorded: () => void;
}

function badEvent(event: CloudEvent, why: string): SyncError {
  return new SyncError(SyncErrorCodes.BAD_EVENT, `event ${event.id} (${event.type}): ${why}`, {
    kind: 'invalid',
    retriable: false,
    messageVi: `sự kiện hồ sơ không hợp lệ: ${why}`,
  });
}

/** The first few issues by path and code only: values may be personal data. */
function describeIssues(r: ValidationResult<unknown>): string {
  return r.errors
    .slice(0, 5)
    .map((i) => `${i.path || '/'} ${i.code}`)
    .join('; ');
}

/**
 * Checks what ingest relies on. The gateway validated the packet before publishing; we check again
 * because a record on the topic is untrusted input (any producer with access could write it) and an
 * invalid packet would only be refused later by the portal, further from whoever can fix it.
 */
export function checkDossierEvent(event: CloudEvent, offset: string): { maHoSo: string; version: Version } {
  const data = event.data as { MaHoSo?: unknown } | null;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw badEvent(event, 'data is not an object');
  if (data.MaHoSo !== event.subject) throw badEvent(event, 'data.MaHoSo differs from the subject (the Kafka key)');
  const version = versionOf(event.time, offset);
  if (!version) throw badEvent(event, 'time is not a date');
  const r = event.type === DOSSIER_UPSERTED ? validateDossierBatch(data) : validateProgressBatch(data);
  if (!r.ok) throw badEvent(event, `packet does not conform to ${event.dataschema}: ${describeIssues(r)}`);
  return { maHoSo: event.subject, version };
}

/**
 * Consumer handler of dossier.events.v1: records each event in the ledger and returns, so the offset is
 * committed only once the work is durable (at-least-once; recording is idempotent by version and by step
 * content). Pushing is the pusher's job: a slow or failing portal never holds the partition up. Events
 * of other types on the topic (e.g. overdue notices) are not ours and are skipped.
 */
export function createDossierEventHandler(deps: DossierEventHandlerDeps) {
  return async function handle(event: CloudEvent, ctx: Pick<MessageContext, 'offset' | 'log' | 'replayOf'>): Promise<void> {
    if (event.type !== DOSSIER_UPSERTED && event.type !== DOSSIER_PROGRESSED) {
      deps.metrics.ingested(event.type, 'ignored');
      return;
    }
    // A replayed dead letter (packages/events replayDeadLetters) keeps the version it had: its first offset.
    const { maHoSo, version } = checkDossierEvent(event, ctx.replayOf?.offset ?? ctx.offset);
    if (event.type === DOSSIER_UPSERTED) {
      const r = await deps.ingest.recordSnapshot(maHoSo, event, version);
      deps.metrics.ingested(event.type, r);
      // A stale snapshot (older than the ledger's) is skipped: that is the never-regress rule at ingest.
      if (r === 'stale') ctx.log.debug({ maHoSo }, 'stale snapshot skipped');
    } else {
      const r = await deps.ingest.recordStep(maHoSo, event, version);
      deps.metrics.ingested(event.type, r);
    }
    deps.onRecorded();
  };
}
