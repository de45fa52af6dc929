import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance } from 'fastify';
import { requireClient } from '@lienthong/platform';
import type { PaymentReads } from '../ledger/payment-reads.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import { encodeCursor } from '../ledger/list-cursor.js';
import { MA_HO_SO_PATTERN, MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT, parseListQuery, parseNoQuery } from './list-query.js';

/**
 * Who reads the ledger: operators, auditors and viewers (the console's pages, as the signed-in officer). A
 * provincial one-stop system (`submitter`) reads its own payments one by one (GET /v1/payments/:id) and is
 * refused here: a list across a province's dossiers is an operator's view.
 */
const READERS = { access: { roles: ['operator', 'auditor', 'viewer'] } } as const;

/** A dossier has a handful of payments (retries, a second channel); these bound a hostile or broken one. */
const DOSSIER_PAYMENT_LIMIT = 100;
const DOSSIER_HISTORY_LIMIT = 500;

/** One payment as the operator lists show it: state and review, never pay URLs, fees or provider data. */
export function operatorView(p: PaymentRecord) {
  return {
    paymentId: p.paymentId,
    MaHoSo: p.maHoSo,
    agencyCode: p.agencyCode,
    provider: p.provider,
    amount: p.amount,
    refundedAmount: p.refundedAmount,
    status: p.status,
    statusReason: p.statusReason,
    reviewReason: p.reviewReason,
    providerTxnId: p.providerTxnId,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    paidAt: p.paidAt?.toISOString() ?? null,
    expiresAt: p.expiresAt.toISOString(),
  };
}

/**
 * The ledger's read API for operators (docs/payments.md §5, "Reading the ledger"). Agency scope is part of
 * every query (payment-reads.ts), on the payment row's own agency, from the authenticated client's
 * agencies: another agency's payments are not filtered out of a page after the fact, they are never read.
 */
export function readRoutes(app: FastifyInstance, deps: { store: PaymentReads }): void {
  app.get(
    '/v1/payments',
    {
      schema: {
        summary: "Payments of the caller's agencies, newest first, one page at a time",
        description:
          `Query: status (created|pending|paid|failed|expired), review (true|false), maHoSo, provider ` +
          `(vnpay|momo|paygov|vnptpay|vietqr), limit (1–${MAX_LIST_LIMIT}, default ${DEFAULT_LIST_LIMIT}), cursor (the ` +
          `previous answer's nextCursor). Any other parameter, a repeated one or a bad value is a 400 naming it.`,
      },
      config: READERS,
    },
    async (req) => {
      const filter = parseListQuery(req.query);
      const page = await deps.store.listPage(filter, requireClient(req).agencies);
      return { payments: page.rows.map(operatorView), nextCursor: page.next ? encodeCursor(page.next) : null };
    },
  );

  app.get(
    '/v1/payments/counts',
    {
      schema: { summary: "Payments of the caller's agencies per status, and how many are under review" },
      config: READERS,
    },
    async (req) => {
      parseNoQuery(req.query);
      return deps.store.countByStatus(requireClient(req).agencies);
    },
  );

  app.get<{ Params: { MaHoSo: string } }>(
    '/v1/dossiers/:MaHoSo/payments',
    {
      schema: {
        summary: "A dossier's payments and their history (the dossier timeline)",
        params: {
          type: 'object',
          required: ['MaHoSo'],
          properties: { MaHoSo: { type: 'string', minLength: 8, maxLength: 100, pattern: MA_HO_SO_PATTERN } },
        },
      },
      config: READERS,
    },
    async (req) => {
      parseNoQuery(req.query);
      // Another agency's dossier answers like a dossier without payments: nothing is read outside the scope,
      // and whether it exists is not the caller's business.
      const d = await deps.store.ofDossier(req.params.MaHoSo, requireClient(req).agencies, {
        paymentLimit: DOSSIER_PAYMENT_LIMIT,
        historyLimit: DOSSIER_HISTORY_LIMIT,
      });
      return {
        MaHoSo: req.params.MaHoSo,
        payments: d.payments.map(operatorView),
        history: d.history.map((h) => ({ ...h, recordedAt: h.recordedAt.toISOString() })),
        historyTruncated: d.historyTruncated,
      };
    },
  );
}
