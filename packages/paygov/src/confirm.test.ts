import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPaygovSigner } from './signer.js';
import { buildPaygovConfirmReply, readPaygovMaDoiTac } from './confirm.js';
import { PAYGOV_CONFIRM_REPLY_CODES } from './codes.js';
import { PARTNER } from '../test/fixtures.js';

const signer = createPaygovSigner(PARTNER);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A confirm callback, hashed by hand in the [T6] order, secret last. */
function confirm(over: Record<string, unknown> = {}): Record<string, unknown> {
  const c: Record<string, unknown> = {
    LoaiBanTin: 'CONFIRM',
    MaLoi: '00',
    MaDoiTac: PARTNER.maDoiTac,
    MaThamChieu: 'dvcH5614250304000120250304120607',
    SoTien: 120000,
    MaTienTe: 'VND',
    MaGiaoDich: 'PG250304000123',
    MaNganHang: 'VCB',
    ThoiGianGD: '20250304121530',
    ThongTinGiaoDich: 'THANH TOAN HO SO H56.14-250304-0001',
    ...over,
  };
  const chain = [
    'LoaiBanTin',
    'MaLoi',
    'MaDoiTac',
    'MaThamChieu',
    'SoTien',
    'MaTienTe',
    'MaGiaoDich',
    'MaNganHang',
    'ThoiGianGD',
    'ThongTinGiaoDich',
  ]
    .map((k) => (c[k] === undefined ? '' : String(c[k])))
    .join('|');
  return { ...c, MaXacThuc: sha(`${chain}|${PARTNER.secret}`) };
}

describe('verifyConfirm', () => {
  it('accepts a genuine confirm (golden)', () => {
    const r = signer.verifyConfirm(confirm());
    expect(r).toMatchObject({ ok: true, confirm: { paid: true, amountVnd: 120000, maGiaoDich: 'PG250304000123' } });
    expect(r.ok && r.confirm.paidAt?.toISOString()).toBe('2025-03-04T05:15:30.000Z');
  });

  it('accepts SoTien as a string and a failed payment as not paid', () => {
    expect(signer.verifyConfirm(confirm({ SoTien: '120000' })).ok).toBe(true);
    expect(signer.verifyConfirm(confirm({ MaLoi: '01' }))).toMatchObject({ ok: true, confirm: { paid: false } });
  });

  it.each([
    ['amount', { SoTien: 1 }],
    ['success flipped', { MaLoi: '00' }],
    ['reference', { MaThamChieu: 'other' }],
  ])('rejects a tampered %s with a "99" reply echoing MaXacThuc', (_n, change) => {
    const signed = confirm({ MaLoi: '01' });
    const r = signer.verifyConfirm({ ...signed, ...change });
    expect(r).toMatchObject({
      ok: false,
      code: 'LT_PAYGOV_SIGNATURE_MISMATCH',
      reply: { MaLoi: '99', MaXacThuc: signed.MaXacThuc },
    });
  });

  it('rejects missing hash, other partner, missing fields', () => {
    const { MaXacThuc: _m, ...unsigned } = confirm();
    expect(signer.verifyConfirm(unsigned)).toMatchObject({ code: 'LT_PAYGOV_SIGNATURE_MISSING' });
    expect(signer.verifyConfirm(confirm({ MaDoiTac: '000.00.01.H22' }))).toMatchObject({ code: 'LT_PAYGOV_PARTNER_MISMATCH' });
    const { SoTien: _s, ...noAmount } = confirm();
    expect(signer.verifyConfirm(noAmount)).toMatchObject({ code: 'LT_PAYGOV_MALFORMED' });
  });

  const c = confirm();
  it.each([
    undefined,
    null,
    'x',
    1,
    [],
    [c],
    { ...c, SoTien: 1.5 },
    { ...c, SoTien: -1 },
    { ...c, SoTien: [1] },
    { ...c, MaLoi: { $ne: '' } },
    { ...c, ThongTinGiaoDich: 'x'.repeat(1_000_000) },
    { ...c, MaXacThuc: 'Z'.repeat(64) },
    { ...c, MaXacThuc: 'a'.repeat(1000) },
  ])('refuses hostile body %#', (h) => {
    const r = signer.verifyConfirm(h);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reply.MaLoi).toBe('99');
  });
});

describe('confirm reply', () => {
  it('echoes MaDoiTac, MaThamChieu, ThoiGianGD and the received MaXacThuc [T6][S5]', () => {
    const c2 = confirm();
    expect(buildPaygovConfirmReply(c2)).toEqual({
      MaLoi: '00',
      MoTaLoi: 'Thành công',
      MaDoiTac: PARTNER.maDoiTac,
      MaThamChieu: c2.MaThamChieu,
      ThoiGianGD: '20250304121530',
      MaXacThuc: c2.MaXacThuc,
    });
    expect(buildPaygovConfirmReply(null, PAYGOV_CONFIRM_REPLY_CODES.otherError)).toMatchObject({ MaLoi: '99', MaDoiTac: '' });
    expect(readPaygovMaDoiTac(c2)).toBe(PARTNER.maDoiTac);
  });
});
