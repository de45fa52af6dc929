import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { paymentError, PaymentErrorCodes } from './errors.js';
import { providers, type Provider } from './provider.js';

/**
 * Per-agency merchant accounts (payments.md §0 "Multi-tenant"): each agency (or a whole province, with a
 * `*.H56` pattern) has its own VNPAY terminal, MoMo partner and PayGov partner, with its own secrets.
 * The file is data: adding an agency never needs a code change (design.md, "Agencies are data").
 *
 * ```json
 * { "merchants": [ {
 *     "id": "h56-so-tu-phap", "name": "Sở Tư pháp tỉnh H56",
 *     "agencies": ["000.00.01.H56", "*.H56"],
 *     "vnpay":  { "tmnCode": "LTHUB001", "hashSecret": "…" },
 *     "momo":   { "partnerCode": "MOMOLT01", "accessKey": "…", "secretKey": "…" },
 *     "paygov": { "maDoiTac": "LTHUB01", "secretKey": "…", "tenDonVi": "Sở Tư pháp",
 *                 "tkThuHuong": "…", "maNHThuHuong": "…", "tenTKThuHuong": "…" }
 * } ] }
 * ```
 * Secrets are read here and handed to the protocol signers, which close over them; nothing in this
 * module logs, and `describeMerchants` is the only view meant for logs.
 */
export interface VnpayCredentials {
  tmnCode: string;
  hashSecret: string;
}
export interface MomoCredentials {
  partnerCode: string;
  accessKey: string;
  secretKey: string;
}
export interface PaygovCredentials {
  maDoiTac: string;
  secretKey: string;
  /** Receiving agency name and beneficiary account, printed on the receipt (ThongTinBienLai) [S5, T6]. */
  tenDonVi?: string;
  tkThuHuong?: string;
  maNHThuHuong?: string;
  tenTKThuHuong?: string;
}

/** VNPT Pay merchant service (vnptpay-vietqr.md §1.1): MERCHANT_SERVICE_ID, the hashing secret, the Bearer API key. */
export interface VnptpayCredentials {
  merchantServiceId: string;
  secretKey: string;
  apiKey: string;
}

/**
 * The agency's bank account for VietQR transfers (§3) and how the hub hears of incoming transfers (§4):
 * payOS's checksum key and/or SePay's API key for the webhooks that report this account.
 */
export interface VietqrAccount {
  /** Acquirer BIN, 6 digits (e.g. 970416). */
  bin: string;
  accountNumber: string;
  /** Beneficiary name shown to the citizen (ASCII upper case, as banks print it). */
  accountName?: string;
  payos?: { checksumKey: string };
  sepay?: { apiKey: string };
}

/** What the citizen's return page shows for this agency (issue 14 §5). */
export interface MerchantDisplay {
  /** The agency's name on the page, e.g. "Sở Tư pháp tỉnh H56". */
  name?: string;
  /** An https URL of the agency's logo (shown at most 64 px high). */
  logoUrl?: string;
}

export interface MerchantAccount {
  id: string;
  name: string;
  agencies: readonly string[];
  display?: MerchantDisplay;
  vnpay?: VnpayCredentials;
  momo?: MomoCredentials;
  paygov?: PaygovCredentials;
  vnptpay?: VnptpayCredentials;
  vietqr?: VietqrAccount;
}

/** The provider-side merchant id of an account: vnp_TmnCode, partnerCode, MaDoiTac, MERCHANT_SERVICE_ID, or `<BIN>.<account>`. */
export function merchantIdOf(account: MerchantAccount, provider: Provider): string | undefined {
  switch (provider) {
    case 'vnpay':
      return account.vnpay?.tmnCode;
    case 'momo':
      return account.momo?.partnerCode;
    case 'paygov':
      return account.paygov?.maDoiTac;
    case 'vnptpay':
      return account.vnptpay?.merchantServiceId;
    case 'vietqr':
      return account.vietqr ? `${account.vietqr.bin}.${account.vietqr.accountNumber}` : undefined;
  }
}

export interface MerchantRegistry {
  readonly merchants: readonly MerchantAccount[];
  /** The account serving `agencyCode`: an exact pattern wins over `*.<suffix>`, the longest suffix over shorter ones, `*` last. */
  forAgency(agencyCode: string): MerchantAccount | undefined;
  /** The account whose provider-side merchant id is `merchantId` (vnp_TmnCode, partnerCode, MaDoiTac). */
  byMerchantId(provider: Provider, merchantId: string): MerchantAccount | undefined;
}

const secret = { type: 'string', minLength: 8, maxLength: 256, pattern: '^\\S(.*\\S)?$' };
const code = (pattern: string) => ({ type: 'string', pattern });
const ajv = new Ajv({ allErrors: true, strict: true });
const validateFile = ajv.compile({
  type: 'object',
  required: ['merchants'],
  additionalProperties: false,
  properties: {
    merchants: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        required: ['id', 'name', 'agencies'],
        additionalProperties: false,
        properties: {
          id: code('^[a-z0-9][a-z0-9._-]{0,63}$'),
          name: { type: 'string', minLength: 1, maxLength: 300 },
          agencies: { type: 'array', minItems: 1, maxItems: 1000, items: code('^(\\*|\\*\\.[A-Za-z0-9.]+|[A-Za-z0-9.]+)$') },
          vnpay: {
            type: 'object',
            required: ['tmnCode', 'hashSecret'],
            additionalProperties: false,
            properties: { tmnCode: code('^[A-Za-z0-9]{8}$'), hashSecret: secret },
          },
          momo: {
            type: 'object',
            required: ['partnerCode', 'accessKey', 'secretKey'],
            additionalProperties: false,
            properties: { partnerCode: code('^[A-Za-z0-9_-]{1,50}$'), accessKey: secret, secretKey: secret },
          },
          paygov: {
            type: 'object',
            required: ['maDoiTac', 'secretKey'],
            additionalProperties: false,
            properties: {
              maDoiTac: code('^[A-Za-z0-9._-]{1,50}$'),
              // '|' separates the MaXacThuc chain (§8): a secret holding one would shift it.
              secretKey: { ...secret, pattern: '^[^|\\s]([^|]*[^|\\s])?$' },
              tenDonVi: { type: 'string', maxLength: 300 },
              tkThuHuong: { type: 'string', maxLength: 50 },
              maNHThuHuong: { type: 'string', maxLength: 50 },
              tenTKThuHuong: { type: 'string', maxLength: 300 },
            },
          },
          display: {
            type: 'object',
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 300 },
              logoUrl: { type: 'string', maxLength: 1000, pattern: '^https?://[^\\s"\'<>]+$' },
            },
          },
          vnptpay: {
            type: 'object',
            required: ['merchantServiceId', 'secretKey', 'apiKey'],
            additionalProperties: false,
            properties: {
              merchantServiceId: code('^[A-Za-z0-9_-]{1,30}$'),
              // '|' separates the SECURE_CODE chain (vnptpay-vietqr.md §1.3).
              secretKey: { ...secret, pattern: '^[^|\\s]([^|]*[^|\\s])?$' },
              apiKey: { type: 'string', minLength: 8, maxLength: 4096, pattern: '^\\S+$' },
            },
          },
          vietqr: {
            type: 'object',
            required: ['bin', 'accountNumber'],
            additionalProperties: false,
            properties: {
              bin: code('^[0-9]{6}$'),
              accountNumber: code('^[0-9A-Za-z]{1,19}$'),
              accountName: { type: 'string', maxLength: 50, pattern: '^[\\x20-\\x7e]*$' },
              payos: {
                type: 'object',
                required: ['checksumKey'],
                additionalProperties: false,
                properties: { checksumKey: secret },
              },
              sepay: { type: 'object', required: ['apiKey'], additionalProperties: false, properties: { apiKey: secret } },
            },
          },
        },
      },
    },
  },
});

const invalid = (why: string) =>
  paymentError(
    PaymentErrorCodes.merchantsInvalid,
    'internal',
    `merchants file is invalid: ${why}`,
    `Tệp cấu hình tài khoản thanh toán không hợp lệ: ${why}`,
  );

/** Checks a parsed merchants file, listing every problem at once, and indexes it. Throws LT_PAY_MERCHANTS_INVALID. */
export function createMerchantRegistry(input: unknown): MerchantRegistry {
  if (!validateFile(input)) {
    // ajv reports paths and keywords, never the offending values: a secret never lands in the error text.
    throw invalid((validateFile.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; '));
  }
  const merchants = (input as { merchants: MerchantAccount[] }).merchants.map((m) =>
    Object.freeze({ ...m, agencies: Object.freeze([...m.agencies]) }),
  );
  const problems: string[] = [];
  const ids = new Set<string>();
  const patterns = new Map<string, string>();
  const byProvider: Record<Provider, Map<string, MerchantAccount>> = {
    vnpay: new Map(),
    momo: new Map(),
    paygov: new Map(),
    vnptpay: new Map(),
    vietqr: new Map(),
  };
  for (const m of merchants) {
    if (ids.has(m.id)) problems.push(`duplicate id ${m.id}`);
    ids.add(m.id);
    for (const a of m.agencies) {
      const other = patterns.get(a);
      if (other !== undefined) problems.push(`agency pattern ${a} is in both ${other} and ${m.id}`);
      patterns.set(a, m.id);
    }
    // IPNs are routed by the provider-side merchant id (VNPAY sets the IPN URL per terminal [V1][V4]),
    // so one id must map to one account.
    for (const p of providers) {
      const id = merchantIdOf(m, p);
      if (id === undefined) continue;
      if (byProvider[p].has(id)) problems.push(`${p} merchant id ${id} is used twice`);
      byProvider[p].set(id, m);
    }
  }
  if (problems.length) throw invalid(problems.join('; '));

  return {
    merchants,
    forAgency(agencyCode) {
      let best: MerchantAccount | undefined;
      let bestScore = -1;
      for (const m of merchants) {
        for (const a of m.agencies) {
          let score = -1;
          if (a === agencyCode) score = 1_000_000;
          else if (a === '*') score = 0;
          else if (a.startsWith('*.') && agencyCode.endsWith(a.slice(1))) score = a.length;
          if (score > bestScore) {
            best = m;
            bestScore = score;
          }
        }
      }
      return best;
    },
    byMerchantId: (provider, merchantId) => byProvider[provider].get(merchantId),
  };
}

/** Loads the merchants file at `path`. The error never quotes the file's content (it holds secrets). */
export function loadMerchants(path: string): MerchantRegistry {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw invalid(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid(`${path} is not JSON`);
  }
  return createMerchantRegistry(parsed);
}

/** What may be logged about the merchants: ids, agencies and which providers are set up — no secrets. */
export function describeMerchants(reg: MerchantRegistry): object[] {
  return reg.merchants.map((m) => ({
    id: m.id,
    agencies: m.agencies,
    vnpay: m.vnpay?.tmnCode,
    momo: m.momo?.partnerCode,
    paygov: m.paygov?.maDoiTac,
    vnptpay: m.vnptpay?.merchantServiceId,
    vietqr: m.vietqr ? `${m.vietqr.bin}.${m.vietqr.accountNumber}` : undefined,
  }));
}
