import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { withTransaction, type Logger, type Pool } from '@lienthong/platform';
import { OpsError } from '../errors.js';

/** One unit of the registry (issue 9 §2). */
export interface AgencyEntry {
  code: string;
  name: string;
  parent?: string | null;
  level?: number | null;
  validFrom?: string | null;
  validTo?: string | null;
  successor?: string | null;
}

const code = { type: 'string', pattern: '^[A-Za-z0-9.]{1,64}$' } as const;
const date = { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const ajv = new Ajv({ allErrors: true, strict: true });
const validateOverrides = ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['agencies'],
  properties: {
    note: { type: 'string' },
    agencies: {
      type: 'array',
      maxItems: 100_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name'],
        properties: {
          code,
          name: { type: 'string', minLength: 1, maxLength: 300 },
          parent: { anyOf: [code, { type: 'null' }] },
          level: { type: ['integer', 'null'], minimum: 1, maximum: 9 },
          validFrom: date,
          validTo: date,
          successor: { anyOf: [code, { type: 'null' }] },
          note: { type: 'string' },
        },
      },
    },
  },
});

/** Reads and checks the overrides file; throws listing every problem (the service does not start). */
export function loadAgencyOverrides(file: string): AgencyEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new OpsError('LT_OPS_REGISTRY_INVALID', `agency overrides ${file}: ${(err as Error).message}`, { kind: 'internal' });
  }
  if (!validateOverrides(parsed)) {
    const why = (validateOverrides.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new OpsError('LT_OPS_REGISTRY_INVALID', `agency overrides ${file}: ${why}`, {
      kind: 'internal',
      messageVi: `tệp bổ sung danh mục cơ quan không hợp lệ: ${why}`,
    });
  }
  const list = (parsed as { agencies: AgencyEntry[] }).agencies;
  const seen = new Set<string>();
  for (const a of list) {
    if (seen.has(a.code))
      throw new OpsError('LT_OPS_REGISTRY_INVALID', `agency overrides ${file}: ${a.code} listed twice`, { kind: 'internal' });
    seen.add(a.code);
  }
  return list;
}

/**
 * The province/ministry root a code belongs to by its right-most group (QCVN 102: H + 2 digits = province,
 * G + 2 digits = ministry, reference §2): `000.00.01.H22` → `000.00.00.H22`. Used only when the registry
 * names no parent [inf].
 */
export function inferredParent(c: string): string | undefined {
  const m = /^\d{3}\.\d{2}\.\d{2}\.([A-Z]\d{2})$/.exec(c);
  if (!m) return undefined;
  const root = `000.00.00.${m[1]}`;
  return c === root ? undefined : root;
}

type Row = { code: string; parent: string | null; successor: string | null };

/**
 * Every unit a code counts under: itself, its parent chain and its successor chain (and theirs). A dossier
 * of a unit merged away in 2025 thus counts under its successor and the successor's province; it is one
 * row in the read model, so a query over any unit counts it at most once. Cycles in bad data are cut.
 */
export function ancestorsOf(start: string, byCode: ReadonlyMap<string, Row>): string[] {
  const out = new Set<string>();
  const todo = [start];
  while (todo.length && out.size < 1_000) {
    const c = todo.pop()!;
    if (out.has(c)) continue;
    out.add(c);
    const r = byCode.get(c);
    const parent = r?.parent ?? inferredParent(c);
    if (parent) todo.push(parent);
    if (r?.successor) todo.push(r.successor);
  }
  return [...out];
}

export interface AgencyRegistry {
  /** Writes the overrides over whatever the portal said (override wins field by field). */
  applyOverrides(entries: AgencyEntry[]): Promise<void>;
  /** Merges LayDanhMucCoQuan's list (MADONVI, TENDONVI, CAPDONVI); never erases an override's fields. */
  applyPortalList(list: { MADONVI: string; TENDONVI: string; CAPDONVI?: string }[]): Promise<number>;
  /** Makes sure a code seen in a dossier has its closure rows (cheap when already known). */
  ensureCode(code: string): Promise<void>;
  /** Recomputes the whole closure (after the registry changed). */
  rebuildClosure(): Promise<void>;
  list(): Promise<AgencyEntry[]>;
}

export function createAgencyRegistry(deps: { pool: Pool; logger: Logger; overrides: AgencyEntry[] }): AgencyRegistry {
  const known = new Set<string>();
  const log = deps.logger.child({ component: 'agency-registry' });

  async function loadRows(): Promise<Map<string, Row>> {
    const rows = (await deps.pool.query('SELECT code, parent, successor FROM ops_agency')).rows as Row[];
    return new Map(rows.map((r) => [r.code, r]));
  }

  async function upsert(entries: AgencyEntry[], source: 'override' | 'dvcqg'): Promise<void> {
    if (entries.length === 0) return;
    const cols = entries.map((e) => [
      e.code,
      e.name,
      e.parent ?? null,
      e.level ?? null,
      e.validFrom ?? null,
      e.validTo ?? null,
      e.successor ?? null,
    ]);
    const col = (i: number) => cols.map((c) => c[i]);
    // An override row is only renamed by the portal; a portal row takes every field of an override.
    await deps.pool.query(
      `INSERT INTO ops_agency (code, name, parent, level, valid_from, valid_to, successor, source)
       SELECT * , $8::text FROM unnest($1::text[], $2::text[], $3::text[], $4::smallint[], $5::date[], $6::date[], $7::text[])
       ON CONFLICT (code) DO UPDATE SET
         name = CASE WHEN ops_agency.source = 'override' AND $8 = 'dvcqg' THEN ops_agency.name ELSE EXCLUDED.name END,
         parent = CASE WHEN $8 = 'override' THEN EXCLUDED.parent ELSE ops_agency.parent END,
         level = CASE WHEN $8 = 'override' OR ops_agency.source <> 'override' THEN EXCLUDED.level ELSE ops_agency.level END,
         valid_from = CASE WHEN $8 = 'override' THEN EXCLUDED.valid_from ELSE ops_agency.valid_from END,
         valid_to = CASE WHEN $8 = 'override' THEN EXCLUDED.valid_to ELSE ops_agency.valid_to END,
         successor = CASE WHEN $8 = 'override' THEN EXCLUDED.successor ELSE ops_agency.successor END,
         source = CASE WHEN ops_agency.source = 'override' THEN 'override' ELSE $8 END,
         updated_at = now()`,
      [col(0), col(1), col(2), col(3), col(4), col(5), col(6), source],
    );
  }

  const registry: AgencyRegistry = {
    async applyOverrides(entries) {
      await upsert(entries, 'override');
      await registry.rebuildClosure();
    },
    async applyPortalList(list) {
      const entries = list
        .filter((a) => typeof a.MADONVI === 'string' && /^[A-Za-z0-9.]{1,64}$/.test(a.MADONVI))
        .map((a) => ({
          code: a.MADONVI,
          name: String(a.TENDONVI ?? a.MADONVI).slice(0, 300),
          level: /^\d$/.test(a.CAPDONVI ?? '') ? Number(a.CAPDONVI) : null,
        }));
      await upsert(entries, 'dvcqg');
      await registry.rebuildClosure();
      return entries.length;
    },
    async ensureCode(c) {
      if (known.has(c)) return;
      const byCode = await loadRows();
      const anc = ancestorsOf(c, byCode);
      await deps.pool.query(
        'INSERT INTO ops_agency_closure (code, ancestor) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING',
        [c, anc],
      );
      known.add(c);
    },
    async rebuildClosure() {
      const byCode = await loadRows();
      await withTransaction(deps.pool, async (c) => {
        await c.query('LOCK TABLE ops_agency_closure IN EXCLUSIVE MODE');
        const seen = (await c.query('SELECT DISTINCT code FROM ops_agency_closure')).rows.map((r: { code: string }) => r.code);
        const codes = new Set([...byCode.keys(), ...seen]);
        const pairs: [string, string][] = [];
        for (const code of codes) for (const a of ancestorsOf(code, byCode)) pairs.push([code, a]);
        await c.query('DELETE FROM ops_agency_closure');
        await c.query('INSERT INTO ops_agency_closure (code, ancestor) SELECT * FROM unnest($1::text[], $2::text[])', [
          pairs.map((p) => p[0]),
          pairs.map((p) => p[1]),
        ]);
        known.clear();
        for (const code of codes) known.add(code);
      });
      log.info({ agencies: byCode.size }, 'agency roll-up rebuilt');
    },
    async list() {
      const rows = (
        await deps.pool.query(
          `SELECT code, name, parent, level, to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo", successor, source
         FROM ops_agency ORDER BY code`,
        )
      ).rows;
      return rows as AgencyEntry[];
    },
  };
  return registry;
}
