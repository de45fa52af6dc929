import { randomBytes } from 'node:crypto';

/** One call as the simulated portal saw it — never the session token, the password or the payload. */
export interface CallRecord {
  id: number;
  at: string;
  endpoint: 'auth' | 'integration' | 'share';
  service: string;
  madonvi?: string;
  /** Number of records in `data`. */
  items: number;
  /** The dossiers the call named (first 50). */
  maHoSo: string[];
  /** What the portal answered; null when no envelope was sent (fault, hang). */
  errorCode: string | number | null;
  message: string;
  /** ok | refused | session-expired | bad-request | fault:outage | fault:5xx | fault:timeout | malformed:<kind>. */
  outcome: string;
  httpStatus: number;
  durationMs: number;
  isUpdating?: boolean;
}

/** A processing step as stored, with how often the same step was received. */
export interface StoredStep {
  step: Record<string, unknown>;
  firstReceivedAt: string;
  lastReceivedAt: string;
  timesReceived: number;
}

export interface DossierRecord {
  maHoSo: string;
  /** The dossier exactly as last accepted; null when only refused calls or orphan progress touched it. */
  dossier: Record<string, unknown> | null;
  /** Accepted DongBoHoSoMC writes so far (1 = created). */
  version: number;
  createdAt: string | null;
  updatedAt: string | null;
  progress: StoredStep[];
  /** Calls that named this dossier, oldest first (last 200). */
  history: Array<Pick<CallRecord, 'id' | 'at' | 'service' | 'outcome' | 'errorCode' | 'message' | 'isUpdating'>>;
}

export interface RatingRecord {
  item: Record<string, unknown>;
  receivedAt: string;
  timesReceived: number;
}

const HISTORY_MAX = 200;
const SESSIONS_MAX = 100_000;

/**
 * In-memory state of the simulated portal. A simulator may forget on restart; what matters is that within a
 * run it holds exactly what the portal would, so tests can compare it field for field with the hub's ledger.
 */
export function createStore(opts: { callLogSize: number; now: () => number }) {
  let dossiers = new Map<string, DossierRecord>();
  let ratings = new Map<string, RatingRecord>();
  let sessions = new Map<string, { issuedAt: number; expiresAt: number }>();
  let calls: CallRecord[] = [];
  let nextId = 1;
  const iso = () => new Date(opts.now()).toISOString();

  const recordOf = (maHoSo: string): DossierRecord => {
    let r = dossiers.get(maHoSo);
    if (!r) {
      r = { maHoSo, dossier: null, version: 0, createdAt: null, updatedAt: null, progress: [], history: [] };
      dossiers.set(maHoSo, r);
    }
    return r;
  };

  return {
    iso,
    nextCallId: () => nextId++,

    /** Issues a session token, issued now and announced to expire at `expiresAt` (epoch ms). */
    openSession(expiresAt: number): string {
      const now = opts.now();
      if (sessions.size >= SESSIONS_MAX) {
        for (const [t, s] of sessions) if (s.expiresAt <= now) sessions.delete(t);
        // Still full: drop the oldest (Map iterates in insertion order).
        while (sessions.size >= SESSIONS_MAX) sessions.delete(sessions.keys().next().value as string);
      }
      const token = randomBytes(24).toString('base64url');
      sessions.set(token, { issuedAt: now, expiresAt });
      return token;
    },
    /**
     * Whether a session is alive now. `earlyTtlMs` (the sessionTtlMs fault) is applied at check time, so
     * switching it on cuts sessions already handed out — "sessions expiring early" mid-run.
     */
    sessionAlive(token: string, earlyTtlMs: number | null): boolean {
      const s = sessions.get(token);
      if (!s) return false;
      const now = opts.now();
      const diesAt = earlyTtlMs === null ? s.expiresAt : Math.min(s.expiresAt, s.issuedAt + earlyTtlMs);
      if (diesAt <= now) {
        sessions.delete(token);
        return false;
      }
      return true;
    },
    /** Ends every session now (admin). */
    expireSessions(): number {
      const n = sessions.size;
      sessions = new Map();
      return n;
    },

    hasDossier: (maHoSo: string) => dossiers.get(maHoSo)?.dossier != null,
    getDossier: (maHoSo: string) => dossiers.get(maHoSo),
    listDossiers: () => [...dossiers.values()],

    /** Stores the dossier as received; returns whether it was created or replaced an existing one. */
    putDossier(item: Record<string, unknown>): 'created' | 'updated' {
      const r = recordOf(String(item.MaHoSo));
      const at = iso();
      const created = r.dossier === null;
      r.dossier = structuredClone(item);
      r.version += 1;
      r.createdAt ??= at;
      r.updatedAt = at;
      return created ? 'created' : 'updated';
    },

    /**
     * Stores a step. The same step (same time, status and content) received again replaces itself and
     * counts the repeat, instead of appearing twice: at-least-once senders repeat, and the portal's own
     * behaviour for repeats is unknown [inf]. The count keeps the repeats visible to tests.
     */
    addStep(step: Record<string, unknown>): void {
      const r = recordOf(String(step.MaHoSo));
      const key = (s: Record<string, unknown>) => JSON.stringify([s.ThoiDiemXuLy, s.TrangThai, s.NoiDungXuLy, s.NguoiXuLy]);
      const k = key(step);
      const at = iso();
      const same = r.progress.find((p) => key(p.step) === k);
      if (same) {
        same.step = structuredClone(step);
        same.lastReceivedAt = at;
        same.timesReceived += 1;
      } else {
        r.progress.push({ step: structuredClone(step), firstReceivedAt: at, lastReceivedAt: at, timesReceived: 1 });
      }
    },

    /** One rating summary per (unit, month, question); a repeat replaces it [inf]. */
    putRating(item: Record<string, unknown>): void {
      const k = JSON.stringify([item.Madonvi, item.NgayTongHop, item.NoiDung]);
      const prev = ratings.get(k);
      ratings.set(k, { item: structuredClone(item), receivedAt: iso(), timesReceived: (prev?.timesReceived ?? 0) + 1 });
    },
    listRatings: () => [...ratings.values()],

    /** Appends to the call log (bounded) and to the history of every dossier the call named. */
    recordCall(c: CallRecord): void {
      calls.push(c);
      // Trimmed in bulk (amortised O(1)); reads only look at the newest callLogSize entries.
      if (calls.length > opts.callLogSize * 2) calls = calls.slice(calls.length - opts.callLogSize);
      for (const m of c.maHoSo) {
        const r = recordOf(m);
        r.history.push({
          id: c.id,
          at: c.at,
          service: c.service,
          outcome: c.outcome,
          errorCode: c.errorCode,
          message: c.message,
          ...(c.isUpdating === undefined ? {} : { isUpdating: c.isUpdating }),
        });
        if (r.history.length > HISTORY_MAX) r.history.splice(0, r.history.length - HISTORY_MAX);
      }
    },
    recentCalls(limit: number, filter: { service?: string; maHoSo?: string; outcome?: string } = {}): CallRecord[] {
      const out: CallRecord[] = [];
      const oldest = Math.max(0, calls.length - opts.callLogSize);
      for (let i = calls.length - 1; i >= oldest && out.length < limit; i--) {
        const c = calls[i]!;
        if (filter.service && c.service !== filter.service) continue;
        if (filter.maHoSo && !c.maHoSo.includes(filter.maHoSo)) continue;
        if (filter.outcome && c.outcome !== filter.outcome) continue;
        out.push(c);
      }
      return out;
    },
    counts: () => ({
      dossiers: [...dossiers.values()].filter((d) => d.dossier !== null).length,
      steps: [...dossiers.values()].reduce((n, d) => n + d.progress.length, 0),
      ratings: ratings.size,
      sessions: sessions.size,
      callsLogged: Math.min(calls.length, opts.callLogSize),
      callsTotal: nextId - 1,
    }),
    reset(): void {
      dossiers = new Map();
      ratings = new Map();
      sessions = new Map();
      calls = [];
    },
  };
}

export type DvcqgStore = ReturnType<typeof createStore>;
