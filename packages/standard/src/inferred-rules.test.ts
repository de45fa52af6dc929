import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferredRules } from './inferred-rules.js';

const doc = readFileSync(new URL('../../../docs/standard.md', import.meta.url), 'utf8');

describe('inferred rules', () => {
  it('each is listed in docs/standard.md with its code and its level', () => {
    const section = doc.slice(doc.indexOf('## Warnings'));
    expect(section.length).toBeLessThan(doc.length);
    for (const r of inferredRules) {
      const row = section.split('\n').find((l) => l.includes(`\`${r.id}\``));
      expect(row, `docs/standard.md lists ${r.id}`).toBeDefined();
      expect(row).toContain(r.code);
      expect(row).toMatch(/warning/);
    }
  });
  it('have unique names', () => {
    expect(new Set(inferredRules.map((r) => r.id)).size).toBe(inferredRules.length);
  });
});
