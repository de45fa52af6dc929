import type { PaymentProvider } from '@lienthong/standard';

/**
 * The payment channels the hub speaks to (payments.md §1, §2, §4; vnptpay-vietqr.md §1, §3). The type is the one
 * generated from schemas/events/common.v1.json (paymentProvider), which the payment events carry.
 */
export type Provider = PaymentProvider;
export const providers: readonly Provider[] = ['vnpay', 'momo', 'paygov', 'vnptpay', 'vietqr'];

export function isProvider(v: unknown): v is Provider {
  return typeof v === 'string' && (providers as readonly string[]).includes(v);
}
