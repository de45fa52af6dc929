// Issue 16 probe: what a 1-record Kafka transaction costs with kafkajs, and why (the requests it makes).
// `node tests/perf/kafka-txn-probe.mjs` (the local broker on 127.0.0.1:9092, or KAFKA_BROKERS): N sequential
// transactions of one ~800-byte record on one producer, GAP ms apart (default 0, i.e. back to back as a busy
// lane runs them), with the retry schedule the events producer uses (RETRY_MS = its first retry, 10 ms).
// Prints p50/p90/p99 and kafkajs's requests per transaction: an AddPartitionsToTxn count above 1.00 is the
// CONCURRENT_TRANSACTIONS retries (the coordinator still writing the previous commit's markers).
import { Kafka, logLevel } from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const N = Number(process.env.N ?? 200);
const GAP = Number(process.env.GAP ?? 0);
const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING, clientId: 'txn-probe' });
const topic = `txn-probe-${Date.now()}`;
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
const p = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  transactionalId: `txn-probe-${Date.now()}`,
  retry: { retries: 10, initialRetryTime: Number(process.env.RETRY_MS ?? 10), maxRetryTime: 1000, factor: 0.2, multiplier: 2 },
});
await p.connect();
const calls = new Map();
p.on(p.events.REQUEST, (e) => {
  const c = calls.get(e.payload.apiName) ?? { n: 0, ms: 0 };
  c.n++;
  c.ms += e.payload.duration;
  calls.set(e.payload.apiName, c);
});
const lat = [];
try {
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    const txn = await p.transaction();
    await txn.send({ topic, acks: -1, messages: [{ key: `k${i}`, value: 'x'.repeat(800) }] });
    await txn.commit();
    lat.push(performance.now() - t);
    if (GAP) await new Promise((r) => setTimeout(r, GAP));
  }
} finally {
  await p.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
}
lat.sort((a, b) => a - b);
const q = (f) => lat[Math.min(N - 1, Math.floor(f * N))].toFixed(1);
console.log(`${N} transactions, ${GAP} ms apart: p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms`);
for (const [k, c] of calls) console.log(`  ${k}: ${(c.n / N).toFixed(2)} per transaction, ${(c.ms / c.n).toFixed(1)} ms each`);
