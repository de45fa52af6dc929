import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createMetricsRegistry } from '@lienthong/platform';
import { buildApp } from '../src/app.js';
import { loadSandboxConfig } from '../src/config.js';
import { quietLogger } from '../../../tests/helpers/index.js';

let app: FastifyInstance;
beforeAll(async () => {
  const config = loadSandboxConfig({});
  app = await buildApp({
    logger: quietLogger(),
    metrics: createMetricsRegistry('sandbox', { defaults: false }),
    config,
    publicUrl: 'http://127.0.0.1:8090',
  });
});
afterAll(() => app.close());

describe('sandbox app', () => {
  it('mounts every peer under its prefix and lists them', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.json().peers.map((p: { prefix: string }) => p.prefix)).toEqual(
      expect.arrayContaining(['/dvcqg', '/vnpay', '/momo', '/paygov']),
    );
    const login = await app.inject({
      method: 'POST',
      url: '/dvcqg/auth',
      payload: { username: 'lienthong', password: 'lienthong-sandbox' },
    });
    expect(login.json().error_code).toBe(0);
  });
  it('serves health, metrics and OpenAPI like every service', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
  });
  it('refuses a config with a bad value, naming it', () => {
    expect(() => loadSandboxConfig({ SANDBOX_PORT: 'eighty' })).toThrow(/SANDBOX_PORT/);
  });
});
