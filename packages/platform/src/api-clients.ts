import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { Socket } from 'node:net';
import { HubError } from './errors.js';
import {
  assertClientCertificate,
  clientCertificateEntrySchema,
  parseClientCertificateBinding,
  type ClientCertificateBinding,
} from './auth/client-certificate.js';

/**
 * API clients of an HTTP service (provincial one-stop systems, officers' tools), from a JSON file:
 * `{ "clients": [{ "id", "name", "keyHash": "sha256:<hex>", "agencies": ["000.00.01.H22", "*.H22", "*"],
 *    "rateLimitPerMinute"?: number, "clientCertificate"?: { "sha256"?: ["AB:CD:…"], "subjectCN"?: ["…"] } }] }`.
 * Keys are 32 random bytes (not passwords), so an unsalted SHA-256 is enough to keep the file harmless if
 * it leaks; it also keeps the per-request check cheap. The file never holds a key in clear.
 */
export interface ApiClient {
  id: string;
  name: string;
  keyHash: string;
  /** Agency codes this client may speak for: exact codes, `*.<suffix>` (e.g. `*.H22`, a whole province), or `*`. */
  agencies: string[];
  /**
   * What the client may do (design.md, Access). `submitter`: post dossiers and payments for its agencies;
   * `operator`: replay, resolve, reconcile (for its agencies, or all with `*`); `auditor`: read audit logs;
   * `viewer`: read-only operator screens. A client without `roles` is a `submitter` only: the least a
   * provincial one-stop system needs, so an old clients file never grants more than it did.
   */
  roles: Role[];
  rateLimitPerMinute?: number;
  /**
   * The client certificate this client must present over mutual TLS (auth/client-certificate.ts, where the
   * threat model is written down); absent = the API key alone authenticates.
   */
  clientCertificate?: ClientCertificateBinding;
}

/** The roles of the shared auth model. */
export const ROLES = ['submitter', 'operator', 'auditor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const ajv = new Ajv({ allErrors: true, strict: true });
const validateFile = ajv.compile({
  type: 'object',
  required: ['clients'],
  additionalProperties: false,
  properties: {
    clients: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        required: ['id', 'name', 'keyHash', 'agencies'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' },
          name: { type: 'string', minLength: 1, maxLength: 200 },
          keyHash: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
          agencies: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', pattern: '^(\\*|\\*\\.[A-Za-z0-9.]+|[A-Za-z0-9.]+)$' },
          },
          roles: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...ROLES] } },
          rateLimitPerMinute: { type: 'integer', minimum: 1, maximum: 1_000_000 },
          clientCertificate: clientCertificateEntrySchema,
          /** Set to true to revoke a key without deleting its entry (kept for the audit trail). */
          revoked: { type: 'boolean' },
        },
      },
    },
  },
});

/** `sha256:<hex>` of an API key, the form stored in the clients file. */
export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** A new random API key (`lt_` + 43 base64url characters). */
export function generateApiKey(): string {
  return `lt_${randomBytes(32).toString('base64url')}`;
}

export interface ApiClientRegistry {
  readonly clients: readonly ApiClient[];
  /**
   * The client whose key is in `authorization` (`Bearer <key>`); throws 401-kind errors otherwise. The
   * request's `connection` (its socket, `req.raw.socket`) is required so that no caller can forget a client
   * bound to a client certificate: such a client is refused unless the connection is TLS with its verified
   * certificate (undefined = no connection, refused for a bound client, no effect on the others).
   */
  authenticate(authorization: string | undefined, connection: Socket | undefined): ApiClient;
  /** Whether the client may act for the agency (design.md flow 1). */
  mayActFor(client: ApiClient, agencyCode: string): boolean;
}

/** Whether the client may act for the agency: an exact code, `*.<suffix>` (a whole province) or `*`. */
export function clientMayActFor(client: Pick<ApiClient, 'agencies'>, agencyCode: string): boolean {
  return client.agencies.some((a) => a === '*' || a === agencyCode || (a.startsWith('*.') && agencyCode.endsWith(a.slice(1))));
}

/**
 * The SQL twin of clientMayActFor, for lists filtered in the database rather than after a LIMIT (a scoped
 * officer would otherwise see fewer rows than exist, or none): `column` within the client's agencies.
 * A row whose agency is NULL (unknown) passes only for `*`: data of no known agency is province-wide.
 * `column` is the caller's SQL (never input); the patterns travel as parameters `$firstParam`,
 * `$firstParam + 1`, with LIKE's metacharacters escaped (the clients file allows none, but this must not
 * depend on it).
 */
export function agencyScopeSql(
  client: Pick<ApiClient, 'agencies'>,
  column: string,
  firstParam: number,
): { sql: string; params: unknown[] } {
  if (client.agencies.includes('*')) return { sql: 'TRUE', params: [] };
  const exact = client.agencies.filter((a) => !a.startsWith('*.'));
  const suffixes = client.agencies
    .filter((a) => a.startsWith('*.'))
    .map((a) => `%${a.slice(1).replace(/[\\%_]/g, (c) => `\\${c}`)}`);
  return {
    sql: `(${column} IS NOT NULL AND (${column} = ANY($${firstParam}::text[]) OR ${column} LIKE ANY($${firstParam + 1}::text[])))`,
    params: [exact, suffixes],
  };
}

const unauthorized = (en: string, vi: string) =>
  new HubError('LT_AUTH_UNAUTHORIZED', en, { kind: 'unauthorized', messageVi: vi });

export function createApiClientRegistry(input: unknown): ApiClientRegistry {
  if (!validateFile(input)) {
    const why = (validateFile.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new HubError('LT_CONFIG_INVALID', `API clients file is invalid: ${why}`, { kind: 'internal' });
  }
  type FileEntry = Omit<ApiClient, 'roles' | 'clientCertificate'> & {
    roles?: Role[];
    revoked?: boolean;
    clientCertificate?: { sha256?: string[]; subjectCN?: string[] };
  };
  // Bindings are parsed for every entry, revoked ones too: a malformed fingerprint is refused when written,
  // not the day the entry is reinstated.
  const clients = (input as { clients: FileEntry[] }).clients
    .map(({ clientCertificate, ...c }) => ({
      ...c,
      ...(clientCertificate ? { clientCertificate: parseClientCertificateBinding(c.id, clientCertificate) } : {}),
    }))
    .filter((c) => c.revoked !== true)
    .map(({ revoked: _revoked, ...c }) =>
      Object.freeze({ ...c, agencies: [...c.agencies], roles: [...(c.roles ?? (['submitter'] as Role[]))] }),
    );
  const ids = new Set<string>();
  for (const c of clients) {
    if (ids.has(c.id)) throw new HubError('LT_CONFIG_INVALID', `API clients file: duplicate id ${c.id}`, { kind: 'internal' });
    ids.add(c.id);
  }
  const digests = clients.map((c) => Buffer.from(c.keyHash.slice('sha256:'.length), 'hex'));
  return {
    clients,
    authenticate(authorization, connection) {
      if (!authorization)
        throw unauthorized('missing Authorization header (Bearer <API key>)', 'Thiếu tiêu đề Authorization (Bearer <khóa API>)');
      const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(authorization);
      if (!m) throw unauthorized('Authorization must be "Bearer <API key>"', 'Authorization phải có dạng "Bearer <khóa API>"');
      const presented = createHash('sha256').update(m[1]!, 'utf8').digest();
      // Compare against every client, in constant time each, so timing tells nothing about which matched.
      let found: ApiClient | undefined;
      for (let i = 0; i < clients.length; i++) {
        if (timingSafeEqual(presented, digests[i]!) && !found) found = clients[i];
      }
      if (!found) throw unauthorized('unknown API key', 'Khóa API không hợp lệ');
      assertClientCertificate(found, connection);
      return found;
    },
    mayActFor: clientMayActFor,
  };
}

/** Loads the clients file at `path` (JSON). */
export function loadApiClients(path: string): ApiClientRegistry {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HubError('LT_CONFIG_INVALID', `cannot read API clients file ${path}: ${(err as Error).message}`, {
      kind: 'internal',
      cause: err,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new HubError('LT_CONFIG_INVALID', `API clients file ${path} is not JSON`, { kind: 'internal', cause: err });
  }
  return createApiClientRegistry(parsed);
}
