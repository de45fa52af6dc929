#!/usr/bin/env node
// Install-time fix of kafkajs 2.2.4's request queue (run by the root `postinstall`; idempotent).
//
// The bug (kafkajs issues #1751, #1704; upstream PRs #1755, #1768 not merged, the project is unmaintained):
// RequestQueue.scheduleCheckPendingRequests computes `throttledUntil - Date.now()` — with throttledUntil at its
// initial -1 that is about -1.7e12 — and when nothing is pending passes it to setTimeout as is. Node ≥ 23 warns
// (TimeoutNegativeWarning) and clamps it to 1 ms, and the callback schedules itself again: every broker
// connection spins a 1 ms timer loop for its whole life, doing nothing but burning CPU.
// The fix (as suggested in the review of PR #1768): with nothing pending and no throttle in force there is
// nothing to check, so nothing is scheduled; push() schedules again when a request is queued. With requests
// pending, the original behaviour (check at the throttle's end, or after CHECK_PENDING_REQUESTS_INTERVAL) stays.
// tests/e2e/kafkajs-patch.test.ts proves the warning is gone and the patch is in place.
import { applyKafkajsPatch } from './apply-kafkajs-patch.mjs';

const MARK = '// lienthong: no schedule without pending requests (kafkajs #1751, #1704)';
const ORIGINAL = `      if (this.pending.length > 0) {
        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      }
      this.throttleCheckTimeoutId = setTimeout(() => {`;
const PATCHED = `      if (this.pending.length > 0) {
        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      } else if (scheduleAt <= 0) {
        ${MARK}
        return
      }
      this.throttleCheckTimeoutId = setTimeout(() => {`;

applyKafkajsPatch({
  file: 'src/network/requestQueue/index.js',
  mark: MARK,
  edits: [[ORIGINAL, PATCHED]],
  what: 'request queue',
  script: 'infra/patches/kafkajs-request-queue.mjs',
});
