import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiClient, Role } from '@lienthong/platform';
import type { Lang } from '../lib/i18n.js';

/** The roles that may use the console; `submitter` alone (a provincial system's key) may not sign in. */
export const CONSOLE_ROLES = ['viewer', 'operator', 'auditor'] as const satisfies readonly Role[];
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** Who may open a console route (checked by the session hook, deny by default). */
export type ConsoleAccess = { roles: readonly ConsoleRole[] } | { anonymous: string };

/** The signed-in operator of a request. */
export interface Operator {
  client: ApiClient;
  /** The operator's own key, used for every call to a service on their behalf (sessions.ts). */
  apiKey: string;
  sessionIdHash: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    console?: ConsoleAccess;
  }
  interface FastifyRequest {
    operator: Operator | null;
    lang: Lang;
  }
}

/** Everything a view needs about the request. */
export interface ViewContext {
  lang: Lang;
  operator: Operator | null;
  csrf: string;
  path: string;
  /** Where the language toggle returns: the current URL of a GET page; for a form's answer, its page. */
  url: string;
}

export const READ_ROLES: readonly ConsoleRole[] = ['viewer', 'operator', 'auditor'];
export const OPERATOR: readonly ConsoleRole[] = ['operator'];
export const AUDITOR: readonly ConsoleRole[] = ['auditor'];

export function hasRole(op: Operator | null, ...roles: ConsoleRole[]): boolean {
  return !!op && roles.some((r) => op.client.roles.includes(r));
}

export function viewContext(req: FastifyRequest, reply: FastifyReply): ViewContext {
  const userInfo = req.operator?.sessionIdHash ?? 'anonymous';
  return {
    lang: req.lang,
    operator: req.operator,
    csrf: reply.generateCsrf({ userInfo }),
    path: req.routeOptions.url ?? req.url,
    url: req.method === 'GET' ? req.url : (req.routeOptions.url?.split('/:')[0] ?? '/'),
  };
}
