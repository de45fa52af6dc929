import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { loadApiClients, type ApiClient, type ApiClientRegistry } from '../api-clients.js';
import type { Logger } from '../logger.js';

/** An API-client registry that follows its file: keys are rotated and revoked without a restart. */
export interface ReloadableApiClients extends ApiClientRegistry {
  /** Reads the file again now; a file that does not load keeps the previous clients (and is logged). */
  reload(): boolean;
  /** Stops watching the file and listening for SIGHUP. */
  close(): void;
}

export interface ReloadableApiClientsOptions {
  path: string;
  logger: Logger;
  /** How often the file's mtime is polled (fs.watchFile: works on every filesystem, unlike fs.watch). */
  pollIntervalMs?: number;
}

/**
 * Loads the clients file and reloads it on SIGHUP and whenever it changes. A broken edit (invalid JSON, a
 * schema error) never locks everyone out: the previous registry stays in force and the error is logged
 * loudly, so an operator sees it at once. The first load throws: a service must not start without clients.
 */
export function createReloadableApiClients(opts: ReloadableApiClientsOptions): ReloadableApiClients {
  let current = loadApiClients(opts.path);
  const log = opts.logger.child({ component: 'api-clients' });
  log.info({ clients: current.clients.length }, 'API clients loaded');

  const reload = (): boolean => {
    try {
      current = loadApiClients(opts.path);
      log.info({ clients: current.clients.length }, 'API clients reloaded');
      return true;
    } catch (err) {
      log.error({ err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'API clients file not reloaded; the previous clients stay in force');
      return false;
    }
  };
  const onHup = () => void reload();
  process.on('SIGHUP', onHup);
  // Not the mtime alone: a file replaced by rename (how editors and config tools write) within the
  // filesystem's timestamp granularity keeps the same mtime, and the new keys would never be read. The
  // inode changes on a rename, the size on most edits; SIGHUP is the way that never misses.
  const onChange = (now: Stats, before: Stats) => {
    if (now.mtimeMs !== before.mtimeMs || now.ctimeMs !== before.ctimeMs || now.ino !== before.ino || now.size !== before.size) reload();
  };
  watchFile(opts.path, { interval: opts.pollIntervalMs ?? 2_000, persistent: false }, onChange);

  return {
    get clients(): readonly ApiClient[] {
      return current.clients;
    },
    authenticate: (authorization) => current.authenticate(authorization),
    mayActFor: (client, agency) => current.mayActFor(client, agency),
    reload,
    close() {
      process.off('SIGHUP', onHup);
      unwatchFile(opts.path, onChange);
    },
  };
}
