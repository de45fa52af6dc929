/**
 * The $id of every packet schema. An $id is https://lienthong.gov.vn/schemas/<area>/<packet>.<part>.v<N>.json and
 * mirrors the file's path under schemas/ (scripts/generate.mjs enforces it); it is the CloudEvents `dataschema`.
 * A new version of a packet gets a new file and a new $id; an old $id never changes meaning.
 */
const BASE = 'https://lienthong.gov.vn/schemas/';

/** $ids of the packet schemas, by name. */
export const schemaIds = {
  dossierItem: `${BASE}dvcqg/dong-bo-ho-so-mc.item.v1.json`,
  progressItem: `${BASE}dvcqg/cap-nhat-tien-do-ho-so-mc.item.v1.json`,
} as const;

/** Name of a packet schema in schemaIds. */
export type SchemaName = keyof typeof schemaIds;
