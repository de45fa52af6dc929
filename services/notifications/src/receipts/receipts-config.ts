import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { configInvalid, NotifyErrorCodes } from '../errors.js';

/**
 * Receipts file (NOTIFICATIONS_RECEIPTS_FILE, holds secrets): per agency the provider account, the receipt template
 * (pattern) and serial registered with the tax office, and the collecting unit's tax code; per account the vendor's
 * endpoints and credentials. An agency without an entry gets no receipt from the hub (it may issue its own).
 */
export interface VnptReceiptAccount {
  vendor: 'vnpt';
  publishUrl: string;
  portalUrl: string;
  account: string;
  acPass: string;
  username: string;
  password: string;
}
export interface ViettelReceiptAccount {
  vendor: 'viettel';
  baseUrl: string;
  username: string;
  password: string;
  supplierTaxCode: string;
  invoiceType: string;
}
export interface ReceiptAgency {
  account: string;
  taxCode: string;
  unitName: string;
  pattern: string;
  serial: string;
}
/**
 * A PayGov partner (MaDoiTac) whose payments' receipts are fetched from the platform with GET_BILL instead of
 * being issued by the agency's own provider: PayGov issues the receipt of a fee paid through it [inf].
 */
export interface PaygovBillAccount {
  getBillUrl: string;
  secretKey: string;
}
export interface ReceiptsFile {
  accounts: Record<string, VnptReceiptAccount | ViettelReceiptAccount>;
  agencies: Record<string, ReceiptAgency>;
  /** By MaDoiTac (the `merchant` of a PayGov payment). */
  paygov?: Record<string, PaygovBillAccount>;
}

const s = { type: 'string', minLength: 1, maxLength: 500 } as const;
const url = { type: 'string', pattern: '^https?://', maxLength: 500 } as const;
const validate = new Ajv({ allErrors: true, strict: false, useDefaults: true }).compile({
  type: 'object',
  required: ['accounts', 'agencies'],
  additionalProperties: false,
  properties: {
    accounts: {
      type: 'object',
      additionalProperties: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['vendor', 'publishUrl', 'portalUrl', 'account', 'acPass', 'username', 'password'],
            properties: {
              vendor: { const: 'vnpt' },
              publishUrl: url,
              portalUrl: url,
              account: s,
              acPass: s,
              username: s,
              password: s,
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['vendor', 'baseUrl', 'username', 'password', 'supplierTaxCode'],
            properties: {
              vendor: { const: 'viettel' },
              baseUrl: url,
              username: s,
              password: s,
              supplierTaxCode: s,
              invoiceType: { ...s, default: '01BLP' },
            },
          },
        ],
      },
    },
    paygov: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z0-9._-]{1,50}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['getBillUrl', 'secretKey'],
        properties: { getBillUrl: url, secretKey: s },
      },
    },
    agencies: {
      type: 'object',
      propertyNames: { pattern: '^(\\*\\.[A-Za-z0-9.]+|[A-Za-z0-9.]+)$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['account', 'taxCode', 'unitName', 'pattern', 'serial'],
        properties: {
          account: s,
          taxCode: { type: 'string', pattern: '^\\d{10}(-\\d{3})?$' },
          unitName: s,
          pattern: { type: 'string', minLength: 1, maxLength: 20 },
          serial: { type: 'string', pattern: '^[A-Za-z0-9]{1,25}$' },
        },
      },
    },
  },
});

export function loadReceipts(path: string): ReceiptsFile {
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
  const f = parsed as ReceiptsFile;
  const missing = Object.entries(f.agencies).filter(([, a]) => !f.accounts[a.account]);
  if (missing.length) {
    throw configInvalid(
      NotifyErrorCodes.PROVIDERS_INVALID,
      path,
      missing.map(([k, a]) => ({
        path: `/agencies/${k}/account`,
        code: NotifyErrorCodes.PROVIDERS_INVALID,
        message: `Tài khoản ${a.account} không có`,
        message_en: `account ${a.account} is not in accounts`,
      })),
    );
  }
  return f;
}

/** The agency's entry: exact code first, then the longest `*.<suffix>`. */
export function receiptAgency(f: ReceiptsFile, agency: string): ReceiptAgency | undefined {
  if (f.agencies[agency]) return f.agencies[agency];
  let best: [string, ReceiptAgency] | undefined;
  for (const [k, v] of Object.entries(f.agencies))
    if (k.startsWith('*.') && agency.endsWith(k.slice(1)) && (!best || k.length > best[0].length)) best = [k, v];
  return best?.[1];
}
