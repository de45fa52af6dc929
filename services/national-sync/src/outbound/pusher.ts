import { CircuitOpenError, type CircuitBreaker, type Clock, type Logger, type Pool, type RetryPolicy } from '@lienthong/platform';
import type { SyncMetrics } from '../metrics.js';
import { chunk } from '../push/packets.js';
import { classifyFailure } from '../push/portal.js';
import { createWakeableLoop, type WakeableLoop } from '../wakeable-loop.js';
import { claimDueOutbound, lockKeyOf, releaseOutbound, settleIdleOutbound, settleOutbound } from './ledger.js';
import { outboundDeadLetterRecord, outboundOutcomeRecord, RETRIES_EXHAUSTED, serviceOfKind } from './outcomes.js';
import { decideAfterPush, needsPush, settleIdle, type PushResult } from './plan.js';
import type { OutboundRow } from './rows.js';

/** The two DVCQG services this pusher calls (@lienthong/dvcqg's client has both). */
export interface OutboundPortal {
  /** DongBoKetQuaHoiDapGuiTuDVCQG `data[]` [code S1 §5]. */
  dongBoKetQuaHoiDap(items: object[]): Promise<unknown>;
  /** DongBoTrangThaiHoSo `type: "2"`, `data` one object [code S1 §5]. */
  dongBoTrangThaiHoSo(data: object): Promise<unknown>;
}

export interface OutboundPusherOptions {
  pool: Pool;
  portal: OutboundPortal;
  /** The dossier pushers' breaker: one portal, one view of its health. */
  breaker: CircuitBreaker;
  logger: Logger;
  clock: Clock;
  metrics: SyncMetrics;
  /** Keys per cycle, and answers per DongBoKetQuaHoiDapGuiTuDVCQG call. */
  batchSize: number;
  pollMs: number;
  /** Backoff after a transient failure (maxAttempts is ignored: `maxAttempts` below bounds it). */
  retryPolicy: RetryPolicy;
  /** Consecutive transient failures after which the newest version is dead-lettered. */
  maxAttempts: number;
  /** national.outbound.v1 with its namespace, and national-sync's consumer group of it (dead-letter headers). */
  topic: string;
  group: string;
  onProgress?: () => void;
}

/**
 * The worker that pushes due answers and promotion statuses (the dossier pusher's shape, push/pusher.ts): each
 * cycle claims due keys with advisory locks on a connection it keeps, pushes the newest packet of each, writes each
 * result with its outcome (and dead letter) in one transaction, releases. Answers go in batches (the service takes
 * `data[]`); a batch refused as a whole is retried item by item, so one bad answer is dead-lettered alone. A status
 * goes alone (its `data` is one object). While the portal's circuit is open nothing is pushed and no attempt is
 * counted: keys stay due and go out when it closes.
 */
export function createOutboundPusher(opts: OutboundPusherOptions): WakeableLoop {
  const log = opts.logger.child({ component: 'outbound-pusher' });
  const inFlight = new Set<string>();

  async function cycle(): Promise<boolean> {
    if (opts.breaker.state() === 'open') return false;
    const client = await opts.pool.connect();
    let broken: Error | undefined;
    // Set when the circuit opened during the cycle: the rest waits, due, and the loop sleeps instead of spinning.
    let paused = false;
    try {
      const rows = await claimDueOutbound(client, opts.batchSize, [...inFlight]);
      if (rows.length === 0) return false;
      const keys = rows.map(lockKeyOf);
      for (const k of keys) inFlight.add(k);
      try {
        const call = async (service: 'DongBoKetQuaHoiDapGuiTuDVCQG' | 'DongBoTrangThaiHoSo', fn: () => Promise<unknown>) => {
          if (paused) return 'paused' as const;
          const started = Date.now();
          try {
            await opts.breaker.run(fn, (e) => classifyFailure(e).countsForBreaker);
            opts.metrics.portalCall(service, 'ok', Date.now() - started);
            return { kind: 'ok' } as PushResult;
          } catch (err) {
            if (err instanceof CircuitOpenError) {
              paused = true;
              return 'paused' as const;
            }
            const f = classifyFailure(err);
            opts.metrics.portalCall(service, f.kind, Date.now() - started);
            // "exists" belongs to DongBoHoSoMC creates; anything else the portal refused is the packet's fault.
            return (f.kind === 'transient' ? { kind: 'transient', failure: f } : { kind: 'rejected', failure: f }) as PushResult;
          }
        };
        const settle = async (row: OutboundRow, result: PushResult) => {
          const now = opts.clock.now();
          const d = await settleOutbound(client, row, (current) => {
            const decision = decideAfterPush(current, row.version, result, opts.retryPolicy, opts.maxAttempts);
            const attempts = current.attempts + 1;
            const records = [outboundOutcomeRecord(row.event, decision, attempts, now)];
            if (decision.deadLetter && decision.outcome.kind !== 'synced') {
              const f = decision.outcome.failure;
              const exhausted = decision.outcome.kind === 'exhausted';
              records.push(
                outboundDeadLetterRecord(row.event, {
                  originalTopic: opts.topic,
                  group: opts.group,
                  version: row.version,
                  errorCode: exhausted ? RETRIES_EXHAUSTED : f.code,
                  reason: exhausted
                    ? `gave up after ${attempts} consecutive failures; last: ${f.code}: ${f.message}`
                    : (f.portalMessage ?? f.message),
                  ...(f.portalCode ? { portalCode: f.portalCode } : {}),
                  attempts,
                  now,
                }),
              );
            }
            return { decision, records };
          });
          if (!d) return;
          const service = serviceOfKind[row.kind];
          const outcome = d.outcome.kind === 'synced' ? 'synced' : d.outcome.kind === 'retrying' ? 'retrying' : 'rejected';
          opts.metrics.outcome(outcome, service);
          if (d.outcome.kind === 'synced') opts.metrics.lag(service, now.getTime() - row.version.timeMs);
          else if (d.deadLetter)
            log.warn(
              {
                kind: row.kind,
                key: row.key,
                code: d.outcome.failure.code,
                portalCode: d.outcome.failure.portalCode,
                why: d.outcome.kind,
              },
              'outbound packet dead-lettered',
            );
        };

        async function pushAnswers(batch: OutboundRow[]): Promise<void> {
          const r = await call('DongBoKetQuaHoiDapGuiTuDVCQG', () =>
            opts.portal.dongBoKetQuaHoiDap(batch.map((b) => b.event.data.packet)),
          );
          if (r === 'paused') return;
          if (r.kind === 'rejected' && batch.length > 1) {
            // The portal answers one error_code for the whole call: find the culprit answer by answer.
            for (const b of batch) await pushAnswers([b]);
            return;
          }
          for (const b of batch) await settle(b, r);
        }

        for (const row of rows.filter((r) => !needsPush(r))) await settleIdleOutbound(client, row, settleIdle(row).state);
        const due = rows.filter(needsPush);
        for (const batch of chunk(
          due.filter((r) => r.kind === 'qa-answer'),
          opts.batchSize,
        ))
          await pushAnswers(batch);
        for (const row of due.filter((r) => r.kind === 'promotion-status')) {
          const r = await call('DongBoTrangThaiHoSo', () => opts.portal.dongBoTrangThaiHoSo(row.event.data.packet));
          if (r !== 'paused') await settle(row, r);
        }
        opts.onProgress?.();
      } finally {
        for (const k of keys) inFlight.delete(k);
        await releaseOutbound(client, keys);
      }
      return !paused;
    } catch (err) {
      // A ledger failure mid-cycle: drop the connection and its locks; the keys are still due, the next cycle
      // pushes them again (answers and statuses are idempotent at the portal as far as is known, reference §12).
      broken = err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  return createWakeableLoop({ name: 'outbound-pusher', logger: log, idleMs: opts.pollMs, backoffMs: 1_000, step: cycle });
}
