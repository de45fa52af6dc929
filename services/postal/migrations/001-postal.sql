-- Postal delivery of results (issue 15). One order per dossier and result: the primary key is the
-- idempotency argument, whatever the number of events, retries or instances.
CREATE TABLE postal_dossiers (
  ma_ho_so     text PRIMARY KEY,
  agency       text NOT NULL,
  -- HinhThuc = 1: the applicant asked for the result by post (national-standard.md §7 [meaning inf]).
  by_post      boolean NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE postal_recipients (
  ma_ho_so      text PRIMARY KEY,
  agency        text NOT NULL,
  receiver      jsonb NOT NULL,
  mapped        jsonb NOT NULL,
  registered_by text NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE postal_orders (
  ma_ho_so        text NOT NULL,
  result_key      text NOT NULL,
  agency          text NOT NULL,
  route           text NOT NULL CHECK (route IN ('myvnpost', 'hcc')),
  -- pending: to be created; needs-address: no mappable recipient yet; create-failed: VNPost refused it;
  -- then the states of @lienthong/vnpost (created … returned, unknown).
  state           text NOT NULL,
  item_code       text,
  original_id     text,
  vnpost_status   text,
  last_status_at  timestamptz,
  flagged         boolean NOT NULL DEFAULT false,
  flag_reason     text,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ma_ho_so, result_key)
);
CREATE INDEX postal_orders_due ON postal_orders (next_attempt_at) WHERE state = 'pending';
CREATE INDEX postal_orders_open ON postal_orders (state) WHERE state NOT IN ('delivered', 'returned', 'cancelled');

-- Every status VNPost reported, kept even when we cannot map it; replays of a webhook or a poll are absorbed
-- by the unique key.
CREATE TABLE postal_status_history (
  ma_ho_so      text NOT NULL,
  result_key    text NOT NULL,
  vnpost_status text NOT NULL,
  status_name   text NOT NULL,
  state         text,
  at            timestamptz NOT NULL,
  source        text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (ma_ho_so, result_key, vnpost_status, at)
);

-- Transactional outbox of postal.events.v1: written with the state change, published by the relay.
CREATE TABLE postal_outbox (
  id           bigserial PRIMARY KEY,
  subject      text NOT NULL,
  event        jsonb NOT NULL,
  published_at timestamptz
);
CREATE INDEX postal_outbox_waiting ON postal_outbox (id) WHERE published_at IS NULL;

CREATE TABLE postal_cursors (name text PRIMARY KEY, value text NOT NULL);
