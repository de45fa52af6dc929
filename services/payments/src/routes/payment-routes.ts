import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance } from 'fastify';
import { assertAgencyScope, clientMayActFor, requireClient } from '@lienthong/platform';
import { agencyCodeOfMaHoSo } from '@lienthong/standard';
import type { PaymentCreator, CreatePaymentInput } from '../payment-creator.js';
import type { PaymentStore } from '../ledger/payment-store.js';
import { publicView } from '../ledger/payment-record.js';
import { badIdempotencyKey, paymentNotFound } from '../errors.js';
import { requestHash, type IdempotencyStore } from '../idempotency-store.js';

const text = (max: number) => ({ type: 'string', maxLength: max });
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** Body of POST /v1/payments. Fees are integer VND; their sum must equal `amount` (checked in the creator). */
export const createPaymentBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['MaHoSo', 'provider', 'fees', 'amount', 'payer', 'returnUrl'],
  properties: {
    MaHoSo: { type: 'string', minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9.]+-[0-9]{6}-[0-9]{4,12}$' },
    // Optional consistency check only: the payment's agency is always the MaHoSo's (issue 17 §1).
    agencyCode: { type: 'string', minLength: 3, maxLength: 40, pattern: '^[A-Za-z0-9]+(\\.[A-Za-z0-9]+)+$' },
    provider: { type: 'string', enum: ['vnpay', 'momo', 'paygov', 'vnptpay', 'vietqr'] },
    amount: { type: 'integer', minimum: 1, maximum: 999_999_999_999 },
    fees: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['TenPhiLePhi', 'SoTien'],
        properties: {
          TenPhiLePhi: { type: 'string', minLength: 1, maxLength: 500, pattern: '^[^|]*$' },
          MaPhiLePhi: { type: 'string', maxLength: 100, pattern: '^[^|]*$' },
          LoaiPhiLePhi: { type: 'string', pattern: '^[0-9]{1,2}$' },
          HinhThucThu: { type: 'string', pattern: '^[0-9]{1,2}$' },
          SoTien: { type: 'integer', minimum: 0, maximum: 999_999_999_999 },
        },
      },
    },
    payer: {
      type: 'object',
      additionalProperties: false,
      properties: {
        fullName: { type: 'string', maxLength: 200, pattern: '^[^|]*$' },
        personalId: { type: 'string', pattern: '^([0-9]{9}|[0-9]{12})$' },
        address: { type: 'string', maxLength: 500, pattern: '^[^|]*$' },
        district: { type: 'string', maxLength: 200, pattern: '^[^|]*$' },
        province: { type: 'string', maxLength: 200, pattern: '^[^|]*$' },
        phone: text(30),
        email: text(254),
      },
    },
    returnUrl: { type: 'string', minLength: 10, maxLength: 1000, pattern: '^https?://[^\\s]+$' },
    ipAddr: { type: 'string', minLength: 3, maxLength: 45, pattern: '^[0-9A-Fa-f:.]+$' },
    orderInfo: { type: 'string', minLength: 1, maxLength: 255 },
    locale: { type: 'string', enum: ['vi', 'en'] },
  },
} as const;

export function paymentRoutes(
  app: FastifyInstance,
  deps: { creator: PaymentCreator; store: PaymentStore; idempotency: IdempotencyStore; rateLimitPerMinute: number },
): void {
  app.post<{ Body: CreatePaymentInput }>(
    '/v1/payments',
    {
      schema: {
        summary: "Create a payment (VNPAY, MoMo, PayGov, VNPT Pay, or a VietQR bank transfer) for a dossier's fees",
        body: createPaymentBodySchema,
        headers: {
          type: 'object',
          properties: {
            'idempotency-key': { type: 'string', description: 'optional; the same key and body answer the first response again' },
          },
        },
      },
      config: {
        access: { roles: ['submitter'] },
        rateLimit: {
          max: (req: { apiClient: { rateLimitPerMinute?: number } | null }) =>
            req.apiClient?.rateLimitPerMinute ?? deps.rateLimitPerMinute,
          timeWindow: 60_000,
          keyGenerator: (req: { apiClient: { id: string } | null; ip: string }) => req.apiClient?.id ?? req.ip,
        },
      },
    },
    async (req, reply) => {
      const client = requireClient(req);
      // Scope on the data's own agency (the MaHoSo prefix), before anything is claimed or created. A MaHoSo
      // without a readable agency is a 400 from the creator.
      const agency = agencyCodeOfMaHoSo(req.body.MaHoSo);
      if (agency) assertAgencyScope(req, agency, '/MaHoSo');
      const header = req.headers['idempotency-key'];
      if (header !== undefined && (typeof header !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(header))) throw badIdempotencyKey();
      if (header === undefined) return reply.status(201).send(await deps.creator.create(client, req.body, req.ip));

      const claim = await deps.idempotency.claim(client.id, header, requestHash('POST', '/v1/payments', req.rawBody ?? req.body));
      if (claim.kind === 'replay') {
        req.log.info({ client: client.id }, 'repeated payment request answered from the idempotency store');
        return reply.status(claim.response.statusCode).header('idempotent-replayed', 'true').send(claim.response.body);
      }
      let created;
      try {
        created = await deps.creator.create(client, req.body, req.ip);
      } catch (err) {
        // Nothing the caller can pay was created (a refused or failed attempt is never payable): a retry
        // with the same key runs again.
        await deps.idempotency
          .release(client.id, header)
          .catch((e) => req.log.error({ err: e }, 'could not release idempotency claim'));
        throw err;
      }
      await deps.idempotency.complete(client.id, header, { statusCode: 201, body: created });
      return reply.status(201).send(created);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/payments/:id',
    {
      schema: {
        summary: 'The current state of a payment',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: UUID_PATTERN } } },
      },
      // Reading is for whoever may act for the payment's agency: its one-stop system, or an operator/viewer.
      config: { access: { roles: ['submitter', 'operator', 'viewer'] } },
    },
    async (req) => {
      const client = requireClient(req);
      const p = await deps.store.get(req.params.id);
      // Another agency's payment answers 404, not 403: its existence is not the caller's business.
      if (!p || !clientMayActFor(client, p.agencyCode)) throw paymentNotFound();
      return publicView(p);
    },
  );
}
