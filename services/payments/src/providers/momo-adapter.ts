import { randomBytes } from 'node:crypto';
import {
  createMomoQueryClient,
  createMomoSigner,
  MOMO_PATHS,
  MomoError,
  readMomoPartnerCode,
  type MomoResultInfo,
  type MomoSigner,
} from '@lienthong/momo';
import type { Logger } from '@lienthong/platform';
import { invalidRequest, providerError, providerRefused } from '../errors.js';
import type { MerchantAccount, MerchantRegistry } from '../merchants.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import type { Verdict } from '../ledger/observation.js';
import { createProviderHttp, postJsonForCreate, postJsonForQuery } from './provider-http.js';
import type { CreateAtProvider, CreatedAtProvider, NotificationCheck, ProviderAdapter, QueryAnswer } from './provider-adapter.js';

export interface MomoAdapterOptions {
  merchants: MerchantRegistry;
  /** MoMo host (the sandbox's /momo prefix locally); MOMO_PATHS are appended. */
  baseUrl: string;
  createTimeoutMs: number;
  queryTimeoutMs: number;
  logger: Logger;
}

export interface MomoAdapter extends ProviderAdapter {
  /** Verifies an IPN body (or redirect query), routed by partnerCode to that partner's keys. */
  verifyNotification(body: unknown): NotificationCheck;
}

/** MoMo resultCode → what it says about the payment (current table only [M1]). */
function verdictOf(result: MomoResultInfo, amount: number | undefined, transId: string | undefined): Verdict {
  const code = String(result.code);
  const amt = amount === undefined ? {} : { amount };
  switch (result.category) {
    case 'success':
      return transId
        ? { kind: 'paid', amount: amount ?? -1, providerTxnId: transId, providerCode: code }
        : { kind: 'review', providerCode: code, reason: 'success without transId', ...amt };
    case 'payment_failed':
      return { kind: 'failed', providerCode: code, ...amt, ...(transId && transId !== '0' ? { providerTxnId: transId } : {}) };
    case 'pending':
      return { kind: 'pending', providerCode: code, ...amt };
    default:
      // 9000 authorized (we never ask for autoCapture=false), refund codes, codes not in the table: a human decides.
      return { kind: 'review', providerCode: code, reason: `MoMo resultCode ${code} (${result.category})`, ...amt };
  }
}

/** MoMo AIO v2, one-time payment (payments.md §2) over @lienthong/momo. */
export function createMomoAdapter(opts: MomoAdapterOptions): MomoAdapter {
  const signers = new Map<string, MomoSigner>();
  for (const m of opts.merchants.merchants) {
    if (m.momo)
      signers.set(
        m.momo.partnerCode,
        createMomoSigner({ partnerCode: m.momo.partnerCode, accessKey: m.momo.accessKey, secretKey: m.momo.secretKey }),
      );
  }
  const http = createProviderHttp('momo', {
    createTimeoutMs: opts.createTimeoutMs,
    queryTimeoutMs: opts.queryTimeoutMs,
    logger: opts.logger,
  });
  const signerOf = (account: MerchantAccount): MomoSigner => {
    const s = account.momo && signers.get(account.momo.partnerCode);
    if (!s) throw new Error(`no MoMo signer for merchant ${account.id}`);
    return s;
  };

  return {
    provider: 'momo',
    async create(req: CreateAtProvider): Promise<CreatedAtProvider> {
      const signer = signerOf(req.account);
      const p = req.payment;
      let body;
      try {
        body = signer.buildCreate({
          orderId: p.orderRef,
          requestId: p.orderRef,
          amountVnd: p.amount,
          orderInfo: req.orderInfo.slice(0, 255),
          redirectUrl: req.returnUrl,
          ipnUrl: req.notifyUrl,
          lang: req.locale,
          referenceId: p.maHoSo.slice(0, 200),
        });
      } catch (err) {
        if (err instanceof MomoError) {
          throw invalidRequest(
            err.details.map((d) => ({ path: `/${d.field}`, code: err.code, message: d.reason, message_en: d.reason })),
            err.message,
            'Dữ liệu không hợp lệ cho MoMo',
          );
        }
        throw err;
      }
      // MoMo answers refusals (bad signature 20, duplicate orderId 41…) with a 4xx and a JSON body: read it.
      const answer = await postJsonForCreate(
        http.create,
        'MoMo',
        `${opts.baseUrl}${MOMO_PATHS.create}`,
        body,
        (status) => status >= 400 && status < 500,
      );
      const out = signer.verifyCreateResponse(answer, { orderId: p.orderRef, requestId: p.orderRef, amountVnd: p.amount });
      if (out.ok) return { payUrl: out.payUrl, providerData: { requestId: p.orderRef }, providerCode: '0' };
      if (out.code === 'LT_MOMO_REJECTED') throw providerRefused('MoMo', String(out.result.code));
      throw providerError('MoMo', new Error(`${out.code}: ${out.message}`));
    },

    async query(payment: PaymentRecord, account: MerchantAccount): Promise<QueryAnswer> {
      const signer = signerOf(account);
      const client = createMomoQueryClient({
        signer,
        baseUrl: opts.baseUrl,
        post: (url, body) => postJsonForQuery(http.query, url, body),
      });
      const out = await client.query({ orderId: payment.orderRef, requestId: randomBytes(16).toString('hex') });
      switch (out.kind) {
        case 'paid':
          return {
            verified: true,
            verdict: { kind: 'paid', amount: out.amountVnd, providerTxnId: out.transId, providerCode: String(out.result.code) },
          };
        case 'pending':
          return { verified: true, verdict: { kind: 'pending', providerCode: String(out.result.code) } };
        case 'failed':
          return { verified: true, verdict: { kind: 'failed', providerCode: String(out.result.code) } };
        case 'needs_review':
          return {
            verified: true,
            verdict: { kind: 'review', providerCode: String(out.result.code), reason: out.result.description },
          };
        case 'no_answer':
          return { verified: false, reason: out.message, code: out.code };
      }
    },

    verifyNotification(body: unknown): NotificationCheck {
      const partnerCode = readMomoPartnerCode(body);
      if (partnerCode === undefined) return { ok: false, reason: 'malformed', message: 'partnerCode missing or malformed' };
      const signer = signers.get(partnerCode);
      if (!signer) return { ok: false, reason: 'unknown_merchant', message: 'unknown partnerCode' };
      const r = signer.verifyIpn(body);
      if (!r.ok) return { ok: false, reason: r.code === 'LT_MOMO_MALFORMED' ? 'malformed' : 'bad_signature', message: r.message };
      const ipn = r.ipn;
      return {
        ok: true,
        merchant: ipn.partnerCode,
        orderRef: ipn.orderId,
        verdict: verdictOf(ipn.result, ipn.amountVnd, ipn.transId),
      };
    },
  };
}
