// "Before" of the lead's kafkajs request-queue fix (infra/patches/kafkajs-request-queue.mjs), for the bench
// only and without touching the shared node_modules: a copy of kafkajs with the original code
// (the patch script's ORIGINAL) in a temporary folder, and a module hook that resolves `kafkajs` there.
// `BENCH_KAFKAJS=original` makes the benches pass `--import <hook>` to the processes they start.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const PATCHED_LINES =
  /      \} else if \(scheduleAt <= 0\) \{\n        \/\/ lienthong: no schedule without pending requests \(kafkajs #1751, #1704\)\n        return\n/;

/** Prepares the unpatched copy; returns the NODE_OPTIONS fragment that makes a process use it. */
export function originalKafkajsNodeOptions() {
  const require = createRequire(path.join(here, '..', '..', 'package.json'));
  const src = path.dirname(require.resolve('kafkajs/package.json'));
  const dir = path.join(tmpdir(), 'lt-bench-kafkajs-original');
  const file = path.join(dir, 'src/network/requestQueue/index.js');
  if (!existsSync(file)) cpSync(src, dir, { recursive: true });
  const text = readFileSync(file, 'utf8');
  if (PATCHED_LINES.test(text)) writeFileSync(file, text.replace(PATCHED_LINES, ''));
  if (readFileSync(file, 'utf8').includes('lienthong:')) throw new Error('could not restore the original kafkajs request queue');
  process.env.LT_BENCH_KAFKAJS_DIR = dir;
  return `--import ${pathToFileURL(path.join(here, 'kafkajs-original-hook.mjs')).href}`;
}
