/**
 * HTTPS and per-client mutual TLS of the services provincial systems and operators reach (issue 11 §5), as an
 * operator runs them: the gateway, payments and console from their dist builds on runService, with the
 * TLS_* settings and a clients file in which one client is bound to a client certificate, real Kafka and
 * Postgres, certificates made here by openssl. Each service serves HTTPS only; the bound client gets in with
 * its certificate and is refused (401) without it or with another province's; an unbound client is
 * unaffected. Bad TLS settings and a malformed fingerprint stop the start with a line naming the setting,
 * and so does a service that would build a plain HTTP server while TLS is configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateApiKey, hashApiKey } from '@lienthong/platform';
import {
  createTestCertificates,
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  dossierItem,
  eventually,
  testBrokers,
  tlsRequest,
  type TestCertificates,
  type TlsResponse,
} from '../helpers/index.js';
import { testMerchants } from '../../services/payments/test/harness.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const services = ['gateway', 'payments', 'console'] as const;
type Service = (typeof services)[number];
const keys = { bound: generateApiKey(), free: generateApiKey() };
const ALL_ROLES = ['submitter', 'operator', 'auditor', 'viewer'];

let certs: TestCertificates;
let ns: string;
const dbs: Array<{ url: string; drop: () => Promise<void> }> = [];
const procs: ChildProcess[] = [];
const base = {} as Record<Service, string>;
const outputs = {} as Record<Service, () => string>;

function baseEnv(dbUrl: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: dbUrl,
    API_CLIENTS_FILE: certs.file('api-clients.json'),
    KAFKA_BROKERS: testBrokers().join(','),
    KAFKA_TOPIC_NAMESPACE: ns,
    LOG_LEVEL: 'info',
    TLS_CERT_FILE: certs.file('server.pem'),
    TLS_KEY_FILE: certs.file('server.key'),
    TLS_CLIENT_CA_FILE: certs.file('ca.pem'),
  };
}

const ownEnv = (): Record<Service, Record<string, string>> => ({
  gateway: { GATEWAY_PORT: '0' },
  payments: {
    PAYMENTS_PORT: '0',
    PAYMENTS_MERCHANTS_FILE: certs.file('merchants.json'),
    PAYMENTS_RECONCILE_ENABLED: 'false',
  },
  console: {
    CONSOLE_PORT: '0',
    CONSOLE_SESSION_SECRET: 'https-test-session-secret-0123456789abcdef',
    CONSOLE_INDEX_ENABLED: 'false',
    CONSOLE_SCRAPE_INTERVAL_MS: '60000',
  },
});

/** Starts `node services/<s>/dist/main.js`; resolves with its exit (code, output) or, once listening, its URL. */
function start(
  script: string,
  env: Record<string, string>,
): { proc: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let output = '';
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, output: () => output, exited };
}

const ca = () => certs.client('ca').cert;

/** A request to a service over HTTPS with `key`, presenting the client certificate `as` (or none). */
function call(
  s: Service,
  url: string,
  key: string | undefined,
  as?: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
) {
  return tlsRequest({
    url: `${base[s]}${url}`,
    ca: ca(),
    method: init.method ?? 'GET',
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.headers ?? {}) },
    ...(init.body !== undefined ? { body: init.body } : {}),
    ...(as ? { client: certs.client(as) } : {}),
  });
}
const outcome = (r: TlsResponse) => {
  if (r.status < 300) return String(r.status);
  try {
    return `${r.status} ${(JSON.parse(r.text) as { error: string }).error}`;
  } catch {
    return String(r.status);
  }
};

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', ...services.map((s) => `services/${s}`)], { cwd: root, stdio: 'pipe', timeout: 300_000 });
  certs = createTestCertificates({ h22: 'motcua-h22', h56: 'motcua-h56' });
  writeFileSync(
    certs.file('api-clients.json'),
    JSON.stringify({
      clients: [
        {
          id: 'h22-bound',
          name: 'Một cửa H22 (bound to its certificate)',
          keyHash: hashApiKey(keys.bound),
          agencies: ['*'],
          roles: ALL_ROLES,
          clientCertificate: { sha256: [certs.fingerprint('h22')] },
        },
        { id: 'free', name: 'unbound', keyHash: hashApiKey(keys.free), agencies: ['*'], roles: ALL_ROLES },
      ],
    }),
  );
  writeFileSync(certs.file('merchants.json'), JSON.stringify(testMerchants));
  ns = await createTestNamespace();
  const env = ownEnv();
  await Promise.all(
    services.map(async (s) => {
      const db = await createTestDatabase();
      dbs.push(db);
      const p = start(`services/${s}/dist/main.js`, { ...baseEnv(db.url), ...env[s] });
      outputs[s] = p.output;
      // fastify logs "Server listening at https://127.0.0.1:<port>" (port 0: the OS chose it).
      base[s] = await Promise.race([
        eventually(() => /Server listening at (https:\/\/127\.0\.0\.1:\d+)/.exec(p.output())?.[1], {
          what: `${s} listening over HTTPS`,
          timeoutMs: 120_000,
        }),
        p.exited.then((code) => {
          throw new Error(`${s} exited ${code}: ${p.output().slice(-2_000)}`);
        }),
      ]);
    }),
  );
}, 420_000);

afterAll(async () => {
  await Promise.all(
    procs.map(async (p) => {
      if (p.exitCode === null && p.signalCode === null) {
        const gone = new Promise((r) => p.once('exit', r));
        p.kill('SIGTERM');
        await gone;
      }
    }),
  );
  await Promise.all(dbs.map((d) => d.drop()));
  if (ns) await deleteTestNamespace(ns);
  certs?.remove();
});

describe.each(services)('%s over HTTPS (runService, TLS_* settings)', (s) => {
  it('answers over TLS with the certificate of the files, and says so at start', async () => {
    const r = await tlsRequest({ url: `${base[s]}/health/live`, ca: ca() });
    expect([r.status, JSON.parse(r.text)]).toEqual([200, { status: 'ok' }]);
    const started = outputs[s]()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; https?: boolean; clientCertificates?: string })
      .find((l) => l.msg === 'started');
    expect(started).toMatchObject({ https: true, clientCertificates: 'optional' });
  });

  it('plain HTTP on its port gets no answer', async () => {
    const plain = await fetch(base[s].replace('https:', 'http:') + '/health/live', { signal: AbortSignal.timeout(10_000) }).then(
      (r) => r.status,
      () => 'no answer',
    );
    // Node's TLS server drops a plain HTTP request (some versions answer 400 first): never the data.
    expect(['no answer', 400]).toContain(plain);
  });
});

describe('an API client bound to a client certificate', () => {
  const validate = (key: string | undefined, as?: string) =>
    call('gateway', '/v1/validate', key, as, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(dossierItem(1)),
    }).then(outcome);
  const review = (key: string | undefined, as?: string) => call('payments', '/v1/admin/payments/review', key, as).then(outcome);

  it('gateway: gets in with its certificate; without it or with another province’s its valid key is refused', async () => {
    expect(await validate(keys.bound, 'h22')).toBe('200');
    expect(await validate(keys.bound)).toBe('401 LT_AUTH_CLIENT_CERT_REQUIRED');
    expect(await validate(keys.bound, 'h56')).toBe('401 LT_AUTH_CLIENT_CERT_MISMATCH');
    expect(await validate(keys.bound, 'stranger')).toBe('401 LT_AUTH_CLIENT_CERT_REQUIRED');
  });

  it('payments: the same', async () => {
    expect(await review(keys.bound, 'h22')).toBe('200');
    expect(await review(keys.bound)).toBe('401 LT_AUTH_CLIENT_CERT_REQUIRED');
    expect(await review(keys.bound, 'h56')).toBe('401 LT_AUTH_CLIENT_CERT_MISMATCH');
  });

  it('the log names the client whose key came without its certificate', () => {
    const warned = outputs
      .gateway()
      .split('\n')
      .filter((l) => l.includes('certificate-bound client refused'))
      .map((l) => JSON.parse(l) as { client: string; code: string });
    expect(warned).toContainEqual(expect.objectContaining({ client: 'h22-bound', code: 'LT_AUTH_CLIENT_CERT_REQUIRED' }));
  });

  it('an unbound client is unaffected, with or without a certificate', async () => {
    expect(await validate(keys.free)).toBe('200');
    expect(await validate(keys.free, 'h56')).toBe('200');
    expect(await review(keys.free)).toBe('200');
  });

  it('console: signs in only with its certificate, and its session is good only over a connection presenting it', async () => {
    /** One browser: keeps cookies; presents the client certificate `as`. */
    const browser = (as?: string) => {
      const jar = new Map<string, string>();
      const go = async (url: string, form?: Record<string, string>) => {
        const r = await call('console', url, undefined, as, {
          method: form ? 'POST' : 'GET',
          headers: {
            cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
            ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          ...(form ? { body: new URLSearchParams(form).toString() } : {}),
        });
        const set = r.headers['set-cookie'] ?? [];
        for (const c of set) {
          const [pair] = c.split(';');
          const i = pair!.indexOf('=');
          jar.set(pair!.slice(0, i), pair!.slice(i + 1));
        }
        return r;
      };
      return {
        jar,
        go,
        async signIn(key: string) {
          const page = await go('/dang-nhap');
          const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
          expect(token, `CSRF token on the sign-in page (${page.status})`).toBeDefined();
          return go('/dang-nhap', { _csrf: token!, apiKey: key, back: '/' });
        },
      };
    };
    const withCert = browser('h22');
    const signedIn = await withCert.signIn(keys.bound);
    expect([signedIn.status, signedIn.headers.location]).toEqual([303, '/']);
    expect((await withCert.go('/')).status).toBe(200);

    // The same session cookie over a connection without the certificate: not signed in (to the sign-in page).
    const thief = browser();
    for (const [k, v] of withCert.jar) thief.jar.set(k, v);
    const stolen = await thief.go('/');
    expect([stolen.status, stolen.headers.location]).toEqual([303, '/dang-nhap?back=%2F']);
    // …and it did not end the operator's session.
    expect((await withCert.go('/')).status).toBe(200);

    expect((await browser().signIn(keys.bound)).status).toBe(401);
    expect((await browser('h56').signIn(keys.bound)).status).toBe(401);
    const free = await browser().signIn(keys.free);
    expect([free.status, free.headers.location]).toEqual([303, '/']);
  });
});

describe('TLS_REQUIRE_CLIENT_CERT', () => {
  it('the gateway refuses the TLS handshake without a certificate of TLS_CLIENT_CA_FILE; with one, the key decides', async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    const p = start('services/gateway/dist/main.js', {
      ...baseEnv(db.url),
      GATEWAY_PORT: '0',
      TLS_REQUIRE_CLIENT_CERT: 'true',
    });
    const url = await eventually(() => /Server listening at (https:\/\/127\.0\.0\.1:\d+)/.exec(p.output())?.[1], {
      what: `the gateway listening; output: ${p.output().slice(-500)}`,
      timeoutMs: 120_000,
    });
    const get = (as?: string) =>
      tlsRequest({
        url: `${url}/v1/validate`,
        ca: ca(),
        method: 'POST',
        headers: { authorization: `Bearer ${keys.free}`, 'content-type': 'application/json' },
        body: JSON.stringify(dossierItem(1)),
        ...(as ? { client: certs.client(as) } : {}),
      });
    await expect(get()).rejects.toThrow();
    await expect(get('stranger')).rejects.toThrow();
    expect((await get('h56')).status).toBe(200);
    p.proc.kill('SIGTERM');
    await p.exited;
  });
});

describe('refused at start, naming the setting', () => {
  /** Starts the service with `env` over a valid base and returns its exit code and the line it printed. */
  async function refusal(s: Service, env: Record<string, string | undefined>): Promise<string> {
    const full: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...baseEnv('postgres://nobody@127.0.0.1:1/none'), ...ownEnv()[s], ...env }))
      if (v !== undefined) full[k] = v;
    const p = start(`services/${s}/dist/main.js`, full);
    const code = await p.exited;
    // The refusal is on stderr from a line `[<service>] …` on (the JSON log lines before it are on stdout).
    const lines = p.output().trim().split('\n');
    return `${code} ${lines.slice(lines.findIndex((l) => l.startsWith(`[${s}] `))).join(' ')}`;
  }

  it.each(services)('%s: a certificate without its key', async (s) => {
    expect(await refusal(s, { TLS_KEY_FILE: undefined })).toBe(`1 [${s}] TLS_CERT_FILE and TLS_KEY_FILE go together`);
  });

  it.each([
    [
      'an unreadable key file',
      { TLS_KEY_FILE: '/nonexistent/server.key' },
      /^1 \[gateway\] TLS_KEY_FILE: cannot read \/nonexistent\/server\.key \(ENOENT\)$/,
    ],
    [
      'a certificate that is not PEM',
      { TLS_CERT_FILE: 'server.ext' },
      /^1 \[gateway\] TLS_CERT_FILE: .*server\.ext is not a PEM file$/,
    ],
    [
      'a client CA that is not PEM',
      { TLS_CLIENT_CA_FILE: 'server.ext' },
      /^1 \[gateway\] TLS_CLIENT_CA_FILE: .*server\.ext is not a PEM file$/,
    ],
    [
      'required client certificates without a CA',
      { TLS_CLIENT_CA_FILE: undefined, TLS_REQUIRE_CLIENT_CERT: 'true' },
      /needs TLS_CLIENT_CA_FILE$/,
    ],
    ['TLS_REQUIRE_CLIENT_CERT not a boolean', { TLS_REQUIRE_CLIENT_CERT: 'yes' }, /TLS_REQUIRE_CLIENT_CERT/],
  ])('gateway: %s', async (_what, env, expected) => {
    const resolved = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, v === 'server.ext' ? certs.file('server.ext') : v]),
    );
    expect(await refusal('gateway', resolved)).toMatch(expected);
  });

  it('a malformed fingerprint in the clients file', async () => {
    const file = certs.file('bad-clients.json');
    writeFileSync(
      file,
      JSON.stringify({
        clients: [
          {
            id: 'h22',
            name: 'h22',
            keyHash: hashApiKey(keys.free),
            agencies: ['*'],
            clientCertificate: { sha256: ['12:34:56'] },
          },
        ],
      }),
    );
    expect(await refusal('payments', { API_CLIENTS_FILE: file })).toMatch(
      /^1 \[payments\] API_CLIENTS_FILE: API clients file: client h22: clientCertificate\.sha256\[0\] "12:34:56" is not a SHA-256 fingerprint/,
    );
  });

  it('a service that builds a plain HTTP server while TLS is configured (it ignored ctx.serverOptions)', async () => {
    const script = certs.file('plain-service.mjs');
    const platform = pathToFileURL(path.join(root, 'packages/platform/dist/index.js')).href;
    writeFileSync(
      script,
      `import { createHttpServer, runService, tlsConfigProperties } from ${JSON.stringify(platform)};
await runService({
  name: 'plain',
  configSchema: { type: 'object', properties: { ...tlsConfigProperties } },
  async start({ logger, metrics }) {
    const app = await createHttpServer({ name: 'plain', logger, metrics, auth: false });
    return { app, listen: { host: '127.0.0.1', port: 0 } };
  },
});
`,
    );
    const p = start(script, {
      PATH: process.env.PATH ?? '',
      TLS_CERT_FILE: certs.file('server.pem'),
      TLS_KEY_FILE: certs.file('server.key'),
    });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('[plain] TLS_CERT_FILE is set but the service built a plain HTTP server');
    expect(p.output()).not.toContain('Server listening');
  });
});
