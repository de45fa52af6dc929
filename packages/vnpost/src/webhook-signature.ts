import { createSign, createVerify, type KeyObject } from 'node:crypto';

/**
 * MyVNPost status webhook: `{data:[order…], sendDate, signature}`; the signature covers
 * `"MYVNP" + sendDate + itemCode + status` of the FIRST record (vnpost.md §1 "Webhook" [code N3]).
 * The docs say RSA-SHA256 with VNPost's public key [code N3]; VNPost's own Java sample encrypts with
 * RSA/ECB/PKCS1 instead, so one public client tries both. We implement the documented RSA-SHA256
 * signature only [inf: the variant in production is unconfirmed]; the sandbox signs the same way.
 */
export function webhookSigningString(sendDate: string, itemCode: string, status: string | number): string {
  return `MYVNP${sendDate}${itemCode}${String(status)}`;
}

export function signWebhook(privateKey: KeyObject | string, sendDate: string, itemCode: string, status: string | number): string {
  return createSign('RSA-SHA256')
    .update(webhookSigningString(sendDate, itemCode, status), 'utf8')
    .sign(privateKey, 'base64');
}

/** Whether `signature` (base64) is VNPost's over the first record; false on any malformed input. */
export function verifyWebhook(
  publicKey: KeyObject | string,
  signature: unknown,
  sendDate: unknown,
  itemCode: unknown,
  status: unknown,
): boolean {
  if (typeof signature !== 'string' || signature.length === 0 || signature.length > 2048) return false;
  if (typeof sendDate !== 'string' || typeof itemCode !== 'string') return false;
  if (typeof status !== 'string' && typeof status !== 'number') return false;
  try {
    return createVerify('RSA-SHA256')
      .update(webhookSigningString(sendDate, itemCode, status), 'utf8')
      .verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}
