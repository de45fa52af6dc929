import { statSync } from 'node:fs';
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
  /** How often the file is stat'ed (polling works on every filesystem and mount, unlike fs.watch). */
  pollIntervalMs?: number;
}

/**
 * Loads the clients file and reloads it on SIGHUP and whenever it changes. A broken edit (invalid JSON, a
 * schema error) never locks everyone out: the previous registry stays in force and the error is logged
 * loudly, so an operator sees it at once. The first load throws: a service must not start without clients.
 */
export function createReloadableApiClients(opts: ReloadableApiClientsOptions): ReloadableApiClients {
  // The file's identity is taken *before* each read: a change that lands after it is seen at the next
  // poll, never lost. (fs.watchFile would compare each poll with the previous poll only, and a change
  // between our read and its first stat went unnoticed for good.)
  let loaded = fileIdentity(opts.path);
  let current = loadApiClients(opts.path);
  const log = opts.logger.child({ component: 'api-clients' });
  log.info({ clients: current.clients.length }, 'API clients loaded');

  const reload = (): boolean => {
    loaded = fileIdentity(opts.path);
    try {
      current = loadApiClients(opts.path);
      log.info({ clients: current.clients.length }, 'API clients reloaded');
      return true;
    } catch (err) {
      log.error(
        { err: { code: (err as { code?: string }).code, message: (err as Error).message } },
        'API clients file not reloaded; the previous clients stay in force',
      );
      return false;
    }
  };
  const onHup = () => void reload();
  process.on('SIGHUP', onHup);
  const poll = setInterval(() => {
    if (fileIdentity(opts.path) !== loaded) reload();
  }, opts.pollIntervalMs ?? 2_000);
  poll.unref();

  return {
    get clients(): readonly ApiClient[] {
      return current.clients;
    },
    authenticate: (authorization, connection) => current.authenticate(authorization, connection),
    mayActFor: (client, agency) => current.mayActFor(client, agency),
    reload,
    close() {
      process.off('SIGHUP', onHup);
      clearInterval(poll);
    },
  };
}

/**
 * What tells one version of the file from another: not the mtime alone, since a file replaced by rename
 * (how editors and config tools write) within the filesystem's timestamp granularity keeps the same mtime;
 * the inode changes on a rename, the size on most edits, the ctime on any. SIGHUP never misses.
 */
function fileIdentity(path: string): string {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch (err) {
    return `missing:${(err as { code?: string }).code ?? ''}`;
  }
}
