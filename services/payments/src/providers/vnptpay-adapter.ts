import {
  buildVnptpayInit,
  buildVnptpayQuery,
  readVnptpayInitReply,
  readVnptpayQueryResponse,
  verifyVnptpayIpn,
  VnptpayError,
  type VnptpayMerchant,
  type VnptpayVerdict,
} from '@lienthong/vnptpay';
import { formatGmt7Stamp } from '@lienthong/protocol-kit';
import type { Logger } from '@lienthong/platform';
import { invalidRequest, providerError, providerRefused } from '../errors.js';
import type { MerchantAccount, MerchantRegistry } from '../merchants.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import type { Verdict } from '../ledger/observation.js';
import { createProviderHttp, postJsonForCreate, postJsonForQuery, rootCause } from './provider-http.js';
import type { CreateAtProvider, CreatedAtProvider, NotificationCheck, ProviderAdapter, QueryAnswer } from './provider-adapter.js';

export interface VnptpayAdapterOptions {
  merchants: MerchantRegistry;
  initUrl: string;
  queryUrl: string;
  createTimeoutMs: number;
  queryTimeoutMs: number;
  logger: Logger;
}

export interface VnptpayAdapter extends ProviderAdapter {
  /** Verifies an IPN (JSON or form field `data`), routed by MERCHANT_SERVICE_ID to that service's secret. */
  verifyIpn(body: unknown): NotificationCheck & { merchantServiceId?: string };
  /** The secret of a merchant service, to sign our IPN reply (undefined for an unknown one). */
  secretOf(merchantServiceId: string): string | undefined;
}

/** A VNPT Pay verdict in the ledger's vocabulary; `unknown` (an undocumented status) is a review, never a state change. */
function toVerdict(v: VnptpayVerdict): Verdict {
  switch (v.kind) {
    case 'paid':
      return { kind: 'paid', amount: v.amount, providerTxnId: v.transactionId, providerCode: v.code };
    case 'failed':
      return {
        kind: 'failed',
        providerCode: v.code,
        ...(v.amount !== undefined ? { amount: v.amount } : {}),
        ...(v.transactionId ? { providerTxnId: v.transactionId } : {}),
      };
    case 'pending':
      return { kind: 'pending', providerCode: v.code };
    case 'not_found':
      return { kind: 'not_found', providerCode: v.code };
    case 'unknown':
      return { kind: 'pending', providerCode: `unknown:${v.code}` };
  }
}

/** VNPT Pay (VNPT Money) merchant gateway over @lienthong/vnptpay (vnptpay-vietqr.md §1). */
export function createVnptpayAdapter(opts: VnptpayAdapterOptions): VnptpayAdapter {
  const byId = new Map<string, VnptpayMerchant>();
  for (const m of opts.merchants.merchants) if (m.vnptpay) byId.set(m.vnptpay.merchantServiceId, { ...m.vnptpay });
  const http = createProviderHttp('vnptpay', {
    createTimeoutMs: opts.createTimeoutMs,
    queryTimeoutMs: opts.queryTimeoutMs,
    logger: opts.logger,
  });
  const merchantOf = (account: MerchantAccount): VnptpayMerchant => {
    const m = account.vnptpay && byId.get(account.vnptpay.merchantServiceId);
    if (!m) throw new Error(`no VNPT Pay merchant service for ${account.id}`);
    return m;
  };
  const bearer = (m: VnptpayMerchant) => ({ authorization: `Bearer ${m.apiKey}` });

  return {
    provider: 'vnptpay',
    async create(req: CreateAtProvider): Promise<CreatedAtProvider> {
      const m = merchantOf(req.account);
      let msg;
      try {
        msg = buildVnptpayInit(m, {
          orderId: req.payment.orderRef,
          amount: req.payment.amount,
          description: req.orderInfo,
          createdAt: req.payment.createdAt,
          clientIp: req.ipAddr,
          locale: req.locale === 'en' ? 'en-US' : 'vi-VN',
        });
      } catch (err) {
        if (err instanceof VnptpayError)
          throw invalidRequest(
            err.details.map((d) => ({ path: `/${d.field}`, code: err.code, message: d.reason, message_en: d.reason })),
            err.message,
            'Dữ liệu không hợp lệ cho VNPT Pay',
          );
        throw err;
      }
      const answer = await postJsonForCreate(http.create, 'VNPT Pay', opts.initUrl, msg, () => false, bearer(m));
      const out = readVnptpayInitReply(m, answer);
      if (!out.ok) {
        if (out.code === 'MALFORMED') throw providerError('VNPT Pay', new Error(out.description));
        throw providerRefused('VNPT Pay', out.code);
      }
      // The answer's hash rule is inferred (§1.3): warn, do not refuse (the browser only goes to the URL).
      if (!out.signatureVerified)
        opts.logger.warn(
          { provider: 'vnptpay', paymentId: req.payment.paymentId },
          'INIT answer signature did not verify (inferred rule); using REDIRECT_URL',
        );
      return { payUrl: out.redirectUrl, providerData: { createDate: msg.CREATE_DATE as string }, providerCode: '00' };
    },

    async query(payment: PaymentRecord, account: MerchantAccount): Promise<QueryAnswer> {
      const m = merchantOf(account);
      const createDate = payment.providerData.createDate ?? (formatGmt7Stamp(payment.createdAt) as string);
      let body: unknown;
      try {
        body = await postJsonForQuery(
          http.query,
          opts.queryUrl,
          buildVnptpayQuery(m, { orderId: payment.orderRef, createDate }),
          bearer(m),
        );
      } catch (err) {
        const root = rootCause(err) as { code?: string; message?: string };
        return {
          verified: false,
          reason: `QUERY failed: ${root.message ?? 'error'}`,
          code: root.code ?? 'LT_VNPTPAY_QUERY_FAILED',
        };
      }
      const out = readVnptpayQueryResponse(m, body, { orderId: payment.orderRef });
      if (out.kind === 'no_answer') return { verified: false, reason: out.reason, ...(out.code ? { code: out.code } : {}) };
      return { verified: true, verdict: toVerdict(out.verdict) };
    },

    verifyIpn(body: unknown) {
      const c = verifyVnptpayIpn(body, (id) => byId.get(id)?.secretKey);
      if (!c.ok)
        return {
          ok: false,
          reason: c.reason,
          message: c.message,
          ...(c.merchantServiceId ? { merchantServiceId: c.merchantServiceId } : {}),
        };
      return {
        ok: true,
        merchant: c.merchantServiceId,
        orderRef: c.orderId,
        verdict: toVerdict(c.verdict),
        merchantServiceId: c.merchantServiceId,
      };
    },

    secretOf: (id) => byId.get(id)?.secretKey,
  };
}
