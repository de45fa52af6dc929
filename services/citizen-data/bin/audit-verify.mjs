#!/usr/bin/env node
// Verifies citizen-data's audit hash chain (docs/citizen-data.md). Runs from the built dist/ (npx tsc -b services/citizen-data).
//   DATABASE_URL=postgres://… CITIZEN_DATA_AUDIT_CHAIN_KEY=… node services/citizen-data/bin/audit-verify.mjs
// Right after `npm start` no variable is needed: the chain key is read from .data/citizen-data-keys.json and the
// database is the embedded one npm start uses (DATABASE_URL wins, as in npm start).
// Exit 0 = the chain is whole; 1 = broken (the first broken row is named); 2 = could not check.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAuditVerifyCli } from '../dist/audit/verify-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const keysFile = path.join(root, '.data', 'citizen-data-keys.json');
const env = { ...process.env };
if (!env.CITIZEN_DATA_AUDIT_CHAIN_KEY && existsSync(keysFile)) {
  env.CITIZEN_DATA_AUDIT_CHAIN_KEY = JSON.parse(readFileSync(keysFile, 'utf8')).auditChainKey;
  env.DATABASE_URL ??= 'postgres://postgres:postgres@127.0.0.1:54329/postgres';
}
process.exitCode = await runAuditVerifyCli(env);
