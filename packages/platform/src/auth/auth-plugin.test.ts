import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createApiClientRegistry, generateApiKey, hashApiKey, type Role } from '../api-clients.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { createHttpServer } from '../http/server.js';
import { assertAgencyScope, assertAllAgencies, requireClient } from './auth-plugin.js';

const keys = {
  submitter: generateApiKey(),
  operator: generateApiKey(),
  h22: generateApiKey(),
  revoked: generateApiKey(),
  legacy: generateApiKey(),
};
const clients = createApiClientRegistry({
  clients: [
    { id: 'submitter', name: 's', keyHash: hashApiKey(keys.submitter), agencies: ['*'], roles: ['submitter'] },
    { id: 'operator', name: 'o', keyHash: hashApiKey(keys.operator), agencies: ['*'], roles: ['operator', 'auditor'] },
    { id: 'h22', name: 'p', keyHash: hashApiKey(keys.h22), agencies: ['*.H22'], roles: ['submitter', 'operator'] },
    { id: 'gone', name: 'g', keyHash: hashApiKey(keys.revoked), agencies: ['*'], roles: ['operator'], revoked: true },
    // No roles in the file: a submitter only (an old clients file never grants more than it did).
    { id: 'legacy', name: 'l', keyHash: hashApiKey(keys.legacy), agencies: ['*'] },
  ],
});
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** A server with the platform's auth and routes of every kind; `bodiesParsed` counts body parses. */
async function server() {
  const app = await createHttpServer({
    name: 't',
    logger: createLogger({ name: 't', level: 'silent' }),
    metrics: createMetricsRegistry('t', { defaults: false }),
    auth: { clients },
  });
  apps.push(app);
  const seen = { bodiesParsed: 0 };
  app.addHook('preValidation', async (req) => {
    if (req.body !== undefined) seen.bodiesParsed++;
  });
  const access = (...roles: Role[]) => ({ config: { access: { roles } } });
  app.post('/v1/validate', access('submitter'), async (req) => ({ client: requireClient(req).id }));
  app.post('/v1/admin/replay', access('operator'), async (req) => ({ client: requireClient(req).id }));
  app.get('/v1/audit', access('auditor'), async () => ({ ok: true }));
  app.get('/v1/public', { config: { access: { public: 'test' } } }, async (req) => ({ client: req.apiClient }));
  app.post('/v1/ipn', { config: { access: { signed: 'test signature in the body' } } }, async (req) => ({
    client: req.apiClient,
  }));
  app.get<{ Params: { agency: string } }>('/v1/agencies/:agency/thing', access('submitter', 'operator'), async (req) => {
    assertAgencyScope(req, req.params.agency, '/agency');
    return { ok: true };
  });
  app.post('/v1/admin/everything', access('operator'), async (req) => ({ client: assertAllAgencies(req, '/since').id }));
  app.get('/v1/public-requires-client', { config: { access: { public: 'test' } } }, async (req) => requireClient(req).id);
  await app.ready();
  return { app, seen };
}

describe('auth plugin: deny by default', () => {
  it('refuses to register a route that declares no access, naming it', async () => {
    const app = await createHttpServer({
      name: 't',
      logger: createLogger({ name: 't', level: 'silent' }),
      metrics: createMetricsRegistry('t', { defaults: false }),
      auth: { clients },
    });
    apps.push(app);
    expect(() => app.get('/v1/forgotten', async () => 'x')).toThrow(/GET \/v1\/forgotten declares no access/);
    expect(() => app.post('/v1/empty', { config: { access: { roles: [] } } }, async () => 'x')).toThrow(/access.roles is empty/);
  });

  it('also in an encapsulated plugin (routes registered under a prefix)', async () => {
    const app = await createHttpServer({
      name: 't',
      logger: createLogger({ name: 't', level: 'silent' }),
      metrics: createMetricsRegistry('t', { defaults: false }),
      auth: { clients },
    });
    apps.push(app);
    const registered = (async () => {
      await app.register(
        async (child) => {
          child.get('/inner', async () => 'x');
        },
        { prefix: '/v1/plugin' },
      );
      await app.ready();
    })();
    await expect(registered).rejects.toThrow(/\/v1\/plugin\/inner declares no access/);
  });

  it('the automatic HEAD twin of a GET route keeps its access', async () => {
    const { app } = await server();
    expect((await app.inject({ method: 'HEAD', url: '/v1/audit' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'HEAD', url: '/v1/audit', headers: bearer(keys.operator) })).statusCode).toBe(200);
  });
});

describe('auth plugin: keys and roles', () => {
  it('answers 401 in the error format without a key, with a wrong one and with a malformed header', async () => {
    const { app } = await server();
    for (const headers of [{}, bearer(`${keys.submitter}x`), { authorization: 'Basic abc' }, { authorization: 'Bearer' }]) {
      const r = await app.inject({
        method: 'POST',
        url: '/v1/validate',
        headers: { ...headers, 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({
        error: 'LT_AUTH_UNAUTHORIZED',
        message: expect.any(String),
        message_en: expect.any(String),
      });
      expect(r.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('lets a route be called only by a role it names (403 LT_AUTH_ROLE_REQUIRED otherwise)', async () => {
    const { app } = await server();
    const call = (url: string, key: string, method: 'GET' | 'POST' = 'POST') =>
      app.inject({
        method,
        url,
        headers: { ...bearer(key), 'content-type': 'application/json' },
        ...(method === 'POST' ? { payload: '{}' } : {}),
      });
    expect((await call('/v1/validate', keys.submitter)).json()).toEqual({ client: 'submitter' });
    const denied = await call('/v1/admin/replay', keys.submitter);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toBe('LT_AUTH_ROLE_REQUIRED');
    expect(denied.json().message_en).toMatch(/operator/);
    expect((await call('/v1/admin/replay', keys.operator)).json()).toEqual({ client: 'operator' });
    expect((await call('/v1/validate', keys.operator)).statusCode).toBe(403);
    expect((await call('/v1/audit', keys.operator, 'GET')).statusCode).toBe(200);
    expect((await call('/v1/audit', keys.h22, 'GET')).statusCode).toBe(403);
    // A client without roles in the file is a submitter, nothing more.
    expect((await call('/v1/validate', keys.legacy)).statusCode).toBe(200);
    expect((await call('/v1/admin/replay', keys.legacy)).statusCode).toBe(403);
  });

  it('refuses a revoked key like an unknown one', async () => {
    const { app } = await server();
    const r = await app.inject({
      method: 'POST',
      url: '/v1/admin/replay',
      headers: { ...bearer(keys.revoked), 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(r.statusCode).toBe(401);
    expect(r.json().message_en).toMatch(/unknown API key/);
  });

  it('public and signed routes need no key and see no client; requireClient there is a 401', async () => {
    const { app } = await server();
    expect((await app.inject({ method: 'GET', url: '/v1/public', headers: bearer(keys.operator) })).json()).toEqual({
      client: null,
    });
    expect(
      (
        await app.inject({ method: 'POST', url: '/v1/ipn', headers: { 'content-type': 'application/json' }, payload: '{}' })
      ).json(),
    ).toEqual({ client: null });
    expect((await app.inject({ method: 'GET', url: '/v1/public-requires-client' })).statusCode).toBe(401);
    for (const url of ['/health/live', '/health/ready', '/metrics', '/docs/json'])
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
  });

  it('decides on the route the router matched, after decoding: encoded paths need a key too', async () => {
    const { app, seen } = await server();
    for (const url of [
      '/%761/validate',
      '/v1/%76alidate',
      '/v1%2Fvalidate',
      '/V1/validate',
      '/v1/validate/',
      '/v1//validate',
      '/v1/validate?x=1',
      '/v1/./validate',
    ]) {
      const r = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{"a":1}' });
      expect([401, 404], `${url} → ${r.statusCode}`).toContain(r.statusCode);
      if (r.statusCode === 404) expect(r.json().error).toBe('LT_HTTP_NOT_FOUND');
    }
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/%761/validate',
          headers: { 'content-type': 'application/json' },
          payload: '{}',
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/admin/%72eplay',
          headers: { ...bearer(keys.submitter), 'content-type': 'application/json' },
          payload: '{}',
        })
      ).statusCode,
    ).toBe(403);
    // Unknown URLs too are answered before their body is read.
    expect(seen.bodiesParsed).toBe(0);
    const ok = await app.inject({
      method: 'POST',
      url: '/%761/validate',
      headers: { ...bearer(keys.submitter), 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(ok.json()).toEqual({ client: 'submitter' });
  });

  it('refuses before the body is read: a 401 comes back while the client is still sending', async () => {
    const { app, seen } = await server();
    const address = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(address.port), address.hostname);
      let got = '';
      socket.setTimeout(10_000, () => reject(new Error('no answer while the body was pending')));
      socket.on('error', reject);
      socket.on('data', (d) => {
        got += d.toString();
        if (got.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(got);
        }
      });
      // Announces 4 MB and sends only the first bytes: a handler reading the body would wait forever.
      socket.write(
        `POST /v1/validate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 4000000\r\n\r\n{"MaHoSo":`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    expect(seen.bodiesParsed).toBe(0);
  });
});

describe('assertAgencyScope', () => {
  it('allows the client’s own agencies (exact, *.<province>, *) and refuses others with the data’s path', async () => {
    const { app } = await server();
    const get = (agency: string, key: string) =>
      app.inject({ method: 'GET', url: `/v1/agencies/${agency}/thing`, headers: bearer(key) });
    expect((await get('000.00.01.H22', keys.h22)).statusCode).toBe(200);
    expect((await get('000.00.01.H56', keys.operator)).statusCode).toBe(200);
    const r = await get('000.00.01.H56', keys.h22);
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({
      error: 'LT_AUTH_AGENCY_FORBIDDEN',
      details: [{ path: '/agency', code: 'LT_AUTH_AGENCY_FORBIDDEN' }],
    });
    // A suffix pattern matches whole dot-separated segments only: `*.H22` is not `…XH22`.
    expect((await get('000.00.01.XH22', keys.h22)).statusCode).toBe(403);
  });

  it('assertAllAgencies: only a client scoped to "*" acts across agencies', async () => {
    const { app } = await server();
    const call = (key: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/admin/everything',
        headers: { ...bearer(key), 'content-type': 'application/json' },
        payload: '{}',
      });
    expect((await call(keys.operator)).json()).toEqual({ client: 'operator' });
    const scoped = await call(keys.h22);
    expect(scoped.statusCode).toBe(403);
    expect(scoped.json()).toMatchObject({ error: 'LT_AUTH_AGENCY_FORBIDDEN', details: [{ path: '/since' }] });
  });
});
