-- The console's own store (docs/console.md): operator sessions, the log of every state-changing action,
-- and an index of what the hub's topics carried (dossier events, sync outcomes, payment events, dead
-- letters), built by consuming them once, so a page never scans a topic.

-- Server-side sessions. The cookie holds a random 32-byte id; only its SHA-256 is stored, so a database
-- read gives no usable cookie. The operator's API key is kept encrypted (AES-256-GCM) under a key derived
-- from the console secret AND the cookie's id: neither the database nor the secret alone can decrypt it.
CREATE TABLE console_session (
  id_hash      text PRIMARY KEY,
  client_id    text NOT NULL,
  key_sealed   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  ended_at     timestamptz
);
CREATE INDEX console_session_expiry ON console_session (expires_at);

-- Every state-changing action: who, when, what, on which target, the reason typed, and the outcome.
-- Append-only (a trigger refuses UPDATE/DELETE/TRUNCATE).
CREATE TABLE console_action (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  client_id  text NOT NULL,
  action     text NOT NULL,
  target     text NOT NULL,
  reason     text NOT NULL CHECK (length(reason) >= 5),
  outcome    text NOT NULL,
  detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX console_action_at ON console_action (at DESC);
CREATE INDEX console_action_target ON console_action (target);
CREATE FUNCTION console_action_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'console_action is append-only';
END
$$;
CREATE TRIGGER console_action_no_change BEFORE UPDATE OR DELETE ON console_action
  FOR EACH ROW EXECUTE FUNCTION console_action_append_only();
CREATE TRIGGER console_action_no_truncate BEFORE TRUNCATE ON console_action
  FOR EACH STATEMENT EXECUTE FUNCTION console_action_append_only();

-- One row per event seen on the hub's topics (never the payload's personal data except the owner's
-- name, shown masked unless revealed by an audited action).
CREATE TABLE console_event (
  topic        text NOT NULL,
  partition    integer NOT NULL,
  "offset"     bigint NOT NULL,
  event_id     text NOT NULL,
  type         text NOT NULL,
  subject      text NOT NULL,
  ma_ho_so     text,
  agency       text,
  procedure    text,
  status       text,
  owner        text,
  summary      jsonb NOT NULL DEFAULT '{}',
  event_time   timestamptz NOT NULL,
  indexed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition, "offset")
);
CREATE INDEX console_event_ma_ho_so ON console_event (ma_ho_so, event_time);
CREATE INDEX console_event_time ON console_event (event_time DESC);
CREATE INDEX console_event_type_time ON console_event (type, event_time DESC);

-- Dead letters of every <topic>.dlq, one row per (dlq topic, original topic, consumer group, event id).
-- `state`: open → replaying (a replay was asked) → replayed (the consumer's replay API acknowledged it).
-- A dead letter that fails again arrives anew: the row reopens with the new failure, attempts and time.
CREATE TABLE console_dead_letter (
  id             bigserial PRIMARY KEY,
  dlq_topic      text NOT NULL,
  original_topic text NOT NULL,
  consumer_group text NOT NULL,
  event_id       text NOT NULL,
  event_type     text,
  ma_ho_so       text,
  agency         text,
  error_code     text,
  reason         text,
  portal_code    text,
  attempts       integer NOT NULL DEFAULT 1,
  failures       integer NOT NULL DEFAULT 1,
  first_at       timestamptz NOT NULL,
  last_at        timestamptz NOT NULL,
  dlq_partition  integer NOT NULL,
  dlq_offset     bigint NOT NULL,
  state          text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'replaying', 'replayed')),
  replay_action  bigint,
  replayed_at    timestamptz,
  UNIQUE (dlq_topic, original_topic, consumer_group, event_id)
);
CREATE INDEX console_dead_letter_open ON console_dead_letter (state, last_at DESC);
