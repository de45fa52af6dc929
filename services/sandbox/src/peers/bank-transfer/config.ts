import type { SandboxPeerOptions, PeerConfigProperties } from '../../peer.js';
import { parseMerchantsJson, type PaymentPeerCommonOptions, type PaymentPeerSettings } from '../payment-peer-kit/index.js';
import { peerConfigReader } from '../peer-kit/index.js';

/** An agency's bank account as the aggregators see it, with where and how they notify (§4.1, §4.2). */
export interface BankTransferAccount {
  bin: string;
  accountNumber: string;
  payos?: { checksumKey: string; webhookUrl: string };
  sepay?: { apiKey: string; webhookUrl: string };
}

export interface BankTransferPeerOptions extends Partial<SandboxPeerOptions>, PaymentPeerCommonOptions {
  accounts?: BankTransferAccount[];
  maxAttempts?: number;
  retryIntervalMs?: number;
  notifyTimeoutMs?: number;
  seed?: number;
}

export const configProperties: PeerConfigProperties = {
  SANDBOX_BANKTRANSFER_ACCOUNTS: {
    type: 'string',
    minLength: 2,
    default: JSON.stringify([
      {
        bin: '970416',
        accountNumber: '257678859',
        payos: { checksumKey: 'lt-demo-payos-checksum-key', webhookUrl: 'http://127.0.0.1:8082/v1/ipn/payos' },
        sepay: { apiKey: 'lt-demo-sepay-api-key', webhookUrl: 'http://127.0.0.1:8082/v1/ipn/sepay' },
      },
    ]),
    description:
      'bank-transfer notifier sandbox: JSON array of accounts {bin, accountNumber, payos?: {checksumKey, webhookUrl}, sepay?: {apiKey, webhookUrl}} (simulator keys)',
  },
  SANDBOX_BANKTRANSFER_MAX_ATTEMPTS: {
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 8,
    description: 'bank-transfer sandbox: webhook calls until a 2xx (SePay: 1 + 7 retries [SE1])',
  },
  SANDBOX_BANKTRANSFER_RETRY_INTERVAL_MS: {
    type: 'integer',
    minimum: 1,
    default: 60_000,
    description: 'bank-transfer sandbox: interval between webhook calls (SePay spaces them 1,1,2,3,5,8,13 min [SE1])',
  },
  SANDBOX_BANKTRANSFER_NOTIFY_TIMEOUT_MS: {
    type: 'integer',
    minimum: 100,
    default: 30_000,
    description: 'bank-transfer sandbox: timeout of one webhook call (SePay: 30 s [SE1])',
  },
  SANDBOX_BANKTRANSFER_SEED: {
    type: 'integer',
    minimum: 0,
    default: 20_251_206,
    description: 'bank-transfer sandbox: seed of the fault draws',
  },
  SANDBOX_BANKTRANSFER_LOG_SIZE: {
    type: 'integer',
    minimum: 10,
    default: 5_000,
    description: 'bank-transfer sandbox: records kept for the inspection API',
  },
};

export interface BankTransferSettings extends PaymentPeerSettings<BankTransferAccount> {
  maxAttempts: number;
  retryIntervalMs: number;
  timeoutHangMs: number;
}

const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\//.test(v);
const key = (v: unknown) => typeof v === 'string' && v.length >= 8;

function checkAccount(a: unknown, i: number): BankTransferAccount {
  const o = (a ?? {}) as Record<string, unknown>;
  if (typeof o.bin !== 'string' || !/^[0-9]{6}$/.test(o.bin)) throw new Error(`bank account ${i}: bin must be 6 digits`);
  if (typeof o.accountNumber !== 'string' || !/^[0-9A-Za-z]{1,19}$/.test(o.accountNumber))
    throw new Error(`bank account ${i}: accountNumber must be 1-19 letters or digits`);
  const payos = o.payos as Record<string, unknown> | undefined;
  const sepay = o.sepay as Record<string, unknown> | undefined;
  if (payos && (!key(payos.checksumKey) || !isUrl(payos.webhookUrl)))
    throw new Error(`bank account ${i}: payos needs checksumKey (8+ chars) and webhookUrl`);
  if (sepay && (!key(sepay.apiKey) || !isUrl(sepay.webhookUrl)))
    throw new Error(`bank account ${i}: sepay needs apiKey (8+ chars) and webhookUrl`);
  return Object.freeze({
    bin: o.bin,
    accountNumber: o.accountNumber,
    ...(payos ? { payos: { checksumKey: payos.checksumKey as string, webhookUrl: payos.webhookUrl as string } } : {}),
    ...(sepay ? { sepay: { apiKey: sepay.apiKey as string, webhookUrl: sepay.webhookUrl as string } } : {}),
  });
}

export function readBankTransferSettings(opts: BankTransferPeerOptions): BankTransferSettings {
  const read = peerConfigReader(configProperties, opts.config);
  return Object.freeze({
    merchants: Object.freeze(
      parseMerchantsJson(
        opts.accounts ?? read.raw('SANDBOX_BANKTRANSFER_ACCOUNTS'),
        'SANDBOX_BANKTRANSFER_ACCOUNTS',
        checkAccount,
      ),
    ),
    maxAttempts: opts.maxAttempts ?? read.number('SANDBOX_BANKTRANSFER_MAX_ATTEMPTS'),
    retryIntervalMs: opts.retryIntervalMs ?? read.number('SANDBOX_BANKTRANSFER_RETRY_INTERVAL_MS'),
    notifyTimeoutMs: opts.notifyTimeoutMs ?? read.number('SANDBOX_BANKTRANSFER_NOTIFY_TIMEOUT_MS'),
    timeoutHangMs: 0,
    seed: opts.seed ?? read.number('SANDBOX_BANKTRANSFER_SEED'),
    logSize: read.number('SANDBOX_BANKTRANSFER_LOG_SIZE'),
  });
}
