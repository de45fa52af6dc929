import { describe, expect, it } from 'vitest';
import { createEvent, type CloudEvent } from '@lienthong/events';
import { schemaIds, validateEventData } from '@lienthong/standard';
// The events notifications consumes, built by their producers' own code (a test that invents an event agrees with
// the consumer, not with the producer).
import { deadlineEvent, type DeadlineEventData } from '../../../operations/src/deadline/monitor.js';
import { apologyEvent } from '../../../operations/src/apology/apology-event.js';
import { outcomeEvent } from '../../../national-sync/src/outbox/outcomes.js';
import { outboundOutcomeEvent } from '../../../national-sync/src/outbound/outcomes.js';
import { classify, displayDate, displayInstant, displayLocalDate, kindOfStatus } from './classify.js';

const M = '000.00.01.H22-251205-0001';
const ev = (type: string, data: unknown, subject = M) =>
  createEvent({ source: 'urn:lienthong:test', type, subject, dataschema: 'x', data });
/** What the producer built must be what its schema says: else the test would agree with a wrong producer. */
const conforming = <T extends CloudEvent>(e: T): T => {
  expect(validateEventData(e.dataschema, e.data)).toMatchObject({ ok: true });
  return e;
};

/** operations' overdue event, as its deadline scan builds it. */
function overdueOf(maHoSo: string, deadline: string, NgayHenTra: string | null): CloudEvent<DeadlineEventData> {
  return conforming(
    deadlineEvent(
      {
        MaHoSo: maHoSo,
        agencyCode: maHoSo.split('-')[0]!,
        kind: 'overdue',
        deadline,
        NgayHenTra,
        TrangThaiHoSo: 4,
        workingMinutesLate: 61,
        workingMinutesLeft: 0,
        daysLate: 0,
        secondSupplementRequest: false,
        detectedAt: '2025-12-20T03:00:00.000Z',
      },
      new Date('2025-12-20T03:00:00.000Z'),
    ),
  );
}

/** An answer to a citizen's question or a promotion status as national.outbound.v1 carries it (inbound's shape). */
function outboundInput(kind: 'qa-answer' | 'promotion-status', key: string) {
  return conforming(
    createEvent({
      id: `outbound-${kind}-${key}`,
      source: 'urn:lienthong:inbound',
      type: `vn.lienthong.outbound.${kind}`,
      subject: kind === 'qa-answer' ? `HOIDAP-${key}` : key,
      dataschema: schemaIds.nationalOutboundEvent,
      data: {
        kind,
        key,
        agency: '000.00.01.H22',
        acceptedAt: '2025-12-20T03:00:00.000Z',
        submittedBy: 'tinh-h22',
        ...(kind === 'promotion-status' ? { reportedStatus: '9' } : {}),
        packet:
          kind === 'qa-answer'
            ? { HOIDAPID: key, MADONVI: '000.00.01.H22', NOIDUNGTRALOI: 'Trả lời', NGAYTRALOI: '20251220100000' }
            : { MaHoSo: key, MaHoSoDonVi: M, TrangThai: '2', NgayXuLy: '20251220100000' },
      },
    }) as CloudEvent<never>,
  );
}

describe('classify', () => {
  it('a snapshot carries status, contact and placeholders; the agency is the MaHoSo prefix', () => {
    const i = classify(
      ev('vn.lienthong.dossier.upserted', {
        MaHoSo: M,
        TrangThaiHoSo: '2',
        SoDienThoai: '0912345678',
        ChuHoSo: 'Lê Văn Tám',
        TenTTHC: 'Khai sinh',
        NgayHenTra: '20251219170000',
      }),
    );
    expect(i).toEqual({
      maHoSo: M,
      agency: '000.00.01.H22',
      status: '2',
      contact: { phone: '0912345678', name: 'Lê Văn Tám' },
      context: { TenTTHC: 'Khai sinh', NgayHenTra: '19/12/2025 17:00' },
      webhook: false,
    });
  });

  it('an overdue names the deadline actually passed, keyed on it: a moved deadline is a new occurrence, a stale NgayHenTra is not the key', () => {
    // NgayHenTra 19/12 17:00, moved by a supplement round to 22/12 10:00 (UTC+7): the dossier is late against the latter.
    const first = classify(overdueOf(M, '2025-12-19T10:00:00.000Z', '20251219170000'));
    const moved = classify(overdueOf(M, '2025-12-22T03:00:00.000Z', '20251219170000'));
    expect(first).toMatchObject({ kind: 'dossier.overdue', webhook: true, values: { NgayHenTra: '19/12/2025 17:00' } });
    expect(moved).toMatchObject({ kind: 'dossier.overdue', values: { NgayHenTra: '22/12/2025 10:00' } });
    expect(moved!.occurrence).not.toBe(first!.occurrence);
    // Nothing of the overdue is remembered for later messages, and no new date is invented.
    expect(first!.context).toEqual({});
    expect(first!.values).not.toHaveProperty('NgayHenTraMoi');
    // A dossier without NgayHenTra (deadline from NgayTiepNhan + the legal time) is announced the same way.
    expect(classify(overdueOf(M, '2025-12-19T10:00:00.000Z', null))).toMatchObject({
      occurrence: first!.occurrence,
      values: { NgayHenTra: '19/12/2025 17:00' },
    });
  });

  it('an apology tells the new date and the previous deadline, one message per letter; due-soon tells nothing', () => {
    const letter = (apologyId: string, newDueDate: string, previousDueDate: string | null) =>
      conforming(
        apologyEvent(
          {
            MaHoSo: M,
            agencyCode: '000.00.01.H22',
            apologyId,
            reason: 'Chờ ý kiến cơ quan phối hợp',
            previousDueDate,
            newDueDate,
            letterUrl: `/v1/overdue/${M}/apology/${apologyId}`,
            issuedAt: '2025-12-22T03:00:00.000Z',
          },
          new Date('2025-12-22T03:00:00.000Z'),
        ),
      );
    const a = classify(letter('8a0e4c52-3f1d-4a57-9a7e-0c4f3b1d2e01', '2025-12-29', '2025-12-19T10:00:00.000Z'));
    expect(a).toEqual({
      maHoSo: M,
      agency: '000.00.01.H22',
      kind: 'dossier.apology-issued',
      occurrence: '8a0e4c52-3f1d-4a57-9a7e-0c4f3b1d2e01',
      context: {},
      values: { NgayHenTraMoi: '29/12/2025', NgayHenTra: '19/12/2025 17:00' },
      webhook: false,
    });
    const b = classify(letter('0b6f2a1e-9c1d-4f0e-8b3a-5d6c7e8f9a02', '2026-01-05', null));
    expect(b).toMatchObject({ occurrence: '0b6f2a1e-9c1d-4f0e-8b3a-5d6c7e8f9a02', values: { NgayHenTraMoi: '05/01/2026' } });
    expect(b!.values).not.toHaveProperty('NgayHenTra');
    // Hostile or broken data: no readable new date, nothing to tell.
    expect(classify(ev('vn.lienthong.dossier.apology-issued', { MaHoSo: M, newDueDate: '29/12/2025' }))).toBeUndefined();
    expect(classify(ev('vn.lienthong.dossier.apology-issued', { MaHoSo: M, newDueDate: { $gt: '' } }))).toBeUndefined();
    const soon = deadlineEvent({ ...overdueOf(M, '2025-12-19T10:00:00.000Z', null).data, kind: 'due-soon' }, new Date());
    expect(soon.type).toBe('vn.lienthong.dossier.due-soon');
    expect(classify(soon)).toBeUndefined();
  });

  it("sync outcomes of dossier packets are forwarded only; answers' and promotion statuses' outcomes are skipped", () => {
    const now = new Date('2025-12-20T03:00:00.000Z');
    for (const service of ['DongBoHoSoMC', 'CapNhatTienDoHoSoMC'] as const)
      for (const outcome of ['synced', 'rejected'] as const)
        expect(classify(conforming(outcomeEvent({ maHoSo: M, outcome, service, attempts: 1 }, now)))).toEqual({
          maHoSo: M,
          agency: '000.00.01.H22',
          context: {},
          webhook: true,
          webhookOnly: true,
        });
    expect(classify(outcomeEvent({ maHoSo: M, outcome: 'retrying', service: 'DongBoHoSoMC', attempts: 2 }, now))).toBeUndefined();
    const synced = { outcome: { kind: 'synced' as const }, attempts: 1 };
    const failure = { kind: 'rejected', code: 'LT_DVCQG_REJECTED', message: 'refused', portalCode: '-1' } as never;
    const rejected = { outcome: { kind: 'rejected' as const, failure }, attempts: 1 };
    for (const d of [synced, rejected]) {
      const answer = conforming(outboundOutcomeEvent(outboundInput('qa-answer', '4711'), d, 1, now));
      expect(answer.subject).toBe('HOIDAP-4711');
      expect(classify(answer as CloudEvent)).toBeUndefined();
      const status = conforming(outboundOutcomeEvent(outboundInput('promotion-status', 'G22.99-251220-0001'), d, 1, now));
      expect(status.data).toMatchObject({ packet: 'DongBoTrangThaiHoSo', agencyCode: '000.00.01.H22' });
      expect(classify(status as CloudEvent)).toBeUndefined();
    }
    // An outcome naming no dossier of ours, or a packet nobody sends, is skipped too.
    expect(classify(ev('vn.lienthong.sync.synced', { packet: 'DongBoHoSoMC', MaHoSo: 'garbage' }, 'garbage'))).toBeUndefined();
    expect(classify(ev('vn.lienthong.sync.synced', { packet: 'Other', MaHoSo: M }))).toBeUndefined();
    expect(classify(ev('vn.lienthong.sync.synced', { MaHoSo: M }))).toBeUndefined();
  });

  it('payments are forwarded and announced; unknown types and unreadable agencies are ignored', () => {
    expect(
      classify(
        ev('vn.lienthong.payment.settled', {
          paymentId: 'p1',
          MaHoSo: M,
          agencyCode: '000.00.01.H22',
          amount: 1250000,
        }),
      ),
    ).toMatchObject({ kind: 'payment.settled', occurrence: 'p1', context: { SoTien: '1.250.000' }, webhook: true });
    expect(classify(ev('vn.lienthong.dossier.something-else', { MaHoSo: M }))).toBeUndefined();
    expect(classify(ev('vn.lienthong.dossier.upserted', { MaHoSo: 'garbage' }, 'garbage'))).toBeUndefined();
    expect(classify(ev('vn.lienthong.dossier.upserted', null))).toMatchObject({ agency: '000.00.01.H22', context: {} });
  });

  it('statuses 1 and 4 are not announced; dates that are not in their form render empty', () => {
    expect(kindOfStatus('1')).toBeUndefined();
    expect(kindOfStatus('4')).toBeUndefined();
    expect(kindOfStatus('10')).toBe('dossier.result-returned');
    expect(displayDate('2025-12-19')).toBe('');
    expect(displayDate(20251219170000)).toBe('');
    expect(displayInstant('2025-12-31T17:30:00Z')).toBe('01/01/2026 00:30');
    expect(displayInstant('20251219170000')).toBe('');
    expect(displayInstant('2025-13-45Tnope')).toBe('');
    expect(displayLocalDate('2025-12-29')).toBe('29/12/2025');
    expect(displayLocalDate('2025-12-29T00:00:00Z')).toBe('');
  });
});
