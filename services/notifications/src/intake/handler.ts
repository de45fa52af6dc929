import { createHash, randomUUID } from 'node:crypto';
import type { CloudEvent, MessageContext } from '@lienthong/events';
import { withTransaction, type Clock, type Logger, type Pool } from '@lienthong/platform';
import type { SecretBox, Webhooks } from '@lienthong/webhooks';
import { agencyTemplates, render, type NotificationKind, type Placeholder, type TemplatesFile } from '../templates.js';
import { phoneFingerprint, toMsisdn84 } from '../phone.js';
import { classify, kindOfStatus, ONCE_PER_DOSSIER, statusLabel } from './classify.js';
import type { MessagePayload } from '../outbox/payload.js';
import type { Receipts } from '../receipts/receipts.js';
import { PAYMENT_SETTLED } from './classify.js';

export interface IntakeDeps {
  pool: Pool;
  box: SecretBox;
  phoneKey: Buffer;
  templates: () => TemplatesFile;
  webhooks: Pick<Webhooks, 'enqueue'>;
  clock: Clock;
  logger: Logger;
  /** Electronic receipts: queues one per settled payment in the same transaction. */
  receipts?: Pick<Receipts, 'queue'>;
  /** Wakes the outbox sender after a commit that queued messages. */
  onQueued?: () => void;
}

export const dedupeKey = (parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex');

/**
 * The consumer's handler: one transaction per event records what the hub knows of the dossier (last status,
 * sealed contact, placeholders), queues the citizen's messages in the outbox, and queues the webhook
 * deliveries (an event that is only forwarded — a dossier sync outcome — records nothing). Idempotent across redeliveries and restarts: a status already recorded announces nothing, and
 * every message has a dedupe key (dossier, kind, occurrence, citizen, channel) the table holds unique.
 * Nothing personal is logged: the dossier code and the kind only.
 */
export function createIntakeHandler(deps: IntakeDeps) {
  return async (event: CloudEvent, ctx: MessageContext): Promise<void> => {
    const intake = classify(event);
    if (!intake) return;
    if (intake.webhookOnly) {
      if (intake.webhook)
        await withTransaction(deps.pool, (c) =>
          deps.webhooks.enqueue(c, event as unknown as Parameters<Webhooks['enqueue']>[1], intake.agency),
        );
      return;
    }
    const queued = await withTransaction(deps.pool, async (c) => {
      const now = deps.clock.now();
      const prev = (
        await c.query<{ last_status: string | null; contact_sealed: string | null; context: Record<string, string> }>(
          'SELECT last_status, contact_sealed, context FROM notif_dossiers WHERE ma_ho_so = $1 FOR UPDATE',
          [intake.maHoSo],
        )
      ).rows[0];
      let contact = prev?.contact_sealed
        ? (JSON.parse(deps.box.open(prev.contact_sealed)) as { phone?: string; name?: string })
        : {};
      if (intake.contact) contact = { ...contact, ...intake.contact };
      const context = { ...(prev?.context ?? {}), ...intake.context };
      const statusChanged = intake.status !== undefined && intake.status !== prev?.last_status;
      const lastStatus = intake.status ?? prev?.last_status ?? null;
      await c.query(
        `INSERT INTO notif_dossiers (ma_ho_so, agency, last_status, contact_sealed, context, updated_at) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (ma_ho_so) DO UPDATE SET last_status = EXCLUDED.last_status, contact_sealed = EXCLUDED.contact_sealed, context = EXCLUDED.context, updated_at = EXCLUDED.updated_at`,
        [
          intake.maHoSo,
          intake.agency,
          lastStatus,
          contact.phone || contact.name ? deps.box.seal(JSON.stringify(contact)) : null,
          context,
          now,
        ],
      );
      const kind: NotificationKind | undefined = intake.kind ?? (statusChanged ? kindOfStatus(intake.status!) : undefined);
      let n = 0;
      if (kind) n = await queueMessages(c, kind, intake.occurrence ?? (ONCE_PER_DOSSIER.has(kind) ? '' : event.id));
      if (deps.receipts && event.type === PAYMENT_SETTLED) {
        await deps.receipts.queue(c, event.id, (event.data ?? {}) as Record<string, unknown>, contact.name, undefined);
      }
      if (intake.webhook) await deps.webhooks.enqueue(c, event as unknown as Parameters<Webhooks['enqueue']>[1], intake.agency);
      return n;

      async function queueMessages(client: typeof c, k: NotificationKind, occurrence: string): Promise<number> {
        const agency = agencyTemplates(deps.templates(), intake!.agency);
        const t = agency?.events[k];
        if (!agency || !t) {
          ctx.log.debug({ maHoSo: intake!.maHoSo, kind: k }, 'no template for this agency and kind: nothing sent');
          return 0;
        }
        const msisdn = contact.phone ? toMsisdn84(contact.phone) : undefined;
        if (!msisdn) {
          ctx.log.info({ maHoSo: intake!.maHoSo, kind: k }, 'no usable phone for the applicant: nothing sent');
          return 0;
        }
        const values: Partial<Record<Placeholder, string>> = {
          ...context,
          ...intake!.values,
          MaHoSo: intake!.maHoSo,
          ChuHoSo: contact.name ?? '',
          TrangThai: statusLabel(lastStatus ?? undefined),
          ...(agency.name ? { TenCoQuan: agency.name } : {}),
        };
        const smsText = t.sms ? render(t.sms.text, values) : undefined;
        const channel = t.zalo ? 'zalo' : 'sms';
        const payload: MessagePayload = t.zalo
          ? {
              phone: msisdn,
              zalo: {
                templateId: t.zalo.templateId,
                data: Object.fromEntries(Object.entries(t.zalo.data).map(([key, v]) => [key, render(v, values)])),
              },
              ...(smsText ? { smsText } : {}),
            }
          : { phone: msisdn, smsText: smsText! };
        const fp = phoneFingerprint(deps.phoneKey, msisdn);
        const r = await client.query(
          `INSERT INTO notif_messages (id, dedupe_key, source_event_id, kind, ma_ho_so, agency, channel, account, phone_hash, phone_last3, payload_sealed, status, next_attempt_at, created_at, updated_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,'queued',$12,$12,$12) ON CONFLICT (dedupe_key) DO NOTHING`,
          [
            randomUUID(),
            dedupeKey([intake!.maHoSo, k, occurrence, fp.hash, channel]),
            event.id,
            k,
            intake!.maHoSo,
            intake!.agency,
            channel,
            channel === 'zalo' ? agency.zaloOa! : agency.smsAccount!,
            fp.hash,
            fp.last3,
            deps.box.seal(JSON.stringify(payload)),
            deps.clock.now(),
          ],
        );
        return r.rowCount ?? 0;
      }
    });
    if (queued > 0) {
      ctx.log.info({ maHoSo: intake.maHoSo, queued }, 'notification queued');
      deps.onQueued?.();
    }
  };
}
