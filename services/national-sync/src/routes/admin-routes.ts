/// <reference types="@fastify/swagger" />
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertAgencyScope, assertAllAgencies, type Pool, type RouteAccess } from '@lienthong/platform';
import { agencyCodeOfMaHoSo } from '@lienthong/standard';
import { SyncError, SyncErrorCodes } from '../errors.js';
import type { Replayer } from '../replay/replayer.js';
import type { Reconciler } from '../reconcile/reconciler.js';
import { readDossierStatus } from './dossier-status.js';

export interface AdminRoutesDeps {
  pool: Pool;
  replayer: Replayer;
  reconciler: Reconciler;
}

const maHoSoSchema = { type: 'string', minLength: 3, maxLength: 200, pattern: '^[^\\s]+$' } as const;

/** Replays and reconciliation change what the portal receives: operators only (design.md, Access). */
const operators = { access: { roles: ['operator'] } satisfies RouteAccess };
/** The ledger entry is read-only: operators and the read-only screens' viewers. */
const readers = { access: { roles: ['operator', 'viewer'] } satisfies RouteAccess };

/**
 * Agency scope of a dossier: the MaHoSo's own prefix (architecture.md decision 3), never what the caller
 * claims. A MaHoSo without a readable agency code can belong to anyone: it needs the scope `*`.
 */
function assertDossierScope(req: FastifyRequest, maHoSo: string, path: string): void {
  const agency = agencyCodeOfMaHoSo(maHoSo);
  if (agency) assertAgencyScope(req, agency, path);
  else assertAllAgencies(req, path);
}

/**
 * Operator API: what the ledger says about a dossier, replay (one MaHoSo, or every dead letter since a
 * time), and an immediate reconciliation run. Authentication and roles are the platform's auth plugin;
 * agency scope is checked here on the data: a replay of one dossier needs its agency, anything spanning
 * agencies (dead letters of everyone, a reconciliation of the whole ledger) needs `*`.
 */
export async function adminRoutes(app: FastifyInstance, deps: AdminRoutesDeps): Promise<void> {
  app.get<{ Params: { maHoSo: string } }>(
    '/v1/dossiers/:maHoSo/sync',
    {
      config: readers,
      schema: {
        summary: 'Ledger entry of a dossier: versions accepted and held by the portal, state, attempts, last error',
        params: { type: 'object', required: ['maHoSo'], properties: { maHoSo: maHoSoSchema } },
      },
    },
    async (req) => {
      assertDossierScope(req, req.params.maHoSo, 'params:maHoSo');
      const s = await readDossierStatus(deps.pool, req.params.maHoSo);
      if (!s)
        throw new SyncError(SyncErrorCodes.DOSSIER_NOT_FOUND, `no ledger entry for ${req.params.maHoSo}`, {
          kind: 'not_found',
          messageVi: `không có hồ sơ ${req.params.maHoSo} trong sổ cái đồng bộ`,
        });
      return s;
    },
  );

  app.post<{ Body: { maHoSo?: string; deadLettersSince?: string } }>(
    '/v1/admin/replay',
    {
      config: operators,
      schema: {
        summary: 'Replay one dossier (its newest snapshot and unacknowledged steps) or every dead letter since a time',
        description:
          'Role operator. A MaHoSo needs the scope of its agency; dead letters of every dossier (no maHoSo) need the scope "*".',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { maHoSo: maHoSoSchema, deadLettersSince: { type: 'string', minLength: 10, maxLength: 40 } },
        },
      },
    },
    async (req, reply) => {
      const { maHoSo, deadLettersSince } = req.body ?? {};
      if (maHoSo !== undefined) assertDossierScope(req, maHoSo, '/maHoSo');
      if (deadLettersSince !== undefined) {
        if (maHoSo === undefined) assertAllAgencies(req, '/deadLettersSince');
        const since = new Date(deadLettersSince);
        if (Number.isNaN(since.getTime())) {
          throw new SyncError(SyncErrorCodes.BAD_REPLAY_REQUEST, 'deadLettersSince is not an RFC 3339 time', {
            kind: 'invalid',
            messageVi: 'deadLettersSince không phải thời điểm RFC 3339',
          });
        }
        return reply.status(202).send(await deps.replayer.replayDeadLetters(since, maHoSo));
      }
      if (maHoSo !== undefined) return reply.status(202).send({ dossiers: [await deps.replayer.replayDossier(maHoSo)] });
      throw new SyncError(SyncErrorCodes.BAD_REPLAY_REQUEST, 'give maHoSo or deadLettersSince', {
        kind: 'invalid',
        messageVi: 'cần maHoSo hoặc deadLettersSince',
      });
    },
  );

  app.post(
    '/v1/admin/reconcile',
    {
      config: operators,
      schema: {
        summary: 'Run the TraCuuHoSo reconciliation now',
        description: 'Role operator with the scope "*": it spans every agency.',
      },
    },
    async (req) => {
      assertAllAgencies(req);
      return deps.reconciler.run();
    },
  );
}
