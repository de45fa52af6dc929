/**
 * API clients bound to a client certificate (issue 11 §5), over real HTTPS on 127.0.0.1 with certificates
 * made here by openssl: a bound client gets in only with the certificate its entry names, verified by
 * TLS_CLIENT_CA_FILE; without it, with another one, or over plain HTTP its valid key is refused (401, both
 * languages, the client named in the log only); a client without a binding is unaffected. Clients-file
 * bindings are checked at load with messages naming the client and the value, and follow the file's reloads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createTestCertificates, tlsRequest, type TestCertificates } from '../../../../tests/helpers/index.js';
import { createApiClientRegistry, generateApiKey, hashApiKey, type ApiClientRegistry } from '../api-clients.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { createHttpServer } from '../http/server.js';
import { tlsOptionsFromConfig } from '../http/tls.js';
import { createReloadableApiClients, type ReloadableApiClients } from './reloadable-clients.js';

let certs: TestCertificates;
const keys = { byPrint: generateApiKey(), byName: generateApiKey(), byBoth: generateApiKey(), free: generateApiKey() };
const apps: FastifyInstance[] = [];
const reloadables: ReloadableApiClients[] = [];
const logLines: string[] = [];

/** The clients file of a province: h22's system pinned by fingerprint, by name, by both; one unbound client. */
function clientsFile(): object {
  return {
    clients: [
      {
        id: 'h22-pinned',
        name: 'p',
        keyHash: hashApiKey(keys.byPrint),
        agencies: ['*.H22'],
        clientCertificate: { sha256: [certs.fingerprint('h22')] },
      },
      {
        id: 'h22-named',
        name: 'n',
        keyHash: hashApiKey(keys.byName),
        agencies: ['*.H22'],
        clientCertificate: { subjectCN: ['motcua-h22'] },
      },
      {
        id: 'h22-both',
        name: 'b',
        keyHash: hashApiKey(keys.byBoth),
        agencies: ['*.H22'],
        // Lower case and without colons: the file accepts the forms operators copy, normalized at load.
        clientCertificate: { sha256: [certs.fingerprint('h22').replace(/:/g, '').toLowerCase()], subjectCN: ['motcua-h22'] },
      },
      { id: 'free', name: 'f', keyHash: hashApiKey(keys.free), agencies: ['*'] },
    ],
  };
}

async function serve(clients: ApiClientRegistry, tls: Record<string, unknown> | undefined): Promise<string> {
  const destination = new Writable({
    write(c, _e, cb) {
      logLines.push(c.toString());
      cb();
    },
  });
  const app = await createHttpServer({
    name: 't',
    logger: createLogger({ name: 't', level: 'info', destination }),
    metrics: createMetricsRegistry('t', { defaults: false }),
    auth: { clients },
    ...(tls ? { https: tlsOptionsFromConfig(tls) } : {}),
  });
  app.get('/v1/whoami', { config: { access: { roles: ['submitter'] } } }, async (req) => ({ client: req.apiClient?.id }));
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `${tls ? 'https' : 'http'}://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}

const serverFiles = () => ({ TLS_CERT_FILE: certs.file('server.pem'), TLS_KEY_FILE: certs.file('server.key') });

/** Status and error code of GET /v1/whoami with `key`, presenting the client certificate `as` (or none). */
async function call(base: string, key: string, as?: string): Promise<string> {
  const r = await tlsRequest({
    url: `${base}/v1/whoami`,
    ca: certs.client('ca').cert,
    headers: { authorization: `Bearer ${key}` },
    ...(as ? { client: certs.client(as) } : {}),
  });
  const body = JSON.parse(r.text) as { client?: string; error?: string };
  return r.status === 200 ? `200 ${body.client}` : `${r.status} ${body.error}`;
}

beforeAll(() => {
  certs = createTestCertificates({ h22: 'motcua-h22', h22reissued: 'motcua-h22', h56: 'motcua-h56' });
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  for (const r of reloadables) r.close();
  certs?.remove();
});

describe('API clients bound to a client certificate, over HTTPS with optional client certificates', () => {
  let base: string;
  beforeAll(async () => {
    base = await serve(createApiClientRegistry(clientsFile()), { ...serverFiles(), TLS_CLIENT_CA_FILE: certs.file('ca.pem') });
  });

  it('pinned by fingerprint: only that certificate; a re-issued one with the same name, another province’s, a stranger’s or none is refused', async () => {
    expect(await call(base, keys.byPrint, 'h22')).toBe('200 h22-pinned');
    expect(await call(base, keys.byPrint, 'h22reissued')).toBe('401 LT_AUTH_CLIENT_CERT_MISMATCH');
    expect(await call(base, keys.byPrint, 'h56')).toBe('401 LT_AUTH_CLIENT_CERT_MISMATCH');
    // Self-signed, not from TLS_CLIENT_CA_FILE: the handshake is let through (not required) but it proves nothing.
    expect(await call(base, keys.byPrint, 'stranger')).toBe('401 LT_AUTH_CLIENT_CERT_REQUIRED');
    expect(await call(base, keys.byPrint)).toBe('401 LT_AUTH_CLIENT_CERT_REQUIRED');
  });

  it('bound by subject CN: any certificate of the CA with that name; another name is refused', async () => {
    expect(await call(base, keys.byName, 'h22')).toBe('200 h22-named');
    expect(await call(base, keys.byName, 'h22reissued')).toBe('200 h22-named');
    expect(await call(base, keys.byName, 'h56')).toBe('401 LT_AUTH_CLIENT_CERT_MISMATCH');
    expect(await call(base, keys.byName)).toBe('401 LT_AUTH_CLIENT_CERT_REQUIRED');
  });

  it('bound by both: fingerprint and name must both match', async () => {
    expect(await call(base, keys.byBoth, 'h22')).toBe('200 h22-both');
    expect(await call(base, keys.byBoth, 'h22reissued')).toBe('401 LT_AUTH_CLIENT_CERT_MISMATCH');
  });

  it('a client without a binding is unaffected: with or without a certificate, even a stranger’s', async () => {
    expect(await call(base, keys.free)).toBe('200 free');
    expect(await call(base, keys.free, 'h56')).toBe('200 free');
    expect(await call(base, keys.free, 'stranger')).toBe('200 free');
  });

  it('the refusal is a 401 in Vietnamese and English naming the scheme, and says nothing of the client; the log names it', async () => {
    const before = logLines.length;
    const r = await tlsRequest({
      url: `${base}/v1/whoami`,
      ca: certs.client('ca').cert,
      headers: { authorization: `Bearer ${keys.byPrint}` },
      client: certs.client('h56'),
    });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer');
    const body = JSON.parse(r.text) as Record<string, unknown>;
    expect(body).toEqual({
      error: 'LT_AUTH_CLIENT_CERT_MISMATCH',
      message: 'Chứng thư số máy khách đã xuất trình không phải chứng thư gắn với khóa API này',
      message_en: 'the client certificate presented is not the one this API key is bound to',
      details: [],
    });
    expect(r.text).not.toContain('h22-pinned');
    const warned = logLines
      .slice(before)
      .map((l) => JSON.parse(l) as { msg: string; client?: string; code?: string })
      .find((l) => l.msg === 'API key of a certificate-bound client refused');
    expect(warned).toMatchObject({ client: 'h22-pinned', code: 'LT_AUTH_CLIENT_CERT_MISMATCH' });
  });

  it('a wrong key with the right certificate is still an unknown key (the certificate is not a credential alone)', async () => {
    expect(await call(base, generateApiKey(), 'h22')).toBe('401 LT_AUTH_UNAUTHORIZED');
  });
});

describe('where no verified certificate can arrive', () => {
  it('plain HTTP: a bound client’s valid key is refused, an unbound one works', async () => {
    const base = await serve(createApiClientRegistry(clientsFile()), undefined);
    const get = (key: string) =>
      fetch(`${base}/v1/whoami`, { headers: { authorization: `Bearer ${key}` } }).then(async (r) => {
        const b = (await r.json()) as { client?: string; error?: string };
        return `${r.status} ${b.client ?? b.error}`;
      });
    expect(await get(keys.byPrint)).toBe('401 LT_AUTH_CLIENT_CERT_REQUIRED');
    expect(await get(keys.byName)).toBe('401 LT_AUTH_CLIENT_CERT_REQUIRED');
    expect(await get(keys.free)).toBe('200 free');
  });

  it('HTTPS without TLS_CLIENT_CA_FILE asks for no certificate: a bound client is refused even when it offers one', async () => {
    const base = await serve(createApiClientRegistry(clientsFile()), serverFiles());
    expect(await call(base, keys.byPrint, 'h22')).toBe('401 LT_AUTH_CLIENT_CERT_REQUIRED');
    expect(await call(base, keys.free)).toBe('200 free');
  });

  it('in-process calls (no socket) refuse a bound client and let the others through', () => {
    const registry = createApiClientRegistry(clientsFile());
    expect(() => registry.authenticate(`Bearer ${keys.byPrint}`, undefined)).toThrowError(
      expect.objectContaining({ code: 'LT_AUTH_CLIENT_CERT_REQUIRED', kind: 'unauthorized' }),
    );
    expect(registry.authenticate(`Bearer ${keys.free}`, undefined).id).toBe('free');
  });
});

describe('with TLS_REQUIRE_CLIENT_CERT', () => {
  it('the TLS layer refuses a connection without a certificate of the CA before any key is read; with one, bindings still apply', async () => {
    const base = await serve(createApiClientRegistry(clientsFile()), {
      ...serverFiles(),
      TLS_CLIENT_CA_FILE: certs.file('ca.pem'),
      TLS_REQUIRE_CLIENT_CERT: true,
    });
    await expect(call(base, keys.free)).rejects.toThrow();
    await expect(call(base, keys.free, 'stranger')).rejects.toThrow();
    expect(await call(base, keys.free, 'h56')).toBe('200 free');
    expect(await call(base, keys.byPrint, 'h56')).toBe('401 LT_AUTH_CLIENT_CERT_MISMATCH');
    expect(await call(base, keys.byPrint, 'h22')).toBe('200 h22-pinned');
  });
});

describe('bindings follow the clients file’s reloads', () => {
  it('binding a client takes effect without a restart; a malformed fingerprint is not reloaded and the binding in force stays', async () => {
    const file = path.join(certs.dir, 'api-clients.json');
    const write = (entries: object[]) => {
      writeFileSync(`${file}.tmp`, JSON.stringify({ clients: entries }));
      renameSync(`${file}.tmp`, file);
    };
    const entry = { id: 'h22', name: 'h22', keyHash: hashApiKey(keys.free), agencies: ['*.H22'] };
    write([entry]);
    const clients = createReloadableApiClients({
      path: file,
      logger: createLogger({ name: 't', level: 'silent' }),
      pollIntervalMs: 3_600_000,
    });
    reloadables.push(clients);
    const base = await serve(clients, { ...serverFiles(), TLS_CLIENT_CA_FILE: certs.file('ca.pem') });
    expect(await call(base, keys.free)).toBe('200 h22');

    write([{ ...entry, clientCertificate: { sha256: [certs.fingerprint('h22')] } }]);
    expect(clients.reload()).toBe(true);
    expect(await call(base, keys.free)).toBe('401 LT_AUTH_CLIENT_CERT_REQUIRED');
    expect(await call(base, keys.free, 'h22')).toBe('200 h22');

    write([{ ...entry, clientCertificate: { sha256: ['AB:CD'] } }]);
    expect(clients.reload()).toBe(false);
    expect(await call(base, keys.free)).toBe('401 LT_AUTH_CLIENT_CERT_REQUIRED');
    expect(await call(base, keys.free, 'h22')).toBe('200 h22');

    // Rotation: the renewed certificate's fingerprint beside the old one, then the old one removed.
    write([{ ...entry, clientCertificate: { sha256: [certs.fingerprint('h22'), certs.fingerprint('h22reissued')] } }]);
    expect(clients.reload()).toBe(true);
    expect([await call(base, keys.free, 'h22'), await call(base, keys.free, 'h22reissued')]).toEqual(['200 h22', '200 h22']);
    write([{ ...entry, clientCertificate: { sha256: [certs.fingerprint('h22reissued')] } }]);
    expect(clients.reload()).toBe(true);
    expect(await call(base, keys.free, 'h22')).toBe('401 LT_AUTH_CLIENT_CERT_MISMATCH');
  });
});

describe('clients-file bindings are checked at load', () => {
  const load = (clientCertificate: unknown, extra: object = {}) => {
    try {
      const r = createApiClientRegistry({
        clients: [{ id: 'h22', name: 'n', keyHash: hashApiKey('k'), agencies: ['*'], clientCertificate, ...extra }],
      });
      return r.clients[0]?.clientCertificate ?? 'loaded without binding';
    } catch (err) {
      return `${(err as { code: string }).code} ${(err as Error).message}`;
    }
  };
  const fp = 'AB:'.repeat(31) + 'CD';

  it('accepts the forms openssl and node print, normalized to one', () => {
    const expected = { sha256: [fp], subjectCN: [] };
    expect(load({ sha256: [fp] })).toEqual(expected);
    expect(load({ sha256: [fp.toLowerCase()] })).toEqual(expected);
    expect(load({ sha256: [fp.replace(/:/g, '')] })).toEqual(expected);
    expect(load({ sha256: [`sha256:${fp.replace(/:/g, '').toLowerCase()}`] })).toEqual(expected);
    expect(load({ subjectCN: ['motcua-h22.hagiang.gov.vn'] })).toEqual({ sha256: [], subjectCN: ['motcua-h22.hagiang.gov.vn'] });
  });

  it.each([
    ['too short', ['AB:CD'], /client h22: clientCertificate\.sha256\[0\] "AB:CD" is not a SHA-256 fingerprint/],
    ['not hex', ['ZZ:'.repeat(31) + 'ZZ'], /sha256\[0\] .* is not a SHA-256 fingerprint/],
    ['one digit too many', [fp.replace(/:/g, '') + 'A'], /is not a SHA-256 fingerprint/],
    ['mixed separators', [fp.replace(':', '-')], /is not a SHA-256 fingerprint/],
    ['openssl’s default SHA-1', ['AB:'.repeat(19) + 'CD'], /is a SHA-1 fingerprint; give the SHA-256 one/],
    ['the second of two', [fp, 'nope'], /sha256\[1\] "nope" is not a SHA-256 fingerprint/],
    ['a NUL', [`${fp}\u0000`], /is not a SHA-256 fingerprint/],
  ])('refuses a malformed fingerprint (%s), naming client, index and value', (_what, sha256, message) => {
    const refused = load({ sha256 });
    expect(refused).toMatch(/^LT_CONFIG_INVALID API clients file: client h22: clientCertificate\.sha256\[\d\] "/);
    expect(refused).toMatch(message);
  });

  it.each([
    ['an empty binding (it would bind nothing)', {}],
    ['an empty list', { sha256: [] }],
    ['an unknown criterion', { sha256: [fp], issuer: 'x' }],
    ['a number', { sha256: [42] }],
    ['a string instead of a list', { sha256: fp }],
    ['a CN with a control character', { subjectCN: ['motcua\nh22'] }],
    ['an oversize value', { sha256: ['A'.repeat(100_000)] }],
    ['too many entries', { sha256: Array.from({ length: 21 }, () => fp) }],
    ['null', null],
  ])('refuses %s with the file’s schema error', (_what, binding) => {
    expect(load(binding)).toMatch(/^LT_CONFIG_INVALID API clients file is invalid: \/clients\/0\/clientCertificate/);
  });

  it('checks revoked entries too (a bad edit is refused when written, not when reinstated)', () => {
    expect(load({ sha256: ['AB'] }, { revoked: true })).toMatch(/is not a SHA-256 fingerprint/);
  });

  it('never echoes more than 100 characters of a malformed value', () => {
    const r = load({ sha256: ['Z'.repeat(200)] }) as string;
    expect(r).toMatch(/is not a SHA-256 fingerprint/);
    expect(r).not.toContain('Z'.repeat(101));
  });
});
