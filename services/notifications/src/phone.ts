import { createHmac } from 'node:crypto';

/**
 * Vietnamese mobile numbers as Zalo and the SMS gateways take them: `84` + 9 digits, no `+` or leading 0
 * (notifications-receipts.md §1.1, §3.1). Returns undefined for anything that is not one.
 */
export function toMsisdn84(phone: string): string | undefined {
  const digits = phone.replace(/[\s.()-]/g, '');
  const m = /^(?:\+?84|0)(\d{9})$/.exec(digits);
  return m ? `84${m[1]}` : undefined;
}

/** The ledger's form of a phone: a keyed hash (HMAC-SHA256, never reversible without the key) and the last three digits. */
export function phoneFingerprint(key: Buffer, msisdn: string): { hash: string; last3: string } {
  return { hash: createHmac('sha256', key).update(`phone:${msisdn}`).digest('hex'), last3: msisdn.slice(-3) };
}
