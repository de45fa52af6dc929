/**
 * Throwaway certificates for HTTPS and mutual-TLS tests, made by the `openssl` CLI (OpenSSL 3 is on every
 * machine of the project; the tests say so plainly if it is missing): a CA standing for a province's CA, a
 * server certificate for 127.0.0.1, client certificates signed by that CA, and a "stranger" self-signed
 * client certificate from no CA we trust. EC P-256 keys: quick to make on a 2-core machine.
 */
import { execFileSync } from 'node:child_process';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificates {
  readonly dir: string;
  /** Path of `<name>.pem` (certificate) or `<name>.key` (its private key): `file('ca.pem')`. */
  file(name: string): string;
  /** The certificate `<name>.pem` and its key, as a TLS client passes them. */
  client(name: string): { cert: Buffer; key: Buffer };
  /** SHA-256 fingerprint of `<name>.pem` as `openssl x509 -noout -fingerprint -sha256` prints it (`AB:CD:…`). */
  fingerprint(name: string): string;
  remove(): void;
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * Makes `ca`, `server` (CN and SAN 127.0.0.1) and, per entry of `clients` (file name → subject CN), a
 * client certificate signed by `ca`; plus `stranger`, self-signed, CN `stranger`. Two names may share a CN
 * (same subject, different key and fingerprint: a certificate re-issued, or a forged look-alike).
 */
export function createTestCertificates(clients: Record<string, string>): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'lt-certs-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    } catch (err) {
      const e = err as { code?: string; stderr?: Buffer };
      throw new Error(
        e.code === 'ENOENT'
          ? 'these tests make their certificates with the openssl CLI, which is not installed (apt-get install openssl)'
          : `openssl ${args.slice(0, 2).join(' ')} failed: ${e.stderr?.toString() ?? String(err)}`,
      );
    }
  };
  openssl('req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test Province CA');
  const signed = (name: string, cn: string, ext: string) => {
    openssl('req', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    writeFileSync(file(`${name}.ext`), `${ext}\n`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  };
  signed('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth');
  for (const [name, cn] of Object.entries(clients)) signed(name, cn, 'extendedKeyUsage=clientAuth');
  openssl('req', '-x509', ...ecKey, '-keyout', 'stranger.key', '-out', 'stranger.pem', '-days', '2', '-subj', '/CN=stranger');
  return {
    dir,
    file,
    client: (name) => ({ cert: readFileSync(file(`${name}.pem`)), key: readFileSync(file(`${name}.key`)) }),
    fingerprint: (name) => new X509Certificate(readFileSync(file(`${name}.pem`))).fingerprint256,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One HTTPS request over a fresh connection (no agent, so each call does its own handshake with the given
 * client certificate): trusts `ca` only, presents `cert`/`key` when given. Rejects when the TLS handshake
 * or the connection fails, e.g. a server that requires a client certificate and got none.
 */
export function tlsRequest(opts: {
  url: string;
  ca: Buffer;
  client?: { cert: Buffer; key: Buffer };
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<TlsResponse> {
  return new Promise<TlsResponse>((resolve, reject) => {
    const req = request(
      opts.url,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers ?? {},
        ca: opts.ca,
        agent: false,
        timeout: 10_000,
        ...(opts.client ?? {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}
