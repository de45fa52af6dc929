import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createPaygovSigner } from './signer.js';
import { INIT, PARTNER } from '../test/fixtures.js';

const signer = createPaygovSigner(PARTNER);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('INIT — golden vector [T6]', () => {
  it('hashes the 14 scalars in order, secret last', () => {
    const m = signer.buildInit(INIT);
    const chain =
      'INIT|1.0.6|000.00.01.H56|dvcH5614250304000120250304120607|120000|PAY|1|1|vi-VN|VND|PAYMENT|' +
      'THANH TOAN HO SO H56.14-250304-0001|20250304120607|10.0.0.5|paygov-partner-secret-0001';
    expect(m.MaXacThuc).toBe(sha(chain));
    expect(m).toMatchObject({ LoaiBanTin: 'INIT', SoTien: '120000', ThoiGianGD: '20250304120607' });
    expect(m.ThongTinBienLai).toMatchObject({
      MaDichVu: '2',
      MaHoSo: 'H56.14-250304-0001',
      KhoBac: '',
      PhiLePhi: [{ LoaiPhiLePhi: 'Phi', MaPhiLePhi: '1.005129.01', TenPhiLePhi: 'Lệ phí', SoTien: '120000' }],
      DSKhoanNop: [{ NoiDung: 'THANH TOAN HO SO H56.14-250304-0001', SoTien: '120000' }],
    });
  });

  it("formats ThoiGianGD in GMT+7 under any TZ, 24-hour (not TD's hh bug)", () => {
    const late = { ...INIT, createdAt: new Date('2025-03-04T06:05:00Z') }; // 13:05 in Hanoi
    process.env.TZ = 'UTC';
    const a = signer.buildInit(late).ThoiGianGD;
    process.env.TZ = 'Asia/Ho_Chi_Minh';
    expect(signer.buildInit(late).ThoiGianGD).toBe(a);
    expect(a).toBe('20250304130500');
  });

  it.each([
    ['amountVnd', 0, 'LT_PAYGOV_INVALID_AMOUNT'],
    ['amountVnd', 12.5, 'LT_PAYGOV_INVALID_AMOUNT'],
    ['maThamChieu', 'has space', 'LT_PAYGOV_INVALID_INPUT'],
    ['thongTinGiaoDich', 'a|b', 'LT_PAYGOV_INVALID_INPUT'],
    ['ip', '10.0.0', 'LT_PAYGOV_INVALID_INPUT'],
    ['receipt', { ...INIT.receipt, MaHoSo: '' }, 'LT_PAYGOV_INVALID_INPUT'],
    [
      'receipt',
      { ...INIT.receipt, PhiLePhi: [{ LoaiPhiLePhi: 'Phi', MaPhiLePhi: 'x', TenPhiLePhi: 'y', amountVnd: -1 }] },
      'LT_PAYGOV_INVALID_AMOUNT',
    ],
  ])('rejects %s = %j', (field, value, code) => {
    expect(() => signer.buildInit({ ...INIT, [field]: value } as never)).toThrow(expect.objectContaining({ code }));
  });
});

describe('INIT reply', () => {
  it('reads UrlThanhToan from the JSON string in message [T6]', () => {
    const r = signer.readInitReply({
      error_code: '0',
      message: JSON.stringify({ UrlThanhToan: 'https://pay.example.gov.vn/p/1', MaThamChieu: 'x' }),
    });
    expect(r).toMatchObject({ ok: true, urlThanhToan: 'https://pay.example.gov.vn/p/1' });
  });

  it.each([
    [{ error_code: '1', message: 'Sai mã xác thực' }, 'LT_PAYGOV_REJECTED'],
    [{ error_code: '0', message: '{not json' }, 'LT_PAYGOV_MALFORMED'],
    [{ error_code: '0', message: JSON.stringify({ UrlThanhToan: 'javascript:alert(1)' }) }, 'LT_PAYGOV_MALFORMED'],
    [{ error_code: '0', message: 'x'.repeat(70_000) }, 'LT_PAYGOV_MALFORMED'],
    [{ error_code: { a: 1 } }, 'LT_PAYGOV_MALFORMED'],
    [null, 'LT_PAYGOV_MALFORMED'],
    [[1], 'LT_PAYGOV_MALFORMED'],
  ])('refuses %j with %s', (body, code) => {
    expect(signer.readInitReply(body)).toMatchObject({ ok: false, code });
  });
});

describe('createPaygovSigner', () => {
  it.each([
    [{ ...PARTNER, maDoiTac: 'a b' }, 'maDoiTac'],
    [{ ...PARTNER, secret: 'short' }, 'secret'],
    [{ ...PARTNER, secret: 'has|pipe-in-secret' }, 'secret'],
    ['nope', '(root)'],
  ])('refuses %j naming %s', (cfg, field) => {
    expect(() => createPaygovSigner(cfg as never)).toThrow(expect.objectContaining({ code: 'LT_PAYGOV_INVALID_CONFIG' }));
    expect(() => createPaygovSigner(cfg as never)).toThrow(field);
  });

  it('does not expose the secret', () => {
    expect(JSON.stringify(signer)).not.toContain(PARTNER.secret);
  });
});
