/**
 * Cross-check against the independent `vnpay` npm package (test-only devDependency, never imported at run
 * time). Its known defects (payments.md §5) shape what is compared: its date helper is right only under
 * TZ=UTC, so its time part runs under TZ=UTC; elsewhere we pass fixed dates and compare only hashes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VNPay, dateFormat, getDateInGMT7 } from 'vnpay';
import { createVnpaySigner } from './signer.js';
import { formatVnpayDate } from './gmt7-time.js';
import { signVnpayParams } from './canonical.js';
import { PAY_REQUEST, TERMINAL } from '../test/fixtures.js';

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const ours = createVnpaySigner(TERMINAL);
const lib = new VNPay({ tmnCode: TERMINAL.tmnCode, secureSecret: TERMINAL.hashSecret, testMode: true });

describe('cross-check with the vnpay package', () => {
  it('produces the same vnp_SecureHash for the same pay parameters', () => {
    const built = ours.buildPayUrl(PAY_REQUEST);
    const theirUrl = lib.buildPaymentUrl({
      vnp_Amount: PAY_REQUEST.amountVnd, // the library multiplies by 100 itself (defect 5)
      vnp_IpAddr: PAY_REQUEST.ipAddr,
      vnp_OrderInfo: PAY_REQUEST.orderInfo,
      vnp_ReturnUrl: PAY_REQUEST.returnUrl,
      vnp_TxnRef: PAY_REQUEST.txnRef,
      vnp_CreateDate: Number(built.createDate),
      vnp_ExpireDate: Number(built.expireDate),
    } as never);
    expect(new URL(theirUrl).searchParams.get('vnp_SecureHash')).toBe(built.secureHash);
  });

  const callback = signVnpayParams(TERMINAL.hashSecret, {
    vnp_Amount: '15000000',
    vnp_BankCode: 'NCB',
    vnp_OrderInfo: PAY_REQUEST.orderInfo,
    vnp_PayDate: '20250304121530',
    vnp_ResponseCode: '00',
    vnp_TmnCode: TERMINAL.tmnCode,
    vnp_TransactionNo: '14422574',
    vnp_TransactionStatus: '00',
    vnp_TxnRef: PAY_REQUEST.txnRef,
  });

  it('agrees that a callback signed by our sandbox-side signer is authentic', () => {
    expect(lib.verifyIpnCall(callback as never).isVerified).toBe(true);
    expect(ours.verifyCallback(callback)).toMatchObject({ ok: true, callback: { paid: true, amountVnd: 150_000 } });
  });

  it('agrees that a tampered callback is not', () => {
    const tampered = { ...callback, vnp_Amount: '100' };
    expect(lib.verifyIpnCall(tampered as never).isVerified).toBe(false);
    expect(ours.verifyCallback(tampered).ok).toBe(false);
  });

  it('documents defect 2: a non-vnp_ parameter on the IPN URL fails the library, not us', () => {
    const withMerchantParam = { ...callback, agency: 'H56' };
    expect(lib.verifyIpnCall(withMerchantParam as never).isVerified).toBe(false);
    expect(ours.verifyCallback(withMerchantParam).ok).toBe(true);
  });

  it('agrees with the library clock only under TZ=UTC (defect 1)', () => {
    const now = new Date();
    process.env.TZ = 'UTC';
    expect(String(dateFormat(getDateInGMT7(now)))).toBe(formatVnpayDate(now));
    process.env.TZ = 'Asia/Ho_Chi_Minh';
    const libUnderHcm = String(dateFormat(getDateInGMT7(now)));
    expect(libUnderHcm).not.toBe(formatVnpayDate(now)); // GMT+14: the library's bug, reproduced
    expect(formatVnpayDate(now)).toBe(formatVnpayDate(now));
  });
});
