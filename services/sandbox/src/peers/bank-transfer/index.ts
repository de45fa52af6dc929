import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { parseVietQrPayload, payosSignature } from '@lienthong/vietqr';
import { registerPaymentPeer, type DeliveryPlan, type PaymentPeerBase } from '../payment-peer-kit/index.js';
import { transactionNumberStart } from '../peer-kit/index.js';
import {
  readBankTransferSettings,
  type BankTransferAccount,
  type BankTransferPeerOptions,
  type BankTransferSettings,
} from './config.js';

export { configProperties } from './config.js';
export type { BankTransferPeerOptions, BankTransferAccount } from './config.js';

/** A transfer the simulated bank received, and how it was reported. */
export interface SimulatedTransfer {
  id: number;
  via: 'payos' | 'sepay';
  bin: string;
  accountNumber: string;
  amount: number;
  text: string;
  direction: 'in' | 'out';
  at: string;
}

interface Ctx extends PaymentPeerBase {
  settings: BankTransferSettings;
  transfers: SimulatedTransfer[];
  next: { id: number };
}

const pad = (n: number) => String(n).padStart(2, '0');
/** `YYYY-MM-DD HH:mm:ss` in GMT+7, the aggregators' time format [PO1][SE2]. */
function gmt7(d: Date): string {
  const t = new Date(d.getTime() + 7 * 3_600_000);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

/** payOS webhook body [PO1] §4.1: `{code, desc, success, data, signature}`, signed over the sorted data. */
function payosBody(a: BankTransferAccount, t: SimulatedTransfer, orderCode: number): Record<string, unknown> {
  const data: Record<string, unknown> = {
    orderCode,
    amount: t.amount,
    description: t.text,
    accountNumber: t.accountNumber,
    reference: `FT${t.id}`,
    transactionDateTime: t.at,
    currency: 'VND',
    paymentLinkId: `sandbox-${t.id}`,
    code: t.direction === 'in' ? '00' : '01',
    desc: t.direction === 'in' ? 'success' : 'outgoing',
    counterAccountBankId: '',
    counterAccountBankName: '',
    counterAccountName: null,
    counterAccountNumber: null,
    virtualAccountName: '',
    virtualAccountNumber: '',
  };
  return { code: '00', desc: 'success', success: true, data, signature: payosSignature(a.payos!.checksumKey, data) };
}

/** SePay webhook body [SE1][SE2] §4.2. */
function sepayBody(t: SimulatedTransfer): Record<string, unknown> {
  return {
    id: t.id,
    gateway: 'MBBank',
    transactionDate: t.at,
    accountNumber: t.accountNumber,
    subAccount: null,
    code: null,
    content: t.text,
    transferType: t.direction,
    description: `BankAPINotify ${t.text}`,
    transferAmount: t.amount,
    referenceCode: `MBVCB.${t.id}`,
    accumulated: 0,
  };
}

function plan(ctx: Ctx, a: BankTransferAccount, t: SimulatedTransfer): DeliveryPlan {
  const s = ctx.settings;
  if (t.via === 'payos') {
    const body = payosBody(a, t, t.id);
    return {
      key: `payos:${t.id}`,
      build: () => ({ method: 'POST', url: a.payos!.webhookUrl, body, timeoutMs: s.notifyTimeoutMs }),
      tamper: (n) => ({ ...n, body: { ...body, data: { ...(body.data as object), amount: t.amount * 10 } } }),
      isFinal: (r) => r.status >= 200 && r.status < 300,
      maxAttempts: s.maxAttempts,
      intervalMs: s.retryIntervalMs,
    };
  }
  const body = sepayBody(t);
  // SePay's Apikey mode: the key travels in the Authorization header [SE1]; a forgery carries another key.
  return {
    key: `sepay:${t.id}`,
    build: () => ({
      method: 'POST',
      url: a.sepay!.webhookUrl,
      body,
      timeoutMs: s.notifyTimeoutMs,
      headers: { authorization: `Apikey ${a.sepay!.apiKey}` },
    }),
    tamper: (n) => ({ ...n, headers: { authorization: 'Apikey forged-key-0000' } }),
    isFinal: (r) => r.status >= 200 && r.status < 300,
    maxAttempts: s.maxAttempts,
    intervalMs: s.retryIntervalMs,
  };
}

const transferSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    via: { enum: ['payos', 'sepay'] },
    /** A VietQR payload as a banking app scans it: account, amount and text are read from it. */
    payload: { type: 'string', minLength: 12, maxLength: 512 },
    accountNumber: { type: 'string', minLength: 1, maxLength: 19 },
    amount: { type: 'integer', minimum: 0, maximum: 999_999_999_999 },
    text: { type: 'string', maxLength: 500 },
    direction: { enum: ['in', 'out'] },
  },
} as const;

function registerRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.post<{
    Body: {
      via?: 'payos' | 'sepay';
      payload?: string;
      accountNumber?: string;
      amount?: number;
      text?: string;
      direction?: 'in' | 'out';
    };
  }>('/_admin/transfer', { schema: { body: transferSchema } }, async (req, reply) => {
    const b = req.body;
    let accountNumber = b.accountNumber;
    let amount = b.amount;
    let text = b.text;
    if (b.payload) {
      const qr = parseVietQrPayload(b.payload);
      if (!qr)
        return reply.status(400).send({ error: 'LT_SANDBOX_BAD_QR', message: 'not a valid VietQR payload (structure or CRC)' });
      accountNumber ??= qr.account;
      amount ??= qr.amount;
      // A banking app prefixes its own reference to the purpose, as real banks do [SE3].
      text ??= `MBVCB.${ctx.next.id}.${qr.purpose ?? ''}.CT tu 0123456789`;
    }
    const a = ctx.settings.merchants.find((m) => m.accountNumber === accountNumber);
    if (!a)
      return reply
        .status(404)
        .send({ error: 'LT_SANDBOX_UNKNOWN_ACCOUNT', message: 'no such account in SANDBOX_BANKTRANSFER_ACCOUNTS' });
    if (amount === undefined)
      return reply.status(400).send({ error: 'LT_SANDBOX_BAD_REQUEST', message: 'amount is required (or a payload with one)' });
    const via = b.via ?? (a.payos ? 'payos' : 'sepay');
    if (!a[via]) return reply.status(400).send({ error: 'LT_SANDBOX_BAD_REQUEST', message: `account has no ${via} notifier` });
    const t: SimulatedTransfer = {
      id: ctx.next.id++,
      via,
      bin: a.bin,
      accountNumber: a.accountNumber,
      amount,
      text: text ?? '',
      direction: b.direction ?? 'in',
      at: gmt7(ctx.clock.now()),
    };
    ctx.transfers.push(t);
    ctx.deliverer.deliver(plan(ctx, a, t));
    return reply.status(202).send({ transfer: t });
  });
}

/**
 * Simulated bank-transfer aggregators (vnptpay-vietqr.md §4), under `/banktransfer`: a transfer "arrives"
 * at an agency account (`POST /_admin/transfer`, from a VietQR payload as a banking app scans it, or from
 * account/amount/text), and the aggregator notifies the hub: payOS's signed webhook or SePay's with its
 * Apikey header. Faults, journals and reset as every payment peer (`/_admin/faults|transactions|
 * notifications|reset`): lost, delayed, duplicated and forged notifications.
 */
const bankTransferPeer: FastifyPluginAsync<BankTransferPeerOptions> = async (app, opts) => {
  const settings = readBankTransferSettings(opts);
  const transfers: SimulatedTransfer[] = [];
  const next = { id: transactionNumberStart() };
  registerPaymentPeer(app, opts, {
    settings,
    store: {
      transactions: () => transfers,
      reset: () => {
        transfers.length = 0;
        next.id = transactionNumberStart();
      },
    },
    context: (base): Ctx => ({ ...base, settings, transfers, next }),
    routes: [registerRoutes],
  });
};

export default bankTransferPeer;
