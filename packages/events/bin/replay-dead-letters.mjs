#!/usr/bin/env node
// Replays dead letters of any <topic>.dlq for the consumer group that refused them (packages/events
// dead-letters.ts, docs/architecture.md "Failures and dead letters"). Runs from the built dist/.
//   node packages/events/bin/replay-dead-letters.mjs --topic payment.events.v1 --since 2026-12-05T00:00:00Z --dry-run
//   node packages/events/bin/replay-dead-letters.mjs --topic payment.events.v1 --since 2026-12-05T00:00:00Z --code LT_EVENT_SIGNATURE_INVALID
import { runReplayDeadLettersCli } from '../dist/replay-cli.js';

process.exitCode = await runReplayDeadLettersCli(process.argv.slice(2));
