/**
 * Log scanning for personal data (issue 17 §2): capture every log line of a flow — from as many services' loggers as
 * the test wires — and assert that none contains the personal values the flow sent. Reusable by any test:
 *
 *   const scan = createLogScan();
 *   const gw = await createTestGateway({ …, logger: scan.logger('gateway') });
 *   …run the flow…
 *   scan.expectNoPersonalData(personalValuesOf(dossier));   // throws listing every hit (value, service, line)
 *
 * Loggers come from the platform's createLogger, so they redact exactly as production does; the level defaults to
 * `trace` so debug lines are scanned too. A value is looked for as sent and as JSON escapes it inside a string.
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@lienthong/platform';

/** One personal value found in one log line. */
export interface LogHit {
  value: string;
  /** The `name` of the logger that wrote the line (the service). */
  logger: string;
  line: string;
}

export interface LogScan {
  /** A platform logger named `name` whose lines go into this scan (one per service of the flow). */
  logger(name: string, level?: string): Logger;
  /** Every line captured so far, in order. */
  lines(): string[];
  /** The lines written by the logger named `name`. */
  linesOf(name: string): string[];
  /** Every occurrence of any of `values` in any captured line. */
  hits(values: readonly string[]): LogHit[];
  /** Throws (listing the hits) when any captured line contains any of `values`. */
  expectNoPersonalData(values: readonly string[]): void;
}

/** A JSON string's escaped form of `value`, as it appears between the quotes of a JSON log line. */
function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** Creates an empty scan; values shorter than 4 characters are refused (they would match by accident). */
export function createLogScan(defaultLevel = 'trace'): LogScan {
  const captured: { logger: string; line: string }[] = [];
  const scan: LogScan = {
    logger(name, level = defaultLevel) {
      let pending = '';
      const stream = new Writable({
        write(chunk, _enc, cb) {
          pending += chunk.toString();
          let nl = pending.indexOf('\n');
          while (nl !== -1) {
            const line = pending.slice(0, nl);
            if (line) captured.push({ logger: name, line });
            pending = pending.slice(nl + 1);
            nl = pending.indexOf('\n');
          }
          cb();
        },
      });
      return createLogger({ name, level, destination: stream });
    },
    lines: () => captured.map((c) => c.line),
    linesOf: (name) => captured.filter((c) => c.logger === name).map((c) => c.line),
    hits(values) {
      for (const v of values) if (v.length < 4) throw new Error(`log scan: value "${v}" is too short to search for`);
      const out: LogHit[] = [];
      for (const { logger, line } of captured) {
        for (const value of values) {
          if (line.includes(value) || line.includes(jsonEscaped(value))) out.push({ value, logger, line });
        }
      }
      return out;
    },
    expectNoPersonalData(values) {
      const found = scan.hits(values);
      if (found.length > 0) {
        const shown = found.slice(0, 10).map((h) => `  [${h.logger}] "${h.value}" in ${h.line.slice(0, 400)}`);
        throw new Error(`personal data in ${found.length} log line(s):\n${shown.join('\n')}`);
      }
    },
  };
  return scan;
}

/**
 * The personal values of a packet: the strings (of at least 4 characters) under the keys the platform redacts, at
 * any depth, so a test can pass the packet it sent instead of listing its values by hand.
 */
export function personalValuesOf(packet: unknown, keys: readonly string[]): string[] {
  const wanted = new Set(keys.map((k) => k.toLowerCase()));
  const out = new Set<string>();
  const collect = (v: unknown, underPersonal: boolean): void => {
    if (typeof v === 'string') {
      if (underPersonal && v.length >= 4) out.add(v);
    } else if (Array.isArray(v)) v.forEach((x) => collect(x, underPersonal));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) collect(x, underPersonal || wanted.has(k.toLowerCase()));
    }
  };
  collect(packet, false);
  return [...out];
}
