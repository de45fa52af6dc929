import { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { HubError } from '../errors.js';

/**
 * API clients bound to a client certificate (issue 11 §5): mutual TLS per API client.
 *
 * Threat model. An API key is a bearer secret: whoever holds it *is* the provincial system, from
 * anywhere. Keys leak (a config file in a backup, a log of a misconfigured proxy, a developer's laptop,
 * a copy left on a decommissioned server). A client entry that declares `clientCertificate` makes the key
 * alone worthless: a request authenticated with that key is refused unless it came over this service's
 * own TLS listener with a client certificate that (1) the TLS layer verified against TLS_CLIENT_CA_FILE
 * and (2) matches the entry (its SHA-256 fingerprint and/or its subject CN). The private key of that
 * certificate never travels (TLS proves its possession in the handshake), so a thief needs the key *and*
 * the certificate's private key, which a province keeps on the one-stop system's server (ideally in an HSM).
 *
 * What it does not cover, on purpose:
 * - TLS terminated by a proxy in front of the service: the certificate does not reach us, and a header
 *   a proxy would forward it in is forgeable by anyone who reaches the service directly, so it is never
 *   trusted. A bound client must reach the service's own HTTPS listener (TLS passthrough).
 * - A CN-only binding trusts the CA not to issue that CN to someone else; a fingerprint binding trusts
 *   nothing but the one certificate (and needs the new fingerprint added before a certificate is renewed:
 *   list old and new side by side, as with key rotation).
 * - The console forwards an operator's key to the services on the operator's behalf, without the
 *   operator's certificate: an operator client bound to a certificate can sign in to a console that
 *   verifies it, but the services it calls refuse the forwarded key. Bind provincial systems, not operators.
 * - Certificate revocation (CRL/OCSP) is not checked: unbind or re-pin the client in the clients file
 *   (reloaded without a restart) and rotate its API key.
 *
 * A client without `clientCertificate` is unaffected: its key authenticates over plain HTTP or HTTPS, with
 * or without a certificate, as before.
 */
export interface ClientCertificateBinding {
  /** SHA-256 fingerprints, normalized to Node's `fingerprint256` form (`AB:CD:…`, 32 uppercase pairs). */
  readonly sha256: readonly string[];
  /** Accepted subject common names (exact, case-sensitive). */
  readonly subjectCN: readonly string[];
}

/** The `clientCertificate` property of a clients-file entry (JSON Schema; the fingerprints' format is checked by {@link parseClientCertificateBinding}). */
export const clientCertificateEntrySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    sha256: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 200 } },
    subjectCN: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^\\u0000-\\u001f\\u007f]+$' },
    },
  },
} as const;

const HEX_PAIRS = /^(?:sha256:)?((?:[0-9a-f]{2}:){31}[0-9a-f]{2}|[0-9a-f]{64})$/i;
const SHA1_LIKE = /^(?:[0-9a-f]{2}:){19}[0-9a-f]{2}$|^[0-9a-f]{40}$/i;

function invalid(message: string): HubError {
  return new HubError('LT_CONFIG_INVALID', `API clients file: ${message}`, { kind: 'internal' });
}

/**
 * Normalizes an entry's `clientCertificate` (already shape-checked by the file's schema). Throws
 * LT_CONFIG_INVALID naming the client and the value when a fingerprint is malformed, so a bad edit is
 * refused at start (and, on reload, keeps the previous clients in force) instead of locking a province out.
 */
export function parseClientCertificateBinding(
  clientId: string,
  entry: { sha256?: string[]; subjectCN?: string[] },
): ClientCertificateBinding {
  const sha256 = (entry.sha256 ?? []).map((raw, i) => {
    const where = `client ${clientId}: clientCertificate.sha256[${i}] ${JSON.stringify(raw.slice(0, 100))}`;
    const m = HEX_PAIRS.exec(raw.trim());
    if (!m) {
      if (SHA1_LIKE.test(raw.trim()))
        throw invalid(
          `${where} is a SHA-1 fingerprint; give the SHA-256 one (openssl x509 -noout -fingerprint -sha256 -in cert.pem)`,
        );
      throw invalid(
        `${where} is not a SHA-256 fingerprint: 32 hex pairs separated by colons as openssl x509 -noout -fingerprint -sha256 prints them ("AB:CD:…"), or 64 hex digits`,
      );
    }
    const hex = m[1]!.replace(/:/g, '').toUpperCase();
    return hex.match(/../g)!.join(':');
  });
  return Object.freeze({ sha256: Object.freeze(sha256), subjectCN: Object.freeze([...(entry.subjectCN ?? [])]) });
}

/** A refusal of a certificate-bound client; `clientId` is for the log (never in the answer: a key thief learns nothing). */
export class ClientCertificateError extends HubError {
  readonly clientId: string;
  constructor(code: 'LT_AUTH_CLIENT_CERT_REQUIRED' | 'LT_AUTH_CLIENT_CERT_MISMATCH', clientId: string) {
    super(
      code,
      code === 'LT_AUTH_CLIENT_CERT_REQUIRED'
        ? 'this API key is bound to a client certificate: call over HTTPS presenting that certificate (mutual TLS)'
        : 'the client certificate presented is not the one this API key is bound to',
      {
        kind: 'unauthorized',
        messageVi:
          code === 'LT_AUTH_CLIENT_CERT_REQUIRED'
            ? 'Khóa API này gắn với chứng thư số máy khách: hãy gọi qua HTTPS và xuất trình chứng thư đó (TLS hai chiều)'
            : 'Chứng thư số máy khách đã xuất trình không phải chứng thư gắn với khóa API này',
      },
    );
    this.clientId = clientId;
  }
}

/** The subject CN values of a peer certificate (node gives a string, or an array when the subject repeats CN). */
function commonNames(cn: string | string[] | undefined): string[] {
  return cn === undefined ? [] : Array.isArray(cn) ? cn : [cn];
}

/**
 * Refuses (401) a request of a certificate-bound client unless `connection` is a TLS connection whose
 * client certificate the TLS layer verified against TLS_CLIENT_CA_FILE and which matches every criterion
 * the entry declares. `connection` is the request's socket (`req.raw.socket`); undefined (no socket, e.g.
 * an in-process call) refuses a bound client. A client without a binding passes untouched.
 */
export function assertClientCertificate(
  client: { id: string; clientCertificate?: ClientCertificateBinding | undefined },
  connection: Socket | undefined,
): void {
  const binding = client.clientCertificate;
  if (!binding) return;
  // `authorized` is true only when the peer sent a certificate that chains to the server's `ca` (the
  // server asks for one when TLS_CLIENT_CA_FILE is set); a self-signed or foreign certificate, or none,
  // leaves it false even when TLS_REQUIRE_CLIENT_CERT lets the handshake through.
  if (!(connection instanceof TLSSocket) || !connection.authorized)
    throw new ClientCertificateError('LT_AUTH_CLIENT_CERT_REQUIRED', client.id);
  const cert = connection.getPeerCertificate();
  if (!cert || !cert.fingerprint256) throw new ClientCertificateError('LT_AUTH_CLIENT_CERT_REQUIRED', client.id);
  if (binding.sha256.length > 0 && !binding.sha256.includes(cert.fingerprint256.toUpperCase()))
    throw new ClientCertificateError('LT_AUTH_CLIENT_CERT_MISMATCH', client.id);
  if (binding.subjectCN.length > 0) {
    const cns = commonNames(cert.subject?.CN as string | string[] | undefined);
    // Exactly one CN: a subject with several is ambiguous (which one did the CA vouch for?) and refused.
    if (cns.length !== 1 || !binding.subjectCN.includes(cns[0]!))
      throw new ClientCertificateError('LT_AUTH_CLIENT_CERT_MISMATCH', client.id);
  }
}
