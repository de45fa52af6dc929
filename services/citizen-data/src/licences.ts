import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { HubError } from '@lienthong/platform';
import { parseMaTTHC } from '@lienthong/standard';

/** What a look-up does; the licence table grants these per procedure. */
export const Operations = ['citizen.lookup', 'citizen.verify', 'citizen.household', 'business.lookup'] as const;
export type Operation = (typeof Operations)[number];

/**
 * The licence file (data, not code; design.md "Agencies and procedures are data"): which procedure (MaTTHC,
 * national form) may use which operation, per-agency quota overrides, and the MaCSDL codes the autofill
 * puts in DSKetNoiCSDL. Example: services/citizen-data/config/licences.json.
 */
export interface LicenceFile {
  licences: { MaTTHC: string; operations: Operation[]; note?: string }[];
  quotas?: { agency: string; perMinute?: number; perDay?: number }[];
  /** MaCSDL per source for DSKetNoiCSDL; `confirmed: false` marks a code inferred from one implementation. */
  nationalDatabases?: { source: 'csdl-dancu' | 'dkkd'; MaCSDL: string; confirmed: boolean; note?: string }[];
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile<LicenceFile>({
  type: 'object',
  additionalProperties: false,
  required: ['licences'],
  properties: {
    licences: {
      type: 'array',
      maxItems: 100_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['MaTTHC', 'operations'],
        properties: {
          MaTTHC: { type: 'string', pattern: '^[0-9]\\.[0-9]{6}$' },
          operations: { type: 'array', uniqueItems: true, items: { enum: [...Operations] } },
          note: { type: 'string', maxLength: 1000 },
        },
      },
    },
    quotas: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['agency'],
        properties: {
          agency: { type: 'string', minLength: 1, maxLength: 50 },
          perMinute: { type: 'integer', minimum: 1 },
          perDay: { type: 'integer', minimum: 1 },
        },
      },
    },
    nationalDatabases: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['source', 'MaCSDL', 'confirmed'],
        properties: {
          source: { enum: ['csdl-dancu', 'dkkd'] },
          MaCSDL: { type: 'string', pattern: '^[0-9]{1,10}$' },
          confirmed: { type: 'boolean' },
          note: { type: 'string', maxLength: 1000 },
        },
      },
    },
  },
});

export interface Licences {
  /** Whether the procedure (national or provincial MaTTHC) may use the operation. */
  allows(maTTHC: string, op: Operation): boolean;
  quotaOf(agency: string): { perMinute?: number; perDay?: number };
  nationalDatabase(source: 'csdl-dancu' | 'dkkd'): { MaCSDL: string; confirmed: boolean } | undefined;
}

export function createLicences(file: unknown): Licences {
  if (!validate(file)) {
    throw new HubError(
      'LT_CONFIG_INVALID',
      `licence file is invalid: ${(validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`,
      { kind: 'internal' },
    );
  }
  const table = new Map<string, Set<Operation>>();
  for (const l of file.licences) table.set(l.MaTTHC, new Set([...(table.get(l.MaTTHC) ?? []), ...l.operations]));
  const quotas = new Map((file.quotas ?? []).map((q) => [q.agency, q]));
  return {
    allows(maTTHC, op) {
      // A provincial variant (1.003560.000.00.00.H56) is licensed as its national procedure.
      const national = parseMaTTHC(maTTHC)?.national;
      return national !== undefined && (table.get(national)?.has(op) ?? false);
    },
    quotaOf: (agency) => quotas.get(agency) ?? {},
    nationalDatabase: (source) => file.nationalDatabases?.find((d) => d.source === source),
  };
}

export function loadLicences(path: string): Licences {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new HubError('LT_CONFIG_INVALID', `cannot read licence file ${path}: ${(err as Error).message}`, {
      kind: 'internal',
      cause: err,
    });
  }
  return createLicences(parsed);
}
