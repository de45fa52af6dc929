import { parseArgs } from 'node:util';
import { createLogger, kafkaConfigProperties, loadConfig, logConfigProperties, type ConfigSchema } from '@lienthong/platform';
import { createKafka, kafkaConnectionFromConfig } from './kafka.js';
import { createEventProducer } from './producer.js';
import { replayDeadLetters } from './dead-letters.js';
import { dlqOf } from './topics.js';

const usage = `usage: replay-dead-letters.mjs --topic <topic> (--since <RFC 3339 time> | --letter <partition>:<offset>…) [--group <consumer group>] [--key <key>] [--code <LT_…>]… [--dry-run]

  --topic     the original topic, without namespace (e.g. payment.events.v1); its <topic>.dlq is read
  --since     dead letters written at or after this time (all that pass the filters, replayed before or not)
  --letter    exactly this dead letter of <topic>.dlq (repeatable; e.g. --letter 0:42 from a --dry-run),
              and nothing else; each one not replayed is listed in "skipped" with why
  --group     only the letters of this consumer group (and the group to replay a letter without one for)
  --key       only this record key (MaHoSo, payment id)
  --code      only letters with this dlq-error-code (repeatable)
  --dry-run   print what would be replayed; publish nothing
Kafka from KAFKA_BROKERS, KAFKA_TOPIC_NAMESPACE and the KAFKA_SSL*/KAFKA_SASL* settings. Each letter goes back to
<topic> for the group that refused it (other groups skip it); the result is printed as JSON.`;

const cliSchema = {
  type: 'object',
  properties: { ...logConfigProperties, ...kafkaConfigProperties },
} as const satisfies ConfigSchema;

/** The generic dead-letter replay CLI (packages/events/bin/replay-dead-letters.mjs). Exit code: 0 done, 1 failed, 2 usage. */
export async function runReplayDeadLettersCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (s: string) => void = (s) => process.stdout.write(s),
): Promise<number> {
  let values: {
    topic?: string;
    since?: string;
    letter?: string[];
    group?: string;
    key?: string;
    code?: string[];
    'dry-run'?: boolean;
    help?: boolean;
  };
  try {
    values = parseArgs({
      args: argv,
      options: {
        topic: { type: 'string' },
        since: { type: 'string' },
        letter: { type: 'string', multiple: true },
        group: { type: 'string' },
        key: { type: 'string' },
        code: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help || !values.topic || (values.since === undefined) === (values.letter === undefined)) {
    process.stderr.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  if (!/^[a-z0-9.-]+$/i.test(values.topic) || values.topic.endsWith('.dlq')) {
    process.stderr.write(`--topic: give the original topic (e.g. payment.events.v1), not ${values.topic}\n`);
    return 2;
  }
  const since = values.since === undefined ? undefined : new Date(values.since);
  if (since && Number.isNaN(since.getTime())) {
    process.stderr.write(`--since: not a time: ${values.since}\n`);
    return 2;
  }
  const letters = values.letter?.map((l) => /^(\d{1,7}):(\d{1,19})$/.exec(l));
  if (letters?.some((m) => !m)) {
    process.stderr.write(`--letter: give <partition>:<offset>, e.g. 0:42\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(cliSchema, env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  // stdout carries the JSON result only; diagnostics go to stderr.
  const logger = createLogger({ name: 'dlq-replay', level: env.LOG_LEVEL ?? 'warn', destination: process.stderr });
  const kafka = createKafka({ ...kafkaConnectionFromConfig(config), clientId: 'lienthong-dlq-replay', logger });
  const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: 'lienthong-dlq-replay', lanes: 1 });
  try {
    if (!values['dry-run']) await producer.connect();
    const result = await replayDeadLetters({
      kafka,
      producer,
      logger,
      dlqTopic: dlqOf(`${config.KAFKA_TOPIC_NAMESPACE}${values.topic}`),
      ...(since ? { since } : {}),
      ...(letters ? { letters: letters.map((m) => ({ partition: Number(m![1]), offset: m![2]! })) } : {}),
      ...(values.group !== undefined ? { group: values.group } : {}),
      ...(values.key !== undefined ? { key: values.key } : {}),
      ...(values.code !== undefined ? { codes: values.code } : {}),
      dryRun: !!values['dry-run'],
    });
    out(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`replay failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await producer.disconnect().catch(() => {});
  }
}
