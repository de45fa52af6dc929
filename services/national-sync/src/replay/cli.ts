import { parseArgs } from 'node:util';
import { createKafka, kafkaConnectionFromConfig } from '@lienthong/events';
import { createLogger, createPool, loadConfig, type ConfigSchema } from '@lienthong/platform';
import { topicNames, dlqOf } from '@lienthong/events';
import { syncConfigSchema } from '../config.js';
import { createLedgerIngest } from '../ledger/ingest.js';
import { createReplayer } from './replayer.js';

/** Environment variable holding the operator's API key for --url (never a command-line argument: ps shows those). */
export const API_KEY_ENV = 'LIENTHONG_API_KEY';

const usage = `usage: replay.mjs (--ma-ho-so <MaHoSo> | --dead-letters-since <RFC 3339 time> [--ma-ho-so <MaHoSo>]) [--url <http://host:8081>]

  --ma-ho-so             replay one dossier: its newest snapshot and every step not acknowledged
  --dead-letters-since   replay every dossier dead-lettered since that time (with --ma-ho-so: only that one)
  --url                  ask a running national-sync's admin API instead of writing the ledger directly
                         (DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_NAMESPACE); sends the API key in
                         ${API_KEY_ENV} (a client with the role operator, scoped to the dossier's agency,
                         or to "*" for dead letters of every dossier)
Either way the running service pushes the replayed dossiers; the result is printed as JSON.`;

/** The settings the direct mode needs: a subset of the service's one schema. */
const {
  DATABASE_URL,
  KAFKA_BROKERS,
  KAFKA_TOPIC_NAMESPACE,
  KAFKA_SSL,
  KAFKA_SSL_CA_FILE,
  KAFKA_SSL_CERT_FILE,
  KAFKA_SSL_KEY_FILE,
  KAFKA_SASL_MECHANISM,
  KAFKA_SASL_USERNAME,
  KAFKA_SASL_PASSWORD,
} = syncConfigSchema.properties;
/** The part of national-sync's config the CLI reads (the same declarations, not a copy). */
const cliSchema = {
  type: 'object',
  required: ['DATABASE_URL'],
  // The service's Kafka security settings too (docs/events.md), so the CLI reaches a secured cluster.
  properties: {
    DATABASE_URL,
    KAFKA_BROKERS,
    KAFKA_TOPIC_NAMESPACE,
    KAFKA_SSL,
    KAFKA_SSL_CA_FILE,
    KAFKA_SSL_CERT_FILE,
    KAFKA_SSL_KEY_FILE,
    KAFKA_SASL_MECHANISM,
    KAFKA_SASL_USERNAME,
    KAFKA_SASL_PASSWORD,
  },
} as const satisfies ConfigSchema;

/**
 * The replay CLI (services/national-sync/bin/replay.mjs). Returns the exit code: 0 done, 1 failed,
 * 2 usage. Output: the replay result as JSON on stdout; diagnostics on stderr.
 */
export async function runReplayCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (s: string) => void = (s) => process.stdout.write(s),
): Promise<number> {
  let values: { 'ma-ho-so'?: string; 'dead-letters-since'?: string; url?: string; help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: {
        'ma-ho-so': { type: 'string' },
        'dead-letters-since': { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const maHoSo = values['ma-ho-so'];
  const since = values['dead-letters-since'];
  if (values.help || (!maHoSo && !since)) {
    process.stderr.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  if (since !== undefined && Number.isNaN(Date.parse(since))) {
    process.stderr.write(`--dead-letters-since: not a time: ${since}\n`);
    return 2;
  }

  if (values.url) {
    const key = env[API_KEY_ENV];
    if (!key) {
      process.stderr.write(`--url: set ${API_KEY_ENV} to an API key with the role operator\n`);
      return 2;
    }
    const body = since !== undefined ? { deadLettersSince: since, ...(maHoSo ? { maHoSo } : {}) } : { maHoSo };
    let res: Response;
    try {
      res = await fetch(new URL('/v1/admin/replay', values.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      process.stderr.write(`replay failed: ${(err as Error).message}\n`);
      return 1;
    }
    out(`${await res.text()}\n`);
    return res.ok ? 0 : 1;
  }

  const config = loadConfig(cliSchema, env);
  const logger = createLogger({ name: 'national-sync-replay', level: env.LOG_LEVEL ?? 'warn' });
  const pool = createPool({ connectionString: config.DATABASE_URL, applicationName: 'national-sync-replay', logger, max: 2 });
  const kafka = createKafka({ ...kafkaConnectionFromConfig(config), clientId: 'national-sync-replay', logger });
  try {
    const replayer = createReplayer({
      pool,
      kafka,
      ingest: createLedgerIngest(pool),
      dlqTopic: dlqOf(topicNames(config.KAFKA_TOPIC_NAMESPACE).dossierEvents),
      logger,
    });
    const result =
      since !== undefined ? await replayer.replayDeadLetters(new Date(since), maHoSo) : await replayer.replayDossier(maHoSo!);
    out(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`replay failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await pool.end();
  }
}
