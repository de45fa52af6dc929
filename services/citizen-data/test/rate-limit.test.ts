import { afterAll, beforeAll, expect, it } from 'vitest';
import { fullName, type CongDan } from '@lienthong/csdl-dancu';
import { quietLogger } from '../../../tests/helpers/logger.js';
import { purpose, startCitizenData, type CitizenDataHarness } from './harness.js';

let h: CitizenDataHarness;
beforeAll(async () => {
  h = await startCitizenData({ logger: quietLogger(), ratePerMinute: 2 });
});
afterAll(() => h.close());

it('answers 429 with Retry-After and a Vietnamese and English message once the agency used its rate, audited, nothing sent', async () => {
  const p = (await h.sandbox.citizens()).find((x: CongDan) => x.SoDinhDanh)!;
  const body = { SoDinhDanh: p.SoDinhDanh, HoVaTen: fullName(p), purpose: purpose() };
  expect((await h.call('POST', '/v1/citizens/lookup', body)).status).toBe(200);
  expect((await h.call('POST', '/v1/citizens/lookup', body)).status).toBe(200);
  const before = (await h.sandbox.calls('csdl-dancu')).length;
  const r = await h.call('POST', '/v1/citizens/lookup', body);
  expect(r.status).toBe(429);
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(r.body).toMatchObject({ error: 'LT_CITIZEN_RATE_LIMITED' });
  expect(r.body.message).toMatch(/Cơ quan 000\.00\.01\.H22 đã vượt hạn mức 2 lượt tra cứu mỗi phút/);
  expect(r.body.message_en).toMatch(/exceeded 2 look-ups per minute/);
  expect((await h.sandbox.calls('csdl-dancu')).length).toBe(before);
  const row = (await h.pool.query('SELECT outcome, reason FROM citizen_audit ORDER BY seq DESC LIMIT 1')).rows[0];
  expect(row).toEqual({ outcome: 'refused', reason: 'LT_CITIZEN_RATE_LIMITED' });
});
