/**
 * The install-time kafkajs fix (infra/patches/kafkajs-request-queue.mjs, issue 16): a connected client no
 * longer spins a 1 ms timer loop per broker connection, and Node ≥ 23 no longer warns
 * TimeoutNegativeWarning. Checked in a child process against the real broker, with no warning silenced.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testBrokers } from '../helpers/index.js';

const require = createRequire(import.meta.url);
const queueFile = path.join(path.dirname(require.resolve('kafkajs/package.json')), 'src/network/requestQueue/index.js');

// Connects a producer, sends one record, then stays idle for a second while counting the timers kafkajs sets.
const child = `
const { Kafka, logLevel } = require('kafkajs');
const realSetTimeout = global.setTimeout;
let short = 0;
global.setTimeout = (fn, ms, ...a) => { if (!(ms > 1)) short++; return realSetTimeout(fn, ms, ...a); };
(async () => {
  const kafka = new Kafka({ clientId: 'patch-check', brokers: ${JSON.stringify(testBrokers())}, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = 'kafkajs-patch-check-' + process.pid;
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: false });
  // A busy broker can answer UNKNOWN_TOPIC_OR_PARTITION for a moment after creating it (events' waitForTopicLeaders).
  for (let i = 0; i < 100; i++) {
    try {
      const m = await admin.fetchTopicMetadata({ topics: [topic] });
      if (m.topics[0].partitions.every((p) => p.leader >= 0)) break;
    } catch {}
    await new Promise((r) => realSetTimeout(r, 200));
  }
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: 'x' }] });
  short = 0;
  await new Promise((r) => realSetTimeout(r, 1000));
  const idleShortTimers = short;
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  console.log(JSON.stringify({ idleShortTimers }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe('kafkajs request-queue patch', () => {
  it('is applied to the installed kafkajs', () => {
    expect(readFileSync(queueFile, 'utf8')).toContain('lienthong: no schedule without pending requests');
  });

  it('an idle connected client sets no 1 ms timers, and Node prints no TimeoutNegativeWarning', () => {
    const r = spawnSync(process.execPath, ['-e', child], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const { idleShortTimers } = JSON.parse(r.stdout.trim().split('\n').pop()!);
    // Unpatched, each broker connection re-arms a ≤ 1 ms timer about a thousand times a second.
    expect(idleShortTimers).toBeLessThan(50);
    expect(r.stderr).not.toContain('TimeoutNegativeWarning');
    // The warning exists only on Node ≥ 23; the project pins Node 24, where this check has teeth.
    if (Number(process.versions.node.split('.')[0]) >= 23) expect(r.stderr).not.toMatch(/negative number/i);
  });
});
