/**
 * HTTPS and mutual TLS of a service's HTTP server from PEM files (TLS_* settings, http/tls.ts), over real
 * sockets with certificates made here by openssl: a client that trusts the CA gets its answer, plain HTTP
 * to the TLS port gets nothing, a required client certificate is enforced, a bad setting names itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { FastifyInstance } from 'fastify';
import { createApiClientRegistry, generateApiKey, hashApiKey } from '../api-clients.js';
import { loadConfig, type ConfigSchema } from '../config.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { createHttpServer } from './server.js';
import { tlsConfigProperties, tlsOptionsFromConfig } from './tls.js';
import { createTestCertificates, type TestCertificates } from '../../../../tests/helpers/certificates.js';

let certs: TestCertificates;
const f = (name: string) => certs.file(name);

const key = generateApiKey();
const apps: FastifyInstance[] = [];

async function serve(env: Record<string, unknown>): Promise<number> {
  const app = await createHttpServer({
    name: 't',
    logger: createLogger({ name: 't', level: 'silent' }),
    metrics: createMetricsRegistry('t', { defaults: false }),
    auth: {
      clients: createApiClientRegistry({
        clients: [{ id: 'motcua-h22', name: 'p', keyHash: hashApiKey(key), agencies: ['*'], roles: ['submitter'] }],
      }),
    },
    https: tlsOptionsFromConfig(env),
  });
  app.get('/v1/whoami', { config: { access: { roles: ['submitter'] } } }, async (req) => ({
    client: req.apiClient?.id,
    tls: (req.raw.socket as { encrypted?: boolean }).encrypted === true,
  }));
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

function get(port: number, tls: { ca?: boolean; client?: 'client' | 'stranger' }): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/whoami',
        headers: { authorization: `Bearer ${key}` },
        ...(tls.ca ? { ca: readFileSync(f('ca.pem')) } : {}),
        ...(tls.client ? { cert: readFileSync(f(`${tls.client}.pem`)), key: readFileSync(f(`${tls.client}.key`)) } : {}),
        timeout: 5_000,
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS from certificate files (TLS_* settings)', () => {
  beforeAll(() => {
    // A CA, a server certificate for 127.0.0.1, a client certificate of a provincial system, and a stranger's.
    certs = createTestCertificates({ client: 'motcua-h22' });
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    certs.remove();
  });

  it('serves HTTPS with the certificate; a client trusting the CA gets the answer, one that does not is refused, plain HTTP gets nothing', async () => {
    const port = await serve({ TLS_CERT_FILE: f('server.pem'), TLS_KEY_FILE: f('server.key') });
    expect(await get(port, { ca: true })).toEqual({ status: 200, body: { client: 'motcua-h22', tls: true } });
    await expect(get(port, {})).rejects.toThrow(/self-signed|unable to verify|certificate/i);
    const plain = await fetch(`http://127.0.0.1:${port}/v1/whoami`, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(5_000),
    }).then(
      (r) => r.status,
      () => 'no answer',
    );
    expect(plain === 'no answer' || plain === 400).toBe(true);
  });

  it('with TLS_REQUIRE_CLIENT_CERT: a provincial system with a certificate of the CA gets in, without one or with another CA’s it is refused at the handshake', async () => {
    const port = await serve({
      TLS_CERT_FILE: f('server.pem'),
      TLS_KEY_FILE: f('server.key'),
      TLS_CLIENT_CA_FILE: f('ca.pem'),
      TLS_REQUIRE_CLIENT_CERT: true,
    });
    expect(await get(port, { ca: true, client: 'client' })).toEqual({ status: 200, body: { client: 'motcua-h22', tls: true } });
    await expect(get(port, { ca: true })).rejects.toThrow();
    await expect(get(port, { ca: true, client: 'stranger' })).rejects.toThrow();
  });

  it('with a client CA but not required: certificates are optional (the API key still authenticates)', async () => {
    const port = await serve({ TLS_CERT_FILE: f('server.pem'), TLS_KEY_FILE: f('server.key'), TLS_CLIENT_CA_FILE: f('ca.pem') });
    expect((await get(port, { ca: true })).status).toBe(200);
    expect((await get(port, { ca: true, client: 'client' })).status).toBe(200);
  });

  it('plain HTTP when no TLS setting is given; every inconsistent or unreadable setting is refused by name', () => {
    expect(tlsOptionsFromConfig({})).toBeUndefined();
    const refused = (env: Record<string, unknown>) => {
      try {
        tlsOptionsFromConfig(env);
      } catch (err) {
        return `${(err as { code: string }).code} ${(err as Error).message}`;
      }
      return 'accepted';
    };
    expect(refused({ TLS_CERT_FILE: f('server.pem') })).toMatch(/^LT_CONFIG_INVALID TLS_CERT_FILE and TLS_KEY_FILE go together/);
    expect(refused({ TLS_CLIENT_CA_FILE: f('ca.pem') })).toMatch(/^LT_CONFIG_INVALID .*need TLS_CERT_FILE/);
    expect(refused({ TLS_CERT_FILE: f('server.pem'), TLS_KEY_FILE: f('server.key'), TLS_REQUIRE_CLIENT_CERT: true })).toMatch(
      /needs TLS_CLIENT_CA_FILE/,
    );
    expect(refused({ TLS_CERT_FILE: f('missing.pem'), TLS_KEY_FILE: f('server.key') })).toMatch(
      /TLS_CERT_FILE: cannot read .*ENOENT/,
    );
    expect(refused({ TLS_CERT_FILE: f('server.ext'), TLS_KEY_FILE: f('server.key') })).toMatch(
      /TLS_CERT_FILE: .* is not a PEM file/,
    );
  });

  it('the settings load from the environment through a schema that spreads tlsConfigProperties', () => {
    const schema = { type: 'object', properties: { ...tlsConfigProperties } } as const satisfies ConfigSchema;
    const config = loadConfig(schema, {
      TLS_CERT_FILE: f('server.pem'),
      TLS_KEY_FILE: f('server.key'),
      TLS_CLIENT_CA_FILE: f('ca.pem'),
      TLS_REQUIRE_CLIENT_CERT: 'true',
    });
    const o = tlsOptionsFromConfig(config as Record<string, unknown>)!;
    expect([o.requestCert, o.rejectUnauthorized, o.ca?.toString().startsWith('-----BEGIN CERTIFICATE')]).toEqual([
      true,
      true,
      true,
    ]);
  });
});
