/**
 * Every finding the validator can produce has a level decided by a rule with a stated source, and
 * docs/standard.md shows exactly that table. The walk below goes through every constraint of every packet schema
 * (following $refs, as ajv does) and lists what it can report — (schema, field, code) — plus the codes the
 * hand-written checks and the normalizer emit; each must match a rule, and each rule must match something.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StandardErrorCode as C } from './errors.js';
import { ltFormats } from './formats/index.js';
import { ruleOf, standardRules } from './rule-levels.js';
import { renderRuleTable } from './rule-table.js';
import { schemaIds } from './schema-ids.js';
import { packetSchemaIds, schemaDocument } from './schema-registry.js';

type Node = Record<string, unknown>;
interface Finding {
  schema: string;
  field: string;
  code: string;
}

function resolveRef(ref: string, base: string): { node: Node; base: string } {
  const url = new URL(ref, base);
  const hash = url.hash.slice(1);
  url.hash = '';
  let node = schemaDocument(url.href) as unknown;
  for (const seg of hash.split('/').filter(Boolean)) node = (node as Node)[seg];
  return { node: node as Node, base: url.href };
}

/** What each keyword can report, as ajv-issues.ts and the normalizer map it. */
function findingsOf(schema: string): Finding[] {
  const out = new Map<string, Finding>();
  const add = (field: string, code: string) => out.set(`${field}|${code}`, { schema, field, code });
  const seen = new Set<string>();
  const walk = (node: Node | undefined, base: string, field: string) => {
    if (!node || typeof node !== 'object') return;
    const key = `${base}|${JSON.stringify(node).length}|${Object.keys(node).join()}|${field}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (typeof node.$ref === 'string') {
      const r = resolveRef(node.$ref, base);
      walk(r.node, r.base, field);
    }
    if (node.type !== undefined) add(field, C.TYPE);
    if (node.enum !== undefined) add(field, C.CODE_UNKNOWN);
    if (node.const !== undefined) add(field, C.CONST);
    if (node.pattern !== undefined) add(field, C.PATTERN);
    if (typeof node.format === 'string') {
      const f = ltFormats[node.format]!;
      add(field, f.code);
      if (f.usual) add(field, f.usual.code);
    }
    if (node.minLength !== undefined) add(field, node.minLength === 1 ? C.EMPTY : C.TOO_SHORT);
    if (node.maxLength !== undefined) add(field, C.TOO_LONG);
    if (node.minimum !== undefined || node.maximum !== undefined) add(field, C.RANGE);
    if (node.maxItems !== undefined) add(field, C.TOO_MANY_ITEMS);
    if (node.minItems !== undefined) add(field, C.TOO_FEW_ITEMS);
    for (const r of (node.required ?? []) as string[]) add(r, C.REQUIRED);
    if (node.additionalProperties === false) {
      add('UnknownField', C.FIELD_UNKNOWN);
      add(field, C.FIELD_NAME_INVALID);
    }
    for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, Node>)) walk(v, base, k);
    if (node.items) walk(node.items as Node, base, field);
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) for (const s of (node[k] ?? []) as Node[]) walk(s, base, field);
    for (const k of ['if', 'then', 'else'] as const) walk(node[k] as Node | undefined, base, field);
  };
  walk(schemaDocument(schema) as Node, schema, '');
  return [...out.values()];
}

const S = schemaIds;
/** Codes emitted by hand-written checks, the normalizer and the batch/packet wrappers, where they are emitted. */
const handWritten: Finding[] = [
  ...[C.NOT_OBJECT, C.BATCH_EMPTY, C.BATCH_TOO_LARGE, C.UNKNOWN_PACKET, C.UNKNOWN_SCHEMA, C.JSON_INVALID].map((code) => ({
    schema: S.dossierItem,
    field: '',
    code,
  })),
  ...[S.dossierItem, S.dossierRequest, S.progressItem, S.progressRequest].map((schema) => ({
    schema,
    field: 'NgayHenTra',
    code: C.DATE_ORDER,
  })),
  { schema: S.dossierItem, field: 'NgayTiepNhan', code: C.DATE_MISSING },
  { schema: S.dossierItem, field: 'NgayTra', code: C.END_DATE_MISSING },
  { schema: S.dossierItem, field: 'SoGiayToChuHoSo', code: C.TAX_CODE_INVALID },
  { schema: S.dossierItem, field: 'SoDinhDanh', code: C.PERSONAL_ID_INVALID },
  { schema: S.dossierItem, field: 'SoDinhDanh', code: C.OLD_ID_INVALID },
  { schema: S.dossierItem, field: 'MaHoSo', code: C.MAHOSO_DUPLICATE },
  { schema: S.dossierRequest, field: 'MaHoSo', code: C.MAHOSO_DUPLICATE },
  { schema: S.ratingItem, field: 'PhanTramDanhGiaChuaHaiLong', code: C.PERCENT_SUM },
  { schema: S.citizen, field: 'SoDinhDanh', code: C.REQUIRED },
  { schema: S.citizenLookupRequest, field: 'SoDinhDanh', code: C.REQUIRED },
  ...packetSchemaIds().flatMap((schema) => [
    { schema, field: 'SoDienThoai', code: C.IDENTIFIER_NUMBER },
    { schema, field: 'SoDienThoai', code: C.PHONE_INVALID },
    { schema, field: 'NgayTiepNhan', code: C.YEAR_IMPLAUSIBLE },
  ]),
];

const all = [...packetSchemaIds().flatMap(findingsOf), ...handWritten];

describe('rule levels', () => {
  it('the walk sees the schemas (sanity)', () => {
    expect(all.length).toBeGreaterThan(1000);
    expect(all).toContainEqual({ schema: S.dossierItem, field: 'HinhThuc', code: C.CODE_UNKNOWN });
    expect(all).toContainEqual({ schema: S.dossierItem, field: 'UnknownField', code: C.FIELD_UNKNOWN });
  });

  it('gives every finding of every schema and check a rule', () => {
    const unmatched = all.filter((f) => ruleOf(f.schema, { code: f.code, path: `/${f.field}` }) === undefined);
    expect(unmatched).toEqual([]);
  });

  it('has no rule that matches nothing', () => {
    const used = new Set(all.map((f) => ruleOf(f.schema, { code: f.code, path: `/${f.field}` })?.id));
    expect(standardRules.map((r) => r.id).filter((id) => !used.has(id))).toEqual([]);
  });

  it('has unique names, and every rule says where it comes from', () => {
    expect(new Set(standardRules.map((r) => r.id)).size).toBe(standardRules.length);
    for (const r of standardRules) expect(r.basis, r.id).toMatch(/\[(code|doc|inf)|ours|hub|impossible|hostile|cannot/);
    for (const r of standardRules.filter((x) => x.level === 'warning'))
      expect(r.basis, r.id).toMatch(/\binf\b|partial|ours|only/);
  });

  const level = (schema: string, field: string, code: string) => ruleOf(schema, { code, path: `/${field}` })?.level;
  it.each([
    // Inferred or from partial sources: warnings.
    [S.dossierItem, 'HinhThuc', C.CODE_UNKNOWN, 'warning'],
    [S.dossierItem, 'NoiNopHoSo', C.CODE_UNKNOWN, 'warning'],
    [S.dossierItem, 'NgayTraa', C.FIELD_UNKNOWN, 'warning'],
    [S.progressItem, 'GhiChu', C.FIELD_UNKNOWN, 'warning'],
    [S.dossierItem, 'MaHoSo', C.MAHOSO_UNUSUAL, 'warning'],
    [S.dossierRequest, 'madonvi', C.AGENCY_CODE_UNUSUAL, 'warning'],
    [S.dossierItem, 'MaTTHC', C.MATTHC_UNUSUAL, 'warning'],
    [S.dossierItem, 'DuongDanTaiTepTin', C.REQUIRED, 'warning'],
    [S.dossierItem, 'Email', C.EMAIL_INVALID, 'warning'],
    [S.inboundCreate, 'TenThuongNhan', C.REQUIRED, 'warning'],
    // Confirmed, impossible, or what the hub needs: refusals.
    [S.dossierItem, 'MaHoSo', C.MAHOSO_INVALID, 'error'],
    [S.dossierItem, 'MaHoSo', C.REQUIRED, 'error'],
    [S.dossierItem, 'MaHoSo', C.TOO_LONG, 'error'],
    [S.dossierItem, 'TrangThaiHoSo', C.REQUIRED, 'error'],
    [S.dossierItem, 'TrangThaiHoSo', C.CODE_UNKNOWN, 'error'],
    [S.dossierItem, 'KenhThucHien', C.CODE_UNKNOWN, 'error'],
    [S.dossierItem, 'HinhThuc', C.TYPE, 'error'],
    [S.dossierItem, 'NgayHenTra', C.DATE_INVALID, 'error'],
    [S.dossierItem, 'Gia', C.AMOUNT_INVALID, 'error'],
    [S.dossierItem, '', C.FIELD_NAME_INVALID, 'error'],
    [S.progressItem, 'ThoiDiemXuLy', C.REQUIRED, 'error'],
    [S.progressRequest, 'data', C.TOO_MANY_ITEMS, 'error'],
    [S.dossierRequest, 'madonvi', C.AGENCY_CODE_INVALID, 'error'],
    [S.inboundTaxNotice, 'SoTien', C.REQUIRED, 'error'],
    [S.paygovInitRequest, 'MaTienTe', C.CONST, 'error'],
    [S.paygovConfirmCallback, 'MaXacThuc', C.PATTERN, 'error'],
    [S.citizen, 'UnknownField', C.FIELD_UNKNOWN, 'error'],
    [S.paymentSettledEvent, 'UnknownField', C.FIELD_UNKNOWN, 'error'],
    [S.syncOutcomeEvent, 'attempts', C.REQUIRED, 'error'],
  ])('%s %s %s: %s', (schema, field, code, expected) => expect(level(schema, field, code)).toBe(expected));

  it('is the table docs/standard.md shows', () => {
    const doc = readFileSync(new URL('../../../docs/standard.md', import.meta.url), 'utf8');
    // Compare cell by cell: prettier pads the columns.
    const rows = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
        .map((l) =>
          l
            .split(/(?<!\\)\|/)
            .map((c) => c.trim())
            .join('|'),
        );
    const expected = rows(renderRuleTable());
    const header = expected[0]!;
    const lines = rows(doc);
    const start = lines.indexOf(header);
    expect(start, 'docs/standard.md has the rule table (`lienthong-validate --rules` prints it)').toBeGreaterThanOrEqual(0);
    expect(lines.slice(start, start + expected.length)).toEqual(expected);
  });
});
