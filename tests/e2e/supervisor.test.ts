/**
 * The supervisor of `npm start` (infra/scripts/supervisor.mjs) on its own, with real child processes: a
 * child that crashes is announced and restarted with backoff, a child that keeps running is left alone,
 * and on a terminal each log line is prefixed with its service and made readable by pino-pretty.
 */
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error plain ESM script without types
import { createSupervisor, restartDelayMs } from '../../infra/scripts/supervisor.mjs';
import { eventually, randomSuffix } from '../helpers/index.js';

interface Supervisor {
  run(name: string, command: string, args: string[], options: object): { pid: number };
  child(name: string): { pid: number } | undefined;
  restarts(name: string): number;
  stopAll(graceMs?: number): Promise<void>;
}

describe('npm start supervisor', () => {
  it('backoff: 1 s doubling to a 30 s cap, jittered ±25 %', () => {
    expect([1, 2, 3, 6, 7, 20].map((n) => restartDelayMs(n, () => 0.5))).toEqual([1_000, 2_000, 4_000, 30_000, 30_000, 30_000]);
    expect(restartDelayMs(1, () => 0)).toBe(750);
    expect(restartDelayMs(1, () => 1)).toBe(1_250);
  });

  it('restarts a crashed child loudly, prefixes and prettifies its pino lines on a terminal', async () => {
    const marker = path.join(tmpdir(), `lt-sup-${randomSuffix()}`);
    const said: string[] = [];
    const out = new PassThrough();
    let printed = '';
    out.on('data', (b: Buffer) => (printed += b.toString()));
    const sup = (await createSupervisor({ say: (m: string) => said.push(m), pretty: true, out, random: () => 0 })) as Supervisor;
    // First run: logs a pino line and crashes; second run (marker present): logs and stays up.
    const script = `
      const fs = require('fs');
      const first = !fs.existsSync(${JSON.stringify(marker)});
      console.log(JSON.stringify({ level: 30, time: Date.now(), pid: process.pid, hostname: 'h', name: 'svc', msg: first ? 'first run' : 'second run' }));
      if (first) { fs.writeFileSync(${JSON.stringify(marker)}, 'x'); process.exit(3); }
      setInterval(() => {}, 1000);`;
    try {
      const first = sup.run('payments', process.execPath, ['-e', script], {});
      await eventually(() => said.some((l) => l.includes('!!! payments STOPPED UNEXPECTEDLY (code 3); restart #1 in 0.8 s')), {
        what: 'the announcement',
      });
      await eventually(() => printed.includes('second run'), { what: 'the restarted child', timeoutMs: 10_000 });
      expect(sup.child('payments')!.pid).not.toBe(first.pid);
      expect(sup.restarts('payments')).toBe(1);
      expect(printed).toMatch(/^payments\s+│ .*INFO.*first run/m);
      expect(printed).toMatch(/^payments\s+│ .*INFO.*second run/m);
      expect(printed).not.toContain('"msg"');
    } finally {
      await sup.stopAll(5_000);
      if (existsSync(marker)) rmSync(marker);
    }
    // A stop is not a crash: no announcement, no restart.
    await new Promise((r) => setTimeout(r, 1_200));
    expect(said.filter((l) => l.includes('STOPPED UNEXPECTEDLY'))).toHaveLength(1);
  });

  it('off a terminal, JSON lines pass through untouched', async () => {
    const out = new PassThrough();
    let printed = '';
    out.on('data', (b: Buffer) => (printed += b.toString()));
    const sup = (await createSupervisor({ say: () => {}, pretty: false, out })) as Supervisor;
    const line = JSON.stringify({ level: 40, time: 1, name: 'gateway', msg: 'hello' });
    const file = path.join(tmpdir(), `lt-sup-${randomSuffix()}.js`);
    writeFileSync(file, `console.log(${JSON.stringify(line)}); setInterval(() => {}, 1000);`);
    try {
      sup.run('gateway', process.execPath, [file], {});
      await eventually(() => printed.includes('hello'), { what: 'the line' });
      expect(printed).toBe(`${line}\n`);
    } finally {
      await sup.stopAll(5_000);
      rmSync(file, { force: true });
    }
  });
});
