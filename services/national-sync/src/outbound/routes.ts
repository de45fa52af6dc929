/// <reference types="@fastify/swagger" />
import type { FastifyInstance } from 'fastify';
import { assertAgencyScope, type Pool, type RouteAccess } from '@lienthong/platform';
import { SyncError, SyncErrorCodes } from '../errors.js';
import { readOutbound, replayOutbound } from './ledger.js';
import type { OutboundKind } from './rows.js';

const kindSchema = { enum: ['qa-answer', 'promotion-status'] } as const;
const keySchema = { type: 'string', minLength: 1, maxLength: 100 } as const;
const operators = { access: { roles: ['operator'] } satisfies RouteAccess };
const readers = { access: { roles: ['operator', 'viewer'] } satisfies RouteAccess };

const notFound = (kind: string, key: string) =>
  new SyncError(SyncErrorCodes.OUTBOUND_NOT_FOUND, `no ledger entry for ${kind} ${key}`, {
    kind: 'not_found',
    messageVi: `không có ${kind === 'qa-answer' ? 'câu trả lời' : 'trạng thái hồ sơ'} ${key} trong sổ cái đồng bộ`,
  });

/**
 * Admin API of answers and promotion statuses: the ledger entry of one key, and its replay. Agency scope is the
 * data's own agency (the question's MADONVI, the promotion dossier's agency, as inbound recorded them from the
 * portal), never what the caller claims. Dead letters of national.outbound.v1 are also replayed by the generic
 * replay (console, packages/events CLI), which comes back through the consumer (outbound/consume.ts).
 */
export async function outboundRoutes(app: FastifyInstance, deps: { pool: Pool; onReplayed: () => void }): Promise<void> {
  app.get<{ Params: { kind: OutboundKind; key: string } }>(
    '/v1/outbound/:kind/:key',
    {
      config: readers,
      schema: {
        summary: 'Ledger entry of an answer (qa-answer, key HOIDAPID) or a promotion-dossier status (key = DVCQG MaHoSo)',
        params: { type: 'object', required: ['kind', 'key'], properties: { kind: kindSchema, key: keySchema } },
      },
    },
    async (req) => {
      const entry = await readOutbound(deps.pool, req.params.kind, req.params.key);
      if (!entry) throw notFound(req.params.kind, req.params.key);
      assertAgencyScope(req, entry.agency, 'params:key');
      return entry;
    },
  );

  app.post<{ Body: { kind: OutboundKind; key: string } }>(
    '/v1/admin/outbound/replay',
    {
      config: operators,
      schema: {
        summary: 'Push an answer or a promotion status again: its newest version, even if dead-lettered or already held',
        description: 'Role operator with the scope of the data’s agency.',
        body: {
          type: 'object',
          required: ['kind', 'key'],
          additionalProperties: false,
          properties: { kind: kindSchema, key: keySchema },
        },
      },
    },
    async (req, reply) => {
      const { kind, key } = req.body;
      const entry = await readOutbound(deps.pool, kind, key);
      if (!entry) throw notFound(kind, key);
      assertAgencyScope(req, entry.agency, '/key');
      await replayOutbound(deps.pool, kind, key);
      req.log.info({ kind, key }, 'outbound packet replayed by an operator');
      deps.onReplayed();
      return reply.status(202).send({ kind, key, replayed: true });
    },
  );
}
