/**
 * What each `review_reason` of a payment means, for the operator reading the review list (docs/payments.md §4):
 * Vietnamese first, English beside it. The codes are stable (dashboards and the console key on them); the
 * texts say what happened and what not to do.
 */
export const REVIEW_REASONS = {
  amount_mismatch: {
    vi: 'Nhà cung cấp báo số tiền khác số tiền của giao dịch; không ghi nhận thanh toán',
    en: "The provider reported another amount than the payment's; nothing was settled",
  },
  second_transaction: {
    vi: 'Giao dịch đã được thanh toán bởi một giao dịch khác của nhà cung cấp (người dân trả hai lần)',
    en: 'Already paid by another provider transaction (the citizen paid twice)',
  },
  provider_disagrees: {
    vi: 'Nhà cung cấp trả lời đã xác thực nhưng không rõ ràng (đảo giao dịch, hoàn tiền, tạm giữ, trạng thái lạ)',
    en: 'A verified but ambiguous answer from the provider (reversal, refund, hold, unknown status)',
  },
  late_settlement: {
    vi: 'Thanh toán đến sau khi giao dịch đã bị ghi nhận thất bại hoặc hết hạn',
    en: 'Paid after the payment was recorded as failed or expired',
  },
  dossier_paid_twice: {
    vi: 'Hồ sơ đã được thanh toán bởi một giao dịch khác',
    en: 'The dossier was paid by another payment too',
  },
  unverifiable_after_expiry: {
    vi: 'Không nhận được trả lời xác thực của nhà cung cấp sau khi giao dịch hết hạn',
    en: 'No verifiable answer from the provider after the payment expired',
  },
  refund_unconfirmed: {
    vi: 'Có yêu cầu hoàn tiền mà nhà cung cấp chưa xác nhận (có thể vẫn đang xử lý): số tiền vẫn được giữ; không hoàn lại lần nữa cho đến khi nhà cung cấp xác nhận hoặc cán bộ xử lý yêu cầu đó',
    en: 'A refund the provider has not confirmed (it may still be in progress there): its amount stays held; do not refund again until the provider confirms it or an operator resolves that refund',
  },
} as const satisfies Record<string, { vi: string; en: string }>;

export type ReviewReason = keyof typeof REVIEW_REASONS;

/** The two texts of a review reason; an unknown code (written by an older or newer version) shows as itself. */
export function describeReviewReason(code: string | null): { reviewMessage: string; reviewMessage_en: string } | undefined {
  if (code === null) return undefined;
  const t = (REVIEW_REASONS as Record<string, { vi: string; en: string } | undefined>)[code];
  return { reviewMessage: t?.vi ?? code, reviewMessage_en: t?.en ?? code };
}
