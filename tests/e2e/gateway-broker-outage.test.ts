/**
 * The broker goes away under the gateway: the answer is 503 and nothing is claimed as accepted; when it
 * comes back, ingest resumes and the retried request is published exactly once. Runs its own broker on
 * free ports beside the shared one, so stopping it disturbs no other test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { catalogueSpecs, ensureTopics, topicNames } from '@lienthong/events';
// @ts-expect-error plain ESM script without types
import { startKafka, freePort, repoRoot } from '../../infra/kafka/kafka.mjs';
import { createTestDatabase, dossierItem, randomSuffix } from '../helpers/index.js';
import { createTestGateway, type TestGateway } from '../helpers/gateway.js';

const dataDir = path.join(repoRoot, '.data', `kafka-outage-${randomSuffix()}`);
let port: number;
let controllerPort: number;
let broker: { stop: () => Promise<void> };
let gw: TestGateway;
let db: { url: string; drop: () => Promise<void> };

async function countEvents(maHoSo: string): Promise<number> {
  const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `outage-${randomSuffix()}`, maxWaitTimeInMs: 100 });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: topicNames('').dossierEvents, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.key?.toString() ?? '') });
  await new Promise((r) => setTimeout(r, 3_000));
  await consumer.disconnect();
  return seen.filter((k) => k === maHoSo).length;
}

beforeAll(async () => {
  port = await freePort();
  controllerPort = await freePort();
  broker = await startKafka({ dataDir, port, controllerPort, quiet: true });
  const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, catalogueSpecs(''));
  await admin.disconnect();
  db = await createTestDatabase();
  gw = await createTestGateway({ namespace: '', databaseUrl: db.url, brokers: [`127.0.0.1:${port}`] });
}, 120_000);

afterAll(async () => {
  await gw?.close().catch(() => {});
  await broker?.stop();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (body: unknown, key: string) =>
  gw.app.inject({
    method: 'POST',
    url: '/v1/dossiers',
    headers: { authorization: `Bearer ${gw.keys['motcua-h22']}`, 'content-type': 'application/json', 'idempotency-key': key },
    payload: JSON.stringify(body),
  });

describe('gateway when Kafka is down', () => {
  it('answers 503 while the broker is stopped, and publishes exactly once after it returns', async () => {
    const before = dossierItem(1);
    expect((await post(before, 'before')).statusCode).toBe(202);

    await broker.stop();
    const item = dossierItem(2);
    const down = await post(item, 'during-outage');
    expect(down.statusCode).toBe(503);
    expect(down.json().error).toBe('LT_KAFKA_UNAVAILABLE');
    expect(down.headers['retry-after']).toBeDefined();
    const ready = await gw.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect((await gw.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);

    broker = await startKafka({ dataDir, port, controllerPort, quiet: true });
    // The client retries with the same key: the failed attempt released it, so this one publishes.
    let up = await post(item, 'during-outage');
    for (let i = 0; i < 10 && up.statusCode === 503; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      up = await post(item, 'during-outage');
    }
    expect(up.statusCode, up.body).toBe(202);
    expect((await post(item, 'during-outage')).headers['idempotent-replayed']).toBe('true');
    expect(await countEvents(item.MaHoSo as string)).toBe(1);
    expect(await countEvents(before.MaHoSo as string)).toBe(1);
  }, 180_000);
});
