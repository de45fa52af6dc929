import type { DvcqgPeerConfig } from './config.js';
import type { DvcqgFaults } from './faults.js';
import type { DvcqgStore } from './store.js';
import type { Catalogue } from './catalogue.js';

/** What a service handler decided; the route turns it into the portal's `{error_code, message, result}`. */
export interface ServiceOutcome {
  /** 'ok', or which failure: -1 generic, -3 already exists [code S1, S4, T2], -2 session [inf]. */
  status: 'ok' | 'error' | 'exists' | 'session';
  message: string;
  result?: unknown;
  /** Dossiers the call named, for the call log and each dossier's history. */
  maHoSo: string[];
  items: number;
  isUpdating?: boolean;
  /** Envelope fields besides error_code/message/result (the login's session and expires). */
  extra?: Record<string, unknown>;
}

/** What every handler may use. */
export interface ServiceContext {
  store: DvcqgStore;
  cfg: DvcqgPeerConfig;
  faults: () => DvcqgFaults;
  catalogue: Catalogue;
}

/** A handler takes the whole flat envelope (session, madonvi, service checked already) [code S1]. */
export type ServiceHandler = (ctx: ServiceContext, body: Record<string, unknown>) => ServiceOutcome;

export const ok = (
  message: string,
  result: unknown,
  base: Pick<ServiceOutcome, 'maHoSo' | 'items'> & { isUpdating?: boolean },
): ServiceOutcome => ({
  status: 'ok',
  message,
  result,
  ...base,
});

export const fail = (
  message: string,
  base: Partial<Pick<ServiceOutcome, 'maHoSo' | 'items' | 'isUpdating'>> = {},
  status: 'error' | 'exists' | 'session' = 'error',
): ServiceOutcome => ({
  status,
  message,
  maHoSo: base.maHoSo ?? [],
  items: base.items ?? 0,
  ...(base.isUpdating === undefined ? {} : { isUpdating: base.isUpdating }),
});

/** The MaHoSo of each record that has a usable one (first 50, for logs and history). */
export function maHoSoOf(data: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const d of data) {
    const m = d !== null && typeof d === 'object' ? (d as Record<string, unknown>).MaHoSo : undefined;
    if (typeof m === 'string' && m !== '' && m.length <= 100 && !out.includes(m)) out.push(m);
    if (out.length >= 50) break;
  }
  return out;
}
