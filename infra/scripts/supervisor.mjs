// The process supervisor of `npm start` (issue 17 §3): every service runs as a child; one that exits
// unexpectedly is announced loudly and restarted with a capped, jittered backoff instead of taking the
// whole hub down with it. Each child's log lines are prefixed with its name and, when stdout is a terminal,
// made human-readable by pino-pretty; otherwise the JSON lines pass through untouched (log shippers parse
// them, and every line already names its service in `name`).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Backoff of restart n (1-based): 1 s doubling to 30 s, ±25 % jitter so that several crashing services do not restart in lockstep. */
export function restartDelayMs(n, random = Math.random) {
  const base = Math.min(30_000, 1_000 * 2 ** Math.max(0, n - 1));
  return Math.round(base * (0.75 + 0.5 * random()));
}

/** A child that stayed up this long is healthy again: its next crash starts the backoff from 1 s. */
const STABLE_MS = 60_000;

// A child killed by a signal keeps exitCode null (signalCode is set): both must be checked, or stopping
// would wait forever for the 'exit' of a child that is already gone.
const alive = (c) => c.exitCode === null && c.signalCode === null;

async function prettifier() {
  try {
    const { prettyFactory } = await import('pino-pretty');
    return prettyFactory({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' });
  } catch {
    return undefined; // pino-pretty is a dev dependency; without it lines stay JSON
  }
}

/**
 * @param {{ say: (m: string) => void, pretty?: boolean, out?: NodeJS.WritableStream, random?: () => number }} opts
 */
export async function createSupervisor({
  say,
  pretty = process.stdout.isTTY === true,
  out = process.stdout,
  random = Math.random,
}) {
  const prettify = pretty ? await prettifier() : undefined;
  const width = 14;
  /** @type {Map<string, {child: import('node:child_process').ChildProcess, restarts: number, startedAt: number, timer?: NodeJS.Timeout}>} */
  const procs = new Map();
  let stopping = false;

  function pipeLines(name, stream) {
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', (line) => {
      if (!prettify) return void out.write(`${line}\n`);
      let text = line;
      if (line.startsWith('{')) {
        try {
          text = prettify(line).replace(/\n$/, '');
        } catch {
          // not a pino line: printed as is
        }
      }
      const prefix = `${name.padEnd(width)}│ `;
      out.write(
        `${text
          .split('\n')
          .map((l) => prefix + l)
          .join('\n')}\n`,
      );
    });
  }

  /**
   * Starts `name` (spawn(command, args, options)) and keeps it running: an unexpected exit is announced
   * and followed by a restart after restartDelayMs. `onExit` is told of every exit (the start script uses it
   * to fail a first start that never became ready).
   */
  function run(name, command, args, options, onExit) {
    const launch = () => {
      const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
      pipeLines(name, child.stdout);
      pipeLines(name, child.stderr);
      const entry = procs.get(name) ?? { restarts: 0 };
      entry.child = child;
      entry.startedAt = Date.now();
      procs.set(name, entry);
      child.once('exit', (code, signal) => {
        onExit?.(code, signal);
        if (stopping) return;
        if (Date.now() - entry.startedAt >= STABLE_MS) entry.restarts = 0;
        entry.restarts += 1;
        const delay = restartDelayMs(entry.restarts, random);
        const why = signal ? `signal ${signal}` : `code ${code}`;
        const bar = '!'.repeat(72);
        say(bar);
        say(`!!! ${name} STOPPED UNEXPECTEDLY (${why}); restart #${entry.restarts} in ${(delay / 1000).toFixed(1)} s`);
        say(bar);
        entry.timer = setTimeout(() => {
          entry.timer = undefined;
          if (stopping) return;
          say(`restarting ${name} (restart #${entry.restarts})…`);
          launch();
        }, delay);
      });
      return child;
    };
    return launch();
  }

  return {
    run,
    /** The current child of `name` (it changes after a restart). */
    child: (name) => procs.get(name)?.child,
    restarts: (name) => procs.get(name)?.restarts ?? 0,
    /** SIGTERM to every child (in reverse start order), SIGKILL to those still running after `graceMs`. */
    async stopAll(graceMs = 20_000) {
      stopping = true;
      const entries = [...procs.values()];
      for (const e of entries) if (e.timer) clearTimeout(e.timer);
      const children = entries.map((e) => e.child).filter(Boolean);
      for (const c of [...children].reverse()) if (alive(c)) c.kill('SIGTERM');
      const force = setTimeout(() => {
        for (const c of children) if (alive(c)) c.kill('SIGKILL');
      }, graceMs);
      await Promise.all(children.map((c) => (alive(c) ? new Promise((r) => c.once('exit', r)) : null)));
      clearTimeout(force);
    },
  };
}
