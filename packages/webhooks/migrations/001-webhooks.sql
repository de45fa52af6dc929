-- Signed webhooks to provincial systems (packages/webhooks). Shared by every service that delivers webhooks
-- (notifications, inbound): subscriptions are per API client, deliveries carry the origin service that queued them.
CREATE TABLE IF NOT EXISTS webhook_subscriptions (
  id uuid PRIMARY KEY,
  client_id text NOT NULL,
  url text NOT NULL,
  event_types text[] NOT NULL CHECK (cardinality(event_types) > 0),
  agencies text[] NOT NULL CHECK (cardinality(agencies) > 0),
  -- AES-256-GCM sealed secrets (secret-box.ts); the previous one stays valid until previous_secret_expires_at (rotation).
  secret_sealed text NOT NULL,
  previous_secret_sealed text,
  previous_secret_expires_at timestamptz,
  description text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_subscriptions_client ON webhook_subscriptions (client_id);

CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id uuid PRIMARY KEY,
  -- Global insertion order: deliveries of one (subscription, subject) leave in seq order.
  seq bigserial NOT NULL UNIQUE,
  subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  origin text NOT NULL,
  event_id text NOT NULL,
  event_type text NOT NULL,
  subject text NOT NULL,
  agency text NOT NULL,
  -- The exact bytes POSTed (the CloudEvent): signatures are over these bytes, redeliveries send them again.
  body text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_until timestamptz,
  give_up_at timestamptz NOT NULL,
  redelivery_of uuid REFERENCES webhook_deliveries (id) ON DELETE SET NULL,
  last_status integer,
  last_error text,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz,
  CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);
-- One delivery per subscription and event, whatever the redeliveries of the source event (the consumer's at-least-once).
CREATE UNIQUE INDEX IF NOT EXISTS webhook_deliveries_once ON webhook_deliveries (subscription_id, event_id) WHERE redelivery_of IS NULL;
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (origin, next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_subject ON webhook_deliveries (subscription_id, subject, seq) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS webhook_delivery_attempts (
  id bigserial PRIMARY KEY,
  delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  started_at timestamptz NOT NULL,
  duration_ms integer NOT NULL,
  status_code integer,
  error text,
  response_excerpt text,
  UNIQUE (delivery_id, attempt)
);
