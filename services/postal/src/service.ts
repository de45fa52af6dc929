import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import { HubError, type ServiceDefinition } from '@lienthong/platform';
import { refusePostalDemoSecrets } from './demo-secrets.js';
import { connectServiceKafka, createConsumerRunner } from '@lienthong/events';
import { createAddressMapper, createHccClient, createMyVnpostClient, type AddressMapTable } from '@lienthong/vnpost';
import { createAgencyDirectory, loadJsonFile } from './agencies.js';
import { buildApp } from './app.js';
import { postalConfigSchema } from './config.js';

/**
 * The postal service on the platform's skeleton (docs/adding-a-service.md). Safe to run N times: order
 * creation claims rows with SKIP LOCKED, polling and the outbox relay take advisory locks, the consumer
 * is a group. Closing (reverse order): the work loop and crons, the consumer, the producer.
 */
export const postalService: ServiceDefinition<typeof postalConfigSchema> = {
  name: 'postal',
  configSchema: postalConfigSchema,
  migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
  checkConfig(config) {
    // The VNPost simulator's credentials never serve a production start (issue 17 §2).
    refusePostalDemoSecrets(config);
    // A lease shorter than a VNPost call would let a second worker take an order whose create is still in flight.
    if (config.POSTAL_CLAIM_LEASE_SECONDS * 1000 <= config.VNPOST_TIMEOUT_MS + 1_000) {
      throw new HubError(
        'LT_CONFIG_INVALID',
        'POSTAL_CLAIM_LEASE_SECONDS must outlast one VNPost call: more than VNPOST_TIMEOUT_MS + 1 s',
        {
          kind: 'internal',
          messageVi: 'POSTAL_CLAIM_LEASE_SECONDS phải dài hơn thời gian chờ một lần gọi VNPost',
        },
      );
    }
  },
  async start({ config, logger, metrics, pool, clients, onClose }) {
    if (!pool || !clients)
      throw new HubError('LT_CONFIG_INVALID', 'postal: DATABASE_URL and API_CLIENTS_FILE are required', { kind: 'internal' });
    const agencies = createAgencyDirectory(loadJsonFile(config.POSTAL_AGENCIES_FILE, 'postal agencies file'));
    const table = (
      config.POSTAL_ADDRESS_MAP_FILE ? loadJsonFile(config.POSTAL_ADDRESS_MAP_FILE, 'address map') : { units: {} }
    ) as AddressMapTable;
    const mapper = createAddressMapper(table);
    const myvnpost =
      config.MYVNPOST_BASE_URL && config.MYVNPOST_USERNAME && config.MYVNPOST_PASSWORD && config.MYVNPOST_CUSTOMER_CODE
        ? createMyVnpostClient({
            baseUrl: config.MYVNPOST_BASE_URL,
            operationPrefix: config.MYVNPOST_OPERATION_PREFIX,
            username: config.MYVNPOST_USERNAME,
            password: config.MYVNPOST_PASSWORD,
            customerCode: config.MYVNPOST_CUSTOMER_CODE,
            timeoutMs: config.VNPOST_TIMEOUT_MS,
            logger,
          })
        : undefined;
    const hcc =
      config.VNPOST_HCC_TOKEN_URL &&
      config.VNPOST_HCC_ORDER_URL &&
      config.VNPOST_HCC_TRACKING_URL &&
      config.VNPOST_HCC_KEY &&
      config.VNPOST_HCC_SECRET
        ? createHccClient({
            tokenUrl: config.VNPOST_HCC_TOKEN_URL,
            orderUrl: config.VNPOST_HCC_ORDER_URL,
            trackingUrl: config.VNPOST_HCC_TRACKING_URL,
            consumerKey: config.VNPOST_HCC_KEY,
            consumerSecret: config.VNPOST_HCC_SECRET,
            customerCode: config.VNPOST_HCC_CUSTOMER_CODE ?? '',
            timeoutMs: config.VNPOST_TIMEOUT_MS,
            logger,
          })
        : undefined;
    const webhookPublicKey = config.MYVNPOST_WEBHOOK_PUBLIC_KEY_FILE
      ? createPublicKey(readFileSync(config.MYVNPOST_WEBHOOK_PUBLIC_KEY_FILE, 'utf8'))
      : undefined;

    const { kafka, admin, producer, topics } = await connectServiceKafka({
      config,
      clientId: 'lienthong-postal',
      logger,
      metrics,
      onClose,
    });

    const svc = await buildApp({
      leaseSeconds: config.POSTAL_CLAIM_LEASE_SECONDS,
      logger,
      metrics,
      clients,
      pool,
      producer,
      topic: topics.postalEvents,
      agencies,
      mapper,
      ...(myvnpost ? { myvnpost } : {}),
      ...(hcc ? { hcc } : {}),
      ...(webhookPublicKey ? { webhookPublicKey } : {}),
      readiness: {
        postgres: async () => {
          await pool.query('SELECT 1');
        },
        kafka: async () => {
          await admin.describeCluster();
        },
      },
    });

    const consumer = createConsumerRunner({
      kafka,
      logger,
      groupId: config.POSTAL_GROUP_ID,
      topics: [topics.dossierEvents],
      producer,
      handle: async (event, ctx) => {
        await svc.handleDossierEvent(event, ctx);
        svc.kick();
      },
      retry: { maxAttempts: 10, minDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0.3 },
      metrics,
    });
    // In the background: a rebalance after a crash can outlast fastify's start (as in national-sync).
    void consumer
      .start()
      .catch((err: unknown) => logger.error({ err: { message: (err as Error).message } }, 'postal consumer did not start'));
    onClose({ name: 'consumer', close: () => consumer.stop() });

    // The work loop: create due orders, publish the outbox; woken early by events and API calls.
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    let stopped = false;
    const pass = async () => {
      if (running || stopped) return;
      running = true;
      try {
        while ((await svc.createDue()) > 0) {
          /* drain what is due */
        }
        while ((await svc.publishOutbox()) > 0) {
          /* drain the outbox */
        }
      } catch (err) {
        logger.warn(
          { code: (err as { code?: string }).code, message: (err as Error).message },
          'postal work pass failed; next pass retries',
        );
      } finally {
        running = false;
      }
    };
    const schedule = () => {
      if (stopped) return;
      timer = setTimeout(() => void pass().finally(schedule), config.POSTAL_WORK_INTERVAL_MS);
    };
    schedule();
    svc.onKick(() => void pass());
    const poll = cron.schedule(
      config.POSTAL_POLL_CRON,
      () =>
        void svc
          .pollStatuses()
          .then(() => pass())
          .catch((err: unknown) => logger.warn({ message: (err as Error).message }, 'status poll failed')),
    );
    const refresh = cron.schedule(config.POSTAL_CATALOGUE_CRON, () => {
      if (!myvnpost) return;
      myvnpost.communes().then(
        (list) => {
          mapper.setCatalogue(list);
          logger.info({ communes: list.length }, 'VNPost catalogue refreshed');
        },
        (err: unknown) => logger.warn({ message: (err as Error).message }, 'VNPost catalogue refresh failed'),
      );
    });
    if (myvnpost) {
      // The catalogue at start, without blocking it: a VNPost outage must not stop the service.
      myvnpost.communes().then(
        (list) => mapper.setCatalogue(list),
        (err: unknown) =>
          logger.warn(
            { message: (err as Error).message },
            'VNPost catalogue not loaded at start; the mapping table alone serves',
          ),
      );
    }
    onClose({
      name: 'postal-loops',
      close: async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await poll.stop();
        await refresh.stop();
      },
    });
    return { app: svc.app, listen: { host: config.POSTAL_HOST, port: config.POSTAL_PORT } };
  },
};
