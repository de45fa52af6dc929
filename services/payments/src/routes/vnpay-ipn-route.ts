import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance } from 'fastify';
import { errorBody } from '@lienthong/platform';
import { VNPAY_IPN_REPLIES, type VnpayIpnReply } from '@lienthong/vnpay';
import type { Settlement } from '../settlement.js';
import type { VnpayAdapter } from '../providers/vnpay-adapter.js';
import type { PaymentMetrics } from '../metrics.js';
import { outcomeOf, type NotificationOutcome } from './notification-outcome.js';

/** The documented IPN reply for each outcome [V1] (§1.5). `00`/`02` stop VNPAY's retries; the rest are retried. */
const replyOf: Record<NotificationOutcome, VnpayIpnReply> = {
  settled: VNPAY_IPN_REPLIES.confirmSuccess,
  // "A recorded failed payment is also answered 00" [V1].
  failed_recorded: VNPAY_IPN_REPLIES.confirmSuccess,
  no_change: VNPAY_IPN_REPLIES.confirmSuccess,
  review: VNPAY_IPN_REPLIES.confirmSuccess,
  duplicate: VNPAY_IPN_REPLIES.orderAlreadyConfirmed,
  unknown_order: VNPAY_IPN_REPLIES.orderNotFound,
  // 04 does not reverse the charge [V5 #31]: the mismatch was recorded for refund review first.
  amount_mismatch: VNPAY_IPN_REPLIES.invalidAmount,
  bad_signature: VNPAY_IPN_REPLIES.invalidSignature,
  conflict: VNPAY_IPN_REPLIES.unknownError,
  malformed: VNPAY_IPN_REPLIES.unknownError,
  error: VNPAY_IPN_REPLIES.unknownError,
};

/**
 * VNPAY IPN: GET, answered HTTP 200 with `{RspCode, Message}` [V1]. Checks in the demo's order: checksum
 * (routed by vnp_TmnCode to that terminal's secret) → order → amount → status, the last three inside
 * Settlement.apply under the row lock. A query that cannot even be a VNPAY call (repeated or oversized
 * parameters, no terminal code) gets a 400 in our error format: VNPAY never sends one.
 */
export function vnpayIpnRoute(
  app: FastifyInstance,
  deps: { vnpay: VnpayAdapter; settlement: Settlement; metrics: PaymentMetrics },
): void {
  app.get(
    '/v1/ipn/vnpay',
    {
      schema: { summary: 'VNPAY IPN (server to server)', tags: ['notifications'] },
      config: {
        access: {
          signed: 'vnp_SecureHash (HMAC-SHA512 with the terminal secret) checked by verifyCallback before anything else',
        },
      },
    },
    async (req, reply) => {
      const check = deps.vnpay.verifyCallback(req.query);
      let outcome: NotificationOutcome;
      if (!check.ok) {
        outcome = check.reason === 'malformed' ? 'malformed' : 'bad_signature';
        deps.metrics.notifications.inc({ provider: 'vnpay', outcome });
        req.log.warn({ provider: 'vnpay', outcome, why: check.message }, 'notification refused');
        if (outcome === 'malformed') {
          return reply
            .status(400)
            .send(
              errorBody(
                'LT_PAY_MALFORMED_NOTIFICATION',
                'Thông báo thanh toán không đúng định dạng',
                `not a VNPAY notification: ${check.message}`,
              ),
            );
        }
        return reply.send(replyOf[outcome]);
      }
      try {
        const r = await deps.settlement.apply(
          { provider: 'vnpay', merchant: check.merchant, orderRef: check.orderRef },
          check.verdict,
          'ipn',
        );
        outcome = outcomeOf(r);
      } catch (err) {
        // 99 makes VNPAY call again later (up to 10 times, 5 min apart [V1]): right for a database hiccup.
        req.log.error({ err, provider: 'vnpay' }, 'notification could not be applied');
        outcome = 'error';
      }
      deps.metrics.notifications.inc({ provider: 'vnpay', outcome });
      req.log.info({ provider: 'vnpay', orderRef: check.orderRef, outcome }, 'notification handled');
      return reply.send(replyOf[outcome]);
    },
  );
}
