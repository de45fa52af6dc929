import { randomBytes } from 'node:crypto';
import {
  createVnpayQueryClient,
  createVnpaySigner,
  formatVnpayDate,
  parseVnpayDate,
  readVnpayTmnCode,
  toVnpayOrderInfo,
  VnpayError,
  type VnpaySigner,
} from '@lienthong/vnpay';
import type { Clock, Logger } from '@lienthong/platform';
import { invalidRequest } from '../errors.js';
import type { MerchantAccount, MerchantRegistry } from '../merchants.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import type { Verdict } from '../ledger/observation.js';
import { createProviderHttp, postJsonForQuery } from './provider-http.js';
import type { CreateAtProvider, CreatedAtProvider, NotificationCheck, ProviderAdapter, QueryAnswer } from './provider-adapter.js';

export interface VnpayAdapterOptions {
  merchants: MerchantRegistry;
  paymentUrl: string;
  apiUrl: string;
  serverIp: string;
  queryTimeoutMs: number;
  clock: Clock;
  logger: Logger;
}

export interface VnpayAdapter extends ProviderAdapter {
  /** Verifies an IPN or Return URL query, routed by vnp_TmnCode to that terminal's secret [V1][V4]. */
  verifyCallback(query: unknown): NotificationCheck & { malformedReply?: boolean };
}

/**
 * VNPAY PAY 2.1.0 (payments.md §1) over @lienthong/vnpay. There is no create call: the hub signs the
 * payment URL itself and the citizen's browser takes it to VNPAY, so "create" cannot time out.
 */
export function createVnpayAdapter(opts: VnpayAdapterOptions): VnpayAdapter {
  // Signers are built once at start: a bad terminal config fails the start, not the first payment.
  const signers = new Map<string, VnpaySigner>();
  for (const m of opts.merchants.merchants) {
    if (m.vnpay)
      signers.set(
        m.vnpay.tmnCode,
        createVnpaySigner({ tmnCode: m.vnpay.tmnCode, hashSecret: m.vnpay.hashSecret, paymentUrl: opts.paymentUrl }),
      );
  }
  const http = createProviderHttp('vnpay', {
    createTimeoutMs: opts.queryTimeoutMs,
    queryTimeoutMs: opts.queryTimeoutMs,
    logger: opts.logger,
  });
  const signerOf = (account: MerchantAccount): VnpaySigner => {
    const s = account.vnpay && signers.get(account.vnpay.tmnCode);
    if (!s) throw new Error(`no VNPAY signer for merchant ${account.id}`);
    return s;
  };

  return {
    provider: 'vnpay',
    async create(req: CreateAtProvider): Promise<CreatedAtProvider> {
      const signer = signerOf(req.account);
      const orderInfo = toVnpayOrderInfo(req.orderInfo);
      try {
        const built = signer.buildPayUrl({
          amountVnd: req.payment.amount,
          txnRef: req.payment.orderRef,
          orderInfo,
          ipAddr: req.ipAddr,
          returnUrl: req.returnUrl,
          createdAt: req.payment.createdAt,
          expiresAt: req.payment.expiresAt,
          locale: req.locale === 'en' ? 'en' : 'vn',
        });
        // querydr needs the original vnp_CreateDate as vnp_TransactionDate [V3] (§1.7).
        return { payUrl: built.url, providerData: { createDate: built.createDate, orderInfo }, providerCode: '00' };
      } catch (err) {
        if (err instanceof VnpayError) {
          throw invalidRequest(
            err.details.map((d) => ({ path: `/${d.field}`, code: err.code, message: d.reason, message_en: d.reason })),
            err.message,
            'Dữ liệu không hợp lệ cho VNPAY',
          );
        }
        throw err;
      }
    },

    async query(payment: PaymentRecord, account: MerchantAccount): Promise<QueryAnswer> {
      const signer = signerOf(account);
      const client = createVnpayQueryClient({
        signer,
        apiUrl: opts.apiUrl,
        post: (url, body) => postJsonForQuery(http.query, url, body),
      });
      // The pay URL was signed with vnp_CreateDate = createdAt in GMT+7, so a row left `created` by a crash
      // can still be asked about.
      const transactionDate = payment.providerData.createDate ?? formatVnpayDate(payment.createdAt);
      const outcome = await client.queryDr({
        requestId: randomBytes(16).toString('hex'),
        txnRef: payment.orderRef,
        orderInfo: toVnpayOrderInfo(`Truy van ${payment.orderRef}`),
        transactionDate,
        createdAt: opts.clock.now(),
        ipAddr: opts.serverIp,
      });
      switch (outcome.kind) {
        case 'paid':
          if (!outcome.transactionNo) return { verified: false, reason: 'paid answer without vnp_TransactionNo', code: '00' };
          return {
            verified: true,
            verdict: {
              kind: 'paid',
              amount: outcome.amountVnd,
              providerTxnId: outcome.transactionNo,
              providerCode: '00',
              ...paidAt(outcome.payDate),
            },
          };
        case 'pending':
          return {
            verified: true,
            verdict: {
              kind: 'pending',
              providerCode: outcome.response.transactionStatus ?? '01',
              ...amountOf(outcome.response.amountVnd),
            },
          };
        case 'failed':
          return {
            verified: true,
            verdict: { kind: 'failed', providerCode: outcome.transactionStatus, ...amountOf(outcome.response.amountVnd) },
          };
        case 'not_found':
          return { verified: true, verdict: { kind: 'not_found', providerCode: '91' } };
        case 'needs_review':
          return {
            verified: true,
            verdict: {
              kind: 'review',
              providerCode: outcome.response.transactionStatus ?? outcome.response.responseCode,
              reason: outcome.reason,
              ...(outcome.response.transactionNo ? { providerTxnId: outcome.response.transactionNo } : {}),
            },
          };
        case 'no_answer':
          return {
            verified: false,
            reason: outcome.message,
            code: 'responseCode' in outcome && outcome.responseCode ? outcome.responseCode : outcome.code,
          };
      }
    },

    verifyCallback(query: unknown) {
      const tmnCode = readVnpayTmnCode(query);
      if (tmnCode === undefined) return { ok: false, reason: 'malformed', message: 'vnp_TmnCode missing or malformed' };
      const signer = signers.get(tmnCode);
      // Without the terminal we have no secret to check with: the call is unverifiable, i.e. a bad signature.
      if (!signer) return { ok: false, reason: 'unknown_merchant', message: 'unknown vnp_TmnCode' };
      const r = signer.verifyCallback(query);
      if (!r.ok)
        return { ok: false, reason: r.code === 'LT_VNPAY_MALFORMED' ? 'malformed' : 'bad_signature', message: r.message };
      const cb = r.callback;
      let verdict: Verdict;
      if (cb.paid) {
        if (!cb.transactionNo) return { ok: false, reason: 'malformed', message: 'paid notification without vnp_TransactionNo' };
        verdict = {
          kind: 'paid',
          amount: cb.amountVnd,
          providerTxnId: cb.transactionNo,
          providerCode: cb.responseCode,
          ...(cb.paidAt ? { paidAt: cb.paidAt } : {}),
        };
      } else {
        verdict = {
          kind: 'failed',
          providerCode: cb.responseCode,
          amount: cb.amountVnd,
          ...(cb.transactionNo ? { providerTxnId: cb.transactionNo } : {}),
        };
      }
      return { ok: true, merchant: cb.tmnCode, orderRef: cb.txnRef, verdict };
    },
  };
}

function paidAt(stamp: string | undefined): { paidAt?: Date } {
  const d = parseVnpayDate(stamp);
  return d ? { paidAt: d } : {};
}
function amountOf(a: number | undefined): { amount?: number } {
  return a === undefined ? {} : { amount: a };
}
