import { describe, expect, it } from 'vitest';
import { createApiClientRegistry, generateApiKey, hashApiKey } from './api-clients.js';

const key = generateApiKey();
const other = generateApiKey();
const registry = createApiClientRegistry({
  clients: [
    { id: 'h22-motcua', name: 'Một cửa Hà Giang', keyHash: hashApiKey(key), agencies: ['*.H22'] },
    { id: 'one-unit', name: 'Một đơn vị', keyHash: hashApiKey(other), agencies: ['000.00.01.H56'] },
  ],
});

describe('API client registry', () => {
  it('authenticates a known key and scopes it to its agencies', () => {
    const c = registry.authenticate(`Bearer ${key}`, undefined);
    expect(c.id).toBe('h22-motcua');
    expect(registry.mayActFor(c, '000.00.01.H22')).toBe(true);
    expect(registry.mayActFor(c, '000.00.01.H56')).toBe(false);
    const o = registry.authenticate(`Bearer ${other}`, undefined);
    expect(registry.mayActFor(o, '000.00.01.H56')).toBe(true);
    expect(registry.mayActFor(o, '000.00.02.H56')).toBe(false);
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['Basic abc', 'Bearer'],
    [`Bearer ${key}x`, 'unknown'],
    [`bearer ${key}`, 'Bearer'],
    [`Bearer ${'a'.repeat(10_000)}`, 'Bearer'],
    ['Bearer \u0000', 'Bearer'],
  ])('refuses %j with a 401-kind error', (header, words) => {
    expect(() => registry.authenticate(header, undefined)).toThrowError(
      expect.objectContaining({ kind: 'unauthorized', message: expect.stringContaining(words) }),
    );
  });

  it('refuses a malformed clients file naming the problem', () => {
    expect(() => createApiClientRegistry({ clients: [{ id: 'x', name: 'x', keyHash: 'plain', agencies: ['*'] }] })).toThrow(
      /keyHash/,
    );
    expect(() =>
      createApiClientRegistry({
        clients: [
          { id: 'x', name: 'x', keyHash: hashApiKey('a'), agencies: ['*'] },
          { id: 'x', name: 'y', keyHash: hashApiKey('b'), agencies: ['*'] },
        ],
      }),
    ).toThrow(/duplicate id x/);
  });
});
