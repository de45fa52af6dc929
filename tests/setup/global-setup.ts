/**
 * Brings up the real parts every integration test needs, once per `vitest run`:
 *  - Kafka: KAFKA_BROKERS when set; else a Docker engine through testcontainers when one is reachable
 *    (the path for users with Docker); else the project's own KRaft broker from Maven Central jars
 *    (infra/kafka/kafka.mjs) — the path CI and this project's machines take, since they have no Docker.
 *    The local broker and the embedded Postgres are detached and outlive the run, so parallel runs can
 *    share them; `npm run infra:stop` stops both.
 *  - Postgres: DATABASE_URL when set (CI sets it to the machine's server); else testcontainers with
 *    Docker; else an embedded PostgreSQL (infra/postgres/postgres.mjs).
 * Exported to the test workers through the environment (workers are forked after this runs).
 */
import { existsSync } from 'node:fs';
// @ts-expect-error plain ESM script without types
import { startKafka } from '../../infra/kafka/kafka.mjs';
// @ts-expect-error plain ESM script without types
import { ensurePostgresDaemon } from '../../infra/postgres/postgres.mjs';

type Stop = () => Promise<unknown>;

async function dockerReachable(): Promise<boolean> {
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 5_000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  const stops: Stop[] = [];
  const docker = !process.env.KAFKA_BROKERS || !process.env.DATABASE_URL ? await dockerReachable() : false;

  if (!process.env.KAFKA_BROKERS) {
    if (docker) {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const c = await new KafkaContainer('apache/kafka:4.1.1').withKraft().start();
      process.env.KAFKA_BROKERS = `${c.getHost()}:${c.getMappedPort(9093)}`;
      stops.push(() => c.stop());
      process.stderr.write(`[tests] Kafka from testcontainers at ${process.env.KAFKA_BROKERS}\n`);
    } else {
      // The broker is detached and left running for the next run and for parallel runs sharing it
      // (npm run infra:stop stops it; .ci/run stops it at the end).
      const k = await startKafka({});
      process.env.KAFKA_BROKERS = k.brokers;
      process.stderr.write(`[tests] Kafka (local KRaft broker) at ${k.brokers}\n`);
    }
  }

  if (!process.env.DATABASE_URL) {
    if (docker) {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const c = await new PostgreSqlContainer('postgres:17').start();
      process.env.DATABASE_URL = c.getConnectionUri();
      stops.push(() => c.stop());
    } else {
      // A detached daemon, left running for the next run (npm run infra:stop stops it).
      process.env.DATABASE_URL = (await ensurePostgresDaemon({})).url;
    }
  }
  process.stderr.write(`[tests] Postgres at ${(process.env.DATABASE_URL ?? '').replace(/:[^:@/]*@/, ':***@')}\n`);

  return async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
}
