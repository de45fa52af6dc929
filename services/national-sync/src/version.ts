/**
 * The version of an accepted dossier event, which decides "newer" for the never-regress rule.
 *
 * Why (time, seq) and not the Kafka offset alone: an event keeps its `time` (the gateway's acceptance
 * time) through every path it may take again — a redelivery after a crash, a replay from the dead-letter
 * topic, a re-publish to a new topic — while its offset changes with the path. The offset of the record
 * in dossier.events.v1 (carried along as `seq` on replays) only breaks ties between events accepted in
 * the same millisecond; within one partition, and so within one MaHoSo, it is the acceptance order.
 * Assumption, written down in docs/national-sync.md: gateway instances keep their clocks in sync (NTP)
 * far better than the time between two updates of the same dossier.
 */
export interface Version {
  /** Acceptance time, epoch milliseconds. */
  timeMs: number;
  /** Kafka offset of the record in dossier.events.v1 (tie-break). */
  seq: bigint;
}

/** <0 if a is older than b, 0 if the same version, >0 if newer. `undefined` is older than everything. */
export function compareVersions(a: Version | undefined, b: Version | undefined): number {
  if (!a) return b ? -1 : 0;
  if (!b) return 1;
  if (a.timeMs !== b.timeMs) return a.timeMs < b.timeMs ? -1 : 1;
  return a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;
}

/** Version of an event from its `time` and the record's offset; undefined when the time is not a date. */
export function versionOf(time: string, offset: string | bigint): Version | undefined {
  const timeMs = Date.parse(time);
  if (Number.isNaN(timeMs)) return undefined;
  return { timeMs, seq: typeof offset === 'bigint' ? offset : BigInt(offset) };
}

/** Version from the ledger's columns (timestamptz + bigint, which pg returns as Date + string). */
export function versionFromRow(time: Date | null, seq: string | null): Version | undefined {
  if (!time || seq === null) return undefined;
  return { timeMs: time.getTime(), seq: BigInt(seq) };
}

export function formatVersion(v: Version | undefined): string | null {
  return v ? `${new Date(v.timeMs).toISOString()}#${v.seq}` : null;
}
