// Lever probe of issue 16 ("do gateway requests need Kafka transactions at all?"), bench-only: the same
// EventProducer interface as packages/events' transactional producer, but one idempotent, non-
// transactional kafkajs producer (acks=all, maxInFlightRequests 1) that lingers `lingerMs` and sends one
// produce request for every publish queued meanwhile. What it gives up: a multi-partition publish is no
// longer all-or-nothing (a 503 may leave part of a request visible), which is the guarantee decision 1
// of docs/architecture.md documents. The bench compares it with the transactional producer; the gateway
// does not use it.
const CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

export function createIdempotentProducer({ kafka, encodeEvent, lingerMs = 2, maxBatch = 2_000 }) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  let queue = [];
  let timer;
  let running = false;

  async function drain() {
    running = true;
    while (queue.length) {
      const batch = [];
      let n = 0;
      while (queue.length && (batch.length === 0 || n + queue[0].messages.length <= maxBatch)) {
        const p = queue.shift();
        n += p.messages.length;
        batch.push(p);
      }
      const byTopic = new Map();
      for (const p of batch) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), ...p.messages]);
      try {
        await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    running = false;
  }
  function kick() {
    if (timer || running) return;
    timer = setTimeout(() => {
      timer = undefined;
      drain().then(() => queue.length && kick());
    }, lingerMs);
  }
  function enqueue(topic, messages) {
    return new Promise((resolve, reject) => {
      queue.push({ topic, messages, resolve, reject });
      kick();
    });
  }
  return {
    connect: () => producer.connect(),
    publish: (topic, events) =>
      enqueue(
        topic,
        events.map((e) => ({
          key: e.subject,
          value: encodeEvent(e),
          headers: { 'content-type': CONTENT_TYPE, 'ce-type': e.type, 'ce-id': e.id },
        })),
      ),
    publishRecords: (topic, records) => enqueue(topic, records),
    healthy: () => true,
    async disconnect() {
      clearTimeout(timer);
      if (queue.length) await drain();
      await producer.disconnect();
    },
  };
}
