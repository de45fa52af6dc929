import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@lienthong/platform';

/** A logger whose JSON lines are kept in memory, to assert on what was (and was not) logged. */
export function captureLogger(name = 'test', level = 'debug'): { logger: Logger; lines: () => string[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ name, level, destination: stream });
  const lines = () => chunks.join('').split('\n').filter(Boolean);
  return { logger, lines, text: () => chunks.join('') };
}

/** A logger that writes only warnings and errors to stderr (keeps test output readable). */
export function quietLogger(name = 'test'): Logger {
  return createLogger({ name, level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}
