import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '@lienthong/platform';
import type pg from 'pg';
import type { SecretBox } from './secret-box.js';
import { agencyMatches, eventTypeMatches } from './matching.js';
import type { DeliveryRetryPolicy } from './backoff.js';

/** Anything that runs a query: the pool, or the client of the caller's transaction (the outbox pattern). */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface Subscription {
  id: string;
  clientId: string;
  url: string;
  eventTypes: string[];
  agencies: string[];
  description: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  /** Set while a rotated-out secret is still used to sign (both `v1` are sent). */
  previousSecretExpiresAt: string | null;
}

export interface DeliveryRow {
  id: string;
  seq: string;
  subscriptionId: string;
  origin: string;
  eventId: string;
  eventType: string;
  subject: string;
  agency: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  giveUpAt: string;
  redeliveryOf: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface AttemptRow {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : d == null ? null : String(d));

function toSubscription(r: Record<string, unknown>): Subscription {
  return {
    id: r.id as string,
    clientId: r.client_id as string,
    url: r.url as string,
    eventTypes: r.event_types as string[],
    agencies: r.agencies as string[],
    description: (r.description as string | null) ?? null,
    active: r.active as boolean,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    previousSecretExpiresAt: iso(r.previous_secret_expires_at),
  };
}

export function toDelivery(r: Record<string, unknown>): DeliveryRow {
  return {
    id: r.id as string,
    seq: String(r.seq),
    subscriptionId: r.subscription_id as string,
    origin: r.origin as string,
    eventId: r.event_id as string,
    eventType: r.event_type as string,
    subject: r.subject as string,
    agency: r.agency as string,
    status: r.status as DeliveryRow['status'],
    attempts: r.attempts as number,
    nextAttemptAt: iso(r.next_attempt_at)!,
    giveUpAt: iso(r.give_up_at)!,
    redeliveryOf: (r.redelivery_of as string | null) ?? null,
    lastStatus: (r.last_status as number | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    deliveredAt: iso(r.delivered_at),
  };
}

/** A fresh signing secret (`whsec_` + 32 random bytes), shown to the subscriber once. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

export interface NewSubscription {
  clientId: string;
  url: string;
  eventTypes: string[];
  agencies: string[];
  description?: string | undefined;
}

export interface SubscriptionStore {
  create(s: NewSubscription): Promise<{ subscription: Subscription; secret: string }>;
  get(id: string): Promise<Subscription | undefined>;
  list(filter: { clientId?: string }): Promise<Subscription[]>;
  update(
    id: string,
    patch: Partial<Pick<Subscription, 'url' | 'eventTypes' | 'agencies' | 'description' | 'active'>>,
  ): Promise<Subscription | undefined>;
  remove(id: string): Promise<boolean>;
  /** New secret; the previous one keeps signing (second `v1`) for `overlapMs`. */
  rotateSecret(id: string, overlapMs: number): Promise<{ subscription: Subscription; secret: string } | undefined>;
  /** The secrets to sign with now: current first, then the previous one while its overlap lasts. */
  signingSecrets(id: string): Promise<{ url: string; active: boolean; secrets: string[] } | undefined>;
}

export function createSubscriptionStore(deps: { db: Queryable; box: SecretBox; clock: Clock }): SubscriptionStore {
  const { db, box, clock } = deps;
  return {
    async create(s) {
      const secret = newWebhookSecret();
      const now = clock.now();
      const r = await db.query(
        `INSERT INTO webhook_subscriptions (id, client_id, url, event_types, agencies, secret_sealed, description, created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8) RETURNING *`,
        [randomUUID(), s.clientId, s.url, s.eventTypes, s.agencies, box.seal(secret), s.description ?? null, now],
      );
      return { subscription: toSubscription(r.rows[0]!), secret };
    },
    async get(id) {
      const r = await db.query('SELECT * FROM webhook_subscriptions WHERE id = $1', [id]);
      return r.rows[0] ? toSubscription(r.rows[0]) : undefined;
    },
    async list(filter) {
      const r = filter.clientId
        ? await db.query('SELECT * FROM webhook_subscriptions WHERE client_id = $1 ORDER BY created_at, id', [filter.clientId])
        : await db.query('SELECT * FROM webhook_subscriptions ORDER BY created_at, id');
      return r.rows.map(toSubscription);
    },
    async update(id, p) {
      const r = await db.query(
        `UPDATE webhook_subscriptions SET url = COALESCE($2, url), event_types = COALESCE($3, event_types), agencies = COALESCE($4, agencies),
           description = CASE WHEN $5::boolean THEN $6 ELSE description END, active = COALESCE($7, active), updated_at = $8
         WHERE id = $1 RETURNING *`,
        [
          id,
          p.url ?? null,
          p.eventTypes ?? null,
          p.agencies ?? null,
          p.description !== undefined,
          p.description ?? null,
          p.active ?? null,
          clock.now(),
        ],
      );
      return r.rows[0] ? toSubscription(r.rows[0]) : undefined;
    },
    async remove(id) {
      const r = await db.query('DELETE FROM webhook_subscriptions WHERE id = $1', [id]);
      return (r.rowCount ?? 0) > 0;
    },
    async rotateSecret(id, overlapMs) {
      const secret = newWebhookSecret();
      const now = clock.now();
      const r = await db.query(
        `UPDATE webhook_subscriptions SET previous_secret_sealed = secret_sealed, previous_secret_expires_at = $3, secret_sealed = $2, updated_at = $4
         WHERE id = $1 RETURNING *`,
        [id, box.seal(secret), new Date(now.getTime() + overlapMs), now],
      );
      return r.rows[0] ? { subscription: toSubscription(r.rows[0]), secret } : undefined;
    },
    async signingSecrets(id) {
      const r = await db.query<{
        url: string;
        active: boolean;
        secret_sealed: string;
        previous_secret_sealed: string | null;
        previous_secret_expires_at: Date | null;
      }>(
        'SELECT url, active, secret_sealed, previous_secret_sealed, previous_secret_expires_at FROM webhook_subscriptions WHERE id = $1',
        [id],
      );
      const row = r.rows[0];
      if (!row) return undefined;
      const secrets = [box.open(row.secret_sealed)];
      if (
        row.previous_secret_sealed &&
        row.previous_secret_expires_at &&
        row.previous_secret_expires_at.getTime() > clock.now().getTime()
      ) {
        secrets.push(box.open(row.previous_secret_sealed));
      }
      return { url: row.url, active: row.active, secrets };
    },
  };
}

/** What a service hands to {@link enqueueWebhookEvent}: a CloudEvent and the agency it belongs to. */
export interface WebhookEvent {
  id: string;
  type: string;
  subject: string;
  [k: string]: unknown;
}

/**
 * Queues one delivery of `event` per active subscription whose event types and agencies match (the outbox:
 * pass the client of your own transaction so the delivery is queued exactly when your state change commits).
 * Idempotent per (subscription, event id): a redelivered source event queues nothing twice.
 * Returns the number of deliveries queued.
 */
export async function enqueueWebhookEvent(
  db: Queryable,
  args: { origin: string; agency: string; event: WebhookEvent; clock: Clock; policy: DeliveryRetryPolicy },
): Promise<number> {
  const subs = await db.query<{ id: string; event_types: string[]; agencies: string[] }>(
    'SELECT id, event_types, agencies FROM webhook_subscriptions WHERE active',
  );
  const targets = subs.rows.filter(
    (s) => eventTypeMatches(s.event_types, args.event.type) && agencyMatches(s.agencies, args.agency),
  );
  if (targets.length === 0) return 0;
  const now = args.clock.now();
  const body = JSON.stringify(args.event);
  let queued = 0;
  for (const s of targets) {
    const r = await db.query(
      `INSERT INTO webhook_deliveries (id, subscription_id, origin, event_id, event_type, subject, agency, body, status, next_attempt_at, give_up_at, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'pending',$9,$10,$9)
       ON CONFLICT (subscription_id, event_id) WHERE redelivery_of IS NULL DO NOTHING`,
      [
        randomUUID(),
        s.id,
        args.origin,
        args.event.id,
        args.event.type,
        args.event.subject,
        args.agency,
        body,
        now,
        new Date(now.getTime() + args.policy.retryForMs),
      ],
    );
    queued += r.rowCount ?? 0;
  }
  return queued;
}
