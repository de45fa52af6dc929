/**
 * The payment channels the hub speaks to (payments.md §1, §2, §4; vnptpay-vietqr.md §1, §3). The same
 * values as schemas/events/common.v1.json `paymentProvider` (which the payment events carry); written out
 * here because the generated type in @lienthong/standard follows the schema only when it is regenerated.
 */
export type Provider = 'vnpay' | 'momo' | 'paygov' | 'vnptpay' | 'vietqr';
export const providers: readonly Provider[] = ['vnpay', 'momo', 'paygov', 'vnptpay', 'vietqr'];

export function isProvider(v: unknown): v is Provider {
  return typeof v === 'string' && (providers as readonly string[]).includes(v);
}
