import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance } from 'fastify';
import { assertAgencyScope, errorBody, requireClient, type Clock } from '@lienthong/platform';
import type { Reconciler } from '../reconciler.js';
import type { PaymentStore } from '../ledger/payment-store.js';
import type { Settlement } from '../settlement.js';
import { publicView } from '../ledger/payment-record.js';
import { paymentNotFound } from '../errors.js';
import { describeReviewReason } from '../review-reasons.js';
import { UUID_PATTERN } from './payment-routes.js';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: UUID_PATTERN } } } as const;

interface ResolveBody {
  action: 'settle' | 'fail' | 'expire' | 'clear_review';
  note: string;
  providerTxnId?: string;
  amount?: number;
}

const OPERATOR = { access: { roles: ['operator'] } } as const;

/**
 * Operator routes (docs/payments.md, "When a provider disagrees with the ledger"). They need an API
 * client with the `operator` role (issue 17 §1: `"agencies": ["*"]` alone no longer makes an operator),
 * and act only on payments whose *stored* agency is in the operator's scope. Every action goes through the same Settlement.apply as the providers'
 * messages (source `operator`, the client id and note in the history), so the state machine, the
 * once-only settlement and the outbox event hold for manual fixes too.
 */
export function adminRoutes(
  app: FastifyInstance,
  deps: { reconciler: Reconciler; store: PaymentStore; settlement: Settlement; clock: Clock },
): void {
  app.post<{ Body: { all?: boolean } | undefined }>(
    '/v1/admin/reconcile',
    {
      schema: {
        summary: 'Run reconciliation now (all open payments, or only those due)',
        body: { type: ['object', 'null'], additionalProperties: false, properties: { all: { type: 'boolean' } } },
      },
      config: OPERATOR,
    },
    async (req) => {
      const op = requireClient(req);
      // An agency-scoped operator reconciles its agencies' payments only.
      return deps.reconciler.runOnce({ all: req.body?.all ?? true, agencies: op.agencies });
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/v1/admin/payments/review',
    {
      schema: {
        summary: "Payments a human must look at (those of the operator's agencies)",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
      },
      config: OPERATOR,
    },
    async (req) => {
      const op = requireClient(req);
      const rows = await deps.store.listForReview(req.query.limit ?? 100, op.agencies);
      return {
        payments: rows.map((p) => ({
          ...publicView(p),
          reviewReason: p.reviewReason,
          ...describeReviewReason(p.reviewReason),
          lastCheck: p.lastCheckOutcome,
        })),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/admin/payments/:id/history',
    { schema: { summary: 'A payment and its append-only history', params: idParams }, config: OPERATOR },
    async (req) => {
      const p = await deps.store.get(req.params.id);
      if (!p) throw paymentNotFound();
      assertAgencyScope(req, p.agencyCode, '/id');
      return {
        payment: {
          ...publicView(p),
          reviewReason: p.reviewReason,
          ...describeReviewReason(p.reviewReason),
          lastCheck: p.lastCheckOutcome,
        },
        history: await deps.store.history(p.paymentId),
      };
    },
  );

  app.post<{ Params: { id: string }; Body: ResolveBody }>(
    '/v1/admin/payments/:id/resolve',
    {
      schema: {
        summary:
          'Resolve a disagreement: settle on evidence from the provider portal, fail after a refund, expire an abandoned payment, or close a review',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['action', 'note'],
          properties: {
            action: { type: 'string', enum: ['settle', 'fail', 'expire', 'clear_review'] },
            note: { type: 'string', minLength: 5, maxLength: 2000 },
            providerTxnId: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$' },
            amount: { type: 'integer', minimum: 1, maximum: 999_999_999_999 },
          },
        },
      },
      config: OPERATOR,
    },
    async (req, reply) => {
      // The stored payment's agency decides, before anything is applied.
      const stored = await deps.store.get(req.params.id);
      if (!stored) throw paymentNotFound();
      const op = assertAgencyScope(req, stored.agencyCode, '/id');
      const { action, note } = req.body;
      const extra = { actor: op.id, note };
      const target = { paymentId: req.params.id };
      if (action === 'clear_review') {
        const done = await deps.store.clearReview(req.params.id, extra as { actor: string; note: string }, deps.clock.now());
        if (!done)
          return reply
            .status(409)
            .send(errorBody('LT_PAY_CONFLICT', 'Giao dịch không ở trạng thái cần xem xét', 'payment is not under review'));
      } else if (action === 'settle') {
        if (!req.body.providerTxnId || req.body.amount === undefined) {
          return reply
            .status(400)
            .send(
              errorBody(
                'LT_PAY_INVALID_REQUEST',
                'Cần providerTxnId và amount từ cổng thanh toán',
                'settle needs providerTxnId and amount as shown by the provider',
              ),
            );
        }
        const r = await deps.settlement.apply(
          target,
          { kind: 'paid', amount: req.body.amount, providerTxnId: req.body.providerTxnId, providerCode: 'OPERATOR' },
          'operator',
          extra,
        );
        if (r.outcome === 'not_found') throw paymentNotFound();
        if (r.outcome !== 'applied' && r.outcome !== 'duplicate') {
          return reply
            .status(409)
            .send(errorBody('LT_PAY_CONFLICT', `Không áp dụng được: ${r.outcome}`, `not applied: ${r.outcome}`));
        }
      } else {
        const obs =
          action === 'expire'
            ? ({ kind: 'expire', reason: 'expired by an operator' } as const)
            : ({ kind: 'failed', providerCode: 'OPERATOR' } as const);
        const r = await deps.settlement.apply(target, obs, 'operator', extra);
        if (r.outcome === 'not_found') throw paymentNotFound();
        if (r.outcome !== 'applied')
          return reply
            .status(409)
            .send(errorBody('LT_PAY_CONFLICT', `Không áp dụng được: ${r.outcome}`, `not applied: ${r.outcome}`));
      }
      const p = await deps.store.get(req.params.id);
      if (!p) throw paymentNotFound();
      return { ...publicView(p), reviewReason: p.reviewReason };
    },
  );
}
