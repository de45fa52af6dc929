import { readFileSync } from 'node:fs';
import type { ConfigProperty } from '../config.js';
import { HubError } from '../errors.js';

/**
 * HTTPS for a service's own HTTP server (issue 11 §5), from PEM files. Spread into a service's config
 * schema to offer it: `...tlsConfigProperties`. Unset = plain HTTP (behind a TLS-terminating proxy, the
 * default deployment). Certificates are read at start: rotating them = replacing the files and rolling
 * the instances (docs/operations-runbook.md).
 */
export const tlsConfigProperties = {
  TLS_CERT_FILE: {
    type: 'string',
    minLength: 1,
    description: 'PEM certificate (with its chain) to serve HTTPS; with TLS_KEY_FILE. Unset = plain HTTP',
  },
  TLS_KEY_FILE: {
    type: 'string',
    minLength: 1,
    description: 'PEM private key of TLS_CERT_FILE (a file path: the key itself is never in the environment)',
  },
  TLS_CLIENT_CA_FILE: {
    type: 'string',
    minLength: 1,
    description: 'PEM CA(s) whose client certificates are accepted (mutual TLS with provincial systems)',
  },
  TLS_REQUIRE_CLIENT_CERT: {
    type: 'boolean',
    default: false,
    description: 'refuse TLS connections without a client certificate signed by TLS_CLIENT_CA_FILE',
  },
} as const satisfies Record<string, ConfigProperty>;

export interface HttpsOptions {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

function configError(message: string, messageVi: string): HubError {
  return new HubError('LT_CONFIG_INVALID', message, { kind: 'invalid', messageVi });
}

/** The HTTPS options of a loaded config, or undefined for plain HTTP. Throws LT_CONFIG_INVALID naming the setting. */
export function tlsOptionsFromConfig(config: Record<string, unknown>): HttpsOptions | undefined {
  const cert = config.TLS_CERT_FILE as string | undefined;
  const key = config.TLS_KEY_FILE as string | undefined;
  const ca = config.TLS_CLIENT_CA_FILE as string | undefined;
  const require = config.TLS_REQUIRE_CLIENT_CERT === true;
  if (cert === undefined && key === undefined) {
    if (ca !== undefined || require)
      throw configError(
        'TLS_CLIENT_CA_FILE/TLS_REQUIRE_CLIENT_CERT need TLS_CERT_FILE and TLS_KEY_FILE',
        'xác thực chứng thư máy khách cần TLS_CERT_FILE và TLS_KEY_FILE',
      );
    return undefined;
  }
  if (cert === undefined || key === undefined)
    throw configError('TLS_CERT_FILE and TLS_KEY_FILE go together', 'TLS_CERT_FILE và TLS_KEY_FILE phải đi cùng nhau');
  if (require && ca === undefined)
    throw configError(
      'TLS_REQUIRE_CLIENT_CERT=true needs TLS_CLIENT_CA_FILE',
      'TLS_REQUIRE_CLIENT_CERT=true cần TLS_CLIENT_CA_FILE',
    );
  const read = (setting: string, file: string): Buffer => {
    let pem: Buffer;
    try {
      pem = readFileSync(file);
    } catch (err) {
      throw configError(
        `${setting}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
        `${setting}: không đọc được tệp`,
      );
    }
    if (!pem.includes('-----BEGIN '))
      throw configError(`${setting}: ${file} is not a PEM file`, `${setting}: tệp không phải định dạng PEM`);
    return pem;
  };
  return {
    cert: read('TLS_CERT_FILE', cert),
    key: read('TLS_KEY_FILE', key),
    ...(ca !== undefined ? { ca: read('TLS_CLIENT_CA_FILE', ca) } : {}),
    // With a client CA, certificates are asked for; verified ones are accepted, and refused when absent or
    // unverified only if required (otherwise the API key alone authenticates, as over plain HTTP).
    requestCert: ca !== undefined,
    rejectUnauthorized: require,
  };
}
