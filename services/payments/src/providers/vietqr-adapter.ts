import { buildVietQrPayload, renderVietQrPng } from '@lienthong/vietqr';
import type { MerchantAccount } from '../merchants.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import type { CreateAtProvider, CreatedAtProvider, ProviderAdapter, QueryAnswer } from './provider-adapter.js';

/**
 * Bank transfer by VietQR (vnptpay-vietqr.md §3, §4): nothing to call at create. The payload carries the
 * agency's BIN and account (merchants file), the exact amount and the payment's short code in 62.01 and
 * 62.08 (the transfer text); the citizen's page (our return page) shows the QR until a transfer matches.
 * Incoming transfers arrive by the aggregators' webhooks (routes/bank-transfer-routes.ts).
 */
export function createVietqrAdapter(): ProviderAdapter {
  return {
    provider: 'vietqr',
    async create(req: CreateAtProvider): Promise<CreatedAtProvider> {
      const acct = req.account.vietqr;
      const code = req.payment.transferCode;
      if (!acct || !code) throw new Error(`no VietQR account or transfer code for ${req.account.id}`);
      const payload = buildVietQrPayload({
        bin: acct.bin,
        account: acct.accountNumber,
        amount: req.payment.amount,
        purpose: code,
        billNumber: code,
      });
      const png = await renderVietQrPng(payload);
      return {
        // The citizen's page: shows the QR while pending, then what the ledger says.
        payUrl: `${req.returnUrl}?paymentId=${req.payment.paymentId}`,
        providerData: { transferCode: code },
        providerCode: 'QR',
        extra: {
          payload,
          transferCode: code,
          bin: acct.bin,
          accountNumber: acct.accountNumber,
          ...(acct.accountName ? { accountName: acct.accountName } : {}),
          amount: req.payment.amount,
          qrPng: `data:image/png;base64,${png.toString('base64')}`,
        },
      };
    },

    /**
     * There is no one to ask: the ledger's own record of incoming transfers is the answer. "Not found" lets
     * reconciliation expire the payment after its window; a transfer arriving later goes to the review list
     * (a late payment is never auto-reopened, reference §4.4) [inf: our choice].
     */
    async query(_payment: PaymentRecord, _account: MerchantAccount): Promise<QueryAnswer> {
      return { verified: true, verdict: { kind: 'not_found', providerCode: 'NO_TRANSFER' } };
    },
  };
}
