/**
 * The read model trusts payment settlements only from payments' signing producer (issue 17 §2, as
 * national-sync and notifications do): a settlement changes the 766 "paid online" figures. And a record
 * whose values Postgres refuses is dead-lettered instead of holding its partition forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEvent, parseSigningKeys, signRecordValue, type CloudEvent } from '@lienthong/events';
import { createReadModelHandler } from '../src/read-model/handler.js';
import { createHarness, settledEvent, snapshotEvent, type Harness } from './harness.js';

const keys = parseSigningKeys(`k1:${Buffer.alloc(32, 7).toString('base64')}`);
const otherKeys = parseSigningKeys(`k1:${Buffer.alloc(32, 9).toString('base64')}`);
const MA = '000.00.29.H22-240610-0007';

describe('operations read model: signed settlements, refused values', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: '2024-06-20T09:00:00+07:00' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const ctxOf = (e: CloudEvent, signWith?: typeof keys) => {
    const value = encodeEvent(e);
    return { offset: '1', value, headers: signWith ? { 'lt-signature': signRecordValue(value, signWith) } : {} };
  };
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (x: unknown) => x as { code?: string; retriable?: boolean; message?: string },
    );

  it('with EVENT_SIGNING_KEYS: an unsigned or wrongly signed settlement is dead-lettered and changes nothing; a signed one counts', async () => {
    const handle = createReadModelHandler({ store: h.core.store, signingKeys: keys });
    await handle(snapshotEvent({ MaHoSo: MA, MaTTHC: '1.000001', TrangThaiHoSo: '2' }, '2024-06-10T08:00:00+07:00'), {
      offset: '0',
    }).catch(() => undefined);
    const forged = settledEvent(MA, 'pay-forged', '2', '2024-06-11T09:00:00+07:00');
    for (const ctx of [ctxOf(forged), ctxOf(forged, otherKeys)])
      expect(await failure(handle(forged, ctx))).toMatchObject({ code: 'LT_EVENT_SIGNATURE_INVALID', retriable: false });
    const payments = async () =>
      (await h.pool.query(`SELECT payment_id FROM ${h.schema}.payment WHERE ma_ho_so = $1`, [MA]).catch(() => ({ rows: [] })))
        .rows;
    expect(await payments()).toEqual([]);

    const real = settledEvent(MA, 'pay-real', '2', '2024-06-11T09:00:00+07:00');
    expect(await handle(real, ctxOf(real, keys))).not.toBe('ignored');
    expect(await payments()).toEqual([{ payment_id: 'pay-real' }]);
  });

  it('without keys (a pilot) settlements are taken as they come', async () => {
    const handle = createReadModelHandler({ store: h.core.store });
    const e = settledEvent(MA, 'pay-pilot', '1', '2024-06-12T09:00:00+07:00');
    expect(await handle(e, { offset: '3' })).not.toBe('ignored');
  });

  it('a value Postgres refuses (out of range) is dead-lettered (not retriable), not retried forever', async () => {
    const handle = createReadModelHandler({ store: h.core.store });
    const e = settledEvent(MA, 'pay-huge', '2', '2024-06-13T09:00:00+07:00');
    (e.data as Record<string, unknown>).amount = 1e20;
    expect(await failure(handle(e, { offset: '4' }))).toMatchObject({ code: 'LT_OPS_BAD_EVENT', retriable: false });
  });
});
