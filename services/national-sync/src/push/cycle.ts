import type { CircuitBreaker, Clock, Logger, PoolClient } from '@lienthong/platform';
import { pendingSteps } from '../ledger/claim.js';
import type { DossierRow, StepRow } from '../ledger/rows.js';
import { recordSnapshotRejected, recordStepRejected, recordStepsPushed, type ResultContext } from '../ledger/results.js';
import type { SyncMetrics } from '../metrics.js';
import { chunk, dossierPacket, progressPacket } from './packets.js';
import { mayPushSteps, needsSnapshot, type CycleResult } from './plan.js';
import { classifyFailure, type PortalClient, type PortalFailure } from './portal.js';

export interface PushCycleDeps {
  portal: PortalClient;
  breaker: CircuitBreaker;
  logger: Logger;
  clock: Clock;
  metrics: SyncMetrics;
  /** Dossiers per DongBoHoSoMC call. */
  batchSize: number;
  /** Steps per CapNhatTienDoHoSoMC call, at most 10. */
  progressBatch: number;
  dossierTopic: string;
  group: string;
}

/**
 * One push cycle over dossiers this worker holds the push lock of:
 *  1. snapshots: the newest snapshot of each dossier that needs one, updates and creates in separate
 *     DongBoHoSoMC calls (isUpdating differs);
 *  2. progress steps of dossiers the portal now holds, in version order, at most 10 per call. Steps come
 *     after the snapshot so the portal knows the dossier when they arrive.
 * A call refused permanently for a batch is retried item by item, so one bad dossier is dead-lettered
 * alone and the rest of its batch goes through; a transient failure marks its dossiers for retry and
 * blocks their later steps in this cycle (their order must hold), while other dossiers carry on.
 * Results are recorded call by call; the caller then settles each dossier's state.
 */
export async function runPushCycle(
  deps: PushCycleDeps,
  client: PoolClient,
  rows: readonly DossierRow[],
): Promise<Map<string, CycleResult>> {
  const results = new Map<string, CycleResult>(rows.map((r) => [r.maHoSo, {}]));
  const ctx = (): ResultContext => ({ client, now: deps.clock.now(), dossierTopic: deps.dossierTopic, group: deps.group });
  const log = deps.logger;

  const call = <T>(fn: () => Promise<T>) => deps.breaker.run(fn, (e) => classifyFailure(e).countsForBreaker);
  const failTransient = (maHoSo: string, f: PortalFailure, service: 'DongBoHoSoMC' | 'CapNhatTienDoHoSoMC') => {
    const r = results.get(maHoSo)!;
    if (!r.transient) {
      r.transient = f;
      r.failedService = service;
    }
  };

  async function pushSnapshots(batch: DossierRow[], isUpdating: boolean): Promise<void> {
    const started = Date.now();
    try {
      await call(() => deps.portal.dongBoHoSo(batch.map(dossierPacket), { isUpdating }));
    } catch (err) {
      const f = classifyFailure(err);
      deps.metrics.portalCall('DongBoHoSoMC', f.kind, Date.now() - started);
      if (f.kind === 'transient') {
        log.warn(
          { service: 'DongBoHoSoMC', dossiers: batch.length, isUpdating, code: f.code, err: f.message },
          'push failed; will retry',
        );
        for (const r of batch) failTransient(r.maHoSo, f, 'DongBoHoSoMC');
      } else if (batch.length > 1) {
        // The portal answers one error_code for the whole call: find the culprit item by item.
        log.info({ service: 'DongBoHoSoMC', dossiers: batch.length, code: f.code }, 'batch refused; retrying item by item');
        for (const r of batch) await pushSnapshots([r], isUpdating);
      } else if (f.kind === 'exists' && !isUpdating) {
        // Created earlier (by us before a crash, an ambiguous timeout, or another system): update it.
        await pushSnapshots(batch, true);
      } else if (f.kind === 'exists') {
        failTransient(batch[0]!.maHoSo, f, 'DongBoHoSoMC');
      } else {
        const row = batch[0]!;
        log.warn(
          { maHoSo: row.maHoSo, code: f.code, portalCode: f.portalCode },
          'snapshot rejected by the portal; dead-lettered',
        );
        await recordSnapshotRejected(ctx(), row, f);
        deps.metrics.outcome('rejected', 'DongBoHoSoMC');
      }
      return;
    }
    deps.metrics.portalCall('DongBoHoSoMC', 'ok', Date.now() - started);
    const now = deps.clock.now().getTime();
    // Recorded, with the outcomes, by the statement that settles the cycle (ledger/results.ts settleCycle):
    // one round trip less per cycle. A crash before it repeats the push, as a crash before any record does.
    for (const r of batch) {
      results.get(r.maHoSo)!.snapshotSynced = true;
      deps.metrics.outcome('synced', 'DongBoHoSoMC');
      deps.metrics.lag('DongBoHoSoMC', now - r.snapshotVersion!.timeMs);
    }
  }

  // 1. Snapshots.
  const toPush = rows.filter(needsSnapshot);
  for (const batch of chunk(
    toPush.filter((r) => r.portalVersion),
    deps.batchSize,
  ))
    await pushSnapshots(batch, true);
  for (const batch of chunk(
    toPush.filter((r) => !r.portalVersion),
    deps.batchSize,
  ))
    await pushSnapshots(batch, false);

  // 2. Progress steps.
  const eligible = rows.filter(
    (r) => !results.get(r.maHoSo)!.transient && mayPushSteps(r, results.get(r.maHoSo)!.snapshotSynced === true),
  );
  const blocked = new Set<string>();
  const attemptsOf = (m: string) => rows.find((r) => r.maHoSo === m)?.attempts ?? 0;

  async function pushSteps(batch: StepRow[]): Promise<void> {
    const started = Date.now();
    try {
      await call(() => deps.portal.capNhatTienDo(batch.map(progressPacket)));
    } catch (err) {
      const f = classifyFailure(err);
      deps.metrics.portalCall('CapNhatTienDoHoSoMC', f.kind, Date.now() - started);
      if (f.kind === 'transient') {
        log.warn(
          { service: 'CapNhatTienDoHoSoMC', steps: batch.length, code: f.code, err: f.message },
          'push failed; will retry',
        );
        for (const s of batch) {
          blocked.add(s.maHoSo);
          failTransient(s.maHoSo, f, 'CapNhatTienDoHoSoMC');
        }
      } else if (batch.length > 1) {
        for (const s of batch) if (!blocked.has(s.maHoSo)) await pushSteps([s]);
      } else {
        const step = batch[0]!;
        log.warn(
          { maHoSo: step.maHoSo, code: f.code, portalCode: f.portalCode },
          'progress step rejected by the portal; dead-lettered',
        );
        await recordStepRejected(ctx(), step, attemptsOf(step.maHoSo), f);
        deps.metrics.outcome('rejected', 'CapNhatTienDoHoSoMC');
      }
      return;
    }
    deps.metrics.portalCall('CapNhatTienDoHoSoMC', 'ok', Date.now() - started);
    const now = deps.clock.now().getTime();
    await recordStepsPushed(ctx(), batch, attemptsOf);
    for (const s of batch) {
      const r = results.get(s.maHoSo);
      if (r) r.stepsPushed = (r.stepsPushed ?? 0) + 1;
    }
    deps.metrics.outcome('synced', 'CapNhatTienDoHoSoMC', new Set(batch.map((s) => s.maHoSo)).size);
    for (const s of batch) deps.metrics.lag('CapNhatTienDoHoSoMC', now - s.version.timeMs);
  }

  // The claim counted each dossier's pending steps: most cycles of a backlog have none to read. Steps
  // recorded during this cycle for a dossier counted at 0 are pushed by the next one (the settlement sees them).
  let queue = await pendingSteps(
    client,
    eligible.filter((r) => r.pendingSteps !== 0).map((r) => r.maHoSo),
  );
  while (queue.length > 0) {
    // Next call: the first steps in (dossier, version) order whose dossier has not failed in this cycle.
    queue = queue.filter((s) => !blocked.has(s.maHoSo));
    const batch = queue.slice(0, deps.progressBatch);
    queue = queue.slice(batch.length);
    if (batch.length) await pushSteps(batch);
  }
  return results;
}
