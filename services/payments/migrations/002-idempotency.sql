-- Idempotency-Key of POST /v1/payments (issue 17 §2), the gateway's semantics: the same key and body answer
-- the first response again; the same key with another body is a 409. Kept in Postgres because payments may
-- run as several instances; purged after PAYMENTS_IDEMPOTENCY_TTL_HOURS.
CREATE TABLE payment_idempotency (
  client_id    text NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  state        text NOT NULL CHECK (state IN ('in_progress', 'done')),
  status_code  integer,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, key)
);
CREATE INDEX payment_idempotency_created ON payment_idempotency (created_at);
