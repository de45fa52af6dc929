import { describe, expect, it } from 'vitest';
import { packetKinds, schemaIdOfKind } from './packet-kinds.js';
import { schemaIds } from './schema-ids.js';
import { packetSchemaIds, schemaDocument } from './schema-registry.js';
import { ltFormats } from './formats/index.js';
import { schemaDocuments } from './generated/schemas.js';
import { formatNames } from '../scripts/generate.mjs';

describe('schema ids', () => {
  it('names every packet schema exactly once', () => {
    const named = Object.values(schemaIds);
    expect(new Set(named).size).toBe(named.length);
    expect([...named].sort()).toEqual(packetSchemaIds().sort());
  });
  it('gives every packet kind a compiled schema, and every schema a kind', () => {
    const ofKinds = new Set(packetKinds.map(schemaIdOfKind));
    for (const id of Object.values(schemaIds)) expect(ofKinds.has(id), id).toBe(true);
  });
  it('implements every format the schemas name', () => {
    const used = formatNames(schemaDocuments.map((doc) => ({ doc })));
    expect(used.length).toBeGreaterThan(10);
    for (const f of used) expect(Object.hasOwn(ltFormats, f), f).toBe(true);
  });
  it('says in every schema where its facts come from', () => {
    for (const id of packetSchemaIds())
      expect(String(schemaDocument(id)?.description), id).toMatch(/\[(code|doc|inf)|design|Our |our /);
  });
});
