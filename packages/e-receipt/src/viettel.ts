import { amountInWords } from './amount-in-words.js';
import type { ReceiptRequest } from './types.js';

/**
 * Viettel S-Invoice REST (notifications-receipts.md §4.3 [doc R4, code R4]): `InvoiceWS/createInvoice/{supplierTaxCode}`
 * with a `transactionUuid` (10–36 chars; the same UUID returns the same invoice, but never send two concurrently and
 * wait ≥ 90 s before re-sending), `InvoiceWS/searchInvoiceByTransactionUuid` (the recovery path) and
 * `InvoiceUtilsWS/getInvoiceRepresentationFile` (PDF as base64 `fileToBytes`). Basic auth.
 */
export interface ViettelAccount {
  baseUrl: string;
  username: string;
  password: string;
  supplierTaxCode: string;
  /** TT78 template code configured by Viettel for receipts, e.g. "1/001" [inf: no TT78 receipt type is listed]. */
  templateCode: string;
  invoiceSeries: string;
  /** `01BLP` (TT32 fee receipt) or a TT78 type configured by Viettel [doc R4, inf]. */
  invoiceType: string;
}

export function createInvoiceBody(a: ViettelAccount, r: ReceiptRequest): Record<string, unknown> {
  return {
    generalInvoiceInfo: {
      invoiceType: a.invoiceType,
      templateCode: a.templateCode,
      invoiceSeries: a.invoiceSeries,
      invoiceIssuedDate: r.issuedAt.getTime(),
      currencyCode: 'VND',
      adjustmentType: '1',
      paymentStatus: true,
      cusGetInvoiceRight: true,
      transactionUuid: r.key,
    },
    buyerInfo: { buyerName: r.payerName, buyerAddressLine: r.payerAddress ?? '', buyerCode: r.maHoSo },
    payments: [{ paymentMethodName: r.paymentMethod }],
    itemInfo: r.lines.map((l, i) => ({
      lineNumber: i + 1,
      selection: 1,
      itemCode: l.code,
      itemName: l.name,
      unitName: 'Lần',
      unitPrice: l.amount,
      quantity: 1,
      itemTotalAmountWithoutTax: l.amount,
      taxPercentage: -2, // not subject to VAT [inf: Viettel's "KCT" marker]
      taxAmount: 0,
    })),
    taxBreakdowns: [{ taxPercentage: -2, taxableAmount: r.total, taxAmount: 0 }],
    summarizeInfo: {
      sumOfTotalLineAmountWithoutTax: r.total,
      totalAmountWithoutTax: r.total,
      totalTaxAmount: 0,
      totalAmountWithTax: r.total,
      totalAmountWithTaxInWords: amountInWords(r.total),
    },
    metadata: [{ keyTag: 'MaHoSo', valueType: 'text', stringValue: r.maHoSo, keyLabel: 'Mã hồ sơ' }],
  };
}

export const basicAuth = (a: Pick<ViettelAccount, 'username' | 'password'>) =>
  `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
