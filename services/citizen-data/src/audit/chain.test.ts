import { describe, expect, it } from 'vitest';
import { chainHash, createChainVerifier, GENESIS_HASH, type AuditRow } from './chain.js';

const KEY = 'k'.repeat(32);
function chain(n: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = {
      seq,
      lookupId: `id-${seq}`,
      at: new Date(1_764_900_000_000 + seq),
      clientId: 'c',
      agency: 'a',
      officerId: 'o',
      maHoSo: 'm',
      maTTHC: 't',
      operation: 'citizen.lookup',
      subjectType: 'citizen' as const,
      subjectHash: 'f'.repeat(64),
      fields: ['HoVaTen'],
      outcome: 'found' as const,
      reason: null,
      peerCode: null,
      latencyMs: seq,
    };
    const hash = chainHash(KEY, prev, base);
    rows.push({ ...base, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}
const firstBreak = (rows: AuditRow[], key = KEY) => {
  const v = createChainVerifier(key);
  for (const r of rows) {
    const b = v.feed(r);
    if (b) return b;
  }
  return null;
};

describe('audit hash chain', () => {
  it('verifies a whole chain, and not with another key', () => {
    expect(firstBreak(chain(5))).toBeNull();
    expect(firstBreak(chain(5), 'x'.repeat(32))).toMatchObject({ seq: 1, problem: 'altered' });
  });
  it('names an edited row, even with its hash recomputed by someone without the key', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, fields: ['HoVaTen', 'SoDinhDanh'] };
    expect(firstBreak(rows)).toMatchObject({ seq: 3, problem: 'altered' });
  });
  it('names the first deleted row, and a re-linked one', () => {
    const rows = chain(6);
    expect(firstBreak([...rows.slice(0, 2), ...rows.slice(4)])).toMatchObject({ seq: 3, problem: 'missing' });
    const relinked = chain(3);
    relinked[1] = { ...relinked[1]!, prevHash: GENESIS_HASH };
    expect(firstBreak(relinked)).toMatchObject({ seq: 2, problem: 'altered' });
  });
});
