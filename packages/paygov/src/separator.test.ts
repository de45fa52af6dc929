/**
 * Issue 17 §2: `|` joins the MaXacThuc chain and nothing escapes it, so a `|` inside a value shifts the fields and a
 * signature made for one split verifies another. Refused on every path: building (throws, naming the field),
 * verifying a confirm callback and a QUERY answer (malformed, never paid).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPaygovSigner } from './signer.js';
import { computeMaXacThuc, PAYGOV_HASH_FIELDS } from './ma-xac-thuc.js';
import { PARTNER } from '../test/fixtures.js';

const signer = createPaygovSigner(PARTNER);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A confirm callback signed over the joined chain exactly as the platform would hash it. */
function signedConfirm(over: Record<string, unknown>): Record<string, unknown> {
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
    ThongTinGiaoDich: 'THANH TOAN HO SO',
    ...over,
  };
  const chain = PAYGOV_HASH_FIELDS.confirm.map((k) => (c[k] === undefined ? '' : String(c[k]))).join('|');
  return { ...c, MaXacThuc: sha(`${chain}|${PARTNER.secret}`) };
}

describe("'|' in a field of a MaXacThuc chain", () => {
  it('shows why: two different callbacks share one chain when a value holds the separator', () => {
    const a = signedConfirm({ MaNganHang: 'VCB|20250304121530', ThoiGianGD: '', ThongTinGiaoDich: 'x' });
    const b = signedConfirm({ MaNganHang: 'VCB', ThoiGianGD: '20250304121530', ThongTinGiaoDich: '|x' });
    expect(a.MaXacThuc).toBe(b.MaXacThuc);
  });

  it('refuses a confirm callback whose signed field contains it, naming the field, never as paid', () => {
    const r = signer.verifyConfirm(signedConfirm({ ThongTinGiaoDich: 'THANH TOAN|HO SO' }));
    expect(r).toMatchObject({ ok: false, code: 'LT_PAYGOV_MALFORMED', message: expect.stringContaining('ThongTinGiaoDich') });
    expect(r.ok ? undefined : r.reply.MaLoi).not.toBe('00');
  });

  it('refuses a QUERY answer whose signed field contains it', () => {
    const answer = signedConfirm({ MaGiaoDich: 'PG|1' });
    const r = signer.readQueryResponse({ ...answer, TrangThaiGD: 1 }, { maThamChieu: answer.MaThamChieu as string });
    expect(r).toMatchObject({ kind: 'no_answer', code: 'LT_PAYGOV_MALFORMED', message: expect.stringContaining('MaGiaoDich') });
  });

  it('refuses to build a message with it: computeMaXacThuc throws LT_PAYGOV_INVALID_INPUT naming the field', () => {
    const fields = {
      LoaiBanTin: 'QUERY',
      PhienBan: '1.0.6',
      MaDoiTac: PARTNER.maDoiTac,
      MaThamChieu: 'ref|x',
      ThoiGianGD: '20250304121530',
    };
    expect(() => computeMaXacThuc('query', fields, PARTNER.secret)).toThrowError(
      expect.objectContaining({ code: 'LT_PAYGOV_INVALID_INPUT', details: [expect.objectContaining({ field: 'MaThamChieu' })] }),
    );
    expect(signer.verify('query', fields, 'a'.repeat(64))).toBe(false);
    expect(() =>
      signer.buildInit({
        maThamChieu: 'dvc1',
        amountVnd: 1000,
        thongTinGiaoDich: 'phi|le phi',
        ip: '127.0.0.1',
        createdAt: new Date('2025-03-04T05:00:00Z'),
        receipt: {},
      } as never),
    ).toThrowError(expect.objectContaining({ code: 'LT_PAYGOV_INVALID_INPUT' }));
  });
});
