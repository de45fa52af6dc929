#!/usr/bin/env node
// lienthong-validate <file|folder|->... [--json] [--kind <kind>]: checks packet files against the national data
// standard. It runs the built package (dist/). When dist/ is missing or older than src/, it builds this one package
// first with the repository's TypeScript (`tsc -b packages/standard`, a few seconds, output on stderr), so
// `npm run validate -- <path>` works on a fresh checkout without a full `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const entry = join(packageDir, 'dist', 'cli', 'run-cli.js');
const buildInfo = join(packageDir, 'dist', '.tsbuildinfo');

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(e.parentPath ?? dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function fail(message) {
  process.stderr.write(`lienthong-validate: ${message}\n`);
  process.exit(2);
}

const stale = !existsSync(entry) || !existsSync(buildInfo) || statSync(buildInfo).mtimeMs < newestSource(join(packageDir, 'src'));
if (stale) {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    fail(
      'packages/standard/dist is missing and TypeScript is not installed to build it. Run `npm install` then `npm run build`.',
    );
  }
  process.stderr.write('lienthong-validate: building @lienthong/standard (dist/ missing or older than src/)…\n');
  // stdout of the build goes to stderr so that --json output stays parseable.
  const r = spawnSync(process.execPath, [tsc, '-b', packageDir], { stdio: ['ignore', 2, 2] });
  if (r.status !== 0 || !existsSync(entry))
    fail('building packages/standard failed (see above). Try `npx tsc -b packages/standard`.');
}

const { runCli } = await import(pathToFileURL(entry).href);
const readStdin = async () => {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
};
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin,
});
