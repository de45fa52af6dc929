import { describe, expect, it } from 'vitest';
import { validateEventData } from '@lienthong/standard';
import { deadLetterRecord, outcomeEvent, SYNC_OUTCOME_SCHEMA_ID } from './outcomes.js';
import { upsertedEvent, dossierItem } from '../../test/harness.js';

const m = '000.00.01.H22-250702-000001';
const now = new Date('2025-07-02T03:00:00.000Z');

describe('outcome events and dead letters', () => {
  it('outcome data conforms to schemas/events/sync-outcome.v1.json, the type says synced/rejected/retrying', () => {
    const cases = [
      outcomeEvent({ maHoSo: m, outcome: 'synced', service: 'DongBoHoSoMC', sourceEventId: 'e-1', attempts: 1 }, now),
      outcomeEvent({ maHoSo: m, outcome: 'retrying', service: 'CapNhatTienDoHoSoMC', attempts: 3 }, now),
      outcomeEvent(
        {
          maHoSo: m,
          outcome: 'rejected',
          service: 'DongBoHoSoMC',
          sourceEventId: 'e-2',
          attempts: 1,
          portalCode: '-1',
          portalMessage: `Hồ sơ ${m} bị từ chối`,
        },
        now,
      ),
    ];
    for (const e of cases) {
      expect(e.dataschema).toBe(SYNC_OUTCOME_SCHEMA_ID);
      const r = validateEventData(e.dataschema, e.data);
      expect(r.errors).toEqual([]);
    }
    expect(cases.map((e) => [e.type, e.data.outcome])).toEqual([
      ['vn.lienthong.sync.synced', 'accepted'],
      ['vn.lienthong.sync.retrying', 'retrying'],
      ['vn.lienthong.sync.rejected', 'rejected'],
    ]);
    expect(cases[2]!.data).toMatchObject({ MaHoSo: m, packet: 'DongBoHoSoMC', portalErrorCode: '-1', at: now.toISOString() });
  });

  it('a dead letter is the original event with the reason in the runner’s headers', () => {
    const e = upsertedEvent(dossierItem(m), now);
    const r = deadLetterRecord(e, {
      originalTopic: 'dossier.events.v1',
      version: { timeMs: now.getTime(), seq: 42n },
      errorCode: 'LT_DVCQG_REJECTED',
      reason: 'Hồ sơ bị từ chối',
      portalCode: '-1',
      attempts: 2,
      group: 'national-sync',
      now,
    });
    expect(JSON.parse(r.value)).toEqual(e);
    expect(r).toMatchObject({ topic: 'dossierEventsDlq', key: m });
    expect(r.headers).toMatchObject({
      'dlq-original-offset': '42',
      'dlq-error-code': 'LT_DVCQG_REJECTED',
      'dlq-reason': 'Hồ sơ bị từ chối',
      'dlq-portal-code': '-1',
      'dlq-attempts': '2',
      'ce-id': e.id,
    });
  });
});
