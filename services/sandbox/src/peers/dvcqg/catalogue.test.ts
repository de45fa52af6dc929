import { describe, expect, it } from 'vitest';
import { isAgencyCode, isMaTTHC } from '@lienthong/standard';
import { createCatalogue } from './catalogue.js';

describe('seeded catalogue', () => {
  const c = createCatalogue();

  it('holds at least 50 procedures with unique national codes', () => {
    expect(c.procedures.length).toBeGreaterThanOrEqual(50);
    const codes = c.procedures.map((p) => p.MATTHC);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^\d\.\d{6}$/);
    expect(codes.every((code) => isMaTTHC(code))).toBe(true);
  });

  it('details every procedure in the LayThuTuc shape, with agencies from the agency catalogue', () => {
    const agencyCodes = new Set(c.agencies.map((a) => a.MADONVI));
    for (const p of c.procedures) {
      const d = c.detail(p.MATTHC)!;
      expect(d.TENTTHC).toBe(p.TENTTHC);
      expect(d.LINHVUCTHUCHIEN[0]!.MALINHVUC).toMatch(/^G\d{2}-[A-Z]{2}\d{2}$/);
      expect(agencyCodes.has(d.COQUANTHUCHIEN[0]!.MADONVI)).toBe(true);
      expect(d.CACHTHUCTHUCHIEN.map((k) => k.KENH)).toEqual(['1', '2', '3']);
      expect(d.THANHPHANHOSO[0]!.GIAYTO.length).toBeGreaterThan(0);
    }
  });

  it('uses well-formed agency codes', () => {
    for (const a of c.agencies) expect(isAgencyCode(a.MADONVI)).toBe(true);
  });
});
