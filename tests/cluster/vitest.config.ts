/**
 * `npm run test:cluster`: the cluster fault tests alone (tests/cluster), each starting its own three-node
 * KRaft cluster. The root config's global setup still provides Postgres (and the shared broker's address,
 * which these tests replace with their cluster's). Spread, not mergeConfig: mergeConfig would append to
 * the root's `include` and run the whole suite.
 */
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['tests/cluster/**/*.test.ts'],
    env: { ...base.test?.env, LT_CLUSTER_TEST: '1' },
    testTimeout: 600_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    // Its own JSON report beside the main run's (npm test runs both; .ci/run adds them up).
    reporters: process.env.VITEST_JSON_REPORT
      ? ['default', ['json', { outputFile: `${process.env.VITEST_JSON_REPORT.replace(/\.json$/, '')}.cluster.json` }]]
      : ['default'],
  },
});
