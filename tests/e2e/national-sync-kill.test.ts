/**
 * national-sync as a real process (services/national-sync/dist/main.js, built here with
 * `tsc -b services/national-sync`): SIGKILLed mid-run and restarted, it ends in the same state as an
 * undisturbed run; SIGTERM shuts it down cleanly; the replay CLI (bin/replay.mjs) works from dist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
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
  dossierAt,
  gatewayProducer,
  maHoSoOf,
  startSandbox,
  syncEnv,
  upsertedEvent,
  type Sandbox,
} from '../../services/national-sync/test/harness.js';
import {
  buildWorkload,
  ledgerConverged,
  publishWorkload,
  verifyConverged,
  watchForRegressions,
} from '../../services/national-sync/test/workload.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Child {
  proc: ChildProcess;
  output: () => string;
  fullOutput: () => string;
  exited: Promise<number | null>;
}

describe('national-sync process: SIGKILL mid-run, restart, CLI replay', () => {
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sandbox: Sandbox;
  let gw: EventProducer;
  let env: Record<string, string>;
  const children: Child[] = [];

  beforeAll(async () => {
    execFileSync('npx', ['tsc', '-b', 'services/national-sync'], { cwd: root, stdio: 'pipe', timeout: 180_000 });
    ns = await createTestNamespace();
    db = await createTestDatabase();
    sandbox = await startSandbox({ SANDBOX_DVCQG_TIMEOUT_HANG_MS: 2_000 });
    gw = await gatewayProducer(quietLogger());
    env = syncEnv({
      ns,
      databaseUrl: db.url,
      sandboxUrl: sandbox.url,
      extra: { NATIONAL_SYNC_GROUP_ID: `ns-kill-${randomSuffix()}`, LOG_LEVEL: 'warn' },
    });
  }, 240_000);
  afterAll(async () => {
    if (process.env.NS_KILL_DEBUG)
      (await import('node:fs')).writeFileSync(
        process.env.NS_KILL_DEBUG,
        children.map((c, i) => `--- child ${i}\n${c.fullOutput()}`).join('\n'),
      );
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    await gw?.disconnect();
    await sandbox?.close();
    await deleteTestNamespace(ns);
    await db?.drop();
  });

  function start(): Child {
    const proc = spawn(process.execPath, ['services/national-sync/dist/main.js'], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    const c = { proc, output: () => out.slice(-5_000), fullOutput: () => out, exited };
    children.push(c);
    return c;
  }

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return Number((await c.query(sql, params)).rows[0].n);
    } finally {
      await c.end();
    }
  }

  it('killed with SIGKILL mid-run and restarted, ends in the same state', { timeout: 180_000 }, async () => {
    const w = buildWorkload(1_500, 1);
    await sandbox.faults({ errorRate: 0.1 });
    const first = start();
    const watch = watchForRegressions(sandbox);
    let killed: Promise<void> | undefined;
    await publishWorkload(gw, topicNames(ns).dossierEvents, w, {
      durationMs: 8_000,
      onSent: async (f) => {
        if (f < 0.5 || killed) return;
        killed = (async () => {
          // Kill it while it works: some dossiers synced, many still to go.
          await eventually(
            async () => (await count(`SELECT count(*) AS n FROM sync_dossier WHERE state = 'synced'`).catch(() => 0)) > 20,
            { timeoutMs: 60_000, what: `some dossiers synced by the first process\n${first.output()}` },
          );
          first.proc.kill('SIGKILL');
          expect(await first.exited).toBeNull();
          start();
        })();
      },
    });
    await killed;
    await eventually(() => ledgerConverged(db.url, w), {
      timeoutMs: 120_000,
      intervalMs: 1_000,
      what: `convergence after the restart\n${children.at(-1)!.output()}`,
    });
    const { regressions } = await watch.stop();
    expect((await verifyConverged(sandbox, db.url, w)).slice(0, 20)).toEqual([]);
    expect(regressions.slice(0, 20)).toEqual([]);
    await sandbox.faults({});
  });

  it(
    'the replay CLI syncs a dead-lettered dossier once the fault is cleared; SIGTERM stops the service cleanly',
    { timeout: 120_000 },
    async () => {
      const running = children.at(-1)!;
      const bad = maHoSoOf(99_001, 1);
      const since = new Date(Date.now() - 1_000).toISOString();
      await sandbox.faults({ rejectMaHoSo: [bad] });
      await gw.publish(topicNames(ns).dossierEvents, [upsertedEvent(dossierAt(bad, '4'))]);
      await eventually(
        async () =>
          (await count(`SELECT count(*) AS n FROM sync_dossier WHERE ma_ho_so = $1 AND state = 'rejected'`, [bad])) === 1,
        { timeoutMs: 60_000, what: 'the dossier rejected' },
      );
      await sandbox.faults({});

      const cli = (args: string[]) =>
        new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
          execFile(
            process.execPath,
            ['services/national-sync/bin/replay.mjs', ...args],
            { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 },
            (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          );
        });
      expect((await cli([])).code).toBe(2);
      const r = await cli(['--dead-letters-since', since]);
      expect(r.stderr).not.toContain('replay failed');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).dossiers.map((d: { maHoSo: string }) => d.maHoSo)).toEqual([bad]);
      await eventually(() => sandbox.dossier(bad).then((d) => d?.dossier?.TrangThaiHoSo === '4'), {
        timeoutMs: 30_000,
        what: 'replayed dossier at the sandbox',
      });
      const one = await cli(['--ma-ho-so', bad]);
      expect(one.code).toBe(0);
      expect(JSON.parse(one.stdout)).toMatchObject({ maHoSo: bad, stepsReset: 0 });

      running.proc.kill('SIGTERM');
      expect(await running.exited).toBe(0);
      expect(running.output()).not.toMatch(/"level":"(error|fatal)"/);
    },
  );
});
