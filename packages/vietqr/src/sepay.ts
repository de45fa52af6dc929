import { isRecord, type TransferCheck } from './payos.js';
import { secretEquals } from './hex.js';

/**
 * SePay webhook [SE1][SE2] (reference vnptpay-vietqr.md §4.2): POST JSON `{id, gateway, transactionDate,
 * accountNumber, subAccount, code, content, transferType, description, transferAmount, referenceCode,
 * accumulated}`, authenticated here by `Authorization: Apikey <key>` (one of SePay's documented modes; its
 * HMAC mode's string-to-sign was not captured, §7). `id` is the dedupe key; money came in iff
 * `transferType` = `in`. The reply SePay expects is 2xx `{"success": true}` within 30 s.
 */
export function verifySepayWebhook(authorization: unknown, body: unknown, apiKey: string): TransferCheck {
  const m = typeof authorization === 'string' ? /^Apikey (\S{1,512})$/i.exec(authorization) : null;
  if (!m || !secretEquals(apiKey, m[1]))
    return { ok: false, reason: 'bad_signature', message: 'Authorization: Apikey does not match' };
  if (!isRecord(body)) return { ok: false, reason: 'malformed', message: 'not a JSON object' };
  const id = body.id;
  const amount = body.transferAmount;
  if (
    typeof id !== 'number' ||
    !Number.isSafeInteger(id) ||
    id < 0 ||
    typeof amount !== 'number' ||
    !Number.isSafeInteger(amount) ||
    amount < 0
  )
    return { ok: false, reason: 'malformed', message: 'integer id and transferAmount are required' };
  const text = [body.code, body.content, body.description]
    .filter((x): x is string => typeof x === 'string')
    .join(' ')
    .slice(0, 1000);
  return {
    ok: true,
    transfer: {
      providerTxnId: String(id),
      amount,
      text,
      account:
        typeof body.subAccount === 'string' && body.subAccount
          ? body.subAccount
          : typeof body.accountNumber === 'string'
            ? body.accountNumber
            : '',
      incoming: body.transferType === 'in',
      ...(typeof body.transactionDate === 'string' ? { occurredAt: body.transactionDate } : {}),
    },
  };
}
