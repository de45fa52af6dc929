import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { createHttpServer, type ApiClientRegistry, type Logger, type ReadinessCheck, type Registry } from '@lienthong/platform';
import type { CsdlDanCuClient } from '@lienthong/csdl-dancu';
import type { DkkdClient } from '@lienthong/dkkd';
import type { AuditLog } from './audit/audit-log.js';
import { createGuard } from './guard.js';
import type { Licences } from './licences.js';
import type { AgencyQuota } from './quota.js';
import type { SubjectType } from './subject-hash.js';
import { registerCitizenRoutes } from './routes/citizens.js';
import { registerBusinessRoutes } from './routes/businesses.js';
import { registerAutofillRoute } from './routes/autofill.js';
import { registerAuditRoutes } from './routes/audit.js';

export interface CitizenDataDeps {
  clients: ApiClientRegistry;
  logger: Logger;
  metrics: Registry;
  csdl: CsdlDanCuClient;
  dkkd: DkkdClient;
  audit: AuditLog;
  licences: () => Licences;
  quota: AgencyQuota;
  hashSubject: (type: SubjectType, id: string) => string;
  /** Called after each audit row is written (the outbox publishes soon). */
  onAudited?: () => void;
  readiness?: Record<string, ReadinessCheck>;
  bodyLimit?: number;
}

/**
 * citizen-data (design.md flow 4): purpose-bound, licensed, rationed and audited look-ups in the population
 * DB and the business registry, and e-form autofill from them. Testable with app.inject() (conventions §1).
 */
export async function buildApp(deps: CitizenDataDeps): Promise<FastifyInstance> {
  const app = await createHttpServer({
    name: 'citizen-data',
    description:
      'Population-DB and business-registry look-ups, bound to a purpose, licensed per procedure, audited in a hash chain; e-form autofill.',
    logger: deps.logger,
    metrics: deps.metrics,
    bodyLimit: deps.bodyLimit ?? 64 * 1024,
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    auth: { clients: deps.clients },
  });
  const audit: AuditLog = deps.onAudited
    ? { ...deps.audit, append: async (e) => deps.audit.append(e).finally(() => deps.onAudited!()) }
    : deps.audit;
  const guard = createGuard({
    audit,
    licences: deps.licences,
    quota: deps.quota,
    hashSubject: deps.hashSubject,
    metrics: deps.metrics,
  });
  registerCitizenRoutes(app, { guard, csdl: deps.csdl });
  registerBusinessRoutes(app, { guard, dkkd: deps.dkkd });
  registerAutofillRoute(app, { guard, csdl: deps.csdl, dkkd: deps.dkkd, licences: deps.licences });
  registerAuditRoutes(app, { audit: deps.audit, hashSubject: deps.hashSubject });
  return app;
}
