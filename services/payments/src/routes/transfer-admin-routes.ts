import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance } from 'fastify';
import { clientMayActFor, errorBody, requireClient } from '@lienthong/platform';
import type { TransferMatcher } from '../bank-transfers.js';

const OPERATOR = { access: { roles: ['operator'] } } as const;

/**
 * The bank-transfer review list (docs/payments.md, "Matching rules"): transfers that matched nothing,
 * matched with another amount, came late, or paid a payment twice. An operator refunds or settles by
 * hand elsewhere, then closes the entry here with a note. Unmatched transfers have no agency yet: only
 * an operator of every agency (`*`) sees them.
 */
export function transferAdminRoutes(app: FastifyInstance, deps: { transfers: TransferMatcher }): void {
  app.get<{ Querystring: { limit?: number } }>(
    '/v1/admin/transfers/review',
    {
      schema: {
        summary: 'Incoming bank transfers a human must look at',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
      },
      config: OPERATOR,
    },
    async (req) => ({ transfers: await deps.transfers.listForReview(req.query.limit ?? 100, requireClient(req).agencies) }),
  );

  app.post<{ Params: { id: string }; Body: { note: string } }>(
    '/v1/admin/transfers/:id/resolve',
    {
      schema: {
        summary: 'Close a transfer review entry (refunded at the bank, settled by hand…) with a note',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9]{1,18}$' } } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['note'],
          properties: { note: { type: 'string', minLength: 5, maxLength: 2000 } },
        },
      },
      config: OPERATOR,
    },
    async (req, reply) => {
      const op = requireClient(req);
      const t = await deps.transfers.get(req.params.id);
      const visible = t && (op.agencies.includes('*') || (t.agencyCode !== null && clientMayActFor(op, t.agencyCode)));
      if (!visible)
        return reply.status(404).send(errorBody('LT_PAY_NOT_FOUND', 'Không tìm thấy giao dịch chuyển khoản', 'no such transfer'));
      if (!(await deps.transfers.markReviewed(t.transferId, req.body.note, op.id)))
        return reply
          .status(409)
          .send(errorBody('LT_PAY_CONFLICT', 'Giao dịch không ở danh sách cần xem xét', 'transfer is not under review'));
      return deps.transfers.get(t.transferId);
    },
  );
}
