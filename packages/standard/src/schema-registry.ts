/**
 * The package's one Ajv instance. Every schema under schemas/ is added and every packet schema compiled once, at
 * module load, so a request never pays for compilation (conventions §6); the cost is measured by the bench and
 * exposed as `compileMillis`.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { schemaDocuments, type SchemaDocument } from './generated/schemas.js';
import { ltFormats } from './formats/index.js';

/** Keyword carrying code-table labels (see code-tables.v1.json); an annotation, it validates nothing. */
export const LABELS_KEYWORD = 'x-lt-labels';

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true, // all errors of a packet at once (issue 3 §4)
    strict: true,
    strictRequired: false, // `required` inside `if`/`then` names properties declared beside them
    allowUnionTypes: true, // the portal's error_code is an integer or a string [code S1]
    coerceTypes: false, // tolerated variants are normalized explicitly, see normalize.ts
    useDefaults: false,
  });
  ajv.addKeyword({ keyword: LABELS_KEYWORD, schemaType: 'object' });
  for (const [name, f] of Object.entries(ltFormats)) ajv.addFormat(name, { type: 'string', validate: f.validate });
  return ajv;
}

const started = performance.now();
const ajv = createAjv();
for (const doc of schemaDocuments) ajv.addSchema(doc as object);
const validators = new Map<string, ValidateFunction>();
for (const doc of schemaDocuments) {
  // Packet schemas have a `type`; pure definition libraries (scalars, code tables) are only referenced.
  if (doc.type !== undefined) validators.set(doc.$id, ajv.compile({ $ref: doc.$id }));
}

/** Milliseconds spent creating the Ajv instance and compiling every validator at module load. */
export const compileMillis = performance.now() - started;

/** The compiled validator of a packet schema, by $id. Throws for an unknown $id: that is a programming error. */
export function validatorFor(schemaId: string): ValidateFunction {
  const v = validators.get(schemaId);
  if (!v) throw new Error(`no compiled schema ${schemaId}`);
  return v;
}

const documents = new Map<string, SchemaDocument>(schemaDocuments.map((d) => [d.$id, d]));

/** A schema document by $id (without fragment), or undefined. */
export function schemaDocument(schemaId: string): SchemaDocument | undefined {
  return documents.get(schemaId);
}

/** Every packet schema's $id. */
export function packetSchemaIds(): string[] {
  return [...validators.keys()];
}
