import { describe, expect, it } from 'vitest';
import { settledData, settledEvent } from '../../test/harness.js';
import { feeSettlementOf } from './fee-settlement.js';

const m = '000.00.01.H22-250702-000001';

describe('fee settlement (payment.events.v1 as services/payments publishes it)', () => {
  it('takes the dossier, the settlement time and the portal-ready fee fields', () => {
    const at = new Date('2025-07-02T03:00:00.000Z');
    expect(feeSettlementOf(settledEvent(settledData(m, at)))).toEqual({
      maHoSo: m,
      timeMs: at.getTime(),
      overlay: { DuocThanhToanTrucTuyen: '2', DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký', MaPhiLePhi: '1', HinhThucThu: '1', Gia: '50000', LoaiPhiLePhi: '2' }] },
    });
    expect(feeSettlementOf(settledEvent(settledData(m, at, { provider: 'paygov', DuocThanhToanTrucTuyen: '1', late: true }))).overlay.DuocThanhToanTrucTuyen).toBe('1');
  });

  it('refuses what does not conform to the schema its dataschema names, or another schema', () => {
    expect(() => feeSettlementOf(settledEvent(settledData(m, new Date(), { DanhSachLePhi: [] })))).toThrow(/LT_SYNC_BAD_EVENT|does not conform/);
    const { DuocThanhToanTrucTuyen: _dropped, ...rest } = settledData(m);
    expect(() => feeSettlementOf(settledEvent(rest))).toThrow(/does not conform/);
    expect(() => feeSettlementOf({ dataschema: 'https://lienthong.gov.vn/schemas/events/payment-settled.v2.json', data: settledData(m) })).toThrow(/unknown dataschema/);
  });

  it('refuses a settlement whose payment agency is not the dossier’s (never pushed, dead-lettered with the reason)', () => {
    const other = settledData(m, new Date(), { agencyCode: '000.00.01.H56' });
    expect(() => feeSettlementOf(settledEvent(other))).toThrowError(
      expect.objectContaining({ code: 'LT_SYNC_FEE_AGENCY_MISMATCH', retriable: false, message: expect.stringMatching(/agency 000\.00\.01\.H56 is not the agency of dossier 000\.00\.01\.H22-250702-000001/) }),
    );
    // Another agency of the same province is another agency too.
    expect(() => feeSettlementOf(settledEvent(settledData(m, new Date(), { agencyCode: '000.00.02.H22' })))).toThrow(/is not the agency of dossier/);
  });
});
