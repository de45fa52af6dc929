/**
 * The package's validators. They are compiled once, at generation time, into ajv standalone code
 * (src/generated/validators.ts, from scripts/generate.mjs, with the options written there: all errors, strict, no
 * coercion). Loading them is evaluating plain functions, which keeps a process's start-up cheap (conventions §6);
 * the bench measures that load in a fresh process.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { schemaDocuments, type SchemaDocument } from './generated/schemas.js';
import { validatorsById } from './generated/validators.js';

/** A compiled validator: true when valid, else `errors` holds ajv's errors. */
export interface PacketValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Keyword carrying code-table labels (see code-tables.v1.json); an annotation, it validates nothing. */
export const LABELS_KEYWORD = 'x-lt-labels';

const validators = new Map<string, PacketValidator>(Object.entries(validatorsById as Record<string, PacketValidator>));

/** The validator of a packet schema, by $id. Throws for an unknown $id: that is a programming error. */
export function validatorFor(schemaId: string): PacketValidator {
  const v = validators.get(schemaId);
  if (!v) throw new Error(`no compiled schema ${schemaId}`);
  return v;
}

const documents = new Map<string, SchemaDocument>(schemaDocuments.map((d) => [d.$id, d]));

/** A schema document by $id (without fragment), or undefined. */
export function schemaDocument(schemaId: string): SchemaDocument | undefined {
  return documents.get(schemaId);
}

/** True when `schemaId` is the $id of a packet schema (one with a compiled validator). */
export function isPacketSchemaId(schemaId: string): boolean {
  return validators.has(schemaId);
}

/** Every packet schema's $id. */
export function packetSchemaIds(): string[] {
  return [...validators.keys()];
}
