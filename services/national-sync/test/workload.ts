/**
 * A dossier workload for the fault, kill and bench runs, and the checks that a run converged: every
 * dossier's newest state at the sandbox field for field, every step there, the ledger agreeing, and —
 * watched while the run goes — no dossier's status at the sandbox ever going backwards.
 */
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import type { CloudEvent, EventProducer } from '@lienthong/events';
import { dossierAt, maHoSoOf, progressedEvent, stepItem, upsertedEvent, type Sandbox } from './harness.js';

type Item = Record<string, unknown>;
/** Per dossier, in order: received (2), a step, processing (4), a step, done (9). */
const plan = ['U2', 'P0', 'U4', 'P1', 'U9'] as const;
const rank: Record<string, number> = { '2': 1, '4': 2, '9': 3 };

export interface Workload {
  dossiers: string[];
  /** rounds[r][i] = the item of dossier i in round r. */
  rounds: { kind: 'upserted' | 'progressed'; items: Item[] }[];
  expected: Map<string, { dossier: Item; steps: Item[] }>;
  events: number;
}

export function buildWorkload(totalEvents: number, run: number): Workload {
  const n = Math.max(1, Math.ceil(totalEvents / plan.length));
  const dossiers = Array.from({ length: n }, (_, i) => maHoSoOf(i + 1, run));
  const rounds = plan.map((p) => ({
    kind: p.startsWith('U') ? ('upserted' as const) : ('progressed' as const),
    items: dossiers.map((m) =>
      p.startsWith('U') ? dossierAt(m, p.slice(1) as '2' | '4' | '9') : stepItem(m, Number(p.slice(1))),
    ),
  }));
  const expected = new Map(
    dossiers.map((m, i) => [m, { dossier: rounds[4]!.items[i]!, steps: [rounds[1]!.items[i]!, rounds[3]!.items[i]!] }]),
  );
  return { dossiers, rounds, expected, events: n * plan.length };
}

/**
 * Publishes the workload round by round in chunks, paced to last about `durationMs`, the way the gateway
 * would (key = MaHoSo, one transaction per chunk). `onSent(fraction)` after each chunk. Returns the
 * first-round events, for replaying stale ones afterwards.
 */
export async function publishWorkload(
  producer: EventProducer,
  topic: string,
  w: Workload,
  opts: { durationMs: number; chunk?: number; onSent?: (fraction: number) => void | Promise<void> },
): Promise<CloudEvent[]> {
  const chunk = opts.chunk ?? 100;
  const total = w.events;
  const started = Date.now();
  let sent = 0;
  const first: CloudEvent[] = [];
  for (const round of w.rounds) {
    for (let i = 0; i < round.items.length; i += chunk) {
      const events = round.items
        .slice(i, i + chunk)
        .map((it) => (round.kind === 'upserted' ? upsertedEvent(it) : progressedEvent(it)));
      if (round === w.rounds[0]) first.push(...events);
      await producer.publish(topic, events);
      sent += events.length;
      await opts.onSent?.(sent / total);
      const due = started + (opts.durationMs * sent) / total;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
  return first;
}

/** Polls the sandbox's dossier list and records any dossier whose status went backwards. */
export function watchForRegressions(sandbox: Sandbox, intervalMs = 250) {
  const best = new Map<string, number>();
  const regressions: string[] = [];
  let observations = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const res = await fetch(`${sandbox.url}/_admin/dossiers?limit=10000`);
        const body = (await res.json()) as { items: { maHoSo: string; TrangThaiHoSo?: string }[] };
        for (const d of body.items) {
          const r = rank[String(d.TrangThaiHoSo)] ?? 0;
          const prev = best.get(d.maHoSo) ?? 0;
          if (r < prev) regressions.push(`${d.maHoSo}: ${prev} → ${r}`);
          else best.set(d.maHoSo, r);
        }
        observations++;
      } catch {
        // the sandbox is busy; the next poll will do
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { observations, regressions };
    },
  };
}

/** Cheap convergence test on the ledger: every dossier synced at its newest version, all steps pushed, outbox empty. */
export async function ledgerConverged(databaseUrl: string, w: Workload): Promise<boolean> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT
        (SELECT count(*) FROM sync_dossier WHERE ma_ho_so = ANY($1) AND state = 'synced' AND due_at IS NULL
            AND portal_time = snapshot_time AND portal_seq = snapshot_seq AND portal_status = '9')::int AS synced,
        (SELECT count(*) FROM sync_progress WHERE ma_ho_so = ANY($1) AND pushed_at IS NOT NULL)::int AS steps,
        (SELECT count(*) FROM sync_outbox)::int AS outbox`,
      [w.dossiers],
    );
    const row = r.rows[0] as { synced: number; steps: number; outbox: number };
    return row.synced === w.dossiers.length && row.steps === 2 * w.dossiers.length && row.outbox === 0;
  } finally {
    await c.end();
  }
}

/** Full comparison: sandbox and ledger against what was published. Returns the problems (empty = converged). */
export async function verifyConverged(sandbox: Sandbox, databaseUrl: string, w: Workload): Promise<string[]> {
  const problems: string[] = [];
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  const ledger = new Map<string, Record<string, any>>();
  try {
    const r = await c.query(
      `SELECT ma_ho_so, state, due_at, snapshot_event, snapshot_time, snapshot_seq, portal_time, portal_seq, portal_status,
        (SELECT count(*) FROM sync_progress p WHERE p.ma_ho_so = d.ma_ho_so AND p.pushed_at IS NOT NULL)::int AS pushed
       FROM sync_dossier d WHERE ma_ho_so = ANY($1)`,
      [w.dossiers],
    );
    for (const row of r.rows) ledger.set(row.ma_ho_so, row);
  } finally {
    await c.end();
  }
  for (const m of w.dossiers) {
    const want = w.expected.get(m)!;
    const l = ledger.get(m);
    if (!l) problems.push(`${m}: not in the ledger`);
    else {
      if (l.state !== 'synced' || l.due_at !== null) problems.push(`${m}: ledger state ${l.state}, due ${l.due_at}`);
      if (l.portal_time?.getTime() !== l.snapshot_time?.getTime() || l.portal_seq !== l.snapshot_seq)
        problems.push(`${m}: ledger portal version differs from the newest accepted`);
      if (!isDeepStrictEqual(l.snapshot_event?.data, want.dossier))
        problems.push(`${m}: ledger's newest snapshot is not the last published`);
      if (l.pushed !== want.steps.length) problems.push(`${m}: ledger has ${l.pushed} steps pushed`);
    }
    const d = await sandbox.dossier(m);
    if (!d?.dossier) {
      problems.push(`${m}: not at the sandbox`);
      continue;
    }
    if (!isDeepStrictEqual(d.dossier, want.dossier))
      problems.push(`${m}: sandbox holds status ${String(d.dossier.TrangThaiHoSo)}, not the newest state`);
    const got = new Map(d.progress.map((p) => [p.step.NoiDungXuLy, p.step]));
    for (const s of want.steps)
      if (!isDeepStrictEqual(got.get(s.NoiDungXuLy), s))
        problems.push(`${m}: step ${String(s.NoiDungXuLy)} missing or different`);
    if (d.progress.length !== want.steps.length) problems.push(`${m}: sandbox has ${d.progress.length} steps`);
  }
  return problems;
}
