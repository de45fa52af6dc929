import { buildPaygovLookup, formatPaygovTime } from '@lienthong/paygov';
import { ReceiptUncertainError, type ReceiptProvider } from './providers.js';
import type { IssueResult } from './types.js';

/**
 * The receipt of a fee paid through PayGov, the national portal's payment platform: PayGov issues it itself,
 * and a partner fetches it with GET_BILL, which answers the receipt's PDF bytes (reference payments.md §8
 * [code T6, S5]; MaXacThuc over the first five fields, built by @lienthong/paygov). The hub keeps the PDF and its
 * hash like any receipt; PayGov gives no pattern, serial or number with it, so those stay empty [inf].
 *
 * The provider key is `<MaThamChieu>@<ThoiGianGD>`: GET_BILL needs both, and the receipts ledger keeps one key.
 * ThoiGianGD is the confirmation's time, as OpenCPS sends it [code S5; inf for the real platform]. Fetching is a
 * read, so a timeout is simply fetched again (no risk of issuing twice).
 */
export interface PaygovBillOptions {
  getBillUrl: string;
  maDoiTac: string;
  secretKey: string;
  timeoutMs: number;
}

/** The provider key of a PayGov receipt. */
export function paygovBillKey(maThamChieu: string, paidAt: Date): string {
  return `${maThamChieu}@${formatPaygovTime(paidAt)}`;
}

export function createPaygovBillProvider(opts: PaygovBillOptions): ReceiptProvider & { readonly vendor: 'paygov' } {
  const fetched = new Map<string, Buffer>();
  async function getBill(key: string): Promise<{ pdf: Buffer } | { refused: IssueResult }> {
    const at = key.lastIndexOf('@');
    const msg = buildPaygovLookup({ maDoiTac: opts.maDoiTac, secret: opts.secretKey }, 'GET_BILL', {
      maThamChieu: key.slice(0, at),
      thoiGianGD: key.slice(at + 1),
    });
    let res: Response;
    let body: Buffer;
    try {
      res = await fetch(opts.getBillUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(msg),
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      body = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      throw new ReceiptUncertainError('PayGov GET_BILL', err);
    }
    if (res.status >= 500) throw new ReceiptUncertainError(`PayGov GET_BILL (HTTP ${res.status})`);
    if (body.subarray(0, 5).toString('latin1') === '%PDF-') return { pdf: body };
    // Not a PDF: the platform's error answer (not found, not paid yet…). It may simply not have the bill yet.
    let code = `HTTP_${res.status}`;
    let text = '';
    try {
      const j = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      code = String(j.MaLoi ?? j.error_code ?? code).slice(0, 20);
      text = String(j.MoTaLoi ?? j.message ?? '').slice(0, 300);
    } catch {
      text = 'answer is neither a PDF nor JSON';
    }
    return {
      refused: {
        ok: false,
        code: `PAYGOV:${code}`,
        message: `PayGov GET_BILL: no receipt (${code}) ${text}`.trim(),
        messageVi: `PayGov chưa trả biên lai (${code}) ${text}`.trim(),
        retriable: true,
      },
    };
  }
  const ok: IssueResult = { ok: true, pattern: '', serial: '', number: null, note: 'PayGov receipt (GET_BILL)' };
  return {
    vendor: 'paygov',
    async issue(r) {
      const got = await getBill(r.key);
      if ('refused' in got) return got.refused;
      fetched.set(r.key, got.pdf);
      return ok;
    },
    async lookup(key) {
      const got = await getBill(key);
      if ('refused' in got) return undefined;
      fetched.set(key, got.pdf);
      return ok;
    },
    async pdf(key) {
      const cached = fetched.get(key);
      if (cached) {
        fetched.delete(key);
        return cached;
      }
      const got = await getBill(key);
      if ('refused' in got) throw new Error(got.refused.ok ? 'no receipt' : got.refused.message);
      return got.pdf;
    },
  };
}
