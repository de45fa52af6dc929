import type { Admin, Kafka } from 'kafkajs';
import { HubError, type Logger, type Registry, type ShutdownStep } from '@lienthong/platform';
import { createKafka, kafkaConnectionFromConfig, type KafkaConnectionConfig } from './kafka.js';
import { createEventProducer, type EventProducer } from './producer.js';
import { catalogueSpecs, ensureTopics, topicNames, type TopicKey } from './topics.js';
import type { SigningKey } from './signature.js';

/** Something that reads Kafka (a consumer runner, the console's index): started once Kafka answers. */
export interface KafkaWorker {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceKafka {
  kafka: Kafka;
  admin: Admin;
  /**
   * The service's transactional producer. With `connect: 'background'`, a publish before the start-up
   * finished (topics created, producer connected) is refused with LT_KAFKA_UNAVAILABLE (retriable), so an
   * outbox keeps its rows and a topic is never auto-created by a write with the broker's defaults.
   */
  producer: EventProducer;
  /** Topic names under the config's namespace. */
  topics: Record<TopicKey, string>;
  /** True once the admin, the topics and the producer are up (always, after a `connect: 'wait'` returned). */
  connected(): boolean;
  /**
   * Starts `worker` once Kafka is connected (now, if it is), retried with the connection while it fails;
   * registers its stop with `onClose` here, so it keeps its place in the shutdown order, and a worker whose
   * stop has run is never started afterwards (a connection finishing during shutdown starts nothing).
   */
  whenConnected(worker: KafkaWorker): void;
}

export interface ConnectServiceKafkaOptions {
  config: KafkaConnectionConfig & { KAFKA_TOPIC_NAMESPACE: string };
  /** `lienthong-<service>`: the client id and the producer's transactional id prefix. */
  clientId: string;
  logger: Logger;
  metrics?: Registry;
  onClose: (step: ShutdownStep) => void;
  signingKeys?: readonly SigningKey[];
  /** Producers taking turns on the queue (createEventProducer `lanes`, default 2); 1 for rare publishes. */
  producerLanes?: number;
  /** createEventProducer `singleRecords`: the gateway sends 1-item requests without a transaction (issue 16). */
  singleRecords?: 'transaction' | 'idempotent';
  /**
   * `wait` (default): the admin, the catalogue's topics and the producer connect before this returns; a
   * Kafka that does not answer (within the client's retries) fails the start. For services that cannot do
   * their work without it (the gateway answers 202 only after Kafka acknowledged).
   * `background`: returns at once and connects in the background, retried every `retryMs` until it
   * succeeds; for services that serve without Kafka because their events wait in a Postgres outbox
   * (payments' settlements, citizen-data's audit) or that only show what Kafka holds (the console).
   */
  connect?: 'wait' | 'background';
  /** Pause between background attempts (default 10 s). */
  retryMs?: number;
}

function notConnected(): HubError {
  return new HubError('LT_KAFKA_UNAVAILABLE', 'Kafka is not connected yet (start-up still retrying)', {
    kind: 'unavailable',
    retriable: true,
    messageVi: 'chưa kết nối được Kafka; chưa có gì được công bố',
  });
}

/**
 * The Kafka start-up of every service, written once: the client from the shared settings (brokers, TLS,
 * SASL — KAFKA_SSL*, KAFKA_SASL*), the admin client (readiness), the catalogue's topics created when
 * missing, the transactional producer, and the workers that read Kafka. Closers go to `onClose` in this
 * order — admin, producer, then (background) the connection loop — so runService, which closes in
 * reverse after the HTTP drain, stops whatever the service registered later (its consumers, outbox)
 * first, then the retries, flushes the producer, closes the admin; the pool is closed last by runService.
 */
export async function connectServiceKafka(opts: ConnectServiceKafkaOptions): Promise<ServiceKafka> {
  const log = opts.logger;
  const background = opts.connect === 'background';
  const retryMs = opts.retryMs ?? 10_000;
  const kafka = createKafka({ ...kafkaConnectionFromConfig(opts.config), clientId: opts.clientId, logger: opts.logger });
  const admin = kafka.admin();
  const producer = createEventProducer({
    kafka,
    logger: opts.logger,
    transactionalIdPrefix: opts.clientId,
    ...(opts.producerLanes ? { lanes: opts.producerLanes } : {}),
    ...(opts.singleRecords ? { singleRecords: opts.singleRecords } : {}),
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.signingKeys ? { signingKeys: opts.signingKeys } : {}),
  });
  opts.onClose({ name: 'kafka-admin', close: () => admin.disconnect() });
  opts.onClose({ name: 'producer', close: () => producer.disconnect() });

  let adminUp = false;
  let topicsUp = false;
  let producerUp = false;
  let stopped = false;
  const workers: { worker: KafkaWorker; started: boolean; stopped: boolean; starting?: Promise<void> }[] = [];

  /** Starts the workers not running yet; throws the first failure (the loop retries it). */
  const startWorkers = async () => {
    for (const w of workers) {
      if (w.started || w.stopped || w.starting) continue;
      w.starting = w.worker.start();
      try {
        await w.starting;
        w.started = true;
      } catch (err) {
        await w.worker.stop().catch(() => {});
        throw err;
      } finally {
        w.starting = undefined;
      }
      // Its stop ran while it was starting: stop it again now that start has finished.
      if (w.stopped) await w.worker.stop().catch(() => {});
    }
  };
  // Shutdown does not wait for an attempt in flight (kafkajs's own retries can outlast the grace period):
  // each step checks `stopped`, so an attempt overtaken by shutdown goes no further.
  const step = async (fn: () => Promise<unknown>) => {
    if (stopped) throw new HubError('LT_KAFKA_CLOSED', 'shutting down', { kind: 'unavailable' });
    await fn();
  };
  const attempt = async () => {
    if (!adminUp) {
      await step(() => admin.connect());
      adminUp = true;
    }
    if (!topicsUp) {
      await step(() => ensureTopics(admin, catalogueSpecs(opts.config.KAFKA_TOPIC_NAMESPACE)));
      topicsUp = true;
    }
    if (!producerUp) {
      await step(() => producer.connect());
      producerUp = true;
    }
    await step(startWorkers);
  };

  let timer: NodeJS.Timeout | undefined;
  let loopRunning = false;
  const loop = () => {
    if (stopped || loopRunning) return;
    loopRunning = true;
    attempt().then(
      () => {
        loopRunning = false;
        log.info({ clientId: opts.clientId }, 'Kafka connected');
      },
      (err: unknown) => {
        loopRunning = false;
        if (stopped) {
          // Overtaken by shutdown after the admin's closer ran: close what connected late.
          void producer.disconnect().catch(() => {});
          void admin.disconnect().catch(() => {});
          return;
        }
        log.warn(
          { err: { code: (err as { code?: string }).code, message: (err as Error).message }, retryInMs: retryMs },
          'Kafka not reachable (or a worker did not start); the service goes on and retries',
        );
        timer = setTimeout(loop, retryMs);
        timer.unref();
      },
    );
  };

  if (background) {
    loop();
    opts.onClose({
      name: 'kafka-connect',
      close: () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      },
    });
  } else {
    await attempt();
  }

  const gated: EventProducer = background
    ? {
        ...producer,
        publish: (topic, events) => (producerUp ? producer.publish(topic, events) : Promise.reject(notConnected())),
        publishRecords: (topic, records) =>
          producerUp ? producer.publishRecords(topic, records) : Promise.reject(notConnected()),
      }
    : producer;

  return {
    kafka,
    admin,
    producer: gated,
    topics: topicNames(opts.config.KAFKA_TOPIC_NAMESPACE),
    connected: () => producerUp,
    whenConnected(worker) {
      const w: (typeof workers)[number] = { worker, started: false, stopped: false };
      workers.push(w);
      opts.onClose({
        name: worker.name,
        close: async () => {
          w.stopped = true;
          await w.starting?.catch(() => {});
          if (w.started) await worker.stop();
        },
      });
      if (producerUp) {
        // Connected already: start it now; a failure goes to the background loop (wait mode logs it).
        startWorkers().catch((err: unknown) => {
          log.error({ err: { message: (err as Error).message }, worker: worker.name }, 'Kafka worker did not start');
          if (background && !stopped) {
            timer = setTimeout(loop, retryMs);
            timer.unref();
          }
        });
      }
    },
  };
}
