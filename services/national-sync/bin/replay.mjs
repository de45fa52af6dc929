#!/usr/bin/env node
// Replay CLI of national-sync (docs/national-sync.md). Runs from the built dist/ (npx tsc -b services/national-sync).
//   node services/national-sync/bin/replay.mjs --ma-ho-so 000.00.01.H22-250101-0001
//   node services/national-sync/bin/replay.mjs --dead-letters-since 2025-01-01T00:00:00Z
//   LIENTHONG_API_KEY=<operator key> node services/national-sync/bin/replay.mjs --ma-ho-so ... --url http://127.0.0.1:8081
import { runReplayCli } from '../dist/replay/cli.js';

process.exitCode = await runReplayCli(process.argv.slice(2));
