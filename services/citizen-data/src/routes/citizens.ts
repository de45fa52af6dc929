import type { FastifyInstance } from 'fastify';
import { HubError } from '@lienthong/platform';
import { parseMaTTHC } from '@lienthong/standard';
import type { CsdlDanCuClient, CsdlPersonQuery } from '@lienthong/csdl-dancu';
import { bodyProblems, noValidation, openApiBodies, validateLookupBody } from '../bodies.js';
import { CitizenDataErrors } from '../errors.js';
import type { Guard } from '../guard.js';
import type { Purpose } from '../purpose.js';

const ACCESS = { access: { roles: ['submitter'] as const } };
/** No request logging on look-up routes: only the audit log records who asked about whom. */
const QUIET = 'warn' as const;

/** What the population DB is asked: MaDVC = the national MaTTHC, MaCanBo = the officer [code T4]. */
export const callerOf = (p: Purpose) => ({ MaDVC: parseMaTTHC(p.MaTTHC)?.national ?? p.MaTTHC, MaCanBo: p.officerId });

export function personQuery(b: Record<string, unknown>): CsdlPersonQuery {
  const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
  return {
    ...(s('SoDinhDanh') ? { SoDinhDanh: s('SoDinhDanh') } : {}),
    ...(s('SoCMND') ? { SoCMND: s('SoCMND') } : {}),
    HoVaTen: s('HoVaTen') ?? '',
    ...(s('NgayThangNam') ? { NgayThangNam: s('NgayThangNam') } : {}),
  };
}

export function subjectOf(b: Record<string, unknown>): { type: 'citizen'; id: string } | undefined {
  const id = [b.SoDinhDanh, b.SoCMND].find((v): v is string => typeof v === 'string' && /^([0-9]{12}|[0-9]{9})$/.test(v));
  return id ? { type: 'citizen', id } : undefined;
}

export const notFound = () =>
  new HubError(CitizenDataErrors.NOT_FOUND, 'the registry has no record matching the fields given', {
    kind: 'not_found',
    messageVi: 'Không tìm thấy thông tin khớp với dữ liệu đã cung cấp',
  });

const body = (req: { body: unknown }) =>
  req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};

/** POST /v1/citizens/lookup, /verify, /household (the population DB, reference §9). */
export function registerCitizenRoutes(app: FastifyInstance, deps: { guard: Guard; csdl: CsdlDanCuClient }): void {
  app.post(
    '/v1/citizens/lookup',
    {
      config: ACCESS,
      logLevel: QUIET,
      schema: {
        summary: 'A citizen from the population DB (TraCuuThongTinCongDan), for a named purpose; audited',
        tags: ['citizens'],
        body: openApiBodies.lookup,
      },
      validatorCompiler: noValidation,
    },
    async (req, reply) => {
      const b = body(req);
      const r = await deps.guard({
        req,
        reply,
        operation: 'citizen.lookup',
        purpose: b.purpose,
        ...(subjectOf(b) ? { subject: subjectOf(b)! } : {}),
        problems: bodyProblems(validateLookupBody(b), validateLookupBody.errors),
        call: async (p) => {
          const c = await deps.csdl.lookup(personQuery(b), callerOf(p));
          return c ? { value: c, outcome: 'found', fields: Object.keys(c) } : { value: null, outcome: 'not-found', fields: [] };
        },
      });
      if (!r.value) throw notFound();
      return {
        lookupId: r.lookupId,
        citizen: r.value,
        source: { system: 'CSDLQGDC', operation: 'TraCuuThongTinCongDan', retrievedAt: r.row.at.toISOString() },
      };
    },
  );

  app.post(
    '/v1/citizens/verify',
    {
      config: ACCESS,
      logLevel: QUIET,
      schema: {
        summary: 'Whether the fields given match the population DB (XacThucThongTinCongDan): match / no match only; audited',
        tags: ['citizens'],
        body: openApiBodies.lookup,
      },
      validatorCompiler: noValidation,
    },
    async (req, reply) => {
      const b = body(req);
      const r = await deps.guard({
        req,
        reply,
        operation: 'citizen.verify',
        purpose: b.purpose,
        ...(subjectOf(b) ? { subject: subjectOf(b)! } : {}),
        problems: bodyProblems(validateLookupBody(b), validateLookupBody.errors),
        call: async (p) => {
          const match = await deps.csdl.verify(personQuery(b), callerOf(p));
          return { value: match, outcome: match ? 'match' : 'no-match', fields: ['match'] };
        },
      });
      // Only the verdict: nothing of the record, not even which field differed.
      return { lookupId: r.lookupId, match: r.value };
    },
  );

  app.post(
    '/v1/citizens/household',
    {
      config: ACCESS,
      logLevel: QUIET,
      schema: {
        summary: 'The household of a citizen (CungCapThongTinHoGiaDinh); audited',
        tags: ['citizens'],
        body: openApiBodies.lookup,
      },
      validatorCompiler: noValidation,
    },
    async (req, reply) => {
      const b = body(req);
      const r = await deps.guard({
        req,
        reply,
        operation: 'citizen.household',
        purpose: b.purpose,
        ...(subjectOf(b) ? { subject: subjectOf(b)! } : {}),
        problems: bodyProblems(validateLookupBody(b), validateLookupBody.errors),
        call: async (p) => {
          const members = await deps.csdl.household(personQuery(b), callerOf(p));
          return { value: members, outcome: members.length ? 'found' : 'not-found', fields: members.length ? ['members'] : [] };
        },
      });
      if (r.value.length === 0) throw notFound();
      return {
        lookupId: r.lookupId,
        members: r.value,
        source: { system: 'CSDLQGDC', operation: 'CungCapThongTinHoGiaDinh', retrievedAt: r.row.at.toISOString() },
      };
    },
  );
}
