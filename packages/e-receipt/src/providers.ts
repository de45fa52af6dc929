import { basicAuth, createInvoiceBody, type ViettelAccount } from './viettel.js';
import { downloadPdfEnvelope, importAndPublishInvEnvelope, parseImportResult, soapResult, type VnptCredentials } from './vnpt.js';
import type { IssueResult, ReceiptRequest } from './types.js';

/**
 * A call whose outcome is unknown (timeout, connection lost, 5xx): the provider may have issued the receipt.
 * The caller must recover by key before issuing again (issue 12 §3: "a provider timeout never issues twice").
 */
export class ReceiptUncertainError extends Error {
  readonly code = 'LT_RECEIPT_UNCERTAIN';
  readonly retriable = true;
  constructor(what: string, cause?: unknown) {
    super(`${what}: outcome unknown`, cause === undefined ? undefined : { cause });
    this.name = 'ReceiptUncertainError';
  }
}

export interface ReceiptProvider {
  readonly vendor: 'vnpt' | 'viettel' | 'paygov';
  issue(r: ReceiptRequest): Promise<IssueResult>;
  /** The receipt already issued under `key`, if any (the recovery path). */
  lookup(key: string): Promise<IssueResult | undefined>;
  /** The receipt's PDF. */
  pdf(key: string, issued: { pattern: string; serial: string; number: string | null }): Promise<Buffer>;
}

async function call(url: string, init: RequestInit, timeoutMs: number, what: string): Promise<{ status: number; text: string }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new ReceiptUncertainError(what, err);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new ReceiptUncertainError(what, err);
  }
  if (res.status >= 500 && res.status !== 500) throw new ReceiptUncertainError(`${what} (HTTP ${res.status})`);
  return { status: res.status, text };
}

/** VNPT e-receipt: `publishUrl` = …/PublishService.asmx, `portalUrl` = …/PortalService.asmx. */
export function createVnptReceiptProvider(o: {
  publishUrl: string;
  portalUrl: string;
  credentials: VnptCredentials;
  pattern: string;
  serial: string;
  timeoutMs: number;
}): ReceiptProvider {
  const soapPost = (url: string, action: string, body: string, what: string) =>
    call(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"http://tempuri.org/${action}"` },
        body,
      },
      o.timeoutMs,
      what,
    );
  return {
    vendor: 'vnpt',
    async issue(r) {
      const res = await soapPost(
        o.publishUrl,
        'ImportAndPublishInv',
        importAndPublishInvEnvelope(o.credentials, o.pattern, o.serial, r),
        'VNPT ImportAndPublishInv',
      );
      return parseImportResult(soapResult(res.text, 'ImportAndPublishInv'));
    },
    /**
     * VNPT's public documentation gives no "number by fkey" call; an fkey whose PDF downloads was issued. The number
     * is then read from the provider's portal by an operator [inf]: the result carries number null and a note.
     */
    async lookup(key) {
      const res = await soapPost(
        o.portalUrl,
        'downloadInvPDFFkeyNoPay',
        downloadPdfEnvelope(o.credentials, key),
        'VNPT downloadInvPDFFkeyNoPay',
      );
      const t = soapResult(res.text, 'downloadInvPDFFkeyNoPay');
      if (!t || t.startsWith('ERR:')) return undefined;
      return {
        ok: true,
        pattern: o.pattern,
        serial: o.serial,
        number: null,
        note: 'recovered by fkey: the number is read on the VNPT portal [inf]',
      };
    },
    async pdf(key) {
      const res = await soapPost(
        o.portalUrl,
        'downloadInvPDFFkeyNoPay',
        downloadPdfEnvelope(o.credentials, key),
        'VNPT downloadInvPDFFkeyNoPay',
      );
      const t = soapResult(res.text, 'downloadInvPDFFkeyNoPay');
      if (!t || t.startsWith('ERR:')) throw new Error(`VNPT PDF not available: ${t ?? 'unreadable answer'}`);
      return Buffer.from(t, 'base64');
    },
  };
}

export function createViettelReceiptProvider(o: { account: ViettelAccount; timeoutMs: number }): ReceiptProvider {
  const a = o.account;
  const base = `${a.baseUrl.replace(/\/$/, '')}/services/einvoiceapplication/api`;
  const auth = basicAuth(a);
  const json = async (res: { status: number; text: string }, what: string): Promise<Record<string, unknown>> => {
    try {
      const v = JSON.parse(res.text) as unknown;
      if (v && typeof v === 'object') return v as Record<string, unknown>;
    } catch {
      /* below */
    }
    throw new ReceiptUncertainError(`${what} (HTTP ${res.status}, not JSON)`);
  };
  const issued = (r: Record<string, unknown> | undefined): IssueResult | undefined => {
    const no = r && (r.invoiceNo ?? r.invoiceNumber);
    if (typeof no !== 'string' || !no) return undefined;
    // invoiceNo = series + number, e.g. "K26TLT0000012" [doc R4]: the number is the digits after the series.
    const number = no.startsWith(a.invoiceSeries) ? no.slice(a.invoiceSeries.length) : no;
    return { ok: true, pattern: a.templateCode, serial: a.invoiceSeries, number: String(Number(number)) };
  };
  return {
    vendor: 'viettel',
    async issue(r) {
      const res = await call(
        `${base}/InvoiceAPI/InvoiceWS/createInvoice/${encodeURIComponent(a.supplierTaxCode)}`,
        {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify(createInvoiceBody(a, r)),
        },
        o.timeoutMs,
        'Viettel createInvoice',
      );
      const body = await json(res, 'Viettel createInvoice');
      const ok = issued(body.result as Record<string, unknown> | undefined);
      if (ok && !body.errorCode) return ok;
      const code = String(body.errorCode ?? `HTTP_${res.status}`);
      const desc = String(body.description ?? '').slice(0, 300);
      return { ok: false, code: `VIETTEL:${code}`, message: desc || code, messageVi: desc || code, retriable: res.status >= 500 };
    },
    async lookup(key) {
      const res = await call(
        `${base}/InvoiceAPI/InvoiceWS/searchInvoiceByTransactionUuid`,
        {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ supplierTaxCode: a.supplierTaxCode, transactionUuid: key }).toString(),
        },
        o.timeoutMs,
        'Viettel searchInvoiceByTransactionUuid',
      );
      const body = await json(res, 'Viettel searchInvoiceByTransactionUuid');
      const list = Array.isArray(body.result)
        ? (body.result as Record<string, unknown>[])
        : body.result
          ? [body.result as Record<string, unknown>]
          : [];
      return issued(list[0]);
    },
    async pdf(_key, inv) {
      const invoiceNo = `${a.invoiceSeries}${String(inv.number ?? '').padStart(7, '0')}`;
      const res = await call(
        `${base}/InvoiceAPI/InvoiceUtilsWS/getInvoiceRepresentationFile`,
        {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({ supplierTaxCode: a.supplierTaxCode, invoiceNo, templateCode: a.templateCode, fileType: 'PDF' }),
        },
        o.timeoutMs,
        'Viettel getInvoiceRepresentationFile',
      );
      const body = await json(res, 'Viettel getInvoiceRepresentationFile');
      if (typeof body.fileToBytes !== 'string')
        throw new Error(`Viettel PDF not available: ${String(body.description ?? body.errorCode ?? '')}`);
      return Buffer.from(body.fileToBytes, 'base64');
    },
  };
}
