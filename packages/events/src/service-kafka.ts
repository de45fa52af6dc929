import type { Admin, Kafka } from 'kafkajs';
import type { Logger, Registry, ShutdownStep } from '@lienthong/platform';
import { createKafka, kafkaConnectionFromConfig, type KafkaConnectionConfig } from './kafka.js';
import { createEventProducer, type EventProducer } from './producer.js';
import { catalogueSpecs, ensureTopics, topicNames, type TopicKey } from './topics.js';
import type { SigningKey } from './signature.js';

export interface ServiceKafka {
  kafka: Kafka;
  admin: Admin;
  producer: EventProducer;
  /** Topic names under the config's namespace. */
  topics: Record<TopicKey, string>;
}

/**
 * The Kafka start-up a service's `start` needs, written once: the client from the shared settings (brokers,
 * TLS, SASL), the admin client (readiness), the catalogue's topics created when missing, and the transactional
 * producer — each registered with `onClose`, so runService closes them in reverse order (producer, then admin).
 */
export async function connectServiceKafka(opts: {
  config: KafkaConnectionConfig & { KAFKA_TOPIC_NAMESPACE: string };
  /** `lienthong-<service>`: the client id and the producer's transactional id prefix. */
  clientId: string;
  logger: Logger;
  metrics?: Registry;
  onClose: (step: ShutdownStep) => void;
  signingKeys?: readonly SigningKey[];
}): Promise<ServiceKafka> {
  const kafka = createKafka({ ...kafkaConnectionFromConfig(opts.config), clientId: opts.clientId, logger: opts.logger });
  const admin = kafka.admin();
  await admin.connect();
  opts.onClose({ name: 'kafka-admin', close: () => admin.disconnect() });
  await ensureTopics(admin, catalogueSpecs(opts.config.KAFKA_TOPIC_NAMESPACE));
  const producer = createEventProducer({
    kafka,
    logger: opts.logger,
    transactionalIdPrefix: opts.clientId,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.signingKeys ? { signingKeys: opts.signingKeys } : {}),
  });
  await producer.connect();
  opts.onClose({ name: 'producer', close: () => producer.disconnect() });
  return { kafka, admin, producer, topics: topicNames(opts.config.KAFKA_TOPIC_NAMESPACE) };
}
