import type { FastifyInstance } from 'fastify';
import { assertAgencyScope, HubError, type Pool } from '@lienthong/platform';
import type { Receipts } from './receipts.js';

const notFound = () =>
  new HubError('LT_RECEIPT_NOT_FOUND', 'no receipt for this payment', {
    kind: 'not_found',
    messageVi: 'Không có biên lai cho khoản thanh toán này',
  });

/**
 * `GET /v1/receipts/{paymentId}`: the receipt of a payment (status, provider key, agency tax code, pattern, serial,
 * number, PDF hash, the provider's error code when refused); `?format=pdf` answers the PDF itself. Agency scope is
 * checked on the stored receipt's agency.
 */
export async function receiptRoutes(app: FastifyInstance, opts: { pool: Pool; receipts: Receipts }): Promise<void> {
  app.get<{ Params: { paymentId: string }; Querystring: { format?: 'json' | 'pdf' } }>(
    '/v1/receipts/:paymentId',
    {
      config: { access: { roles: ['submitter', 'operator', 'viewer'] } },
      schema: {
        params: {
          type: 'object',
          required: ['paymentId'],
          properties: { paymentId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } },
        },
        querystring: { type: 'object', additionalProperties: false, properties: { format: { enum: ['json', 'pdf'] } } },
      },
    },
    async (req, reply) => {
      const r = (
        await opts.pool.query('SELECT *, pdf IS NOT NULL AS has_pdf FROM receipts WHERE payment_id = $1', [req.params.paymentId])
      ).rows[0];
      if (!r) throw notFound();
      assertAgencyScope(req, r.agency, '/paymentId');
      if (req.query.format === 'pdf') {
        const pdf: Buffer | undefined = r.pdf ?? (r.status === 'issued' ? await opts.receipts.fetchPdf(r.payment_id) : undefined);
        if (!pdf)
          throw new HubError('LT_RECEIPT_PDF_UNAVAILABLE', 'the receipt PDF is not available', {
            kind: 'not_found',
            messageVi: 'Chưa có tệp PDF của biên lai',
          });
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="bien-lai-${r.payment_id}.pdf"`)
          .send(pdf);
      }
      return {
        paymentId: r.payment_id,
        MaHoSo: r.ma_ho_so,
        agencyCode: r.agency,
        agencyTaxCode: r.agency_tax_code,
        provider: r.vendor,
        providerKey: r.provider_key,
        pattern: r.pattern,
        serial: r.serial,
        number: r.number,
        amount: Number(r.amount),
        status: r.status,
        errorCode: r.error_code,
        errorMessage: r.error_message,
        note: r.note,
        attempts: r.attempts,
        pdfSha256: r.pdf_sha256,
        hasPdf: r.has_pdf,
        issuedAt: r.issued_at,
        createdAt: r.created_at,
      };
    },
  );
}
