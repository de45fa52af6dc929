import { clientMayActFor } from '@lienthong/platform';

/** Whether a subscription's `event_types` entry matches an event type: exact, or a `prefix.*` wildcard. */
export function eventTypeMatches(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === type || p === '*' || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/** Whether a subscription's agency patterns (same syntax as API clients: exact, `*.<suffix>`, `*`) cover `agency`. */
export function agencyMatches(patterns: readonly string[], agency: string): boolean {
  return clientMayActFor({ agencies: [...patterns] }, agency);
}

/**
 * Whether the client's scope covers a requested subscription pattern: an exact code the client may act for,
 * `*.<suffix>` only if the client holds `*` or a wider-or-equal suffix, `*` only if the client holds `*`.
 */
export function scopeCovers(clientAgencies: readonly string[], requested: string): boolean {
  if (requested === '*') return clientAgencies.includes('*');
  if (requested.startsWith('*.')) {
    const suffix = requested.slice(1);
    return clientAgencies.some((a) => a === '*' || (a.startsWith('*.') && suffix.endsWith(a.slice(1))));
  }
  return clientMayActFor({ agencies: [...clientAgencies] }, requested);
}

export const EVENT_TYPE_PATTERN = '^(\\*|vn\\.lienthong\\.[a-z0-9-]+\\.(\\*|[a-z0-9-]+))$';
export const AGENCY_PATTERN = '^(\\*|\\*\\.[A-Za-z0-9.]+|[A-Za-z0-9.]+)$';
