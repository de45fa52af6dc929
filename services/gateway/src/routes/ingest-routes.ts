import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags…) on route schemas
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError, Counter, requireClient, type Registry, type RouteAccess } from '@lienthong/platform';
import type { ValidationIssue } from '@lienthong/standard';
import type { Ingest, IngestKind } from '../ingest.js';
import { contentKey, requestHash, type IdempotencyStore } from '../idempotency-store.js';
import { badIdempotencyKey, invalidPacket } from '../errors.js';
import type { CatalogueCheck } from '../catalogue-check.js';
import { errorResponses, acceptedResponse, packetBodyDoc } from './openapi.js';

/** Provincial one-stop systems post for their own agencies; the agency scope is checked per item in ingest. */
const submitters = { access: { roles: ['submitter'] } satisfies RouteAccess };

/** Routes of flow 1: dossier snapshots and progress steps, answered 202 only after Kafka acknowledged. */
export function ingestRoutes(
  app: FastifyInstance,
  deps: { ingest: Ingest; idempotency: IdempotencyStore; metrics: Registry; catalogue?: CatalogueCheck },
) {
  const accepted = new Counter({
    name: 'gateway_items_accepted_total',
    help: 'items published',
    labelNames: ['kind'],
    registers: [deps.metrics],
  });
  const refused = new Counter({
    name: 'gateway_requests_refused_total',
    help: 'requests refused, by error code',
    labelNames: ['code'],
    registers: [deps.metrics],
  });

  async function handle(kind: IngestKind, req: FastifyRequest, reply: FastifyReply) {
    const client = requireClient(req);
    const header = req.headers['idempotency-key'];
    if (header !== undefined && (typeof header !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(header))) throw badIdempotencyKey();
    let events;
    let warnings: ValidationIssue[];
    try {
      ({ events, warnings } = deps.ingest.prepareWithWarnings(kind, client, req.body));
      if (kind === 'dossier' && deps.catalogue) {
        // The procedure catalogue's findings (issue 9 §6): warnings, or errors for agencies configured to refuse.
        const found = await deps.catalogue.check(
          events.map((e) => e.data),
          !Array.isArray(req.body),
        );
        if (found.errors.length > 0) throw invalidPacket(found.errors);
        warnings = [...warnings, ...found.warnings];
      }
    } catch (err) {
      if (err instanceof HubError) refused.inc({ code: err.code });
      throw err;
    }
    const hash = requestHash(req.method, req.routeOptions.url ?? req.url, req.rawBody ?? req.body);
    // Without a key, the content itself is the key for a few minutes (the store's content window): a
    // client's retry does not publish twice, a deliberate re-send later does.
    const key = header ?? (deps.idempotency.dedupesContent ? contentKey(hash) : undefined);
    if (key === undefined) return reply.status(202).send(await publish(kind, req, reply, events, warnings, undefined));
    const claim = await deps.idempotency.claim(client.id, key, hash);
    if (claim.kind === 'replay') {
      req.log.info({ client: client.id, kind, items: events.length }, 'repeated request answered from the idempotency store');
      return reply.status(claim.response.statusCode).header('idempotent-replayed', 'true').send(claim.response.body);
    }
    const body = await publish(kind, req, reply, events, warnings, key);
    // The events are committed: answer now and record the answer meanwhile (issue 16: waiting for this second
    // Postgres round trip was a quarter of a 1-item request's latency). A repeat on this instance waits for the
    // record (idempotency-store.ts); if the record fails, the claim stays in_progress (409 to a repeat) until it
    // is stale and taken over, and a repeat then publishes again, which consumers absorb (never-regress) —
    // before, the same failure answered 500 to a request whose events were committed.
    deps.idempotency
      .complete(client.id, key, { statusCode: 202, body })
      .catch((err: unknown) =>
        req.log.error({ err, client: client.id, kind }, 'could not record the answer in the idempotency store'),
      );
    return reply.status(202).send(body);
  }

  /**
   * Publishes the request's events; a failure releases the claim of `key` so a retry may proceed. The body carries
   * the standard's warnings (inferred rules, never a refusal) when there are any.
   */
  async function publish(
    kind: IngestKind,
    req: FastifyRequest,
    reply: FastifyReply,
    events: ReturnType<Ingest['prepare']>,
    warnings: ValidationIssue[],
    key: string | undefined,
  ) {
    const client = requireClient(req);
    let body;
    try {
      body = { accepted: await deps.ingest.publish(events), ...(warnings.length > 0 ? { warnings } : {}) };
    } catch (err) {
      if (key !== undefined)
        await deps.idempotency
          .release(client.id, key)
          .catch((e) => req.log.error({ err: e }, 'could not release idempotency claim'));
      if (err instanceof HubError) {
        refused.inc({ code: err.code });
        if (err.kind === 'unavailable') reply.header('retry-after', '5');
      }
      throw err;
    }
    accepted.inc({ kind }, events.length);
    // debug: one line per request costs throughput at these rates (issue 16); gateway_items_accepted_total counts them.
    req.log.debug({ client: client.id, kind, items: events.length }, 'published');
    return body;
  }

  // Bodies are validated by @lienthong/standard (all errors at once, bilingual), not by fastify's ajv:
  // the schema here documents the route in OpenAPI only.
  const noFastifyValidation = { validatorCompiler: () => (value: unknown) => ({ value }) };
  const headers = {
    type: 'object',
    properties: {
      'idempotency-key': {
        type: 'string',
        description:
          'optional; the same key and body answer the first response again (24 h). Without it, the same body does within the content window (5 minutes by default)',
      },
    },
  };

  app.post('/v1/dossiers', {
    ...noFastifyValidation,
    config: submitters,
    schema: {
      summary: 'Publish dossier snapshots (DongBoHoSoMC items)',
      description:
        'One item or an array of up to 500. All-or-nothing: 202 after Kafka acknowledged every item (with `warnings` when inferred rules of the standard found something; they never refuse), 400 listing every error otherwise.',
      tags: ['ingest'],
      headers,
      body: packetBodyDoc('DongBoHoSoMC item (schemas/dvcqg)'),
      response: { 202: acceptedResponse, ...errorResponses },
    },
    handler: (req, reply) => handle('dossier', req, reply),
  });
  app.post('/v1/dossiers/progress', {
    ...noFastifyValidation,
    config: submitters,
    schema: {
      summary: 'Publish processing progress (CapNhatTienDoHoSoMC items)',
      tags: ['ingest'],
      headers,
      body: packetBodyDoc('CapNhatTienDoHoSoMC item (schemas/dvcqg)'),
      response: { 202: acceptedResponse, ...errorResponses },
    },
    handler: (req, reply) => handle('progress', req, reply),
  });
}
