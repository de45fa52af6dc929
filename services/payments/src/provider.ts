/** The payment intermediaries the hub speaks to (payments.md §1, §2, §4). */
export const providers = ['vnpay', 'momo', 'paygov'] as const;
export type Provider = (typeof providers)[number];

export function isProvider(v: unknown): v is Provider {
  return typeof v === 'string' && (providers as readonly string[]).includes(v);
}
