import { Ajv, type ErrorObject } from 'ajv';
import { HubError } from './errors.js';

/**
 * JSON Schema (draft-07 subset ajv understands) for a service's environment. Mark secrets with
 * `secret: true`: they get no default and are masked by `describeConfig`.
 */
export interface ConfigSchema {
  type: 'object';
  properties: Record<string, ConfigProperty>;
  required?: readonly string[];
}
export interface ConfigProperty {
  type: 'string' | 'integer' | 'number' | 'boolean';
  description: string;
  default?: string | number | boolean;
  enum?: readonly (string | number)[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  secret?: boolean;
}

/** The TypeScript type of one property's value: enums become unions of their members. */
type ValueOf<P> = P extends { enum: readonly (infer E)[] }
  ? E
  : P extends { type: 'string' }
    ? string
    : P extends { type: 'integer' | 'number' }
      ? number
      : P extends { type: 'boolean' }
        ? boolean
        : never;

/** Keys that always have a value after loading: required ones and those with a default. */
type PresentKeys<S extends ConfigSchema> =
  | (S['required'] extends readonly (infer R)[] ? R : never)
  | { [K in keyof S['properties']]: S['properties'][K] extends { default: unknown } ? K : never }[keyof S['properties']];

/**
 * The config type derived from its schema (no hand-written twin to drift, issue 17 §5): declare the schema
 * `as const satisfies ConfigSchema`, then `type MyConfig = ConfigOf<typeof mySchema>`.
 */
export type ConfigOf<S extends ConfigSchema> = Readonly<
  { [K in keyof S['properties'] & PresentKeys<S>]: ValueOf<S['properties'][K]> } & {
    [K in Exclude<keyof S['properties'], PresentKeys<S>>]?: ValueOf<S['properties'][K]>;
  }
>;

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: true });
ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });

function describe(e: ErrorObject): string {
  const name = e.instancePath.replace(/^\//, '') || (e.params as { missingProperty?: string }).missingProperty || '';
  return `${name}: ${e.message ?? 'invalid'}`;
}

/**
 * Reads the variables the schema declares from `env`, applies defaults, coerces types and fails listing
 * every problem at once (conventions §3). The result is frozen. Unknown variables are ignored: the
 * environment holds much more than this service's settings.
 */
export function loadConfig<S extends ConfigSchema>(schema: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  for (const [k, p] of Object.entries(schema.properties)) {
    if (p.secret && p.default !== undefined) throw new Error(`config schema: secret ${k} must not have a default`);
  }
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const validate = ajv.compile({ ...schema, additionalProperties: false });
  if (!validate(input)) {
    const problems = (validate.errors ?? []).map(describe);
    throw new HubError('LT_CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`, {
      kind: 'internal',
      messageVi: `cấu hình không hợp lệ: ${problems.join('; ')}`,
    });
  }
  return Object.freeze(input) as ConfigOf<S>;
}

/** The config with secrets masked, safe to log at start. */
export function describeConfig(schema: ConfigSchema, config: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k] = schema.properties[k]?.secret ? '[secret]' : v;
  return out;
}
