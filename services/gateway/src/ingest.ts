import { clientMayActFor, type ApiClient, type ErrorDetail } from '@lienthong/platform';
import { createEvent, type CloudEvent, type EventProducer } from '@lienthong/events';
import {
  agencyCodeOfMaHoSo,
  validateDossierBatch,
  validateProgressBatch,
  schemaIds,
  type ValidationIssue,
} from '@lienthong/standard';
import { agencyForbidden, invalidPacket } from './errors.js';

export type IngestKind = 'dossier' | 'progress';

const kinds = {
  dossier: { validate: validateDossierBatch, type: 'vn.lienthong.dossier.upserted', schema: () => schemaIds.dossierItem },
  progress: { validate: validateProgressBatch, type: 'vn.lienthong.dossier.progressed', schema: () => schemaIds.progressItem },
} as const;

export interface Accepted {
  MaHoSo: string;
  eventId: string;
}

/** A request's events, ready to publish, and what the standard warns about it. */
export interface Prepared {
  events: CloudEvent[];
  warnings: ValidationIssue[];
}

export interface Ingest {
  /** Validates and scope-checks the whole request, then returns its events (nothing published yet). */
  prepare(kind: IngestKind, client: ApiClient, body: unknown): CloudEvent[];
  /**
   * prepare, plus the warnings of the standard's inferred rules (docs/standard.md, "Warnings"): they never refuse a
   * request and are returned with its 202, paths relative to the body like the errors of a 400.
   */
  prepareWithWarnings(kind: IngestKind, client: ApiClient, body: unknown): Prepared;
  /** Publishes the events in one Kafka transaction; resolves after Kafka acknowledged all of them. */
  publish(events: CloudEvent[]): Promise<Accepted[]>;
}

/**
 * The ingest path of flow 1 (design.md). All-or-nothing: every item is validated and scope-checked
 * before anything is published, every error is reported at once with its JSON path, and the events of
 * one request go to Kafka in one transaction.
 */
export function createIngest(deps: { producer: EventProducer; topic: string; maxItems: number; now?: () => Date }): Ingest {
  const now = deps.now ?? (() => new Date());
  const ingest: Ingest = {
    prepare(kind, client, body) {
      return ingest.prepareWithWarnings(kind, client, body).events;
    },
    prepareWithWarnings(kind, client, body) {
      const k = kinds[kind];
      const result = k.validate(body, { maxItems: deps.maxItems });
      if (!result.ok || !result.value) throw invalidPacket(result.errors);
      const items = result.value as Array<{ MaHoSo: string }>;
      const single = !Array.isArray(body);
      // Agency scope on the data's own agency, the MaHoSo prefix (architecture.md decision 3), for every
      // item before anything is published: the platform's assertAgencyScope, item by item, so the 403
      // lists every item out of scope with its path.
      const forbidden: ErrorDetail[] = [];
      items.forEach((item, i) => {
        const agency = agencyCodeOfMaHoSo(item.MaHoSo);
        if (!agency || !clientMayActFor(client, agency)) {
          forbidden.push({
            path: single ? '/MaHoSo' : `/${i}/MaHoSo`,
            code: 'LT_GATEWAY_AGENCY_FORBIDDEN',
            message: `Khóa API không được gửi hồ sơ của cơ quan ${agency ?? '(không xác định)'}`,
            message_en: `this API client may not send dossiers of agency ${agency ?? '(unknown)'}`,
          });
        }
      });
      if (forbidden.length) throw agencyForbidden(forbidden);
      const time = now();
      const events = items.map((item) =>
        createEvent({
          source: 'urn:lienthong:gateway',
          type: k.type,
          subject: item.MaHoSo,
          dataschema: k.schema(),
          data: item,
          time,
        }),
      );
      return { events, warnings: result.warnings };
    },
    async publish(events) {
      await deps.producer.publish(deps.topic, events);
      return events.map((e) => ({ MaHoSo: e.subject, eventId: e.id }));
    },
  };
  return ingest;
}
