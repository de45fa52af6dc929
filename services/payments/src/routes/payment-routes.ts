import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance } from 'fastify';
import type { ApiClientRegistry } from '@lienthong/platform';
import type { PaymentCreator, CreatePaymentInput } from '../payment-creator.js';
import type { PaymentStore } from '../ledger/payment-store.js';
import { publicView } from '../ledger/payment-record.js';
import { paymentNotFound } from '../errors.js';
import { clientOf } from './client-auth.js';

const text = (max: number) => ({ type: 'string', maxLength: max });
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** Body of POST /v1/payments. Fees are integer VND; their sum must equal `amount` (checked in the creator). */
export const createPaymentBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['MaHoSo', 'provider', 'fees', 'amount', 'payer', 'returnUrl'],
  properties: {
    MaHoSo: { type: 'string', minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9.]+-[0-9]{6}-[0-9]{4,12}$' },
    agencyCode: { type: 'string', minLength: 3, maxLength: 40, pattern: '^[A-Za-z0-9]+(\\.[A-Za-z0-9]+)+$' },
    provider: { type: 'string', enum: ['vnpay', 'momo', 'paygov'] },
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
  deps: { creator: PaymentCreator; store: PaymentStore; clients: ApiClientRegistry; rateLimitPerMinute: number },
): void {
  app.post<{ Body: CreatePaymentInput }>(
    '/v1/payments',
    {
      schema: {
        summary: "Create a payment at VNPAY, MoMo or PayGov for a dossier's fees",
        security: [{ bearer: [] }],
        body: createPaymentBodySchema,
      },
      config: {
        rateLimit: {
          max: (req: { apiClient: { rateLimitPerMinute?: number } | null }) =>
            req.apiClient?.rateLimitPerMinute ?? deps.rateLimitPerMinute,
          timeWindow: 60_000,
          keyGenerator: (req: { apiClient: { id: string } | null; ip: string }) => req.apiClient?.id ?? req.ip,
        },
      },
    },
    async (req, reply) => {
      const created = await deps.creator.create(clientOf(req), req.body, req.ip);
      return reply.status(201).send(created);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/payments/:id',
    {
      schema: {
        summary: 'The current state of a payment',
        security: [{ bearer: [] }],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: UUID_PATTERN } } },
      },
    },
    async (req) => {
      const client = clientOf(req);
      const p = await deps.store.get(req.params.id);
      // Another agency's payment answers 404, not 403: its existence is not the caller's business.
      if (!p || !deps.clients.mayActFor(client, p.agencyCode)) throw paymentNotFound();
      return publicView(p);
    },
  );
}
