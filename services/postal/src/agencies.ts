import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { HubError } from '@lienthong/platform';

/**
 * Per-agency postal settings (vnpost.md §6 [inf]: the CauHinhBuuDien / VNPOST_<agency> pattern of the
 * one-stop systems): which route carries its orders, the sender block printed on the parcel, the service.
 * Keys are agency codes or `*.<province>` / `*` as in the API clients file; the most specific wins.
 */
export interface AgencyPostalSettings {
  route: 'myvnpost' | 'hcc';
  sender: { name: string; phone: string; address: string; communeCode: string };
  serviceCode: string;
  weightGrams: number;
  /** Postage the citizen pays on delivery, VND (0 = the agency pays). */
  codAmount: number;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile({
  type: 'object',
  required: ['agencies'],
  additionalProperties: false,
  properties: {
    agencies: {
      type: 'object',
      maxProperties: 10_000,
      propertyNames: { pattern: '^(\\*|\\*\\.[A-Za-z0-9.]+|[A-Za-z0-9.]+)$' },
      additionalProperties: {
        type: 'object',
        required: ['route', 'sender', 'serviceCode'],
        additionalProperties: false,
        properties: {
          route: { enum: ['myvnpost', 'hcc'] },
          sender: {
            type: 'object',
            required: ['name', 'phone', 'address', 'communeCode'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 200 },
              phone: { type: 'string', pattern: '^[0-9+ ]{8,15}$' },
              address: { type: 'string', minLength: 1, maxLength: 500 },
              communeCode: { type: 'string', pattern: '^[0-9]{5}$' },
            },
          },
          serviceCode: { type: 'string', pattern: '^[A-Z]{3}[0-9]{3}$' },
          weightGrams: { type: 'integer', minimum: 1, maximum: 30_000, default: 300 },
          codAmount: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 0 },
        },
      },
    },
  },
});

export interface AgencyPostalDirectory {
  settingsFor(agency: string): AgencyPostalSettings | undefined;
}

export function createAgencyDirectory(input: unknown): AgencyPostalDirectory {
  const copy = structuredClone(input);
  if (!validate(copy)) {
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new HubError('LT_CONFIG_INVALID', `postal agencies file is invalid: ${why}`, { kind: 'internal' });
  }
  const entries = Object.entries((copy as { agencies: Record<string, AgencyPostalSettings> }).agencies);
  return {
    settingsFor(agency) {
      const exact = entries.find(([k]) => k === agency);
      if (exact) return exact[1];
      const province = entries
        .filter(([k]) => k.startsWith('*.') && agency.endsWith(k.slice(1)))
        .sort((a, b) => b[0].length - a[0].length)[0];
      return province?.[1] ?? entries.find(([k]) => k === '*')?.[1];
    },
  };
}

export function loadJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new HubError('LT_CONFIG_INVALID', `cannot read ${what} ${path}: ${(err as Error).message}`, {
      kind: 'internal',
      cause: err,
    });
  }
}
