import { ZNS_PHONE_SIDE, ZNS_QUOTA, ZNS_RETRIABLE, ZNS_TOKEN_INVALID, type ZnsResult } from '../zalo/zns-client.js';
import type { SmsResult } from '../sms/sms-client.js';

/** What the outbox does with a message after a send attempt (pure; the channel policy of §1.3 / §0). */
export type Decision =
  | { action: 'sent'; providerMsgId?: string }
  | { action: 'fallback-sms'; reason: string } // phone-side Zalo failure: this message fails, an SMS takes over
  | { action: 'retry'; reason: string } // transient: back off and try again
  | { action: 'next-day'; reason: string } // quota: wait for tomorrow, no SMS
  | { action: 'failed'; reason: string }; // permanent: an operator looks at it

/**
 * ZNS outcome → decision. Phone-side failures (no Zalo account -118, bad number -108, cannot receive/inactive
 * [inf]) fall back to SMS; platform-side ones never do: an invalid token still failing after the one refresh and
 * retry is retried later (it is our problem, not the citizen's), quota waits for the next day, an unknown error
 * (-100) is retried, anything else (template problems) fails for an operator.
 */
export function decideZns(r: ZnsResult): Decision {
  if (r.ok) return { action: 'sent', providerMsgId: r.msgId };
  const reason = `zalo ${r.code}: ${r.message}`;
  if (ZNS_PHONE_SIDE.has(r.code)) return { action: 'fallback-sms', reason };
  if (ZNS_QUOTA.has(r.code)) return { action: 'next-day', reason };
  if (r.code === ZNS_TOKEN_INVALID || ZNS_RETRIABLE.has(r.code)) return { action: 'retry', reason };
  return { action: 'failed', reason };
}

/** SMS gateways only say "queued" (§0): ok = sent; an error text is permanent for this message. */
export function decideSms(r: SmsResult): Decision {
  return r.ok ? { action: 'sent' } : { action: 'failed', reason: r.reason };
}
