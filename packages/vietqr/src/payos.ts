import { createHmac } from 'node:crypto';
import { hexSignatureEquals } from './hex.js';

/**
 * payOS signatures [PO1] (reference vnptpay-vietqr.md §4.1). The webhook signature is hex HMAC-SHA256
 * (checksumKey) over `key=value` pairs of `data` sorted by key, joined with `&`, no URL-encoding; null,
 * undefined, "null" and "undefined" become ""; arrays are JSON with each element's keys sorted.
 */
export function payosDataString(data: Readonly<Record<string, unknown>>): string {
  return Object.keys(data)
    .filter((k) => data[k] !== undefined)
    .sort()
    .map((k) => `${k}=${payosValue(data[k])}`)
    .join('&');
}

function payosValue(v: unknown): string {
  if (v === null || v === undefined || v === 'null' || v === 'undefined') return '';
  if (Array.isArray(v))
    return JSON.stringify(v.map((e) => (e && typeof e === 'object' ? sortKeys(e as Record<string, unknown>) : e)));
  if (typeof v === 'object') return JSON.stringify(sortKeys(v as Record<string, unknown>));
  return String(v);
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
}

export function payosSignature(checksumKey: string, data: Readonly<Record<string, unknown>>): string {
  return createHmac('sha256', checksumKey).update(payosDataString(data), 'utf8').digest('hex');
}

/** The create-payment-link signature: these 5 fields only, raw values [PO1]. */
export function payosCreateSignature(
  checksumKey: string,
  r: { amount: number; cancelUrl: string; description: string; orderCode: number; returnUrl: string },
): string {
  const s = `amount=${r.amount}&cancelUrl=${r.cancelUrl}&description=${r.description}&orderCode=${r.orderCode}&returnUrl=${r.returnUrl}`;
  return createHmac('sha256', checksumKey).update(s, 'utf8').digest('hex');
}

/** A verified incoming transfer, whatever the aggregator. */
export interface IncomingTransfer {
  /** The aggregator's own transaction id: the dedupe key. */
  providerTxnId: string;
  amount: number;
  /** The transfer text as the bank delivered it. */
  text: string;
  /** Beneficiary account as reported (checked against the agency's). */
  account: string;
  /** Whether money came in (payOS: data.code 00; SePay: transferType in). */
  incoming: boolean;
  occurredAt?: string;
}

export type TransferCheck =
  { ok: true; transfer: IncomingTransfer } | { ok: false; reason: 'malformed' | 'bad_signature'; message: string };

/**
 * Verifies a payOS webhook body `{code, desc, success, data, signature}` with the checksum key (constant
 * time) and reads the transfer. Paid iff the signature holds and `data.code` = `00` [PO1].
 */
export function verifyPayosWebhook(body: unknown, checksumKey: string): TransferCheck {
  if (!isRecord(body) || !isRecord(body.data))
    return { ok: false, reason: 'malformed', message: 'payOS webhook needs an object data' };
  const d = body.data;
  if (!hexSignatureEquals(payosSignature(checksumKey, d), body.signature))
    return { ok: false, reason: 'bad_signature', message: 'signature does not match' };
  const ref = typeof d.reference === 'string' || typeof d.reference === 'number' ? String(d.reference) : '';
  const amount = d.amount;
  if (!ref || ref.length > 100 || typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0)
    return { ok: false, reason: 'malformed', message: 'data.reference and an integer data.amount are required' };
  return {
    ok: true,
    transfer: {
      providerTxnId: ref,
      amount,
      text: typeof d.description === 'string' ? d.description.slice(0, 500) : '',
      account: typeof d.accountNumber === 'string' ? d.accountNumber : '',
      incoming: d.code === '00',
      ...(typeof d.transactionDateTime === 'string' ? { occurredAt: d.transactionDateTime } : {}),
    },
  };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
