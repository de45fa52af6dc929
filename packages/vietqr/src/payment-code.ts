import { randomBytes } from 'node:crypto';

/** Crockford base32 without I, L, O, U: nothing a citizen or a bank's OCR confuses. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A short payment code for the transfer text: `LT` + 8 base32 characters (40 random bits), 10 ASCII
 * characters in all — short enough that banks which truncate the transfer text keep it, distinctive
 * enough to find inside whatever the bank prefixes (reference §4.4: ≤ 20 chars, word-boundary match) [inf].
 * Uniqueness is the ledger's: a unique index refuses a repeat and the caller draws again (services/payments
 * payment-creator.ts). Repeats are expected, not freak events: against n codes already issued a draw repeats
 * one with probability n/2^40, and by the birthday bound some repeat among n codes is likely from n ≈ 2^20.
 */
export function newPaymentCode(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(5);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return `LT${out}`;
}

const CODE = /(?:^|[^A-Z0-9])(LT[0-9A-HJKMNP-TV-Z]{8})(?![A-Z0-9])/g;

/**
 * Every payment code found in a bank's transfer text (reference §4.4): diacritics stripped, upper-cased,
 * matched on word boundaries (the bank may prefix "MBVCB.123.", append the sender's name, or drop spaces).
 */
export function findPaymentCodes(transferText: string): string[] {
  const plain = transferText
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'D')
    .toUpperCase();
  const found = new Set<string>();
  for (const m of plain.matchAll(CODE)) found.add(m[1]!);
  return [...found];
}
