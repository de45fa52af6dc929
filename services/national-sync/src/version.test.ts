import { describe, expect, it } from 'vitest';
import { compareVersions, formatVersion, versionFromRow, versionOf } from './version.js';

describe('versions', () => {
  it('orders by acceptance time first, then by offset', () => {
    const a = versionOf('2025-07-02T01:00:00.000Z', '900')!;
    const b = versionOf('2025-07-02T01:00:00.001Z', '5')!;
    const c = versionOf('2025-07-02T01:00:00.001Z', '6')!;
    expect(compareVersions(a, b)).toBeLessThan(0);
    expect(compareVersions(b, c)).toBeLessThan(0);
    expect(compareVersions(c, b)).toBeGreaterThan(0);
    expect(compareVersions(c, versionOf('2025-07-02T01:00:00.001Z', 6n))).toBe(0);
  });

  it('treats a missing version as older than any', () => {
    expect(compareVersions(undefined, versionOf('2020-01-01T00:00:00Z', '0'))).toBeLessThan(0);
    expect(compareVersions(versionOf('2020-01-01T00:00:00Z', '0'), undefined)).toBeGreaterThan(0);
    expect(compareVersions(undefined, undefined)).toBe(0);
  });

  it('refuses a time that is not a date and round-trips ledger columns', () => {
    expect(versionOf('yesterday', '1')).toBeUndefined();
    const v = versionFromRow(new Date('2025-07-02T01:00:00.123Z'), '42')!;
    expect(formatVersion(v)).toBe('2025-07-02T01:00:00.123Z#42');
    expect(versionFromRow(null, '1')).toBeUndefined();
  });
});
