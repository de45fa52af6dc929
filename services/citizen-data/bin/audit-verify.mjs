#!/usr/bin/env node
// Verifies citizen-data's audit hash chain (docs/citizen-data.md). Runs from the built dist/ (npx tsc -b services/citizen-data).
//   DATABASE_URL=postgres://… CITIZEN_DATA_AUDIT_CHAIN_KEY=… node services/citizen-data/bin/audit-verify.mjs
// Exit 0 = the chain is whole; 1 = broken (the first broken row is named); 2 = could not check.
import { runAuditVerifyCli } from '../dist/audit/verify-cli.js';

process.exitCode = await runAuditVerifyCli();
