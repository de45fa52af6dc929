import type {} from '@fastify/swagger'; // OpenAPI fields (summary, hide) on route schemas
import type { FastifyInstance } from 'fastify';
import type { KeyObject } from 'node:crypto';
import { assertAgencyScope, clientMayActFor, HubError, requireClient, type Pool } from '@lienthong/platform';
import { agencyCodeOfMaHoSo } from '@lienthong/standard';
import { verifyWebhook, vnpostTime, type AddressMapper, type MyVnpostClient } from '@lienthong/vnpost';
import { PostalServiceCodes } from './errors.js';
import { DEFAULT_RESULT_KEY } from './intake.js';
import type { PostalOrderRow } from './ledger.js';
import type { createStatusUpdater } from './status-updates.js';

export interface PostalRouteDeps {
  pool: Pool;
  mapper: AddressMapper;
  updater: ReturnType<typeof createStatusUpdater>;
  want: (maHoSo: string, agency: string) => Promise<void>;
  myvnpost?: MyVnpostClient;
  webhookPublicKey?: KeyObject;
  /** Wakes the creator after an order became pending. */
  kick: () => void;
}

const maHoSoSchema = { type: 'string', minLength: 5, maxLength: 100, pattern: '^[A-Za-z0-9.\\-_]+$' } as const;

function agencyOf(maHoSo: string, path: string): string {
  const a = agencyCodeOfMaHoSo(maHoSo);
  if (!a) {
    throw new HubError(PostalServiceCodes.BAD_REQUEST, `MaHoSo ${maHoSo} carries no agency code`, {
      kind: 'invalid',
      messageVi: `Mã hồ sơ ${maHoSo} không chứa mã cơ quan`,
      details: [
        {
          path,
          code: PostalServiceCodes.BAD_REQUEST,
          message: 'Mã hồ sơ không đúng định dạng',
          message_en: 'MaHoSo has no agency code',
        },
      ],
    });
  }
  return a;
}

const notFound = (maHoSo: string) =>
  new HubError(PostalServiceCodes.NOT_FOUND, `no postal order for ${maHoSo}`, {
    kind: 'not_found',
    messageVi: `Chưa có đơn bưu chính cho hồ sơ ${maHoSo}`,
  });

/** The postal service's HTTP API (docs/postal.md). Every route declares who may call it. */
export function registerPostalRoutes(app: FastifyInstance, deps: PostalRouteDeps): void {
  app.post(
    '/v1/postal/recipients',
    {
      config: { access: { roles: ['submitter', 'operator'] } },
      schema: {
        summary: 'Register who receives a dossier’s result by post (name, phone, address)',
        body: {
          type: 'object',
          required: ['MaHoSo', 'receiver'],
          additionalProperties: false,
          properties: {
            MaHoSo: maHoSoSchema,
            receiver: {
              type: 'object',
              required: ['name', 'phone', 'address'],
              additionalProperties: false,
              properties: {
                name: { type: 'string', minLength: 1, maxLength: 200 },
                phone: { type: 'string', pattern: '^(\\+?84|0)[0-9]{8,10}$' },
                email: { type: 'string', maxLength: 200, format: 'email' },
                address: {
                  type: 'object',
                  required: ['street'],
                  additionalProperties: false,
                  properties: {
                    street: { type: 'string', minLength: 1, maxLength: 500 },
                    provinceCode: { type: 'string', pattern: '^[0-9]{2}$' },
                    provinceName: { type: 'string', maxLength: 100 },
                    communeCode: { type: 'string', pattern: '^[0-9]{5}$' },
                    communeName: { type: 'string', maxLength: 100 },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const body = req.body as {
        MaHoSo: string;
        receiver: { name: string; phone: string; email?: string; address: { street: string } & Record<string, string> };
      };
      const agency = agencyOf(body.MaHoSo, '/MaHoSo');
      const client = assertAgencyScope(req, agency, '/MaHoSo');
      // Refused here, with the field named, rather than later at VNPost (issue 15).
      const mapped = deps.mapper.map(body.receiver.address, '/receiver/address');
      const receiver = {
        name: body.receiver.name,
        phone: body.receiver.phone,
        email: body.receiver.email,
        address: body.receiver.address.street,
      };
      await deps.pool.query(
        `INSERT INTO postal_recipients (ma_ho_so, agency, receiver, mapped, registered_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (ma_ho_so) DO UPDATE SET receiver = EXCLUDED.receiver, mapped = EXCLUDED.mapped, registered_by = EXCLUDED.registered_by, registered_at = now()`,
        [body.MaHoSo, agency, JSON.stringify(receiver), JSON.stringify(mapped), client.id],
      );
      const moved = await deps.pool.query(
        `UPDATE postal_orders SET state = 'pending', next_attempt_at = now(), updated_at = now() WHERE ma_ho_so = $1 AND state = 'needs-address'`,
        [body.MaHoSo],
      );
      if (moved.rowCount) deps.kick();
      return reply.status(201).send({ MaHoSo: body.MaHoSo, mapped });
    },
  );

  app.post(
    '/v1/postal/orders',
    {
      config: { access: { roles: ['submitter', 'operator'] } },
      schema: {
        summary: 'Ask for the result of a dossier to be sent by post now (when the hub has not seen it reach TrangThaiHoSo 9)',
        body: { type: 'object', required: ['MaHoSo'], additionalProperties: false, properties: { MaHoSo: maHoSoSchema } },
      },
    },
    async (req, reply) => {
      const { MaHoSo } = req.body as { MaHoSo: string };
      const agency = agencyOf(MaHoSo, '/MaHoSo');
      assertAgencyScope(req, agency, '/MaHoSo');
      await deps.want(MaHoSo, agency);
      deps.kick();
      const r = await deps.pool.query<PostalOrderRow>('SELECT * FROM postal_orders WHERE ma_ho_so = $1 AND result_key = $2', [
        MaHoSo,
        DEFAULT_RESULT_KEY,
      ]);
      return reply.status(202).send({ order: r.rows[0] });
    },
  );

  app.get(
    '/v1/postal/orders/:MaHoSo',
    {
      config: { access: { roles: ['submitter', 'viewer', 'operator'] } },
      schema: {
        summary: 'A dossier’s postal orders with every status VNPost reported',
        params: { type: 'object', properties: { MaHoSo: maHoSoSchema }, required: ['MaHoSo'] },
      },
    },
    async (req) => {
      const { MaHoSo } = req.params as { MaHoSo: string };
      assertAgencyScope(req, agencyOf(MaHoSo, '/MaHoSo'), '/MaHoSo');
      const orders = await deps.pool.query<PostalOrderRow>(
        'SELECT * FROM postal_orders WHERE ma_ho_so = $1 ORDER BY result_key',
        [MaHoSo],
      );
      if (orders.rowCount === 0) throw notFound(MaHoSo);
      const history = await deps.pool.query(
        'SELECT result_key, vnpost_status, status_name, state, at, source FROM postal_status_history WHERE ma_ho_so = $1 ORDER BY at, received_at',
        [MaHoSo],
      );
      return { orders: orders.rows, history: history.rows };
    },
  );

  app.get(
    '/v1/postal/orders',
    {
      config: { access: { roles: ['viewer', 'operator'] } },
      schema: {
        summary: 'Orders operators must look at: by state, or flagged (failed, returned, unknown status, refused)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', pattern: '^[a-z-]{1,20}$' },
            // Query strings are not coerced by the platform (coerceTypes false): typed as the text they are.
            flagged: { enum: ['true', 'false'] },
            limit: { type: 'string', pattern: '^(?:[1-9]\\d{0,2})$' },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as { state?: string; flagged?: 'true' | 'false'; limit?: string };
      const limit = Math.min(500, Number(q.limit ?? 100));
      const client = requireClient(req);
      const rows = await deps.pool.query<PostalOrderRow>(
        `SELECT * FROM postal_orders WHERE ($1::text IS NULL OR state = $1) AND ($2::boolean IS NULL OR flagged = $2) ORDER BY updated_at DESC LIMIT 2000`,
        [q.state ?? null, q.flagged === undefined ? null : q.flagged === 'true'],
      );
      // Scope on each order's own agency (from its MaHoSo), never on what the caller asks for.
      return { orders: rows.rows.filter((r) => clientMayActFor(client, r.agency)).slice(0, limit) };
    },
  );

  app.post(
    '/v1/postal/orders/:MaHoSo/cancel',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        summary: 'Cancel an order VNPost has not picked up yet (MyVNPost only)',
        params: { type: 'object', properties: { MaHoSo: maHoSoSchema }, required: ['MaHoSo'] },
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: { reason: { type: 'string', minLength: 3, maxLength: 500 } },
        },
      },
    },
    async (req, reply) => {
      const { MaHoSo } = req.params as { MaHoSo: string };
      const client = assertAgencyScope(req, agencyOf(MaHoSo, '/MaHoSo'), '/MaHoSo');
      const r = await deps.pool.query<PostalOrderRow>('SELECT * FROM postal_orders WHERE ma_ho_so = $1 AND result_key = $2', [
        MaHoSo,
        DEFAULT_RESULT_KEY,
      ]);
      const row = r.rows[0];
      if (!row) throw notFound(MaHoSo);
      if (row.route !== 'myvnpost' || !row.original_id || !deps.myvnpost) {
        throw new HubError(
          PostalServiceCodes.BAD_REQUEST,
          'only MyVNPost orders with an originalID can be cancelled through the hub',
          { kind: 'conflict', messageVi: 'Chỉ hủy được đơn MyVNPost đã có mã originalID' },
        );
      }
      const answer = await deps.myvnpost.cancel(row.original_id);
      req.log.info({ maHoSo: MaHoSo, client: client.id, accepted: answer.accepted }, 'postal order cancel requested');
      if (answer.accepted)
        await deps.updater.applyMyVnpost(
          { maHoSo: MaHoSo, resultKey: row.result_key },
          {
            statusCode: '9',
            statusName: `Hủy theo yêu cầu: ${(req.body as { reason: string }).reason}`.slice(0, 200),
            at: new Date().toISOString(),
          },
          'poll',
        );
      return reply.status(answer.accepted || answer.pendingApproval ? 200 : 409).send(answer);
    },
  );

  /**
   * MyVNPost status webhook (vnpost.md §1): the signature covers only the FIRST record, so only that record
   * is trusted; others trigger no change (the poller fetches their history) [our choice].
   * Answers 200 {success, message} as the receiver in public code does; 401 on a bad signature, 400 on a
   * bad body [code N2].
   */
  app.post(
    '/v1/postal/webhooks/myvnpost',
    {
      config: {
        access: { signed: 'MyVNPost RSA-SHA256 signature over MYVNP+sendDate+itemCode+status, verified in the handler' },
      },
      schema: { hide: true },
    },
    async (req, reply) => {
      const b = req.body as { data?: unknown; sendDate?: unknown; signature?: unknown } | undefined;
      const first = b && Array.isArray(b.data) ? (b.data[0] as Record<string, unknown> | undefined) : undefined;
      if (
        !first ||
        typeof first !== 'object' ||
        typeof b!.sendDate !== 'string' ||
        typeof first.itemCode !== 'string' ||
        (typeof first.status !== 'number' && typeof first.status !== 'string')
      ) {
        return reply
          .status(400)
          .send({ success: false, message: 'body must be {data:[{itemCode,status,…}], sendDate, signature}' });
      }
      if (
        !deps.webhookPublicKey ||
        !verifyWebhook(deps.webhookPublicKey, b!.signature, b!.sendDate, first.itemCode, first.status)
      ) {
        return reply.status(401).send({ success: false, message: 'invalid signature' });
      }
      const [date, hour] = (b!.sendDate as string).split(' ');
      const outcome = await deps.updater.applyMyVnpost(
        { itemCode: first.itemCode },
        {
          statusCode: String(first.status),
          statusName: typeof first.statusName === 'string' ? first.statusName.slice(0, 200) : '',
          at: vnpostTime(date, hour),
        },
        'webhook',
      );
      req.log.info({ outcome }, 'MyVNPost webhook');
      return reply.send({ success: true, message: outcome === 'no-order' ? 'unknown itemCode (ignored)' : 'OK' });
    },
  );

  app.post(
    '/v1/postal/catalogue/refresh',
    { config: { access: { roles: ['operator'] } }, schema: { summary: 'Refresh VNPost’s 2-level address catalogue now' } },
    async () => {
      if (!deps.myvnpost)
        throw new HubError(PostalServiceCodes.NO_ROUTE, 'MyVNPost is not configured', {
          kind: 'conflict',
          messageVi: 'Chưa cấu hình MyVNPost',
        });
      const list = await deps.myvnpost.communes();
      deps.mapper.setCatalogue(list);
      return { communes: list.length };
    },
  );
}
