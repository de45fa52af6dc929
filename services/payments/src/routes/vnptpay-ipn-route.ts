import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance } from 'fastify';
import { errorBody, type Clock } from '@lienthong/platform';
import { buildVnptpayIpnReply, type VnptpayIpnReplyKind } from '@lienthong/vnptpay';
import type { Settlement } from '../settlement.js';
import type { VnptpayAdapter } from '../providers/vnptpay-adapter.js';
import type { PaymentMetrics } from '../metrics.js';
import { outcomeOf, type NotificationOutcome } from './notification-outcome.js';
import { registerFormParser } from './form-body.js';

/** Reply code per outcome (vnptpay-vietqr.md §1.5, codes [VP3]): 00 and 02 end VNPT Pay's interest [inf]. */
const replyOf: Record<NotificationOutcome, VnptpayIpnReplyKind> = {
  settled: 'ok',
  failed_recorded: 'ok',
  no_change: 'ok',
  review: 'ok',
  duplicate: 'alreadyConfirmed',
  unknown_order: 'orderNotFound',
  // No amount code exists in [VP3]; the mismatch is recorded for refund review first.
  amount_mismatch: 'other',
  bad_signature: 'badSignature',
  conflict: 'other',
  malformed: 'other',
  // 08 "busy, retry later": a database hiccup; VNPT Pay calls again.
  error: 'busy',
};

/**
 * VNPT Pay IPN: POST, in either transport seen in practice — plain JSON [VP4] or a form whose field
 * `data` holds the JSON [VP3] — answered with the signed JSON reply [VP4]. Signature first (routed by
 * MERCHANT_SERVICE_ID), then order → amount → status inside Settlement.apply under the row lock.
 */
export function vnptpayIpnRoute(
  app: FastifyInstance,
  deps: { vnptpay: VnptpayAdapter; settlement: Settlement; metrics: PaymentMetrics; clock: Clock },
): void {
  void app.register(async (scope) => {
    registerFormParser(scope);
    scope.post(
      '/v1/ipn/vnptpay',
      {
        schema: { summary: 'VNPT Pay IPN (server to server; JSON or form field data)', tags: ['notifications'] },
        config: {
          access: {
            signed: 'SECURE_CODE (SHA-256 over the 10 IPN fields and the merchant service secret) checked by verifyIpn first',
          },
        },
      },
      async (req, reply) => {
        const check = deps.vnptpay.verifyIpn(req.body);
        const msid = 'merchantServiceId' in check ? check.merchantServiceId : undefined;
        const about = check.ok
          ? { merchantServiceId: check.merchant, orderId: check.orderRef }
          : { ...(msid ? { merchantServiceId: msid } : {}) };
        const send = (outcome: NotificationOutcome) =>
          reply.send(
            buildVnptpayIpnReply(
              replyOf[outcome],
              about,
              about.merchantServiceId ? deps.vnptpay.secretOf(about.merchantServiceId) : undefined,
              deps.clock.now(),
            ),
          );
        let outcome: NotificationOutcome;
        if (!check.ok) {
          outcome = check.reason === 'malformed' ? 'malformed' : 'bad_signature';
          deps.metrics.notifications.inc({ provider: 'vnptpay', outcome });
          req.log.warn({ provider: 'vnptpay', outcome, why: check.message }, 'notification refused');
          if (outcome === 'malformed')
            return reply
              .status(400)
              .send(
                errorBody(
                  'LT_PAY_MALFORMED_NOTIFICATION',
                  'Thông báo thanh toán không đúng định dạng',
                  `not a VNPT Pay notification: ${check.message}`,
                ),
              );
          return send(outcome);
        }
        try {
          outcome = outcomeOf(
            await deps.settlement.apply(
              { provider: 'vnptpay', merchant: check.merchant, orderRef: check.orderRef },
              check.verdict,
              'ipn',
            ),
          );
        } catch (err) {
          req.log.error({ err, provider: 'vnptpay' }, 'notification could not be applied');
          outcome = 'error';
        }
        deps.metrics.notifications.inc({ provider: 'vnptpay', outcome });
        req.log.info({ provider: 'vnptpay', orderRef: check.orderRef, outcome }, 'notification handled');
        return send(outcome);
      },
    );
  });
}
