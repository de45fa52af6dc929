/** Stable codes of the inbound service (conventions §4). */
export const InboundErrorCodes = {
  UNAUTHENTICATED: 'LT_INBOUND_UNAUTHENTICATED',
  FORBIDDEN_ADDRESS: 'LT_INBOUND_ADDRESS_NOT_ALLOWED',
  INVALID_PACKET: 'LT_INBOUND_INVALID_PACKET',
  ATTACHMENT_TOO_LARGE: 'LT_INBOUND_ATTACHMENT_TOO_LARGE',
  ATTACHMENT_NOT_BASE64: 'LT_INBOUND_ATTACHMENT_NOT_BASE64',
  UNAVAILABLE: 'LT_INBOUND_UNAVAILABLE',
  NOT_FOUND: 'LT_INBOUND_NOT_FOUND',
  /** An answer or a promotion status the national standard does not allow (details name each problem). */
  INVALID_REPORT: 'LT_INBOUND_INVALID_REPORT',
  /** A TrangThaiHoSo with no DongBoTrangThaiHoSo value (1 new, 5 supplement requested) [code S1 §5]. */
  STATUS_NOT_REPORTABLE: 'LT_INBOUND_STATUS_NOT_REPORTABLE',
  /** The question or promotion dossier has no agency the portal's data named: nothing to send it as. */
  NO_AGENCY: 'LT_INBOUND_NO_AGENCY',
  /** One answer per question: another one for an answered question. */
  ALREADY_ANSWERED: 'LT_QA_ALREADY_ANSWERED',
} as const;
