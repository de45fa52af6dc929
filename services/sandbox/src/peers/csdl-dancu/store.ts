import { randomBytes } from 'node:crypto';
import { fullName, unaccentedUpper, type CongDan } from '@lienthong/csdl-dancu';
import { seedPopulation } from './seed.js';

/** One call as the simulated database saw it — never the token or the person's data. */
export interface CsdlCallRecord {
  id: number;
  at: string;
  endpoint: 'token' | 'soap';
  operation: string;
  MaDVC?: string;
  MaCanBo?: string;
  MaYeuCau?: string;
  /** ok | not-found | no-match | refused:004 | refused:005 | bad-request | token-invalid | fault:<kind> | malformed:<kind>. */
  outcome: string;
  httpStatus: number;
  durationMs: number;
}

/** The simulated population, its tokens and its call log. */
export function createCsdlStore(opts: { seed: number; population: number; callLogSize: number; now: () => number }) {
  const { citizens, households } = seedPopulation(opts.seed, opts.population);
  const byId = new Map<string, CongDan>();
  for (const c of citizens) {
    if (c.SoDinhDanh) byId.set(c.SoDinhDanh, c);
    if (c.SoCMND) byId.set(c.SoCMND, c);
  }
  let tokens = new Map<string, number>();
  let calls: CsdlCallRecord[] = [];
  let nextCall = 1;
  return {
    citizens,
    households,
    /** The person with this ID, if the name (and birth date when given) match [inf: C06 matches all given fields]. */
    find(q: { SoDinhDanh?: string; SoCMND?: string; HoVaTen?: string; NgayThangNam?: string }): CongDan | undefined {
      const c = (q.SoDinhDanh && byId.get(q.SoDinhDanh)) || (q.SoCMND && byId.get(q.SoCMND)) || undefined;
      if (!c) return undefined;
      if (q.SoDinhDanh && c.SoDinhDanh !== q.SoDinhDanh) return undefined;
      if (q.SoCMND && c.SoCMND !== q.SoCMND) return undefined;
      if (q.HoVaTen !== undefined && unaccentedUpper(fullName(c)) !== unaccentedUpper(q.HoVaTen)) return undefined;
      if (q.NgayThangNam !== undefined && c.NgayThangNamSinh?.NgayThangNam !== q.NgayThangNam) return undefined;
      return c;
    },
    byId: (id: string) => byId.get(id),
    householdOf(c: CongDan): CongDan[] {
      const ids = (c.SoSoHoKhau && households.get(c.SoSoHoKhau)) || [];
      return ids.map((id) => byId.get(id)!).filter(Boolean);
    },
    issueToken(ttlMs: number): string {
      if (tokens.size > 100_000) tokens = new Map([...tokens].filter(([, exp]) => exp > opts.now()));
      const t = randomBytes(24).toString('base64url');
      tokens.set(t, opts.now() + ttlMs);
      return t;
    },
    tokenValid(t: string | undefined): boolean {
      const exp = t ? tokens.get(t) : undefined;
      return exp !== undefined && exp > opts.now();
    },
    expireTokens(): number {
      const n = tokens.size;
      tokens = new Map();
      return n;
    },
    record(c: Omit<CsdlCallRecord, 'id' | 'at'>): void {
      calls.push({ id: nextCall++, at: new Date(opts.now()).toISOString(), ...c });
      if (calls.length > opts.callLogSize) calls = calls.slice(-opts.callLogSize);
    },
    recentCalls(limit: number, filter: { operation?: string; MaDVC?: string; outcome?: string }): CsdlCallRecord[] {
      return calls
        .filter(
          (c) =>
            (!filter.operation || c.operation === filter.operation) &&
            (!filter.MaDVC || c.MaDVC === filter.MaDVC) &&
            (!filter.outcome || c.outcome === filter.outcome),
        )
        .slice(-limit);
    },
    counts: () => ({ citizens: citizens.length, households: households.size, calls: calls.length, tokens: tokens.size }),
    reset(): void {
      tokens = new Map();
      calls = [];
    },
  };
}
export type CsdlStore = ReturnType<typeof createCsdlStore>;
