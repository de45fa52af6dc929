/**
 * The fault test, scaled: N dossier events with 20 % of portal calls failing (15 % 5xx, 5 %
 * processed-then-timed-out) and a full outage in the middle; afterwards every dossier's newest state is
 * at the sandbox, none regressed while the run went, and the ledger agrees.
 *
 * Size: NATIONAL_SYNC_FAULT_EVENTS (default 2000) and NATIONAL_SYNC_FAULT_OUTAGE_MS (default 10000), sized
 * to finish well under 2 minutes on 2 cores; FULL_FAULT_TEST=1 runs the 10,000 events and 30 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicNames, type EventProducer } from '@lienthong/events';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  randomSuffix,
} from '../helpers/index.js';
import {
  gatewayProducer,
  startNationalSync,
  startSandbox,
  syncEnv,
  type RunningSync,
  type Sandbox,
} from '../../services/national-sync/test/harness.js';
import {
  buildWorkload,
  ledgerConverged,
  publishWorkload,
  verifyConverged,
  watchForRegressions,
} from '../../services/national-sync/test/workload.js';

const full = process.env.FULL_FAULT_TEST === '1';
const EVENTS = Number(process.env.NATIONAL_SYNC_FAULT_EVENTS ?? (full ? 10_000 : 2_000));
const OUTAGE_MS = Number(process.env.NATIONAL_SYNC_FAULT_OUTAGE_MS ?? (full ? 30_000 : 10_000));
const PUBLISH_MS = Math.max(12_000, OUTAGE_MS + 8_000);
const CONVERGE_MS = 90_000 + EVENTS * 10;
const errors = { errorRate: 0.15, timeoutRate: 0.05 };

describe(`national-sync under faults (${EVENTS} events, 20 % errors, ${OUTAGE_MS / 1000} s outage)`, () => {
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sandbox: Sandbox;
  let sync: RunningSync;
  let gw: EventProducer;

  beforeAll(async () => {
    ns = await createTestNamespace();
    db = await createTestDatabase();
    sandbox = await startSandbox({ SANDBOX_DVCQG_TIMEOUT_HANG_MS: 2_000, SANDBOX_DVCQG_CALL_LOG_SIZE: 1_000 });
    sync = await startNationalSync(
      syncEnv({
        ns,
        databaseUrl: db.url,
        sandboxUrl: sandbox.url,
        extra: { NATIONAL_SYNC_GROUP_ID: `ns-faults-${randomSuffix()}` },
      }),
      quietLogger('national-sync'),
    );
    gw = await gatewayProducer(quietLogger());
  });
  afterAll(async () => {
    await gw?.disconnect();
    await sync?.close();
    await sandbox?.close();
    await deleteTestNamespace(ns);
    await db?.drop();
  });

  it(
    'ends with every dossier newest state at the sandbox, none regressed, the ledger agreeing',
    { timeout: PUBLISH_MS + CONVERGE_MS + 60_000 },
    async () => {
      const w = buildWorkload(EVENTS, 0);
      await sandbox.faults(errors);
      const watch = watchForRegressions(sandbox);
      let outage: Promise<void> | undefined;
      const first = await publishWorkload(gw, topicNames(ns).dossierEvents, w, {
        durationMs: PUBLISH_MS,
        onSent: (f) => {
          if (f >= 0.3 && !outage) {
            outage = (async () => {
              await sandbox.faults({ ...errors, outage: true });
              await new Promise((r) => setTimeout(r, OUTAGE_MS));
              await sandbox.faults(errors);
            })();
          }
        },
      });
      // Redeliveries and replays of old states arrive late: 10 % of the dossiers get their first state again.
      await gw.publish(
        topicNames(ns).dossierEvents,
        first.filter((_, i) => i % 10 === 0),
      );
      await outage;

      await eventually(() => ledgerConverged(db.url, w), {
        timeoutMs: CONVERGE_MS,
        intervalMs: 1_000,
        what: 'the ledger to converge',
      });
      const { observations, regressions } = await watch.stop();
      const problems = await verifyConverged(sandbox, db.url, w);
      expect(problems.slice(0, 20)).toEqual([]);
      expect(regressions.slice(0, 20)).toEqual([]);
      expect(observations).toBeGreaterThan(10);

      const metrics = (await sync.app.inject({ method: 'GET', url: '/metrics' })).body;
      // The run really met the faults it claims to survive.
      expect(metrics).toMatch(/national_sync_outcomes_total\{[^}]*outcome="retrying"[^}]*\} [1-9]/);
      expect(metrics).toMatch(/national_sync_portal_call_seconds_count\{[^}]*result="transient"[^}]*\} [1-9]/);
      expect(metrics).toMatch(/national_sync_ingested_total\{[^}]*result="stale"[^}]*\} [1-9]/);
    },
  );
});
