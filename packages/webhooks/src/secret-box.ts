import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { webhookErrors } from './errors.js';

/**
 * Webhook secrets must be readable by the hub (it signs with them), so they cannot be hashed; they are sealed
 * with AES-256-GCM under WEBHOOKS_SECRET_KEY so that a database dump alone does not let anyone forge deliveries.
 * Format: `v1.<iv b64url>.<tag b64url>.<ciphertext b64url>`.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export function parseSecretKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw webhookErrors.badKey();
  return key;
}

export function createSecretBox(keyText: string): SecretBox {
  const key = parseSecretKey(keyText);
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    open(sealed) {
      const [v, iv, tag, ct] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || ct === undefined) throw webhookErrors.sealedCorrupt();
      try {
        const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        d.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
      } catch (err) {
        throw Object.assign(webhookErrors.sealedCorrupt(), { cause: err });
      }
    },
  };
}
