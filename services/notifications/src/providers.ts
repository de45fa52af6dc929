import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { configInvalid, NotifyErrorCodes } from './errors.js';

/** One Zalo Official Account the hub sends as (notifications-receipts.md §1.4, §1.5). */
export interface ZaloOaAccount {
  appId: string;
  appSecret: string;
  /** The OA secret key of the webhook settings: verifies X-ZEvent-Signature. */
  oaSecretKey: string;
  /** The refresh token of the first grant. Single use: the hub keeps the chain in Postgres from then on. */
  refreshToken: string;
}

export interface ViettelSmsAccount {
  vendor: 'viettel';
  url: string;
  user: string;
  password: string;
  cpCode: string;
  brandname: string;
  /** `0` unaccented, `1` Unicode [inf: ContentType codes seen F/0/1, S1]. */
  contentType: '0' | '1' | 'F';
}

export interface VnptSmsAccount {
  vendor: 'vnpt';
  url: string;
  apiUser: string;
  apiPass: string;
  username: string;
  agentId: string;
  labelId: string;
  contractTypeId: '1' | '2';
  contractId: string;
  templateId: string;
  /** `0` unaccented, `8` Vietnamese (VinaPhone only). */
  dataCoding: '0' | '8';
}

export type SmsAccount = ViettelSmsAccount | VnptSmsAccount;

export interface ProvidersFile {
  zalo: Record<string, ZaloOaAccount>;
  sms: Record<string, SmsAccount>;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const s = { type: 'string', minLength: 1, maxLength: 500 } as const;
const url = { type: 'string', pattern: '^https?://', maxLength: 500 } as const;
const validate = ajv.compile({
  type: 'object',
  required: ['zalo', 'sms'],
  additionalProperties: false,
  properties: {
    zalo: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['appId', 'appSecret', 'oaSecretKey', 'refreshToken'],
        additionalProperties: false,
        properties: { appId: s, appSecret: s, oaSecretKey: s, refreshToken: s },
      },
    },
    sms: {
      type: 'object',
      additionalProperties: {
        oneOf: [
          {
            type: 'object',
            required: ['vendor', 'url', 'user', 'password', 'cpCode', 'brandname'],
            additionalProperties: false,
            properties: {
              vendor: { const: 'viettel' },
              url,
              user: s,
              password: s,
              cpCode: s,
              brandname: s,
              contentType: { enum: ['0', '1', 'F'], default: '0' },
            },
          },
          {
            type: 'object',
            required: ['vendor', 'url', 'apiUser', 'apiPass', 'labelId', 'contractId', 'templateId'],
            additionalProperties: false,
            properties: {
              vendor: { const: 'vnpt' },
              url,
              apiUser: s,
              apiPass: s,
              labelId: s,
              contractId: s,
              templateId: s,
              username: { ...s, default: 'lienthong' },
              agentId: { ...s, default: '0' },
              contractTypeId: { enum: ['1', '2'], default: '1' },
              dataCoding: { enum: ['0', '8'], default: '0' },
            },
          },
        ],
      },
    },
  },
});
const withDefaults = new Ajv({ allErrors: true, strict: false, useDefaults: true }).compile(validate.schema as object);

export function loadProviders(path: string): ProvidersFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw configInvalid(NotifyErrorCodes.PROVIDERS_INVALID, path, [
      {
        path: '',
        code: NotifyErrorCodes.PROVIDERS_INVALID,
        message: 'không đọc được tệp JSON',
        message_en: (err as Error).message,
      },
    ]);
  }
  if (!validate(parsed)) {
    // Secrets never reach the message: ajv reports paths and rules, not values.
    throw configInvalid(
      NotifyErrorCodes.PROVIDERS_INVALID,
      path,
      (validate.errors ?? []).map((e) => ({
        path: e.instancePath,
        code: NotifyErrorCodes.PROVIDERS_INVALID,
        message: e.message ?? 'không hợp lệ',
        message_en: e.message ?? 'invalid',
      })),
    );
  }
  withDefaults(parsed);
  return parsed as ProvidersFile;
}

/** Account names and kinds only, for the start log (no secrets). */
export function describeProviders(p: ProvidersFile): Record<string, unknown> {
  return { zalo: Object.keys(p.zalo), sms: Object.fromEntries(Object.entries(p.sms).map(([k, v]) => [k, v.vendor])) };
}
