/**
 * The conformance vectors under tests/fixtures/standard: every valid packet passes and is recognised as the kind its
 * file name says; every invalid packet fails with exactly the expected (path, code) pairs (and, when listed, exactly
 * the expected warnings); every warning packet passes with exactly the expected warnings (inferred rules, issue 17
 * §4: they never refuse); every tolerated variant
 * normalizes to the expected canonical packet, and the canonical packet passes unchanged (both ways).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectPacketKind, isPacketKind, validatePacket, type PacketKind } from '@lienthong/standard';

const root = fileURLToPath(new URL('../../../tests/fixtures/standard/', import.meta.url));
const read = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, json: JSON.parse(readFileSync(join(root, dir, f), 'utf8')) as unknown }));

interface InvalidVector {
  description: string;
  kind: string;
  packet: unknown;
  expect: { path: string; code: string }[];
  warnings?: { path: string; code: string }[];
}
interface WarningVector {
  description: string;
  kind: PacketKind;
  packet: unknown;
  warnings: { path: string; code: string }[];
}
interface ToleranceVector {
  description: string;
  kind: PacketKind;
  packet: unknown;
  normalized: unknown;
}

const valid = read('valid');
const invalid = read('invalid') as { file: string; json: InvalidVector }[];
const tolerance = read('tolerance') as { file: string; json: ToleranceVector }[];
const warning = read('warning') as { file: string; json: WarningVector }[];
const pairs = (issues: readonly { path: string; code: string }[]) => issues.map((e) => ({ path: e.path, code: e.code }));

describe('conformance vectors', () => {
  it('has the coverage issue 3 asks for', () => {
    expect(valid.length).toBeGreaterThanOrEqual(30);
    expect(invalid.length + warning.length).toBeGreaterThanOrEqual(60);
    expect(warning.length).toBeGreaterThanOrEqual(20);
    const statuses = new Set(
      valid
        .filter((v) => v.file.startsWith('dossier.'))
        .flatMap((v) => [v.json].flat().map((d) => (d as { TrangThaiHoSo: string }).TrangThaiHoSo)),
    );
    expect([...statuses].sort((a, b) => Number(a) - Number(b))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  });

  describe.each(valid)('valid/$file', ({ file, json }) => {
    const kind = file.slice(0, file.indexOf('.'));
    it('is detected and passes', () => {
      expect(isPacketKind(kind)).toBe(true);
      expect(detectPacketKind(json)).toBe(kind);
      const r = validatePacket(kind as PacketKind, json);
      expect(r.errors).toEqual([]);
      expect(r.warnings).toEqual([]);
      expect(r.ok).toBe(true);
    });
  });

  describe.each(invalid)('invalid/$file', ({ json }) => {
    it(json.description, () => {
      const r = validatePacket(json.kind as PacketKind, json.packet);
      expect(r.ok).toBe(false);
      expect(r.value).toBeUndefined();
      const got = r.errors.map((e) => ({ path: e.path, code: e.code }));
      expect(got).toEqual(expect.arrayContaining(json.expect));
      expect(got).toHaveLength(json.expect.length);
      for (const e of r.errors) {
        expect(e.message.length).toBeGreaterThan(0);
        expect(e.message_en.length).toBeGreaterThan(0);
      }
      if (json.warnings) expect(pairs(r.warnings)).toEqual(json.warnings);
    });
  });

  describe.each(warning)('warning/$file', ({ json }) => {
    it(json.description, () => {
      const r = validatePacket(json.kind, json.packet);
      expect(r.errors).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.value).toBeDefined();
      expect(pairs(r.warnings)).toEqual(expect.arrayContaining(json.warnings));
      expect(r.warnings).toHaveLength(json.warnings.length);
      for (const w of r.warnings) expect(w.message_en).toContain('warning');
    });
  });

  describe.each(tolerance)('tolerance/$file', ({ json }) => {
    it(`${json.description}: variant → canonical`, () => {
      const r = validatePacket(json.kind, json.packet);
      expect(r.errors).toEqual([]);
      expect(r.value).toEqual(json.normalized);
    });
    it(`${json.description}: canonical → unchanged`, () => {
      const canonical = validatePacket(json.kind, json.normalized);
      expect(canonical.errors).toEqual([]);
      expect(canonical.value).toEqual(json.normalized);
    });
  });
});
