import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPool, runMigrations, type Pool } from '@lienthong/platform';
import { createTestDatabase } from '../../../tests/helpers/index.js';
import { quietLogger } from '../../../tests/helpers/logger.js';
import { createAuditLog } from '../src/audit/audit-log.js';
import { CHAIN_KEY, MIGRATIONS } from './harness.js';

let db: { url: string; drop: () => Promise<void> };
let pools: Pool[];
beforeAll(async () => {
  db = await createTestDatabase();
  pools = [0, 1, 2].map(() => createPool({ connectionString: db.url, applicationName: 'audit-race', logger: quietLogger() }));
  await runMigrations(pools[0]!, { service: 'citizen-data', dir: MIGRATIONS, logger: quietLogger() });
});
afterAll(async () => {
  for (const p of pools) await p.end();
  await db.drop();
});

it('three instances appending at once keep one unbroken chain (the seq key settles the races)', async () => {
  const logs = pools.map((pool) => createAuditLog({ pool, chainKey: CHAIN_KEY }));
  const entry = (i: number) => ({
    clientId: `c${i % 3}`,
    agency: '000.00.01.H22',
    officerId: 'cb.a',
    maHoSo: '000.00.01.H22-251205-0001',
    maTTHC: '1.001612',
    operation: 'citizen.lookup',
    subjectType: 'citizen' as const,
    subjectHash: 'a'.repeat(64),
    fields: ['HoVaTen'],
    outcome: 'found' as const,
    reason: null,
    peerCode: null,
    latencyMs: i,
  });
  const rows = await Promise.all(Array.from({ length: 300 }, (_, i) => logs[i % 3]!.append(entry(i))));
  expect(new Set(rows.map((r) => r.seq)).size).toBe(300);
  expect(Math.max(...rows.map((r) => r.seq))).toBe(300);
  expect(await logs[0]!.verify()).toEqual({ ok: true, checked: 300, firstBroken: null });
});
