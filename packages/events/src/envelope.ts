import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import { HubError } from '@lienthong/platform';

/**
 * CloudEvents 1.0, JSON structured mode (design.md, Contracts). The whole envelope is the Kafka value;
 * the Kafka key is `subject` (the MaHoSo or the payment id), so one dossier's events stay in order.
 */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  /** `urn:lienthong:<service>` */
  source: string;
  /** `vn.lienthong.<entity>.<happened>` */
  type: string;
  subject: string;
  /** RFC 3339 */
  time: string;
  datacontenttype: 'application/json';
  /** `$id` of the JSON Schema that `data` conforms to. */
  dataschema: string;
  data: T;
}

export interface NewEvent<T> {
  source: string;
  type: string;
  subject: string;
  dataschema: string;
  data: T;
  id?: string;
  time?: Date;
}

export function createEvent<T>(e: NewEvent<T>): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: e.id ?? randomUUID(),
    source: e.source,
    type: e.type,
    subject: e.subject,
    time: (e.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    dataschema: e.dataschema,
    data: e.data,
  };
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validateEnvelope = ajv.compile({
  type: 'object',
  required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'data'],
  properties: {
    specversion: { const: '1.0' },
    id: { type: 'string', minLength: 1, maxLength: 200 },
    source: { type: 'string', pattern: '^urn:lienthong:[a-z0-9-]+$' },
    type: { type: 'string', pattern: '^vn\\.lienthong\\.[a-z0-9-]+\\.[a-z0-9-]+$' },
    subject: { type: 'string', minLength: 1, maxLength: 200 },
    time: { type: 'string', minLength: 20, maxLength: 40 },
    datacontenttype: { const: 'application/json' },
    dataschema: { type: 'string', minLength: 1 },
    data: {},
  },
});

/**
 * Decodes a Kafka record's value into a CloudEvent. A record from the topic is untrusted input like any
 * other: anything not JSON or not a CloudEvent raises LT_EVENT_MALFORMED (non-retriable → dead letter).
 */
export function decodeEvent(value: Buffer | string | null): CloudEvent {
  if (value === null || value.length === 0) {
    throw new HubError('LT_EVENT_MALFORMED', 'record has no value', { kind: 'invalid', messageVi: 'bản ghi rỗng' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    throw new HubError('LT_EVENT_MALFORMED', 'record value is not JSON', {
      kind: 'invalid',
      messageVi: 'bản ghi không phải JSON',
    });
  }
  if (!validateEnvelope(parsed)) {
    const why = (validateEnvelope.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new HubError('LT_EVENT_MALFORMED', `record is not a CloudEvent: ${why}`, {
      kind: 'invalid',
      messageVi: 'bản ghi không đúng định dạng CloudEvents',
    });
  }
  return parsed as unknown as CloudEvent;
}

export function encodeEvent(e: CloudEvent): Buffer {
  return Buffer.from(JSON.stringify(e));
}
