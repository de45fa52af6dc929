/**
 * Fails when src/generated/ is stale, i.e. someone edited schemas/ without running
 * `node packages/standard/scripts/generate.mjs` (or edited the generated files by hand).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import * as generator from '../../scripts/generate.mjs';

const current = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');

describe('generated files', () => {
  it('schemas.ts embeds the current schemas/', async () => {
    expect(current('./schemas.ts') === (await generator.renderSchemasModule()), 'run node packages/standard/scripts/generate.mjs').toBe(true);
  });
  it('validators.ts holds the standalone code of the current schemas/', async () => {
    expect(current('./validators.ts') === (await generator.renderValidatorsModule()), 'run node packages/standard/scripts/generate.mjs').toBe(true);
  }, 30_000);
  it('types.ts matches the current schemas/', async () => {
    expect(current('./types.ts') === (await generator.renderTypesModule()), 'run node packages/standard/scripts/generate.mjs').toBe(true);
  }, 30_000);
});
