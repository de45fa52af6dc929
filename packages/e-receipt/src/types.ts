/** What the hub asks a receipt provider to issue: one receipt per settled payment (fees are VAT-free). */
export interface ReceiptRequest {
  /** The provider key: VNPT fkey / Viettel transactionUuid. Retrying with the same key never issues twice. */
  key: string;
  maHoSo: string;
  /** MaTTHC, printed as the product code when known. */
  procedureCode?: string;
  payerName: string;
  payerAddress?: string;
  /** Issue date (the settlement). */
  issuedAt: Date;
  /** `CK` transfer / online payment. */
  paymentMethod: string;
  lines: { code: string; name: string; amount: number }[];
  total: number;
}

export type IssueResult =
  | { ok: true; pattern: string; serial: string; number: string | null; note?: string }
  | { ok: false; code: string; message: string; messageVi: string; retriable: boolean; duplicateKey?: boolean };

/** dd/MM/yyyy in Vietnam's time (UTC+7). */
export function vnDate(d: Date): string {
  const l = new Date(d.getTime() + 7 * 3_600_000);
  return `${String(l.getUTCDate()).padStart(2, '0')}/${String(l.getUTCMonth() + 1).padStart(2, '0')}/${l.getUTCFullYear()}`;
}
