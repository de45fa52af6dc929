import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullName, type CongDan } from '@lienthong/csdl-dancu';
import { quietLogger } from '../../../tests/helpers/logger.js';
import { CHAIN_KEY, MA_HO_SO, purpose, startCitizenData, type CitizenDataHarness } from './harness.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'audit-verify.mjs');
let h: CitizenDataHarness;
let people: CongDan[];

beforeAll(async () => {
  h = await startCitizenData({ logger: quietLogger() });
  people = (await h.sandbox.citizens()).filter((p) => p.SoDinhDanh);
  // Eight look-ups by two officers, about three people, plus two refusals.
  for (let i = 0; i < 8; i++) {
    const p = people[i % 3]!;
    const r = await h.call('POST', '/v1/citizens/lookup', {
      SoDinhDanh: p.SoDinhDanh,
      HoVaTen: fullName(p),
      purpose: purpose({ officerId: i % 2 ? 'cb.tranthib' : 'cb.nguyenvana' }),
    });
    expect(r.status).toBe(200);
  }
  await h.call('POST', '/v1/citizens/lookup', { SoDinhDanh: people[0]!.SoDinhDanh, HoVaTen: 'X' });
  await h.call('POST', '/v1/citizens/lookup', {
    SoDinhDanh: people[0]!.SoDinhDanh,
    HoVaTen: 'X',
    purpose: purpose({ MaTTHC: '1.999999' }),
  });
});
afterAll(() => h.close());

/** Runs the CLI against the test database: exit code and its JSON line. */
function cli(): Promise<{ code: number; out: any }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin], {
      env: { ...process.env, DATABASE_URL: h.dbUrl, CITIZEN_DATA_AUDIT_CHAIN_KEY: CHAIN_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, out: JSON.parse(out.trim().split('\n').at(-1)!) }));
  });
}

/** A superuser's session with the append-only triggers switched off: what an attacker with DB rights does. */
async function asSuperuser<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: h.dbUrl });
  await c.connect();
  try {
    await c.query('SET session_replication_role = replica');
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('audit log', () => {
  it('is append-only for the application: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await expect(h.pool.query("UPDATE citizen_audit SET officer_id = 'x' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(h.pool.query('DELETE FROM citizen_audit WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(h.pool.query('TRUNCATE citizen_audit')).rejects.toThrow(/append-only/);
  });

  it('verifies whole (endpoint for auditors only, and the CLI)', async () => {
    const r = await h.call('GET', '/v1/audit/verify', undefined, h.keys.auditor);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, checked: 10, firstBroken: null });
    expect((await h.call('GET', '/v1/audit/verify')).status).toBe(403);
    expect(await cli()).toEqual({ code: 0, out: { ok: true, checked: 10, firstBroken: null } });
  });

  it('searches by subject ID (hashed on the way in), officer, agency, MaHoSo and time', async () => {
    const s = (body: unknown, key = h.keys.auditor) => h.call('POST', '/v1/audit/search', body, key);
    const bySubject = await s({ subjectId: people[0]!.SoDinhDanh });
    // Lookups 0, 3, 6 and both refusals named people[0].
    expect(bySubject.body.items.map((r: { seq: number }) => r.seq).sort((a: number, b: number) => a - b)).toEqual([
      1, 4, 7, 9, 10,
    ]);
    expect(JSON.stringify(bySubject.body)).not.toContain(people[0]!.SoDinhDanh);
    expect((await s({ officerId: 'cb.tranthib' })).body.items).toHaveLength(4);
    expect((await s({ agency: '000.00.01.H22', MaHoSo: MA_HO_SO })).body.items).toHaveLength(9);
    expect((await s({ from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' })).body.items).toHaveLength(0);
    expect((await s({ subjectId: 'abc' })).status).toBe(400);
    expect((await s({ officerId: 'cb.tranthib' }, h.keys.limitedAuditor)).status).toBe(400);
    expect((await s({ agency: '000.00.01.H56' }, h.keys.limitedAuditor)).status).toBe(403);
    expect((await s({ agency: '000.00.01.H22' }, h.keys.limitedAuditor)).body.items).toHaveLength(9);
    expect((await s({ officerId: 'x' }, h.keys.province)).status).toBe(403);
  });

  it('names the row a superuser edited, then the row a superuser deleted', async () => {
    const original = await asSuperuser(async (c) => {
      const row = (await c.query('SELECT officer_id FROM citizen_audit WHERE seq = 3')).rows[0];
      await c.query("UPDATE citizen_audit SET officer_id = 'cb.khac' WHERE seq = 3");
      return row.officer_id as string;
    });
    const edited = await h.call('GET', '/v1/audit/verify', undefined, h.keys.auditor);
    expect(edited.body).toMatchObject({ ok: false, firstBroken: { seq: 3, problem: 'altered' } });
    const c1 = await cli();
    expect(c1.code).toBe(1);
    expect(c1.out.firstBroken).toMatchObject({ seq: 3, problem: 'altered' });

    await asSuperuser((c) => c.query('UPDATE citizen_audit SET officer_id = $1 WHERE seq = 3', [original]));
    expect((await h.call('GET', '/v1/audit/verify', undefined, h.keys.auditor)).body.ok).toBe(true);

    await asSuperuser((c) => c.query('DELETE FROM citizen_audit WHERE seq = 6'));
    const deleted = await h.call('GET', '/v1/audit/verify', undefined, h.keys.auditor);
    expect(deleted.body).toMatchObject({ ok: false, firstBroken: { seq: 6, problem: 'missing' } });
    const c2 = await cli();
    expect(c2.code).toBe(1);
    expect(c2.out.firstBroken).toMatchObject({ seq: 6, problem: 'missing' });
  });

  it('names a deleted tail once it had been published', async () => {
    await asSuperuser(async (c) => {
      await c.query('UPDATE citizen_audit_published SET last_seq = 10');
      await c.query('DELETE FROM citizen_audit WHERE seq >= 6');
    });
    const r = await h.call('GET', '/v1/audit/verify', undefined, h.keys.auditor);
    expect(r.body).toMatchObject({ ok: false, firstBroken: { seq: 6, problem: 'missing' } });
  });
});
