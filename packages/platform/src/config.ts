import { Ajv, type ErrorObject } from 'ajv';
import { HubError } from './errors.js';

/**
 * JSON Schema (draft-07 subset ajv understands) for a service's environment. Mark secrets with
 * `secret: true`: they get no default and are masked by `describeConfig`.
 */
export interface ConfigSchema {
  type: 'object';
  properties: Record<string, ConfigProperty>;
  required?: string[];
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
export function loadConfig<T>(schema: ConfigSchema, env: NodeJS.ProcessEnv = process.env): Readonly<T> {
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
  return Object.freeze(input) as Readonly<T>;
}

/** The config with secrets masked, safe to log at start. */
export function describeConfig(schema: ConfigSchema, config: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k] = schema.properties[k]?.secret ? '[secret]' : v;
  return out;
}
