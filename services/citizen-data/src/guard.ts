import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  clientMayActFor,
  HubError,
  requireClient,
  assertAgencyScope,
  Counter,
  type ErrorDetail,
  type Registry,
} from '@lienthong/platform';
import { CsdlError } from '@lienthong/csdl-dancu';
import { DkkdError } from '@lienthong/dkkd';
import type { AuditLog } from './audit/audit-log.js';
import type { AuditRow } from './audit/chain.js';
import { CitizenDataErrors, RateLimitedError } from './errors.js';
import type { Licences, Operation } from './licences.js';
import { checkPurpose, type Purpose } from './purpose.js';
import type { AgencyQuota } from './quota.js';
import type { SubjectType } from './subject-hash.js';

export interface GuardDeps {
  audit: AuditLog;
  licences: () => Licences;
  quota: AgencyQuota;
  hashSubject: (type: SubjectType, id: string) => string;
  metrics: Registry;
  now?: () => number;
}

/** What the peer call returned, for the answer and the audit row. */
export interface CallOutcome<T> {
  value: T;
  outcome: 'found' | 'not-found' | 'match' | 'no-match';
  /** Names of the fields returned to the caller (never their values). */
  fields: string[];
}

export interface GuardedLookup<T> {
  req: FastifyRequest;
  reply: FastifyReply;
  /** Operation the licence must grant. */
  operation: Operation;
  /** Name in the audit log (autofill records `autofill/<operation>`). */
  auditOperation?: string;
  purpose: unknown;
  maTTHCFallback?: unknown;
  /** The subject as asked for, when its ID is well-formed (hashed for the log). */
  subject?: { type: SubjectType; id: string };
  /** Problems with the rest of the body (besides purpose). */
  problems: ErrorDetail[];
  call: (p: Purpose) => Promise<CallOutcome<T>>;
}

/**
 * The one path every look-up takes (issue 8): purpose → agency scope on the MaHoSo's own agency → licence
 * of the procedure for the operation → per-agency quota → the peer call → the audit row → the answer. Each
 * refusal is written to the audit log before it is thrown, and the hub-side refusals happen before anything
 * leaves the hub. The answer is returned only after its audit row committed.
 */
export function createGuard(deps: GuardDeps) {
  const now = deps.now ?? Date.now;
  const counter = new Counter({
    name: 'citizen_data_lookups_total',
    help: 'look-ups by operation and outcome (no personal data in labels)',
    labelNames: ['operation', 'outcome'],
    registers: [deps.metrics],
  });

  return async function guarded<T>(
    g: GuardedLookup<T>,
  ): Promise<{ value: T; outcome: CallOutcome<T>['outcome']; lookupId: string; row: AuditRow }> {
    const client = requireClient(g.req);
    const started = now();
    const p = checkPurpose(g.purpose, g.maTTHCFallback);
    const base = {
      clientId: client.id,
      operation: g.auditOperation ?? g.operation,
      subjectType: g.subject?.type ?? null,
      subjectHash: g.subject ? deps.hashSubject(g.subject.type, g.subject.id) : null,
      agency: p.ok ? p.agency : (p.partial.agency ?? null),
      officerId: p.ok ? p.purpose.officerId : (p.partial.officerId ?? null),
      maHoSo: p.ok ? p.purpose.MaHoSo : (p.partial.MaHoSo ?? null),
      maTTHC: p.ok ? p.purpose.MaTTHC : (p.partial.MaTTHC ?? null),
    };
    const record = (outcome: AuditRow['outcome'], extra: { reason?: string; peerCode?: string; fields?: string[] } = {}) => {
      counter.inc({ operation: base.operation, outcome });
      return deps.audit.append({
        ...base,
        outcome,
        reason: extra.reason ?? null,
        peerCode: extra.peerCode ?? null,
        fields: extra.fields ?? [],
        latencyMs: Math.max(0, Math.round(now() - started)),
      });
    };
    const refuse = async (err: HubError): Promise<never> => {
      await record('refused', { reason: err.code });
      throw err;
    };

    if (!p.ok) {
      const code = p.missing ? CitizenDataErrors.PURPOSE_MISSING : CitizenDataErrors.PURPOSE_INVALID;
      return refuse(
        new HubError(code, p.missing ? 'a look-up needs a purpose {MaHoSo, MaTTHC, officerId}' : 'the purpose is invalid', {
          kind: 'invalid',
          messageVi: p.missing ? 'Tra cứu phải nêu mục đích {MaHoSo, MaTTHC, officerId}' : 'Mục đích tra cứu không hợp lệ',
          details: [...p.details, ...g.problems],
        }),
      );
    }
    if (g.problems.length > 0) {
      return refuse(
        new HubError(CitizenDataErrors.INVALID, 'the request is invalid', {
          kind: 'invalid',
          messageVi: 'Yêu cầu không hợp lệ',
          details: g.problems,
        }),
      );
    }
    if (!clientMayActFor(client, p.agency)) {
      try {
        assertAgencyScope(g.req, p.agency, '/purpose/MaHoSo');
      } catch (err) {
        return refuse(err as HubError);
      }
    }
    if (!deps.licences().allows(p.purpose.MaTTHC, g.operation)) {
      return refuse(
        new HubError(CitizenDataErrors.NOT_LICENSED, `procedure ${p.purpose.MaTTHC} is not licensed for ${g.operation}`, {
          kind: 'forbidden',
          messageVi: `Thủ tục ${p.purpose.MaTTHC} chưa được cấp quyền cho thao tác ${g.operation}`,
          details: [
            {
              path: '/purpose/MaTTHC',
              code: CitizenDataErrors.NOT_LICENSED,
              message: `Thủ tục ${p.purpose.MaTTHC} chưa được cấp quyền khai thác (${g.operation})`,
              message_en: `procedure ${p.purpose.MaTTHC} is not licensed for ${g.operation}`,
            },
          ],
        }),
      );
    }
    try {
      deps.quota.take(p.agency);
    } catch (err) {
      if (err instanceof RateLimitedError) g.reply.header('retry-after', String(err.retryAfterS));
      return refuse(err as HubError);
    }

    let result: CallOutcome<T>;
    try {
      result = await g.call(p.purpose);
    } catch (err) {
      const peer = err instanceof CsdlError || err instanceof DkkdError;
      const peerCode = peer ? (err as CsdlError).peerCode : undefined;
      const refusedByPeer = peer && (err as HubError).kind === 'forbidden';
      await record(refusedByPeer ? 'refused' : 'error', {
        reason: err instanceof HubError ? err.code : 'LT_INTERNAL',
        ...(peerCode ? { peerCode } : {}),
      });
      throw err;
    }
    const row = await record(result.outcome, { fields: result.fields });
    return { value: result.value, outcome: result.outcome, lookupId: row.lookupId, row };
  };
}
export type Guard = ReturnType<typeof createGuard>;
