import type { ReplayOptions, ReplayResult } from '@lienthong/events';
import type { Backends } from './backends.js';
import type { DeadLetterRow } from './dead-letters.js';

/**
 * What a replay of some dead letters came to, per dead letter. `delivered` says the replay reached the
 * failing consumer's input, and how (`via`): Kafka committed the republished record (`kafka`), or
 * national-sync answered 202 naming the dossier (`national-sync`). Neither is the consumer having handled
 * it: a consumer that fails again writes a new dead letter, which reopens the row.
 */
export interface ReplayOutcome {
  id: string;
  delivered: boolean;
  via?: 'kafka' | 'national-sync';
  message: string;
}

/**
 * Replays dead letters to the consumer that failed them, and only that one (console-anchors.md §b: never
 * re-publish to the topic every group reads). Each consumer group is matched to the replay API of the
 * service that owns it; a group with no replay API is reported as such and its dead letters stay.
 *
 * national-sync (confirmed: services/national-sync/src/routes/admin-routes.ts): `POST /v1/admin/replay`
 * `{maHoSo}` makes the dossier due with its newest snapshot and resets its refused steps; when the
 * ledger has no entry (the event was refused at ingest), `{maHoSo, deadLettersSince}` re-records the
 * dead letters of that dossier first. A 202 naming the dossier is the acknowledgement.
 *
 * Every other consumer group (the packages/events consumer runner: operations, notifications, payments'
 * consumers…): packages/events `replayDeadLetters` republishes the dead letter to its original topic with
 * `lt-replay-group: <that group>`, so only that group handles it and every other group skips it. It is
 * given exactly the claimed rows' positions (DLQ partition and offset), never a time or a key, so nothing
 * but the previewed letters goes. "Delivered" is Kafka committing the republished records (one
 * transaction per DLQ topic and group); each result is matched to its row by partition and offset.
 */
export type GenericReplay = (opts: Omit<ReplayOptions, 'kafka' | 'producer' | 'logger'>) => Promise<ReplayResult>;

export function createReplayer(deps: { backends: Backends; nationalSyncGroup: string; generic?: GenericReplay }) {
  const isNationalSync = (dl: DeadLetterRow) =>
    dl.originalTopic.endsWith('dossier.events.v1') && dl.consumerGroup === deps.nationalSyncGroup;

  async function replayNationalSync(maHoSo: string, since: Date, key: string): Promise<{ ok: boolean; message: string }> {
    let r = await deps.backends.call<{ dossiers?: { maHoSo: string }[] }>('national-sync', '/v1/admin/replay', {
      body: { maHoSo },
      key,
    });
    if (!r.ok && !r.unavailable && r.status === 404) {
      r = await deps.backends.call('national-sync', '/v1/admin/replay', {
        body: { maHoSo, deadLettersSince: new Date(since.getTime() - 1_000).toISOString() },
        key,
      });
    }
    if (r.ok && r.status === 202 && (r.body.dossiers ?? []).some((d) => d?.maHoSo === maHoSo))
      return { ok: true, message: 'national-sync 202' };
    if (r.ok) return { ok: false, message: `national-sync ${r.status}: dossier not replayed` };
    return {
      ok: false,
      message: r.unavailable ? `national-sync: ${r.error}` : `national-sync ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`,
    };
  }

  /** The generic path: one exact replay per (DLQ topic, group) of the claimed rows' positions. */
  async function replayGeneric(rows: DeadLetterRow[]): Promise<ReplayOutcome[]> {
    const out: ReplayOutcome[] = [];
    const groups = new Map<string, DeadLetterRow[]>();
    for (const dl of rows) {
      const k = JSON.stringify([dl.dlqTopic, dl.consumerGroup]);
      groups.set(k, [...(groups.get(k) ?? []), dl]);
    }
    const pos = (partition: number, offset: string) => `${partition}:${offset}`;
    for (const dls of groups.values()) {
      const first = dls[0]!;
      try {
        const r = await deps.generic!({
          dlqTopic: first.dlqTopic,
          group: first.consumerGroup,
          letters: dls.map((d) => ({ partition: d.dlqPartition, offset: d.dlqOffset })),
        });
        const done = new Set(r.replayed.map((x) => pos(x.dlqPartition, x.dlqOffset)));
        const why = new Map(r.skipped.map((x) => [pos(x.dlqPartition, x.dlqOffset), x.why]));
        for (const dl of dls) {
          const at = pos(dl.dlqPartition, dl.dlqOffset);
          out.push(
            done.has(at)
              ? {
                  id: dl.id,
                  delivered: true,
                  via: 'kafka',
                  message: `Kafka committed the republished record on ${r.topic} for ${dl.consumerGroup}`,
                }
              : { id: dl.id, delivered: false, message: why.get(at) ?? 'not replayed' },
          );
        }
      } catch (err) {
        for (const dl of dls)
          out.push({ id: dl.id, delivered: false, message: `replay failed: ${(err as Error).message.slice(0, 200)}` });
      }
    }
    return out;
  }

  return {
    /**
     * Whether the letter is replayed through national-sync, whose unit is the dossier: one replay re-pushes
     * its newest snapshot and every refused step, so every open letter of that dossier goes with it.
     */
    byDossier: (dl: DeadLetterRow) => isNationalSync(dl) && !!dl.maHoSo,
    supports: (dl: DeadLetterRow) =>
      (isNationalSync(dl) && !!dl.maHoSo) || (!isNationalSync(dl) && !!deps.generic && dl.consumerGroup !== 'unknown'),
    /** Replays the given dead letters (already claimed), one call per dossier. */
    async replay(rows: DeadLetterRow[], key: string): Promise<ReplayOutcome[]> {
      const out: ReplayOutcome[] = [];
      const byDossier = new Map<string, DeadLetterRow[]>();
      const generic: DeadLetterRow[] = [];
      for (const dl of rows) {
        if (isNationalSync(dl) && dl.maHoSo) byDossier.set(dl.maHoSo, [...(byDossier.get(dl.maHoSo) ?? []), dl]);
        else if (!isNationalSync(dl) && deps.generic && dl.consumerGroup !== 'unknown') generic.push(dl);
        else
          out.push({
            id: dl.id,
            delivered: false,
            message: `no replay for consumer ${dl.consumerGroup} of ${dl.originalTopic}`,
          });
      }
      out.push(...(await replayGeneric(generic)));
      for (const [maHoSo, dls] of byDossier) {
        const since = new Date(Math.min(...dls.map((d) => d.firstAt.getTime())));
        const r = await replayNationalSync(maHoSo, since, key);
        for (const dl of dls)
          out.push({ id: dl.id, delivered: r.ok, ...(r.ok ? { via: 'national-sync' as const } : {}), message: r.message });
      }
      return out;
    },
    /** "Push now" for one dossier (the deliveries page), through the same national-sync API. */
    pushNow: (maHoSo: string, key: string) => replayNationalSync(maHoSo, new Date(), key),
  };
}

export type DeadLetterReplayer = ReturnType<typeof createReplayer>;
