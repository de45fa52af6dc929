import { verifyRecordSignature, type CloudEvent, type MessageContext, type SigningKey } from '@lienthong/events';
import { PAYMENT_SETTLED } from './fee-settlement.js';

/**
 * Only the payments service may tell national-sync that a fee was paid (issue 17 §2): a settlement puts
 * "paid online" and a fee list on the dossier at the national portal, so a record on payment.events.v1 that
 * anyone with write access to the topic could forge must not be enough. payments signs every record it
 * publishes with EVENT_SIGNING_KEYS (packages/events signature.ts, HMAC over the whole CloudEvent); a
 * settlement without a valid signature — none, malformed, unknown key id, wrong MAC, or no keys configured
 * here — is refused with LT_EVENT_SIGNATURE_INVALID, which the consumer runner dead-letters with that reason
 * (not retriable: the record will never become valid). Other event types on the topic are not ours and
 * pass through to the handler, which ignores them.
 */
export function requireSignedSettlements<C>(
  handle: (event: CloudEvent, ctx: C) => Promise<void>,
  keys: readonly SigningKey[] | undefined,
): (event: CloudEvent, ctx: C & Pick<MessageContext, 'value' | 'headers'>) => Promise<void> {
  return async (event, ctx) => {
    if (event.type === PAYMENT_SETTLED) verifyRecordSignature({ value: ctx.value, headers: ctx.headers }, keys);
    await handle(event, ctx);
  };
}
