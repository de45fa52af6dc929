import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import { HubError, type ConfigProperty, type Logger } from '@lienthong/platform';
import { headerNames, headerValue } from './headers.js';

/**
 * Producer signatures on Kafka records (issue 17 §2): a consumer accepts a record only if a producer holding
 * the shared key wrote it. Kafka ACLs say who may write a topic; this says who wrote *this record*, and it
 * survives a dead-letter and a replay (the header travels with the value).
 *
 * Header `lt-signature: v1;kid=<key id>;sig=<base64url HMAC-SHA256>`. The MAC covers
 * `lt-signature-v1\n<sha256 hex of the record value>`: the value is the whole structured-mode CloudEvent
 * (id, type, source, subject, time, data), so none of it can change without breaking the signature.
 * Keys are a list (rotation): the producer signs with the first; consumers accept any key in their list
 * whose id the header names. Rotate by adding the new key to every consumer's list, then putting it first
 * on the producer, then removing the old one.
 */
export interface SigningKey {
  id: string;
  secret: Buffer;
}

const KEY_SPEC = /^[A-Za-z0-9._-]{1,40}:[A-Za-z0-9+/_=-]{43,}$/;
const HEADER = /^v1;kid=([A-Za-z0-9._-]{1,40});sig=([A-Za-z0-9_-]{43})$/;

/** Config declaration of the shared keys (payments signs with the first; consumers of payment.events.v1 verify). */
export const eventSigningConfigProperties = {
  EVENT_SIGNING_KEYS: {
    type: 'string',
    minLength: 1,
    secret: true,
    pattern: '^[A-Za-z0-9._-]{1,40}:[A-Za-z0-9+/_=-]{43,}(,[A-Za-z0-9._-]{1,40}:[A-Za-z0-9+/_=-]{43,})*$',
    description:
      'HMAC keys of signed event records, "<id>:<base64 of at least 32 random bytes>", comma-separated; the first signs, all verify (rotation). Generate: openssl rand -base64 32',
  },
} as const satisfies Record<string, ConfigProperty>;

/** Parses `id:base64,id:base64…`; throws LT_CONFIG_INVALID naming the bad entry's position (never its value). */
export function parseSigningKeys(spec: string): SigningKey[] {
  const keys: SigningKey[] = [];
  const parts = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  parts.forEach((part, i) => {
    if (!KEY_SPEC.test(part)) {
      throw new HubError('LT_CONFIG_INVALID', `EVENT_SIGNING_KEYS entry ${i + 1} is not "<id>:<base64 secret>"`, {
        kind: 'invalid',
        messageVi: `khóa ký sự kiện thứ ${i + 1} không đúng dạng`,
      });
    }
    const at = part.indexOf(':');
    const secret = Buffer.from(
      part
        .slice(at + 1)
        .replace(/-/g, '+')
        .replace(/_/g, '/'),
      'base64',
    );
    if (secret.length < 32) {
      throw new HubError('LT_CONFIG_INVALID', `EVENT_SIGNING_KEYS entry ${i + 1} has fewer than 32 bytes of secret`, {
        kind: 'invalid',
        messageVi: `khóa ký sự kiện thứ ${i + 1} quá ngắn`,
      });
    }
    keys.push({ id: part.slice(0, at), secret });
  });
  if (keys.length === 0) throw new HubError('LT_CONFIG_INVALID', 'EVENT_SIGNING_KEYS is empty', { kind: 'invalid' });
  return keys;
}

/**
 * The signing keys a service starts with (payments signs; national-sync and notifications verify fee
 * settlements). Unset is a transition state for a pilot (settlements travel unsigned, and a consumer cannot
 * tell a forged one): it is logged as a warning naming `consequence` — and refused when NODE_ENV is
 * production, where an unsigned settlement path would let anyone able to write to Kafka mark a fee paid.
 * This is a safety refusal, the one kind of NODE_ENV switch conventions §3 allows.
 */
export function signingKeysForStart(opts: {
  spec: string | undefined;
  nodeEnv: string | undefined;
  logger: Pick<Logger, 'warn'>;
  /** What happens without keys, for the warning and the refusal (English). */
  consequence: string;
}): SigningKey[] | undefined {
  if (opts.spec) return parseSigningKeys(opts.spec);
  if (opts.nodeEnv === 'production')
    throw new HubError('LT_CONFIG_INVALID', `EVENT_SIGNING_KEYS is required when NODE_ENV is production: ${opts.consequence}`, {
      kind: 'invalid',
      messageVi: 'Môi trường production bắt buộc cấu hình EVENT_SIGNING_KEYS (khóa ký sự kiện thanh toán)',
    });
  opts.logger.warn({ setting: 'EVENT_SIGNING_KEYS' }, opts.consequence);
  return undefined;
}

function mac(key: SigningKey, value: Buffer | string): Buffer {
  const digest = createHash('sha256').update(value).digest('hex');
  return createHmac('sha256', key.secret).update(`lt-signature-v1\n${digest}`).digest();
}

/** The `lt-signature` header value for a record value, signed with the first key. */
export function signRecordValue(value: Buffer | string, keys: readonly SigningKey[]): string {
  const key = keys[0];
  if (!key) throw new HubError('LT_CONFIG_INVALID', 'no signing key', { kind: 'internal' });
  return `v1;kid=${key.id};sig=${mac(key, value).toString('base64url')}`;
}

function refused(why: string): HubError {
  return new HubError('LT_EVENT_SIGNATURE_INVALID', `record signature refused: ${why}`, {
    kind: 'invalid',
    retriable: false,
    messageVi: `chữ ký bản ghi không hợp lệ: ${why}`,
  });
}

/**
 * Throws LT_EVENT_SIGNATURE_INVALID (not retriable: the consumer runner dead-letters the record with this
 * reason) unless `headers` carry a valid signature of `value` by one of `keys`. With no keys configured every
 * record is refused: a consumer that must check signatures never accepts what it cannot check.
 */
export function verifyRecordSignature(
  record: { value: Buffer | string | null; headers: IHeaders | undefined },
  keys: readonly SigningKey[] | undefined,
): void {
  if (!keys || keys.length === 0) throw refused('no EVENT_SIGNING_KEYS configured, so no signature can be checked');
  const header = headerValue(record.headers, headerNames.signature);
  if (header === undefined) throw refused(`no ${headerNames.signature} header (not written by the signing producer)`);
  const m = HEADER.exec(header);
  if (!m) throw refused(`malformed ${headerNames.signature} header`);
  const key = keys.find((k) => k.id === m[1]);
  if (!key) throw refused(`unknown key id ${m[1]}`);
  if (record.value === null) throw refused('record has no value');
  const expected = mac(key, record.value);
  const given = Buffer.from(m[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw refused(`signature does not match (key ${key.id})`);
}
