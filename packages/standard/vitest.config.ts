// Runs this package's tests alone, without the repository's global setup (Kafka, Postgres): the standard is pure
// logic. `npx vitest run --config packages/standard/vitest.config.ts`. The root config runs the same tests too.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  resolve: { alias: [{ find: /^@lienthong\/standard$/, replacement: `${root}packages/standard/src/index.ts` }] },
  test: { include: ['packages/standard/src/**/*.test.ts'], testTimeout: 60_000 },
});
