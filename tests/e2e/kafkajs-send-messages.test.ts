/**
 * kafkajs's produce retry (src/producer/sendMessages.js, as installed and patched by
 * infra/patches/kafkajs-send-messages.mjs), driven with a fake cluster whose partition leaders move
 * between attempts — what a broker failure or a leader election does. kafkajs 2.2.4 retried per *broker*:
 * a broker that had answered once was never asked again, and a broker that had not was sent every partition
 * it now leads. So a partition whose leader moved to a broker that had already answered was never sent
 * (the send resolved, the transaction committed without those records), and a partition already written
 * was sent again, with the next sequence numbers, when its leader moved to a broker still owing an answer
 * (the same records twice in the log: the cluster tests' "sameEventTwice").
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const createSendMessages = require('kafkajs/src/producer/sendMessages') as (o: unknown) => (args: unknown) => Promise<unknown[]>;
const createRetry = require('kafkajs/src/retry') as (o: unknown) => unknown;
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode: (code: number) => Error };
const NOT_LEADER = 6;

type Leaders = Record<number, number>; // partition → leader node id

interface Produced {
  node: number;
  partition: number;
  values: string[];
  firstSequence: number;
  ok: boolean;
}

/**
 * A fake cluster: `plan[i]` are the leaders at attempt i; `fail(node, attempt)` makes a broker answer
 * NOT_LEADER; `delayMs(node, attempt)` makes its answer slow.
 */
function fakeCluster(
  plan: Leaders[],
  fail: (node: number, attempt: number) => boolean,
  delayMs: (node: number, attempt: number) => number = () => 0,
) {
  let attempt = 0;
  const produced: Produced[] = [];
  const leaders = () => plan[Math.min(attempt, plan.length - 1)]!;
  const brokers = new Map<number, object>();
  const brokerOf = (node: number) => {
    if (!brokers.has(node))
      brokers.set(node, {
        nodeId: node,
        produce: async ({
          topicData,
        }: {
          topicData: {
            topic: string;
            partitions: { partition: number; firstSequence: number; messages: { value: string }[] }[];
          }[];
        }) => {
          const at = attempt;
          const failing = fail(node, at);
          const delay = delayMs(node, at);
          // A broker appends on receipt; its answer may come later (replication, a slow network).
          for (const t of topicData)
            for (const p of t.partitions)
              produced.push({
                node,
                partition: p.partition,
                values: p.messages.map((m) => m.value),
                firstSequence: p.firstSequence,
                ok: !failing,
              });
          if (delay > 0) await new Promise((r) => setTimeout(r, delay));
          if (failing) throw createErrorFromCode(NOT_LEADER);
          return {
            topics: topicData.map((t) => ({
              topicName: t.topic,
              partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })),
            })),
          };
        },
      });
    return brokers.get(node)!;
  };
  const cluster = {
    addMultipleTargetTopics: async () => {},
    refreshMetadataIfNecessary: async () => {},
    refreshMetadata: async () => {
      attempt++;
    },
    isConnected: () => true,
    findTopicPartitionMetadata: () => Object.entries(leaders()).map(([p, leader]) => ({ partitionId: Number(p), leader })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const out: Record<number, number[]> = {};
      for (const p of partitions) (out[leaders()[Number(p)]!] ??= []).push(Number(p));
      return out;
    },
    findBroker: async ({ nodeId }: { nodeId: string }) => brokerOf(Number(nodeId)),
    removeBroker: () => {},
  };
  const sequences = new Map<number, number>();
  const eosManager = {
    isTransactional: () => false,
    getTransactionalId: () => undefined,
    getProducerId: () => 1,
    getProducerEpoch: () => 0,
    acquireBrokerLock: async () => {},
    releaseBrokerLock: async () => {},
    addPartitionsToTransaction: async () => {},
    getSequence: (_t: string, p: number) => sequences.get(p) ?? 0,
    updateSequence: (_t: string, p: number, n: number) => void sequences.set(p, (sequences.get(p) ?? 0) + n),
  };
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const send = createSendMessages({
    logger,
    cluster,
    partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    eosManager,
    retrier: createRetry({ retries: 5, initialRetryTime: 1, maxRetryTime: 2 }),
  });
  return { send, produced };
}

const batch = {
  acks: -1,
  timeout: 1000,
  topicMessages: [
    {
      topic: 't',
      messages: [
        { partition: 0, value: 'p0-a' },
        { partition: 0, value: 'p0-b' },
        { partition: 1, value: 'p1-a' },
      ],
    },
  ],
};

/** What the broker logs would hold: every successfully produced record, per partition. */
const written = (produced: Produced[]) => {
  const out: Record<number, string[]> = {};
  for (const p of produced.filter((x) => x.ok)) (out[p.partition] ??= []).push(...p.values);
  return out;
};

describe('kafkajs produce retry when partition leaders move (patched sendMessages)', () => {
  it('sends a partition whose leader moved to a broker that had already answered (kafkajs 2.2.4 dropped it and resolved)', async () => {
    // Attempt 0: partition 0 on node 1 (answers), partition 1 on node 2 (NOT_LEADER). Attempt 1: both on node 1.
    const { send, produced } = fakeCluster(
      [
        { 0: 1, 1: 2 },
        { 0: 1, 1: 1 },
      ],
      (node, attempt) => node === 2 && attempt === 0,
    );
    const responses = await send(batch);
    expect(written(produced)).toEqual({ 0: ['p0-a', 'p0-b'], 1: ['p1-a'] });
    expect(responses.map((r) => (r as { partition: number }).partition).sort()).toEqual([0, 1]);
  });

  it('does not send again a partition already written when its leader moved to a broker that had not answered', async () => {
    // Attempt 0: partition 0 on node 1 (answers), partition 1 on node 2 (NOT_LEADER). Attempt 1: both on node 2.
    const { send, produced } = fakeCluster(
      [
        { 0: 1, 1: 2 },
        { 0: 2, 1: 2 },
      ],
      (node, attempt) => node === 2 && attempt === 0,
    );
    await send(batch);
    expect(written(produced)).toEqual({ 0: ['p0-a', 'p0-b'], 1: ['p1-a'] });
    // The failed partition is retried with the sequence it first had, so a broker that did write it dedupes.
    const p1 = produced.filter((p) => p.partition === 1);
    expect(new Set(p1.map((p) => p.firstSequence))).toEqual(new Set([0]));
  });

  it('does not send again what a broker is still writing when another broker fails (the retry waits for it)', async () => {
    // Attempt 0: node 1 (partition 0) answers after 100 ms, node 2 (partition 1) fails at once. kafkajs 2.2.4
    // planned the retry at once, saw partition 0 unanswered and sent it again with the next sequence numbers.
    const { send, produced } = fakeCluster(
      [
        { 0: 1, 1: 2 },
        { 0: 1, 1: 1 },
      ],
      (node, attempt) => node === 2 && attempt === 0,
      (node, attempt) => (node === 1 && attempt === 0 ? 100 : 0),
    );
    await send(batch);
    expect(written(produced)).toEqual({ 0: ['p0-a', 'p0-b'], 1: ['p1-a'] });
  });
});
