import type { Kafka } from 'kafkajs';

/**
 * Each partition's high watermark — the offset after the last record written to all in-sync replicas,
 * committed, aborted and still-open transactions included.
 *
 * kafkajs's admin `fetchTopicOffsets` answers a read_committed ListOffsets: the *last stable offset*, which
 * stays at the first record of any transaction still open. A transaction can stay open for its whole
 * timeout (a gateway lane whose transaction hung when a broker died, abandoned by the gateway and aborted by
 * the coordinator later), and records other producers committed after it lie beyond that offset. Code that
 * reads "up to the end" (the read-model rebuild, the tests' reader) must aim at the high watermark and wait
 * for open transactions to end, or it leaves committed records out. kafkajs 2.2.4 has no public call for a
 * read_uncommitted ListOffsets, so this builds a cluster from the client's own settings (brokers, TLS,
 * SASL) with READ_UNCOMMITTED through kafkajs's internal factory; kafkajs is pinned in package-lock.json,
 * and a kafkajs without that factory fails here loudly instead of answering the wrong offsets.
 */
export async function fetchHighWatermarks(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const factory = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!factory) throw new Error('kafkajs has no internal cluster factory: fetchHighWatermarks needs kafkajs 2.x');
  const cluster = (kafka as unknown as Record<symbol, (o: object) => KafkajsCluster>)[factory]!({
    isolationLevel: 0, // READ_UNCOMMITTED
    allowAutoTopicCreation: false,
  });
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    await cluster.refreshMetadataIfNecessary();
    const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
    const [answer] = await cluster.fetchTopicsOffset([{ topic, fromBeginning: false, partitions }]);
    return new Map((answer?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await cluster.disconnect();
  }
}

/** The parts of kafkajs's internal Cluster used above. */
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number }[];
  fetchTopicsOffset(
    topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}
