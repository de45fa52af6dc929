import type { PeerConfigProperties } from '../../peer.js';

/** Reads one peer's keys; see peerConfigReader. */
export interface PeerConfigReader {
  /** The configured value, or the declared default when the config lacks it (or holds ''). */
  raw(key: string): unknown;
  /** The same, as a number (environment values may still be strings when a test passes raw config). */
  number(key: string): number;
}

/**
 * Reads a peer's keys from the sandbox's validated config, falling back to the defaults the peer declared
 * in its `configProperties`, so a test can register a peer with `config: {}` or none at all.
 */
export function peerConfigReader(
  properties: PeerConfigProperties,
  config: Readonly<Record<string, unknown>> | undefined,
): PeerConfigReader {
  const raw = (key: string): unknown => {
    const fallback = properties[key]!.default;
    const v = config?.[key];
    return v === undefined || v === '' ? fallback : v;
  };
  return {
    raw,
    number(key) {
      const v = raw(key);
      return typeof v === 'number' ? v : Number(v);
    },
  };
}
