/**
 * What the merchant answers VNPAY's IPN: HTTP 200, JSON `{RspCode, Message}` [V1]. `00` and `02` end VNPAY's
 * retries; everything else (and a timeout) makes VNPAY call again, up to 10 times, 5 minutes apart [V1].
 * A recorded *failed* payment is also answered `00` [V1]. `04` does not reverse the charge [V5 #31].
 */
export type VnpayIpnRspCode = '00' | '01' | '02' | '04' | '97' | '99';

export interface VnpayIpnReply {
  readonly RspCode: VnpayIpnRspCode;
  readonly Message: string;
}

const reply = (RspCode: VnpayIpnRspCode, Message: string): VnpayIpnReply => Object.freeze({ RspCode, Message });

/** The documented IPN replies [V1], ready to send as the response body. */
export const VNPAY_IPN_REPLIES = Object.freeze({
  confirmSuccess: reply('00', 'Confirm Success'),
  orderNotFound: reply('01', 'Order not found'),
  orderAlreadyConfirmed: reply('02', 'Order already confirmed'),
  invalidAmount: reply('04', 'Invalid amount'),
  invalidSignature: reply('97', 'Invalid signature'),
  unknownError: reply('99', 'Unknown error'),
});

/** True when VNPAY stops retrying after this reply (`00`, `02`) [V1]. */
export function isFinalVnpayIpnReply(rspCode: unknown): boolean {
  return rspCode === '00' || rspCode === '02';
}
