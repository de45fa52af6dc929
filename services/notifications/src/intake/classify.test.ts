import { describe, expect, it } from 'vitest';
import { createEvent } from '@lienthong/events';
import { classify, displayDate, kindOfStatus } from './classify.js';

const ev = (type: string, data: unknown, subject = '000.00.01.H22-251205-0001') =>
  createEvent({ source: 'urn:lienthong:test', type, subject, dataschema: 'x', data });

describe('classify', () => {
  it('a snapshot carries status, contact and placeholders; the agency is the MaHoSo prefix', () => {
    const i = classify(
      ev('vn.lienthong.dossier.upserted', {
        MaHoSo: '000.00.01.H22-251205-0001',
        TrangThaiHoSo: '2',
        SoDienThoai: '0912345678',
        ChuHoSo: 'Lê Văn Tám',
        TenTTHC: 'Khai sinh',
        NgayHenTra: '20251219170000',
      }),
    );
    expect(i).toEqual({
      maHoSo: '000.00.01.H22-251205-0001',
      agency: '000.00.01.H22',
      status: '2',
      contact: { phone: '0912345678', name: 'Lê Văn Tám' },
      context: { TenTTHC: 'Khai sinh', NgayHenTra: '19/12/2025 17:00' },
      webhook: false,
    });
  });

  it('overdue, payment and sync outcomes are forwarded to webhooks; retries and unknown types are ignored', () => {
    expect(
      classify(
        ev('vn.lienthong.dossier.overdue', {
          MaHoSo: '000.00.01.H22-251205-0001',
          agencyCode: '000.00.01.H22',
          NgayHenTra: '20251201170000',
          TrangThaiHoSo: '4',
        }),
      ),
    ).toMatchObject({ kind: 'dossier.overdue', occurrence: '20251201170000', webhook: true });
    expect(
      classify(
        ev('vn.lienthong.payment.settled', {
          paymentId: 'p1',
          MaHoSo: '000.00.01.H22-251205-0001',
          agencyCode: '000.00.01.H22',
          amount: 1250000,
        }),
      ),
    ).toMatchObject({ kind: 'payment.settled', occurrence: 'p1', context: { SoTien: '1.250.000' }, webhook: true });
    expect(classify(ev('vn.lienthong.sync.rejected', { MaHoSo: '000.00.01.H22-251205-0001' }))).toMatchObject({ webhook: true });
    expect(classify(ev('vn.lienthong.sync.retrying', { MaHoSo: '000.00.01.H22-251205-0001' }))).toBeUndefined();
    expect(classify(ev('vn.lienthong.dossier.upserted', { MaHoSo: 'garbage' }, 'garbage'))).toBeUndefined();
    expect(classify(ev('vn.lienthong.dossier.upserted', null))).toMatchObject({ agency: '000.00.01.H22', context: {} });
  });

  it('statuses 1 and 4 are not announced; dates that are not yyyyMMddHHmmss render empty', () => {
    expect(kindOfStatus('1')).toBeUndefined();
    expect(kindOfStatus('4')).toBeUndefined();
    expect(kindOfStatus('10')).toBe('dossier.result-returned');
    expect(displayDate('2025-12-19')).toBe('');
    expect(displayDate(20251219170000)).toBe('');
  });
});
