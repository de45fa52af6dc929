import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance } from 'fastify';
import { errorBody } from '@lienthong/platform';
import { MOMO_IPN_ACK_STATUS } from '@lienthong/momo';
import type { Settlement } from '../settlement.js';
import type { MomoAdapter } from '../providers/momo-adapter.js';
import type { PaymentMetrics } from '../metrics.js';
import { outcomeOf, type NotificationOutcome } from './notification-outcome.js';

/**
 * MoMo IPN: POST JSON, answered HTTP 204 with an empty body within 15 s [M1][M2] whenever we took the
 * notification into account (applied, duplicate, still processing). MoMo documents no other answer and
 * no retry [M5 #30]; refusals therefore get a clear 4xx in our error format, for whoever sent them:
 * 400 bad signature or malformed, 404 unknown order, 409 wrong amount (recorded for refund review).
 */
export function momoIpnRoute(
  app: FastifyInstance,
  deps: { momo: MomoAdapter; settlement: Settlement; metrics: PaymentMetrics },
): void {
  app.post(
    '/v1/ipn/momo',
    {
      schema: { summary: 'MoMo IPN (server to server)', tags: ['notifications'] },
      config: { access: { signed: 'MoMo signature (HMAC-SHA256 with the partner secret) checked by verifyNotification first' } },
    },
    async (req, reply) => {
      const check = deps.momo.verifyNotification(req.body);
      let outcome: NotificationOutcome;
      if (!check.ok) {
        outcome = check.reason === 'malformed' ? 'malformed' : 'bad_signature';
        deps.metrics.notifications.inc({ provider: 'momo', outcome });
        req.log.warn({ provider: 'momo', outcome, why: check.message }, 'notification refused');
        return reply
          .status(400)
          .send(
            outcome === 'malformed'
              ? errorBody(
                  'LT_PAY_MALFORMED_NOTIFICATION',
                  'Thông báo thanh toán không đúng định dạng',
                  `not a MoMo notification: ${check.message}`,
                )
              : errorBody('LT_PAY_BAD_SIGNATURE', 'Chữ ký không hợp lệ', 'invalid signature'),
          );
      }
      try {
        outcome = outcomeOf(
          await deps.settlement.apply(
            { provider: 'momo', merchant: check.merchant, orderRef: check.orderRef },
            check.verdict,
            'ipn',
          ),
        );
      } catch (err) {
        req.log.error({ err, provider: 'momo' }, 'notification could not be applied');
        outcome = 'error';
      }
      deps.metrics.notifications.inc({ provider: 'momo', outcome });
      req.log.info({ provider: 'momo', orderRef: check.orderRef, outcome }, 'notification handled');
      switch (outcome) {
        case 'unknown_order':
          return reply.status(404).send(errorBody('LT_PAY_UNKNOWN_ORDER', 'Không tìm thấy đơn hàng', 'order not found'));
        case 'amount_mismatch':
          return reply
            .status(409)
            .send(
              errorBody(
                'LT_PAY_AMOUNT_MISMATCH',
                'Số tiền không khớp; đã ghi nhận để đối soát',
                'amount does not match the order; recorded for review',
              ),
            );
        case 'conflict':
          return reply
            .status(409)
            .send(
              errorBody(
                'LT_PAY_CONFLICT',
                'Giao dịch đã được dùng cho đơn hàng khác',
                'transaction already settled another order',
              ),
            );
        case 'error':
          return reply
            .status(503)
            .send(
              errorBody(
                'LT_PAY_UNAVAILABLE',
                'Tạm thời không xử lý được, vui lòng gửi lại',
                'temporarily unavailable, send again',
              ),
            );
        default:
          return reply.status(MOMO_IPN_ACK_STATUS).send();
      }
    },
  );
}
