-- Remembered requests, so a retried request answers the first response again without publishing twice
-- (design.md flow 1). key is the client's Idempotency-Key, or `content:<sha256>` of the request when none
-- is given ("the same content does not publish twice").
CREATE TABLE gateway_idempotency (
  client_id    text        NOT NULL,
  key          text        NOT NULL,
  request_hash text        NOT NULL,
  state        text        NOT NULL CHECK (state IN ('in_progress', 'done')),
  status_code  integer,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, key)
);
CREATE INDEX gateway_idempotency_created_at ON gateway_idempotency (created_at);
