import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'vitest';

interface Injectable {
  inject(opts: { method: 'GET'; url: string }): PromiseLike<{ statusCode: number; body: string }>;
}

/**
 * Issue 17 §6: a service's OpenAPI document (GET /docs/json) checked by an independent validator (the official
 * OpenAPI JSON schemas), not by the library that generated it. tests/contracts/openapi.test.ts runs it for the
 * first services; later services call it from their own tests with their buildApp.
 */
export async function expectValidOpenApi(app: Injectable): Promise<void> {
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  const doc = JSON.parse(res.body) as { openapi: string; paths: Record<string, unknown> };
  expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
  const validator = new Validator();
  const result = await validator.validate(doc);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
}
