import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'pg';
import { agencyScopeSql, clientMayActFor } from './api-clients.js';
import { createTestDatabase } from '../../../tests/helpers/index.js';

/** agencyScopeSql must say in Postgres exactly what clientMayActFor says in code, and NULL only for '*'. */
describe('agencyScopeSql on Postgres', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pg: Client;
  const codes = [
    '000.00.01.H22',
    '000.00.02.H22',
    '000.00.01.H10',
    'H22',
    'X.H22.Y',
    '000.00.01.H220',
    '%',
    '_00.00.01.H22',
    '000.00.01.h22',
    "'; DROP TABLE t; --",
    '',
  ];
  const scopes = [['*'], ['*.H22'], ['000.00.01.H10'], ['000.00.01.H10', '*.H22'], ['*.H%'], ['*._22'], ['nothing']];

  beforeAll(async () => {
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query('CREATE TABLE t (agency text)');
    await pg.query('INSERT INTO t SELECT unnest($1::text[]) UNION ALL SELECT NULL', [codes]);
  });
  afterAll(async () => {
    await pg?.end();
    await db?.drop();
  });

  it.each(scopes)('agrees with clientMayActFor for %j', async (...agencies: string[]) => {
    const client = { agencies };
    const f = agencyScopeSql(client, 'agency', 2);
    const rows = (await pg.query(`SELECT agency FROM t WHERE $1::int = 1 AND ${f.sql}`, [1, ...f.params])).rows as {
      agency: string | null;
    }[];
    const expected = codes.filter((c) => clientMayActFor(client, c));
    expect(
      rows
        .map((r) => r.agency)
        .filter((a) => a !== null)
        .sort(),
    ).toEqual(expected.sort());
    // An agency-less row is province-wide data: only '*' sees it.
    expect(rows.some((r) => r.agency === null)).toBe(agencies.includes('*'));
  });
});
