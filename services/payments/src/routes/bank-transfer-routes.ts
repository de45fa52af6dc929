import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '@lienthong/platform';
import { verifyPayosWebhook, verifySepayWebhook, type TransferCheck } from '@lienthong/vietqr';
import type { MerchantAccount, MerchantRegistry } from '../merchants.js';
import type { TransferMatcher, TransferSource } from '../bank-transfers.js';
import type { PaymentMetrics } from '../metrics.js';

/** The merchant account owning a bank account number (the agencies' accounts are unique in the file). */
function accountOf(merchants: MerchantRegistry, accountNumber: unknown): MerchantAccount | undefined {
  if (typeof accountNumber !== 'string' || accountNumber.length > 40) return undefined;
  return merchants.merchants.find((m) => m.vietqr?.accountNumber === accountNumber);
}

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/**
 * Incoming-transfer notifications of the banks' aggregators (vnptpay-vietqr.md §4): payOS (HMAC-SHA256
 * over the sorted `data`, with the checksum key of the account the transfer went to) and SePay
 * (`Authorization: Apikey`, that account's key). Verified first; then TransferMatcher records the transfer
 * once and settles it or puts it on the review list. A verified notification is acknowledged (2xx) whatever
 * its outcome, so the aggregator does not resend what the hub already keeps.
 */
export function bankTransferRoutes(
  app: FastifyInstance,
  deps: { merchants: MerchantRegistry; transfers: TransferMatcher; metrics: PaymentMetrics },
): void {
  /** After the account is known: verify, record once, settle or queue; one answer shape for both aggregators. */
  const respond = async (
    source: TransferSource,
    account: MerchantAccount,
    check: TransferCheck,
    req: FastifyRequest,
    reply: FastifyReply,
  ) => {
    if (!check.ok) {
      const malformed = check.reason === 'malformed';
      deps.metrics.notifications.inc({ provider: 'vietqr', outcome: malformed ? 'malformed' : 'bad_signature' });
      req.log.warn({ provider: 'vietqr', source, why: check.message }, 'transfer notification refused');
      return reply
        .status(malformed ? 400 : 401)
        .send(
          errorBody(
            malformed ? 'LT_PAY_MALFORMED_NOTIFICATION' : 'LT_PAY_BAD_SIGNATURE',
            'Thông báo chuyển khoản không hợp lệ',
            `${source}: ${check.message}`,
          ),
        );
    }
    const r = await deps.transfers.handle(source, `${account.vietqr!.bin}.${account.vietqr!.accountNumber}`, check.transfer);
    deps.metrics.notifications.inc({
      provider: 'vietqr',
      outcome: r.repeated ? 'duplicate' : r.outcome === 'settled' ? 'settled' : 'review',
    });
    // SePay's documented success reply is {"success": true} [SE1]; payOS wants any 2xx [PO2].
    return reply.send({ success: true, outcome: r.outcome });
  };
  const unknownAccount = (reply: FastifyReply, source: TransferSource) => {
    deps.metrics.notifications.inc({ provider: 'vietqr', outcome: 'unknown_order' });
    return reply
      .status(400)
      .send(
        errorBody(
          'LT_PAY_UNKNOWN_ACCOUNT',
          'Tài khoản nhận không thuộc cơ quan nào',
          `the receiving account is not an agency account with ${source}`,
        ),
      );
  };

  app.post(
    '/v1/ipn/payos',
    {
      schema: { summary: 'payOS incoming-transfer webhook (VietQR)', tags: ['notifications'] },
      config: {
        access: {
          signed: 'payOS signature: HMAC-SHA256 over the sorted data with the receiving account checksum key, checked first',
        },
      },
    },
    async (req, reply) => {
      const account = accountOf(deps.merchants, record(record(req.body)?.data)?.accountNumber);
      if (!account?.vietqr?.payos) return unknownAccount(reply, 'payos');
      return respond('payos', account, verifyPayosWebhook(req.body, account.vietqr.payos.checksumKey), req, reply);
    },
  );

  app.post(
    '/v1/ipn/sepay',
    {
      schema: { summary: 'SePay incoming-transfer webhook (VietQR)', tags: ['notifications'] },
      config: {
        access: { signed: 'SePay Authorization: Apikey <key of the receiving account>, compared in constant time first' },
      },
    },
    async (req, reply) => {
      const body = record(req.body);
      const account = accountOf(deps.merchants, body?.subAccount || body?.accountNumber);
      if (!account?.vietqr?.sepay) return unknownAccount(reply, 'sepay');
      return respond(
        'sepay',
        account,
        verifySepayWebhook(req.headers.authorization, req.body, account.vietqr.sepay.apiKey),
        req,
        reply,
      );
    },
  );
}
