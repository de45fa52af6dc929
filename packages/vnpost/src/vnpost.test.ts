import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FINAL_STATES, MYVNPOST_KNOWN_CODES, hccState, myvnpostState } from './status.js';
import { signWebhook, verifyWebhook } from './webhook-signature.js';
import { createAddressMapper, nameKey } from './address-map.js';
import { orderRecordOf, vnpostTime } from './myvnpost-client.js';
import { PostalErrorCodes } from './errors.js';

describe('MyVNPost status codes', () => {
  it('maps every code the reference lists (vnpost.md §1) to a state or to "no parcel movement"', () => {
    // Written out here, independently of status.ts's table, for every code vnpost.md §1 lists: a code
    // dropped from or remapped in the table fails this test.
    const expected: Record<number, string | null> = {
      0: 'created',
      1: 'created',
      2: 'created',
      3: 'created',
      4: 'created',
      5: 'failed',
      6: 'picked-up',
      7: 'picked-up',
      8: 'failed',
      9: 'cancelled',
      10: 'in-transit',
      11: 'in-transit',
      12: 'in-transit',
      13: 'in-transit',
      14: 'delivered',
      15: 'failed',
      16: 'failed',
      17: 'failed',
      18: 'failed',
      19: 'returned',
      20: 'delivered',
      21: 'delivered',
      22: 'cancelled',
      23: 'delivered',
      24: 'failed',
      28: null,
      29: null,
      [-8]: 'cancelled',
    };
    expect(Object.keys(expected).length).toBe(28);
    for (const [code, state] of Object.entries(expected)) expect(myvnpostState(Number(code)), `code ${code}`).toBe(state);
    // And the table knows no code the reference does not list.
    expect([...MYVNPOST_KNOWN_CODES].sort((a, b) => a - b)).toEqual(
      Object.keys(expected)
        .map(Number)
        .sort((a, b) => a - b),
    );
    expect(myvnpostState('14')).toBe('delivered');
  });
  it('keeps unknown codes as unknown (flagged, never dropped)', () => {
    for (const c of [25, 70, 100, 'abc', '', 3.5]) expect(myvnpostState(c)).toBe('unknown');
  });
  it('HCC: only 4 (delivered) is known', () => {
    expect(hccState(4)).toBe('delivered');
    expect(hccState('4')).toBe('delivered');
    expect(hccState(3)).toBe('unknown');
  });
  it('final states stop polling', () => {
    expect([...FINAL_STATES].sort()).toEqual(['cancelled', 'delivered', 'returned']);
  });
});

describe('MyVNPost webhook signature', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sig = signWebhook(privateKey, '05/12/2026 10:00:00', 'EM123456789VN', 14);
  it('verifies VNPost’s signature over MYVNP + sendDate + itemCode + status', () => {
    expect(verifyWebhook(publicKey, sig, '05/12/2026 10:00:00', 'EM123456789VN', 14)).toBe(true);
    expect(verifyWebhook(publicKey, sig, '05/12/2026 10:00:00', 'EM123456789VN', '14')).toBe(true);
  });
  it('refuses a changed status, another key, and malformed input', () => {
    expect(verifyWebhook(publicKey, sig, '05/12/2026 10:00:00', 'EM123456789VN', 15)).toBe(false);
    expect(verifyWebhook(other.publicKey, sig, '05/12/2026 10:00:00', 'EM123456789VN', 14)).toBe(false);
    for (const bad of [undefined, '', 42, 'x'.repeat(5000), '%%%not-base64%%%'])
      expect(verifyWebhook(publicKey, bad, '05/12/2026 10:00:00', 'EM123456789VN', 14)).toBe(false);
    expect(verifyWebhook(publicKey, sig, { toString: () => 'x' }, 'EM123456789VN', 14)).toBe(false);
  });
});

describe('address mapping', () => {
  const mapper = createAddressMapper({ units: { '00004': { province: '10', commune: '11022' } } }, [
    { provinceCode: '70', provinceName: 'Thành phố Hồ Chí Minh', communeCode: '70103', communeName: 'Phường Sài Gòn' },
  ]);
  it('maps by the table first, then by VNPost catalogue names, with district "VNPOST"', () => {
    expect(mapper.map({ street: '1 Tràng Tiền', communeCode: '00004' })).toEqual({
      ProvinceCode: '10',
      DistrictCode: 'VNPOST',
      CommuneCode: '11022',
      via: 'table',
    });
    expect(mapper.map({ street: '2 Lê Lợi', provinceName: 'TP. Hồ Chí Minh', communeName: 'phường sài gòn' })).toMatchObject({
      CommuneCode: '70103',
      via: 'catalogue',
    });
  });
  it('refuses an unmappable address with a clear error naming the field', () => {
    try {
      mapper.map({ street: 'x', communeCode: '99999' }, '/receiver');
      expect.unreachable();
    } catch (err) {
      const e = err as { code: string; details: { path: string }[]; messageVi: string };
      expect(e.code).toBe(PostalErrorCodes.ADDRESS_UNMAPPED);
      expect(e.details[0]!.path).toBe('/receiver/communeCode');
      expect(e.messageVi).toMatch(/mã bưu chính/);
    }
  });
  it('name keys ignore diacritics, đ and administrative prefixes', () => {
    expect(nameKey('Tỉnh Điện Biên')).toBe(nameKey('dien bien'));
    expect(nameKey('Xã Đắk Mil')).toBe('dak mil');
  });
});

describe('MyVNPost reply shapes', () => {
  it('reads the record plain, wrapped in data, and nested as getOrder answers', () => {
    const rec = { saleOrderCode: 'H22-1', itemCode: 'EM1VN', originalID: 'O1', status: 1, totalFee: 25000 };
    expect(orderRecordOf(rec, 'H22-1')).toEqual({
      orderCode: 'H22-1',
      itemCode: 'EM1VN',
      originalId: 'O1',
      status: '1',
      totalFee: 25000,
    });
    expect(orderRecordOf({ data: rec }, 'H22-1')?.itemCode).toBe('EM1VN');
    expect(orderRecordOf([{ results: [rec] }], 'H22-1')?.originalId).toBe('O1');
    expect(orderRecordOf([{ results: [] }], 'H22-1')).toBeNull();
  });
  it('never adopts an order whose saleOrderCode is another dossier’s', () => {
    expect(orderRecordOf({ saleOrderCode: 'OTHER', itemCode: 'EM1VN' }, 'H22-1')).toBeNull();
  });
  it('reads VNPost local times as +07:00', () => {
    expect(vnpostTime('05/12/2026', '9:05')).toBe('2026-12-05T09:05:00+07:00');
    expect(vnpostTime('2026-12-05', '09:05')).toBeNull();
  });
});
