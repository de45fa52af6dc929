/**
 * Form-style (application/x-www-form-urlencoded) encoding of one key or value, as VNPAY hashes it [V1]:
 * space → `+`, everything but `A-Z a-z 0-9 * - . _` percent-encoded in UTF-8. This is the WHATWG
 * serializer, equal to Java's URLEncoder (VNPAY's Java demo) and URLSearchParams (the `vnpay` library).
 * The PHP demo differs on `*` and the Node demo on `! ' ( ) * ~` (payments.md §1.3), which is why
 * `vnp_OrderInfo` is limited to characters every variant encodes the same way (see order-info.ts).
 *
 * Returns undefined for a string holding a lone UTF-16 surrogate (not encodable; such input is refused).
 */
export function formEncode(value: string): string | undefined {
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    return undefined;
  }
  return encoded.replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}
