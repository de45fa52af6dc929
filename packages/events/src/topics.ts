import type { Admin } from 'kafkajs';

/** One topic of the catalogue (design.md, Contracts/Topics). */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** Retention in ms; -1 = forever. */
  retentionMs: number;
  cleanupPolicy: 'delete' | 'compact';
  description: string;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * The topic catalogue. Partition counts bound the consumers' parallelism (ordering is per key, so per
 * MaHoSo); dossier events keep 30 days so a portal outage or a replay after a fix never outlives them;
 * dead letters keep 90 days because an operator must have time to look at them.
 */
export const topicCatalogue = {
  dossierEvents: {
    name: 'dossier.events.v1',
    partitions: 6,
    retentionMs: 30 * DAY,
    cleanupPolicy: 'delete',
    description: 'dossier snapshots and progress steps accepted by the gateway',
  },
  paymentEvents: {
    name: 'payment.events.v1',
    partitions: 3,
    retentionMs: 30 * DAY,
    cleanupPolicy: 'delete',
    description: 'payment settlements and expiries',
  },
  syncOutcomes: {
    name: 'sync.outcomes.v1',
    partitions: 3,
    retentionMs: 14 * DAY,
    cleanupPolicy: 'delete',
    description: 'outcome of every push to the national portal',
  },
  citizenAudit: {
    name: 'citizen.audit.v1',
    partitions: 3,
    retentionMs: 365 * DAY,
    cleanupPolicy: 'delete',
    description: 'audit trail of population and business-registry look-ups',
  },
  dossierDeadline: {
    name: 'dossier.deadline.v1',
    partitions: 3,
    retentionMs: 90 * DAY,
    cleanupPolicy: 'delete',
    description: 'due-soon, overdue and apology-letter events raised by operations',
  },
  postalEvents: {
    name: 'postal.events.v1',
    partitions: 3,
    retentionMs: 90 * DAY,
    cleanupPolicy: 'delete',
    description: 'results returned by post: order created, picked up, delivered, failed, returned (services/postal)',
  },
  nationalInbound: {
    name: 'national.inbound.v1',
    partitions: 3,
    retentionMs: 30 * DAY,
    cleanupPolicy: 'delete',
    description:
      'what the national portal sends to the province (promotion dossiers, amendments, tax notices), attachments by reference (services/inbound)',
  },
  nationalOutbound: {
    name: 'national.outbound.v1',
    partitions: 3,
    retentionMs: 30 * DAY,
    cleanupPolicy: 'delete',
    description:
      'what the province sends back to the national portal outside the dossier flow (answers to citizens’ questions, status of promotion dossiers that came from the portal): published by services/inbound, pushed by national-sync',
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof topicCatalogue;

/** Name of the dead-letter topic of `topic`. */
export const dlqOf = (topic: string): string => `${topic}.dlq`;

/**
 * Topic names under a namespace prefix. Production uses none; tests use a random one so that parallel
 * suites never read each other's events (conventions §8).
 */
export function topicNames(namespace = ''): Record<TopicKey, string> {
  const out = {} as Record<TopicKey, string>;
  for (const [k, spec] of Object.entries(topicCatalogue)) out[k as TopicKey] = `${namespace}${spec.name}`;
  return out;
}

/** Every topic of the catalogue and its dead-letter twin, under a namespace. */
export function catalogueSpecs(namespace = ''): TopicSpec[] {
  const specs: TopicSpec[] = [];
  for (const spec of Object.values(topicCatalogue)) {
    specs.push({ ...spec, name: `${namespace}${spec.name}` });
    specs.push({
      ...spec,
      name: dlqOf(`${namespace}${spec.name}`),
      partitions: 1,
      retentionMs: 90 * DAY,
      description: `dead letters of ${spec.name}`,
    });
  }
  return specs;
}

/**
 * Waits until every partition of `topics` has a leader in the cluster's metadata. kafkajs's own
 * `waitForLeaders` retries only LEADER_NOT_AVAILABLE and gives up on UNKNOWN_TOPIC_OR_PARTITION, which a
 * busy KRaft broker answers for a topic it created moments ago while its metadata catches up (seen in CI
 * on a loaded 2-core machine): both are "not yet" here, retried until `timeoutMs`.
 */
export async function waitForTopicLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
        return;
    } catch (err) {
      const type = (err as { type?: string }).type;
      if (
        type !== 'UNKNOWN_TOPIC_OR_PARTITION' &&
        type !== 'LEADER_NOT_AVAILABLE' &&
        (err as { retriable?: boolean }).retriable !== true
      )
        throw err;
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.slice(0, 3).join(', ')}… have no leader after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * attempt)));
  }
}

/** Creates the topics that do not exist yet (idempotent; safe for several services starting at once). */
export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: false,
    topics: missing.map((s) => ({
      topic: s.name,
      numPartitions: s.partitions,
      replicationFactor: -1, // the broker's default: 1 locally, 3 on a production cluster
      configEntries: [
        { name: 'retention.ms', value: String(s.retentionMs) },
        { name: 'cleanup.policy', value: s.cleanupPolicy },
      ],
    })),
  });
  await waitForTopicLeaders(
    admin,
    missing.map((s) => s.name),
  );
  return missing.map((s) => s.name);
}
