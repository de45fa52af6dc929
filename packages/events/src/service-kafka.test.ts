import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { ShutdownStep } from '@lienthong/platform';
import { connectServiceKafka, createEvent, decodeEvent, topicNames, type KafkaWorker } from './index.js';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  readTopic,
  testBrokers,
  captureLogger,
} from '../../../tests/helpers/index.js';

const logger = quietLogger();

/** What runService does with `onClose`: keeps the steps, runs them in reverse. */
function closers() {
  const steps: ShutdownStep[] = [];
  return {
    onClose: (s: ShutdownStep) => void steps.push(s),
    names: () => steps.map((s) => s.name),
    async closeAll() {
      for (const s of [...steps].reverse()) await s.close();
    },
  };
}

/** A free loopback port, nothing listening on it (yet). */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A TCP relay to the real broker on `port`, started on demand: "Kafka comes back". Counts connections. */
function relay(port: number) {
  const [host, brokerPort] = testBrokers()[0]!.split(':');
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  let connections = 0;
  return {
    connections: () => connections,
    start: () =>
      new Promise<void>((resolve) => {
        server = createServer((client) => {
          connections++;
          const upstream = connect(Number(brokerPort), host!);
          sockets.add(client).add(upstream);
          client.pipe(upstream).pipe(client);
          const end = () => {
            client.destroy();
            upstream.destroy();
          };
          client.on('error', end).on('close', end);
          upstream.on('error', end).on('close', end);
        }).listen(port, '127.0.0.1', () => resolve());
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (server) server.close(() => resolve());
        else resolve();
      }),
  };
}

function recordingWorker(name: string, failFirst = 0) {
  const calls: string[] = [];
  let failures = failFirst;
  const worker: KafkaWorker = {
    name,
    start: async () => {
      calls.push('start');
      if (failures-- > 0) throw new Error('group coordinator not available');
    },
    stop: async () => void calls.push('stop'),
  };
  return { worker, calls };
}

const event = (n: number) =>
  createEvent({
    source: 'urn:lienthong:test',
    type: 'vn.lienthong.dossier.upserted',
    subject: `SK-${n}`,
    dataschema: 'x',
    data: { n },
  });

describe('connectServiceKafka (real Kafka)', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await createTestNamespace();
  });
  afterAll(async () => {
    await deleteTestNamespace(ns);
  });

  it('wait: client, topics and producer up before it returns; closers in the order runService reverses', async () => {
    const own = `t-sk-${Math.random().toString(36).slice(2, 8)}.`;
    const c = closers();
    const sk = await connectServiceKafka({
      config: { KAFKA_BROKERS: testBrokers().join(','), KAFKA_TOPIC_NAMESPACE: own },
      clientId: 'sk-test',
      logger,
      onClose: c.onClose,
    });
    try {
      expect(sk.connected()).toBe(true);
      const listed = await sk.admin.listTopics();
      expect(listed).toEqual(expect.arrayContaining(Object.values(topicNames(own))));
      const e = event(1);
      await sk.producer.publish(sk.topics.dossierEvents, [e]);
      expect((await readTopic(sk.topics.dossierEvents)).map((r) => decodeEvent(r.value).id)).toEqual([e.id]);
      const w = recordingWorker('w');
      sk.whenConnected(w.worker);
      await eventually(() => w.calls.includes('start'), { what: 'the worker started at once' });
      // Reverse order at shutdown: the worker, then the producer (flush), then the admin.
      expect(c.names()).toEqual(['kafka-admin', 'producer', 'w']);
      await c.closeAll();
      expect(w.calls).toEqual(['start', 'stop']);
      await expect(sk.producer.publish(sk.topics.dossierEvents, [event(2)])).rejects.toMatchObject({ code: 'LT_KAFKA_CLOSED' });
    } finally {
      await deleteTestNamespace(own);
    }
  });

  it('wait: a Kafka that does not answer fails the start', async () => {
    const c = closers();
    await expect(
      connectServiceKafka({
        config: { KAFKA_BROKERS: `127.0.0.1:${await freePort()}`, KAFKA_TOPIC_NAMESPACE: ns },
        clientId: 'sk-down',
        logger,
        onClose: c.onClose,
      }),
    ).rejects.toThrow(/connect|ECONNREFUSED/i);
    await c.closeAll();
  });

  it.each([
    [
      { KAFKA_SASL_MECHANISM: 'scram-sha-512' as const, KAFKA_SASL_USERNAME: 'u' },
      /needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    ],
    [{ KAFKA_SASL_MECHANISM: 'plain' as const, KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /in clear/],
    [{ KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' }, /KAFKA_SSL_CA_FILE: cannot read/],
    [{ KAFKA_BROKERS: ' , ' }, /lists no broker/],
  ])('background or not, a half or unsafe Kafka config fails the start at once %#', async (bad, message) => {
    const c = closers();
    await expect(
      connectServiceKafka({
        config: { KAFKA_BROKERS: testBrokers().join(','), KAFKA_TOPIC_NAMESPACE: ns, ...bad },
        clientId: 'sk-bad',
        logger,
        onClose: c.onClose,
        connect: 'background',
      }),
    ).rejects.toThrow(message);
    expect(c.names()).toEqual([]);
  });

  it('background: serves without Kafka (publishes refused, retriable), connects when it comes, then starts the workers', async () => {
    const port = await freePort();
    const kafkaBack = relay(port);
    const c = closers();
    const sk = await connectServiceKafka({
      config: { KAFKA_BROKERS: `127.0.0.1:${port}`, KAFKA_TOPIC_NAMESPACE: ns },
      clientId: 'sk-bg',
      logger,
      onClose: c.onClose,
      connect: 'background',
      retryMs: 200,
    });
    try {
      expect(sk.connected()).toBe(false);
      await expect(sk.producer.publish(sk.topics.dossierEvents, [event(3)])).rejects.toMatchObject({
        code: 'LT_KAFKA_UNAVAILABLE',
        retriable: true,
      });
      await expect(sk.producer.publishRecords(sk.topics.dossierEvents, [{ key: 'k', value: 'v' }])).rejects.toMatchObject({
        code: 'LT_KAFKA_UNAVAILABLE',
      });
      // The first start of this worker fails (a coordinator still electing): retried with the connection.
      const w = recordingWorker('index', 1);
      sk.whenConnected(w.worker);
      expect(w.calls).toEqual([]);

      await kafkaBack.start();
      await eventually(() => sk.connected() && w.calls.length === 3, {
        what: 'connected and the worker started',
        timeoutMs: 30_000,
      });
      expect(w.calls).toEqual(['start', 'stop', 'start']);
      const e = event(4);
      await sk.producer.publish(sk.topics.dossierEvents, [e]);
      await eventually(async () => (await readTopic(sk.topics.dossierEvents)).some((r) => decodeEvent(r.value).id === e.id), {
        what: 'the event published after the connection on the topic',
        timeoutMs: 30_000,
      });
      expect(c.names()).toEqual(['kafka-admin', 'producer', 'kafka-connect', 'index']);
    } finally {
      await c.closeAll();
      await kafkaBack.stop();
    }
  });

  it('background: stopped before Kafka came back, it never starts a worker nor tries again', async () => {
    const port = await freePort();
    const kafkaBack = relay(port);
    const c = closers();
    const log = captureLogger('sk-stop', 'warn');
    const sk = await connectServiceKafka({
      config: { KAFKA_BROKERS: `127.0.0.1:${port}`, KAFKA_TOPIC_NAMESPACE: ns },
      clientId: 'sk-stop',
      logger: log.logger,
      onClose: c.onClose,
      connect: 'background',
      retryMs: 100,
    });
    const w = recordingWorker('consumer');
    sk.whenConnected(w.worker);
    // Between two attempts (the first one failed and said so), so no attempt is in flight at the stop.
    await eventually(() => log.text().includes('Kafka not reachable'), { what: 'the first attempt failed', timeoutMs: 30_000 });
    await c.closeAll();
    try {
      await kafkaBack.start();
      // Several retry periods: a live loop would have reached the broker by now.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(kafkaBack.connections()).toBe(0);
      expect(w.calls).toEqual([]);
      expect(sk.connected()).toBe(false);
    } finally {
      await kafkaBack.stop();
    }
  });
});
