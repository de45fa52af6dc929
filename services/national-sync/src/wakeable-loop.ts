import { errorMessage, type Logger } from '@lienthong/platform';

export interface WakeableLoopOptions {
  name: string;
  logger: Logger;
  /**
   * One unit of work. `true`: there may be more, run again at once; `false`: idle, sleep `idleMs` or
   * until woken; `'backoff'`: something failed, sleep `backoffMs` (not shortened by wake-ups).
   */
  step: () => Promise<boolean | 'backoff'>;
  idleMs: number;
  backoffMs?: number;
}

export interface WakeableLoop {
  start(): void;
  /** Ends the loop after the step in hand; resolves when it has. */
  stop(): Promise<void>;
  /** Cuts an idle sleep short (e.g. new work was just recorded), or makes the step in hand run again at once. */
  wake(): void;
  /** Cuts an idle sleep short only, and says whether the loop was idle (a running step is left alone). */
  wakeIfIdle(): boolean;
}

/**
 * A background loop that polls (so work recorded by another instance is found) and can be woken early
 * (so work recorded here goes out with no polling delay). A step that throws is logged and backed off:
 * a background loop must never take the process down with an unhandled rejection.
 */
export function createWakeableLoop(opts: WakeableLoopOptions): WakeableLoop {
  let running = false;
  let done: Promise<void> = Promise.resolve();
  let woken = false;
  let sleeping: { finish: () => void; wakeable: boolean } | undefined;

  const sleep = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      if (wakeable && woken) return resolve();
      const finish = () => {
        clearTimeout(t);
        sleeping = undefined;
        resolve();
      };
      const t = setTimeout(finish, ms);
      sleeping = { finish, wakeable };
    });

  async function run(): Promise<void> {
    while (running) {
      woken = false;
      let r: boolean | 'backoff';
      try {
        r = await opts.step();
      } catch (err) {
        opts.logger.error({ err: errorMessage(err), loop: opts.name }, 'background step failed');
        r = 'backoff';
      }
      if (!running) break;
      if (r === true) continue;
      await sleep(r === 'backoff' ? (opts.backoffMs ?? 1_000) : opts.idleMs, r !== 'backoff');
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      done = run();
    },
    async stop() {
      running = false;
      sleeping?.finish();
      await done;
    },
    wake() {
      woken = true;
      if (sleeping?.wakeable) sleeping.finish();
    },
    wakeIfIdle() {
      if (!sleeping?.wakeable) return false;
      woken = true;
      sleeping.finish();
      return true;
    },
  };
}
