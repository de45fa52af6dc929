import type {} from '@fastify/swagger'; // OpenAPI fields (summary, hide) on route schemas
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assertAgencyScope, clientMayActFor, HubError, requireClient, type Pool } from '@lienthong/platform';
import type { CloudEvent } from '@lienthong/events';
import { InboundErrorCodes } from './errors.js';
import { inboundKinds, type InboundKind, type ReceiveOutcome } from './receive.js';
import type { createInboundRouter } from './router.js';

export interface InboundRouteDeps {
  pool: Pool;
  receive: (kind: InboundKind, body: unknown) => Promise<ReceiveOutcome>;
  checkPortal: (req: FastifyRequest) => void;
  router: ReturnType<typeof createInboundRouter>;
}

/** The MaHoSo of a body, for the `<MaHoSo>| …` message even when the packet is invalid. */
const maHoSoOf = (body: unknown) => {
  const m = (body as { MaHoSo?: unknown } | null)?.MaHoSo;
  return typeof m === 'string' ? m.slice(0, 100).replace(/\|/g, '') : '';
};

const statusOf = (err: unknown): number => {
  const kind = (err as { kind?: string }).kind;
  return kind === 'invalid'
    ? 400
    : kind === 'unauthorized'
      ? 401
      : kind === 'forbidden'
        ? 403
        : kind === 'too_large'
          ? 413
          : kind === 'unavailable'
            ? 503
            : 500;
};

/**
 * The portal's answers (reference §6 [code S4]): registrations and amendments `{error_code, message}` with
 * 0 success, 1 duplicate ("duplicate refId"), −1 error and a message `<MaHoSo>| …`; tax notices
 * `{status, message, description}`, whose status values are unconfirmed — we answer 1 for received, 2 for
 * a duplicate and 0 for an error [inf]. The HTTP status carries the class of error too (400, 401, 403,
 * 413, 503) [inf: what the portal expects on errors is not public]; the details name each problem.
 */
function answer(kind: InboundKind, reply: FastifyReply, maHoSo: string, outcome: ReceiveOutcome | undefined, err?: unknown) {
  const status = err ? statusOf(err) : 200;
  const e = err as { message?: string; messageVi?: string; code?: string; details?: unknown[] } | undefined;
  if (kind === 'tax-notice') {
    return reply.status(status).send(
      err
        ? {
            status: 0,
            message: `${maHoSo}| ${e?.messageVi ?? 'Lỗi'}`,
            description: JSON.stringify({ code: e?.code, details: e?.details ?? [] }).slice(0, 4000),
          }
        : {
            status: outcome!.result === 'duplicate' ? 2 : 1,
            message: `${maHoSo}| ${outcome!.result === 'duplicate' ? 'duplicate refId' : 'Tiếp nhận thành công'}`,
            description: outcome!.eventId,
          },
    );
  }
  if (err)
    return reply
      .status(status)
      .send({ error_code: -1, message: `${maHoSo}| ${e?.messageVi ?? 'Lỗi'}`, error: e?.code, details: e?.details ?? [] });
  return reply.send(
    outcome!.result === 'duplicate'
      ? { error_code: 1, message: `${maHoSo}| duplicate refId` }
      : { error_code: 0, message: `${maHoSo}| Tiếp nhận thành công` },
  );
}

export function registerInboundRoutes(app: FastifyInstance, deps: InboundRouteDeps): void {
  for (const [kind, spec] of Object.entries(inboundKinds) as [InboundKind, (typeof inboundKinds)[InboundKind]][]) {
    app.post(
      `/nps/${spec.operation}`,
      {
        config: {
          access: {
            signed: 'the national portal: shared token and/or address allow-list, checked in the handler (portal-auth.ts)',
          },
        },
        schema: { summary: `${spec.operation}: inbound call from DVCQG (reference §6)`, tags: ['inbound'] },
        // Errors raised before the handler (bad or hostile JSON, body too large) answer in the portal's format too.
        errorHandler: (err, req, reply) => {
          const status =
            typeof (err as { statusCode?: number }).statusCode === 'number'
              ? (err as { statusCode: number }).statusCode
              : statusOf(err);
          const e = err as { code?: string; messageVi?: string; message: string; details?: unknown[] };
          const fastifyCode =
            e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
              ? 'LT_HTTP_BODY_TOO_LARGE'
              : e.code?.startsWith('FST_')
                ? 'LT_INBOUND_BAD_REQUEST'
                : e.code;
          const failed = {
            ...e,
            code: fastifyCode,
            kind: status === 413 ? 'too_large' : status === 415 ? 'invalid' : ((err as { kind?: string }).kind ?? 'invalid'),
            messageVi: e.messageVi ?? 'Gói tin không đọc được',
          };
          if (status >= 500 && status !== 503) req.log.error({ code: e.code }, 'inbound call failed');
          // Sends the portal-format answer; fastify takes the reply as sent (nothing returned).
          void answer(kind, reply, '', undefined, failed);
        },
      },
      async (req, reply) => {
        const maHoSo = maHoSoOf(req.body);
        try {
          deps.checkPortal(req);
          const outcome = await deps.receive(kind, req.body);
          return answer(kind, reply, outcome.maHoSo, outcome);
        } catch (err) {
          if (statusOf(err) >= 500) req.log.error({ code: (err as { code?: string }).code }, 'inbound call failed');
          return answer(kind, reply, maHoSo, undefined, err);
        }
      },
    );
  }

  app.get(
    '/v1/inbound/packets',
    {
      config: { access: { roles: ['viewer', 'operator'] } },
      schema: {
        summary: 'Inbound packets, e.g. those nobody is subscribed for (routed=false)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            routed: { enum: ['true', 'false'] },
            kind: { enum: [...Object.keys(inboundKinds), 'question'] },
            limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as { routed?: 'true' | 'false'; kind?: string; limit?: string };
      const client = requireClient(req);
      const rows = await deps.pool.query<{ agency: string | null }>(
        `SELECT ref_key, kind, ma_ho_so, agency, event_id, state, routed, deliveries, attempts, received_at, published_at, routed_at
         FROM inbound_packets WHERE ($1::boolean IS NULL OR routed = $1) AND ($2::text IS NULL OR kind = $2) ORDER BY received_at DESC LIMIT 2000`,
        [q.routed === undefined ? null : q.routed === 'true', q.kind ?? null],
      );
      // Packets without an agency are visible to all-agency operators only.
      const visible = rows.rows.filter((r) => (r.agency ? clientMayActFor(client, r.agency) : client.agencies.includes('*')));
      return { packets: visible.slice(0, Number(q.limit ?? 100)) };
    },
  );

  app.post(
    '/v1/inbound/packets/route',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        summary: 'Route a kept packet again (after a subscription was created), optionally to another agency',
        body: {
          type: 'object',
          required: ['refKey', 'reason'],
          additionalProperties: false,
          properties: {
            refKey: { type: 'string', minLength: 1, maxLength: 400 },
            agency: { type: 'string', pattern: '^[A-Za-z0-9.]{1,40}$' },
            reason: { type: 'string', minLength: 3, maxLength: 500 },
          },
        },
      },
    },
    async (req) => {
      const b = req.body as { refKey: string; agency?: string; reason: string };
      const r = await deps.pool.query<{ agency: string | null; event: CloudEvent<Record<string, unknown>> }>(
        'SELECT agency, event FROM inbound_packets WHERE ref_key = $1 AND state = $2',
        [b.refKey, 'published'],
      );
      const row = r.rows[0];
      if (!row)
        throw new HubError(InboundErrorCodes.NOT_FOUND, `no inbound packet ${b.refKey}`, {
          kind: 'not_found',
          messageVi: `Không có gói tin ${b.refKey}`,
        });
      const agency = b.agency ?? row.agency;
      if (!agency)
        throw new HubError(InboundErrorCodes.INVALID_PACKET, 'this packet has no agency: give one', {
          kind: 'invalid',
          messageVi: 'Gói tin chưa xác định được cơ quan: hãy chỉ định',
        });
      const client = assertAgencyScope(req, agency, '/agency');
      if (row.agency && row.agency !== agency) assertAgencyScope(req, row.agency, '/refKey');
      if (b.agency) await deps.pool.query('UPDATE inbound_packets SET agency = $2 WHERE ref_key = $1', [b.refKey, agency]);
      const queued = await deps.router.route({ ...row.event, data: { ...row.event.data, agency } });
      req.log.info({ refKey: b.refKey, client: client.id, queued }, 'inbound packet routed by an operator');
      return { refKey: b.refKey, agency, queued };
    },
  );

  app.get(
    '/v1/inbound/attachments/:sha256',
    {
      config: { access: { roles: ['submitter', 'operator'] } },
      schema: {
        summary: 'An attachment of an inbound packet, as bytes (never rendered)',
        params: { type: 'object', required: ['sha256'], properties: { sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } } },
      },
    },
    async (req, reply) => {
      const { sha256 } = req.params as { sha256: string };
      const client = requireClient(req);
      const owners = await deps.pool.query<{ agency: string | null; name: string }>(
        'SELECT p.agency, pa.name FROM inbound_packet_attachments pa JOIN inbound_packets p USING (ref_key) WHERE pa.sha256 = $1',
        [sha256],
      );
      const mine = owners.rows.find((o) => (o.agency ? clientMayActFor(client, o.agency) : client.agencies.includes('*')));
      if (!mine)
        throw new HubError(InboundErrorCodes.NOT_FOUND, 'no such attachment for this client', {
          kind: 'not_found',
          messageVi: 'Không có tệp đính kèm này',
        });
      const f = await deps.pool.query<{ content: Buffer }>('SELECT content FROM inbound_attachments WHERE sha256 = $1', [sha256]);
      // Bytes only: octet-stream, attachment disposition, no sniffing: the hub never renders what the portal sent.
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${sha256}.bin"`)
        .header('x-content-type-options', 'nosniff')
        .send(f.rows[0]!.content);
    },
  );
}
