import { describe, expect, it } from 'vitest';
import { settledData, settledEvent } from '../../test/harness.js';
import { feeRefundOf, feeSettlementOf } from './fee-settlement.js';

const m = '000.00.01.H22-250702-000001';

describe('fee settlement (payment.events.v1 as services/payments publishes it)', () => {
  it('takes the dossier, the settlement time and the portal-ready fee fields', () => {
    const at = new Date('2025-07-02T03:00:00.000Z');
    expect(feeSettlementOf(settledEvent(settledData(m, at)))).toEqual({
      maHoSo: m,
      timeMs: at.getTime(),
      overlay: {
        DuocThanhToanTrucTuyen: '2',
        DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký', MaPhiLePhi: '1', HinhThucThu: '1', Gia: '50000', LoaiPhiLePhi: '2' }],
      },
    });
    expect(
      feeSettlementOf(settledEvent(settledData(m, at, { provider: 'paygov', DuocThanhToanTrucTuyen: '1', late: true }))).overlay
        .DuocThanhToanTrucTuyen,
    ).toBe('1');
  });

  it('refuses what does not conform to the schema its dataschema names, or another schema', () => {
    expect(() => feeSettlementOf(settledEvent(settledData(m, new Date(), { DanhSachLePhi: [] })))).toThrow(
      /LT_SYNC_BAD_EVENT|does not conform/,
    );
    const { DuocThanhToanTrucTuyen: _dropped, ...rest } = settledData(m);
    expect(() => feeSettlementOf(settledEvent(rest))).toThrow(/does not conform/);
    expect(() =>
      feeSettlementOf({ dataschema: 'https://lienthong.gov.vn/schemas/events/payment-settled.v2.json', data: settledData(m) }),
    ).toThrow(/unknown dataschema/);
  });

  it('refuses a settlement whose payment agency is not the dossier’s (never pushed, dead-lettered with the reason)', () => {
    const other = settledData(m, new Date(), { agencyCode: '000.00.01.H56' });
    expect(() => feeSettlementOf(settledEvent(other))).toThrowError(
      expect.objectContaining({
        code: 'LT_SYNC_FEE_AGENCY_MISMATCH',
        retriable: false,
        message: expect.stringMatching(/agency 000\.00\.01\.H56 is not the agency of dossier 000\.00\.01\.H22-250702-000001/),
      }),
    );
    // Another agency of the same province is another agency too.
    expect(() => feeSettlementOf(settledEvent(settledData(m, new Date(), { agencyCode: '000.00.02.H22' })))).toThrow(
      /is not the agency of dossier/,
    );
  });
});

describe('fee refund (payment.refunded as services/payments publishes it)', () => {
  const refunded = (full: boolean, overrides: Record<string, unknown> = {}) => ({
    dataschema: 'https://lienthong.gov.vn/schemas/events/payment-refunded.v1.json',
    data: {
      paymentId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      refundId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      MaHoSo: m,
      agencyCode: '000.00.01.H22',
      provider: 'vnpay',
      merchant: 'h22',
      orderRef: '0f8fad5bd9cb469fa16570867728950e',
      amount: full ? 50000 : 20000,
      paidAmount: 50000,
      refundedTotal: full ? 50000 : 20000,
      full,
      currency: 'VND',
      kind: 'provider',
      reason: 'Nộp trùng lệ phí',
      refundedAt: '2025-07-03T03:00:00.000Z',
      ...overrides,
    },
  });

  it('a full refund clears the paid-online flag and the paid fee lines, timed at the refund', () => {
    expect(feeRefundOf(refunded(true))).toEqual({
      maHoSo: m,
      overlay: { DuocThanhToanTrucTuyen: '0', DanhSachLePhi: [] },
      timeMs: Date.parse('2025-07-03T03:00:00.000Z'),
    });
  });

  it('a partial refund changes nothing at the portal', () => {
    expect(feeRefundOf(refunded(false))).toBeUndefined();
  });

  it('refuses another agency’s refund and what does not conform', () => {
    expect(() => feeRefundOf(refunded(true, { agencyCode: '000.00.01.H56' }))).toThrow(/is not the agency of dossier/);
    expect(() => feeRefundOf(refunded(true, { full: 'yes' }))).toThrow(/does not conform/);
    expect(() => feeRefundOf({ ...refunded(true), dataschema: 'x' })).toThrow(/unknown dataschema/);
  });
});
