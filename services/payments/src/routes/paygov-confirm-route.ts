import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance } from 'fastify';
import { buildPaygovConfirmReply, PAYGOV_CONFIRM_REPLY_CODES } from '@lienthong/paygov';
import type { Settlement } from '../settlement.js';
import type { PaygovAdapter } from '../providers/paygov-adapter.js';
import type { PaymentMetrics } from '../metrics.js';
import { outcomeOf, type NotificationOutcome } from './notification-outcome.js';

/** Reply texts for refusals; the platform knows only "00" and "99" (§8, [S5]), so the text says which. */
const refusal: Partial<Record<NotificationOutcome, string>> = {
  unknown_order: 'Không tìm thấy mã tham chiếu',
  amount_mismatch: 'Số tiền không khớp',
  conflict: 'Giao dịch đã được dùng cho mã tham chiếu khác',
  error: 'Lỗi hệ thống, vui lòng gửi lại',
};

/**
 * PayGov confirm callback: POST JSON, answered `{MaLoi, MoTaLoi, MaDoiTac, MaThamChieu, ThoiGianGD,
 * MaXacThuc}` (§8) — "00" when applied or already applied, "99" with the reason otherwise. A body that
 * is not a confirm at all (not JSON, no MaDoiTac) gets a 400 in the same reply shape.
 */
export function paygovConfirmRoute(
  app: FastifyInstance,
  deps: { paygov: PaygovAdapter; settlement: Settlement; metrics: PaymentMetrics },
): void {
  app.post(
    '/v1/ipn/paygov',
    {
      schema: { summary: 'PayGov confirm callback (server to server)', tags: ['notifications'] },
      config: { access: { signed: 'MaXacThuc (SHA-256 chain with the partner secret) checked by verifyConfirm first' } },
    },
    async (req, reply) => {
      const check = deps.paygov.verifyConfirm(req.body);
      let outcome: NotificationOutcome;
      if (!check.ok) {
        outcome = check.reason === 'malformed' ? 'malformed' : 'bad_signature';
        deps.metrics.notifications.inc({ provider: 'paygov', outcome });
        req.log.warn({ provider: 'paygov', outcome, why: check.message }, 'notification refused');
        const body =
          check.reply ??
          buildPaygovConfirmReply(
            req.body,
            PAYGOV_CONFIRM_REPLY_CODES.otherError,
            check.reason === 'unknown_merchant' ? 'MaDoiTac không hợp lệ' : check.message,
          );
        return reply.status(outcome === 'malformed' ? 400 : 200).send(body);
      }
      try {
        outcome = outcomeOf(
          await deps.settlement.apply(
            { provider: 'paygov', merchant: check.merchant, orderRef: check.orderRef },
            check.verdict,
            'ipn',
          ),
        );
      } catch (err) {
        req.log.error({ err, provider: 'paygov' }, 'notification could not be applied');
        outcome = 'error';
      }
      deps.metrics.notifications.inc({ provider: 'paygov', outcome });
      req.log.info({ provider: 'paygov', orderRef: check.orderRef, outcome }, 'notification handled');
      const why = refusal[outcome];
      return reply.send(
        why === undefined
          ? buildPaygovConfirmReply(req.body, PAYGOV_CONFIRM_REPLY_CODES.success)
          : buildPaygovConfirmReply(req.body, PAYGOV_CONFIRM_REPLY_CODES.otherError, why),
      );
    },
  );
}
