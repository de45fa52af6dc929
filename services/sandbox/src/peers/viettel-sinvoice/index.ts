import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { PeerConfigProperties, SandboxPeer, SandboxPeerOptions } from '../../peer.js';
import { peerConfigReader } from '../peer-kit/index.js';
import { registerFormBodyParser } from '../payment-peer-kit/form-body.js';
import { simplePdf } from '../vnpt-invoice/pdf.js';

export const configProperties: PeerConfigProperties = {
  SANDBOX_VIETTEL_SINVOICE_USERNAME: {
    type: 'string',
    minLength: 1,
    default: '0100109106-997',
    description: 'Viettel S-Invoice sandbox: Basic-auth user (MST-suffix account)',
  },
  SANDBOX_VIETTEL_SINVOICE_PASSWORD: {
    type: 'string',
    minLength: 1,
    default: 'sinvoice-sandbox',
    description: 'Viettel S-Invoice sandbox: Basic-auth password (simulator credential)',
  },
  SANDBOX_VIETTEL_SINVOICE_TAX_CODE: {
    type: 'string',
    minLength: 1,
    default: '0100109106-997',
    description: 'Viettel S-Invoice sandbox: the supplier tax code accepted',
  },
};

interface SimInvoice {
  transactionUuid: string;
  templateCode: string;
  invoiceSeries: string;
  invoiceNo: string;
  buyerName: string;
  total: number;
  totalInWords: string;
  items: { itemName: string; unitPrice: number }[];
  at: number;
}

/**
 * Simulated Viettel S-Invoice (notifications-receipts.md §4.3) under `/viettel-sinvoice/services/einvoiceapplication/api`:
 * createInvoice (Basic auth; the same transactionUuid returns the same invoice), searchInvoiceByTransactionUuid and
 * getInvoiceRepresentationFile (base64 PDF). Faults: `hangAfterIssueMs` (issued, answer late: the hub's timeout fires),
 * `nextErrorCode` (an errorCode with description, e.g. "TEMPLATE_NOT_FOUND" [inf: Viettel's code list is not public]).
 */
const viettelPeer: FastifyPluginAsync<SandboxPeerOptions> = async (app, opts) => {
  const { raw } = peerConfigReader(configProperties, opts.config);
  const cfg = {
    user: String(raw('SANDBOX_VIETTEL_SINVOICE_USERNAME')),
    pass: String(raw('SANDBOX_VIETTEL_SINVOICE_PASSWORD')),
    taxCode: String(raw('SANDBOX_VIETTEL_SINVOICE_TAX_CODE')),
  };
  registerFormBodyParser(app);
  let invoices: SimInvoice[] = [];
  let faults = { hangAfterIssueMs: 0, nextErrorCode: '' };
  let calls = { create: 0, search: 0, file: 0 };
  const counters = new Map<string, number>();
  const authOk = (req: FastifyRequest) => {
    const expected = Buffer.from(`Basic ${Buffer.from(`${cfg.user}:${cfg.pass}`).toString('base64')}`);
    const given = Buffer.from(String(req.headers.authorization ?? ''));
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const api = '/services/einvoiceapplication/api/InvoiceAPI';
  const result = (i: SimInvoice) => ({
    supplierTaxCode: cfg.taxCode,
    invoiceNo: i.invoiceNo,
    transactionID: i.transactionUuid,
    reservationCode: i.invoiceNo.slice(-6),
    codeOfTax: '',
  });

  app.post(`${api}/InvoiceWS/createInvoice/:taxCode`, async (req, reply) => {
    calls.create++;
    if (!authOk(req)) return reply.status(401).send({ errorCode: 'UNAUTHORIZED', description: 'Basic authentication failed' });
    if ((req.params as { taxCode: string }).taxCode !== cfg.taxCode)
      return reply
        .status(400)
        .send({ errorCode: 'SUPPLIER_TAX_CODE_INVALID', description: 'supplierTaxCode không hợp lệ', result: null });
    const b = (req.body ?? {}) as {
      generalInvoiceInfo?: Record<string, unknown>;
      buyerInfo?: Record<string, unknown>;
      itemInfo?: Record<string, unknown>[];
      summarizeInfo?: Record<string, unknown>;
    };
    const g = b.generalInvoiceInfo ?? {};
    const uuid = typeof g.transactionUuid === 'string' ? g.transactionUuid : '';
    if (uuid.length < 10 || uuid.length > 36)
      return reply
        .status(400)
        .send({ errorCode: 'TRANSACTION_UUID_INVALID', description: 'transactionUuid phải dài 10–36 ký tự', result: null });
    const prior = invoices.find((i) => i.transactionUuid === uuid);
    if (prior) return { errorCode: null, description: null, result: result(prior) };
    if (faults.nextErrorCode) {
      const code = faults.nextErrorCode;
      faults.nextErrorCode = '';
      return reply.status(400).send({ errorCode: code, description: `Lỗi mô phỏng: ${code}`, result: null });
    }
    if (
      typeof g.templateCode !== 'string' ||
      typeof g.invoiceSeries !== 'string' ||
      !Array.isArray(b.itemInfo) ||
      b.itemInfo.length === 0
    ) {
      return reply.status(400).send({
        errorCode: 'INVOICE_DATA_INVALID',
        description: 'Thiếu templateCode, invoiceSeries hoặc itemInfo',
        result: null,
      });
    }
    const n = (counters.get(`${g.templateCode}|${g.invoiceSeries}`) ?? 0) + 1;
    counters.set(`${g.templateCode}|${g.invoiceSeries}`, n);
    const inv: SimInvoice = {
      transactionUuid: uuid,
      templateCode: g.templateCode,
      invoiceSeries: g.invoiceSeries,
      invoiceNo: `${g.invoiceSeries}${String(n).padStart(7, '0')}`,
      buyerName: String(b.buyerInfo?.buyerName ?? ''),
      total: Number(b.summarizeInfo?.totalAmountWithTax ?? 0),
      totalInWords: String(b.summarizeInfo?.totalAmountWithTaxInWords ?? ''),
      items: b.itemInfo.map((i) => ({ itemName: String(i.itemName ?? ''), unitPrice: Number(i.unitPrice ?? 0) })),
      at: Date.now(),
    };
    invoices.push(inv);
    if (faults.hangAfterIssueMs > 0) await new Promise((r) => setTimeout(r, faults.hangAfterIssueMs).unref());
    return { errorCode: null, description: null, result: result(inv) };
  });

  app.post(`${api}/InvoiceWS/searchInvoiceByTransactionUuid`, async (req, reply) => {
    calls.search++;
    if (!authOk(req)) return reply.status(401).send({ errorCode: 'UNAUTHORIZED', description: 'Basic authentication failed' });
    const b = (req.body ?? {}) as { supplierTaxCode?: string; transactionUuid?: string };
    const found = invoices.filter((i) => i.transactionUuid === b.transactionUuid && b.supplierTaxCode === cfg.taxCode);
    return { errorCode: null, description: null, result: found.map(result) };
  });

  app.post(`${api}/InvoiceUtilsWS/getInvoiceRepresentationFile`, async (req, reply) => {
    calls.file++;
    if (!authOk(req)) return reply.status(401).send({ errorCode: 'UNAUTHORIZED', description: 'Basic authentication failed' });
    const b = (req.body ?? {}) as { invoiceNo?: string; fileType?: string };
    const inv = invoices.find((i) => i.invoiceNo === b.invoiceNo);
    if (!inv) return reply.status(400).send({ errorCode: 'INVOICE_NOT_FOUND', description: 'Không tìm thấy hóa đơn' });
    const pdf = simplePdf([
      `BIEN LAI THU PHI, LE PHI (Viettel S-Invoice sandbox)`,
      `Mau ${inv.templateCode}  So ${inv.invoiceNo}`,
      `Nguoi nop: ${inv.buyerName}`,
      ...inv.items.map((i) => `${i.itemName}: ${i.unitPrice} dong`),
      `Tong: ${inv.total} dong (${inv.totalInWords})`,
    ]);
    return { errorCode: null, description: null, fileName: `${inv.invoiceNo}.pdf`, fileToBytes: pdf.toString('base64') };
  });

  app.get('/_admin/invoices', async () => ({ calls, invoices }));
  app.post('/_admin/faults', async (req) => {
    const b = (req.body ?? {}) as { hangAfterIssueMs?: number; nextErrorCode?: string };
    if (typeof b.hangAfterIssueMs === 'number') faults.hangAfterIssueMs = Math.max(0, Math.min(60_000, b.hangAfterIssueMs));
    if (typeof b.nextErrorCode === 'string') faults.nextErrorCode = b.nextErrorCode.slice(0, 60);
    return { faults };
  });
  app.post('/_admin/reset', async () => {
    invoices = [];
    faults = { hangAfterIssueMs: 0, nextErrorCode: '' };
    calls = { create: 0, search: 0, file: 0 };
    counters.clear();
    return { ok: true };
  });
};

export default viettelPeer as SandboxPeer;
