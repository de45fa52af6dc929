import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags…) on route schemas
import type { FastifyInstance } from 'fastify';
import { HubError } from '@lienthong/platform';
import { detectPacketKind, validatePacket, type PacketKind } from '@lienthong/standard';
import type { CatalogueCheck } from '../catalogue-check.js';

/**
 * `POST /v1/validate`: the conformance check for vendors (issue 3): the same report the gateway's ingest
 * would give, and nothing published. `?kind=` forces the packet kind; otherwise it is detected. The report is
 * `{valid, kind, errors, warnings}`, the CLI's per-file report.
 */
export function validateRoute(app: FastifyInstance, deps: { catalogue?: CatalogueCheck } = {}) {
  app.post<{ Querystring: { kind?: string } }>('/v1/validate', {
    validatorCompiler: () => (value: unknown) => ({ value }),
    // A vendor's conformance check is still a client's call: keyed, rate-limited, never anonymous.
    config: { access: { roles: ['submitter'] } },
    schema: {
      summary: 'Check packets against the national standard without publishing',
      tags: ['standard'],
      querystring: { type: 'object', properties: { kind: { type: 'string', description: 'packet kind; detected when absent' } } },
    },
    handler: async (req) => {
      const q = req.query as Record<string, unknown>;
      const given = q?.kind;
      if (given !== undefined && (typeof given !== 'string' || !/^[a-z-]{1,40}$/.test(given))) {
        throw new HubError('LT_GATEWAY_BAD_KIND', 'query parameter kind must be a packet kind name', {
          kind: 'invalid',
          messageVi: 'Tham số kind phải là tên loại gói tin',
          details: [
            { path: 'query:kind', code: 'LT_GATEWAY_BAD_KIND', message: 'kind không hợp lệ', message_en: 'invalid kind' },
          ],
        });
      }
      const kind = (given as PacketKind | undefined) ?? detectPacketKind(req.body);
      if (!kind) {
        return {
          valid: false,
          kind: null,
          errors: [
            {
              path: '',
              code: 'LT_STD_UNKNOWN_PACKET',
              message: 'Không nhận ra loại gói tin',
              message_en: 'cannot tell which packet this is; pass ?kind=',
            },
          ],
          warnings: [],
        };
      }
      let result;
      try {
        result = validatePacket(kind, req.body);
      } catch (err) {
        throw new HubError('LT_GATEWAY_BAD_KIND', `unknown packet kind ${kind}`, {
          kind: 'invalid',
          cause: err,
          messageVi: `loại gói tin không hỗ trợ: ${kind}`,
        });
      }
      // warnings: findings of inferred rules (docs/standard.md), reported but never making the packet invalid.
      if (kind === 'dossier' && result.ok && deps.catalogue) {
        // The same catalogue findings ingest would give (issue 9 §6).
        const items = Array.isArray(result.value) ? result.value : [result.value];
        const found = await deps.catalogue.check(items, !Array.isArray(req.body));
        return {
          valid: found.errors.length === 0,
          kind,
          errors: [...result.errors, ...found.errors],
          warnings: [...result.warnings, ...found.warnings],
        };
      }
      return { valid: result.ok, kind, errors: result.errors, warnings: result.warnings };
    },
  });
}
