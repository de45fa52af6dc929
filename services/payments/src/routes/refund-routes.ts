import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance } from 'fastify';
import { assertAgencyScope, requireClient } from '@lienthong/platform';
import type { PaymentStore } from '../ledger/payment-store.js';
import type { Refunds, RefundInput, RefundResolution } from '../refunds.js';
import type { IdempotencyStore } from '../idempotency-store.js';
import { requestHash } from '../idempotency-store.js';
import { badIdempotencyKey, paymentNotFound } from '../errors.js';
import { UUID_PATTERN } from './payment-routes.js';

const OPERATOR = { access: { roles: ['operator'] } } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: UUID_PATTERN } } } as const;
const refundParams = {
  type: 'object',
  required: ['id', 'refundId'],
  properties: { id: { type: 'string', pattern: UUID_PATTERN }, refundId: { type: 'string', pattern: UUID_PATTERN } },
} as const;

/**
 * Refunds of a paid payment (docs/payments.md, "Refunds"): operator role, on the stored payment's agency,
 * a reason always, `Idempotency-Key` honoured as on POST /v1/payments (a retried refund is never made twice).
 * A refund the provider has not confirmed is settled by an operator here (resolve), never by starting another.
 */
export function refundRoutes(
  app: FastifyInstance,
  deps: { store: PaymentStore; refunds: Refunds; idempotency: IdempotencyStore },
): void {
  app.post<{ Params: { id: string }; Body: RefundInput }>(
    '/v1/payments/:id/refunds',
    {
      schema: {
        summary:
          'Refund a paid payment, fully or partly: through the provider (MoMo) or recorded as a manual refund with its reference',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['reason'],
          properties: {
            amount: { type: 'integer', minimum: 1, maximum: 999_999_999_999 },
            reason: { type: 'string', minLength: 5, maxLength: 2000 },
            mode: { type: 'string', enum: ['provider', 'manual'] },
            reference: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x20-\\x7e]+$' },
          },
        },
      },
      config: OPERATOR,
    },
    async (req, reply) => {
      const p = await deps.store.get(req.params.id);
      if (!p) throw paymentNotFound();
      const op = assertAgencyScope(req, p.agencyCode, '/id');
      const key = req.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key))) throw badIdempotencyKey();
      if (key === undefined) return reply.status(201).send(await deps.refunds.request(op.id, p, req.body));
      const scoped = `refund:${key}`;
      const claim = await deps.idempotency.claim(
        op.id,
        scoped,
        requestHash('POST', `/v1/payments/${p.paymentId}/refunds`, req.rawBody ?? req.body),
      );
      if (claim.kind === 'replay')
        return reply.status(claim.response.statusCode).header('idempotent-replayed', 'true').send(claim.response.body);
      let out;
      try {
        out = await deps.refunds.request(op.id, p, req.body);
      } catch (err) {
        await deps.idempotency
          .release(op.id, scoped)
          .catch((e) => req.log.error({ err: e }, 'could not release idempotency claim'));
        throw err;
      }
      await deps.idempotency.complete(op.id, scoped, { statusCode: 201, body: out });
      return reply.status(201).send(out);
    },
  );

  app.post<{ Params: { id: string; refundId: string }; Body: RefundResolution }>(
    '/v1/payments/:id/refunds/:refundId/resolve',
    {
      schema: {
        summary:
          "Settle a pending refund from the provider's portal: succeeded (with the provider's refund id) or failed (frees the amount)",
        params: refundParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['outcome', 'note'],
          properties: {
            outcome: { type: 'string', enum: ['succeeded', 'failed'] },
            note: { type: 'string', minLength: 5, maxLength: 2000 },
            providerTxnId: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' },
          },
        },
      },
      config: OPERATOR,
    },
    async (req) => {
      const p = await deps.store.get(req.params.id);
      if (!p) throw paymentNotFound();
      const op = assertAgencyScope(req, p.agencyCode, '/id');
      return deps.refunds.resolve(op.id, p, req.params.refundId, req.body);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/payments/:id/refunds',
    { schema: { summary: 'The refunds of a payment', params: idParams }, config: { access: { roles: ['operator', 'viewer'] } } },
    async (req) => {
      const p = await deps.store.get(req.params.id);
      if (!p) throw paymentNotFound();
      assertAgencyScope(req, p.agencyCode, '/id');
      requireClient(req);
      return {
        paymentId: p.paymentId,
        amount: p.amount,
        refundedAmount: p.refundedAmount,
        refunds: await deps.refunds.list(p.paymentId),
      };
    },
  );
}
