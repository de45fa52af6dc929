-- The payment ledger (docs/payments.md). Amounts are integer VND (bigint) end to end.

-- Current state of every payment, updated only in the same transaction that appends to payment_events.
CREATE TABLE payments (
  payment_id       uuid PRIMARY KEY,
  ma_ho_so         text NOT NULL,
  agency_code      text NOT NULL,
  client_id        text NOT NULL,
  provider         text NOT NULL CHECK (provider IN ('vnpay', 'momo', 'paygov')),
  -- provider-side merchant id: vnp_TmnCode, MoMo partnerCode, PayGov MaDoiTac
  merchant         text NOT NULL,
  -- our reference at the provider: vnp_TxnRef, MoMo orderId, PayGov MaThamChieu
  order_ref        text NOT NULL,
  amount           bigint NOT NULL CHECK (amount > 0),
  fees             jsonb NOT NULL,
  status           text NOT NULL CHECK (status IN ('created', 'pending', 'paid', 'failed', 'expired')),
  status_reason    text,
  -- set when a human must look (amount mismatch, second transaction, unverifiable for too long…)
  review_reason    text,
  provider_txn_id  text,
  provider_code    text,
  pay_url          text,
  return_url       text NOT NULL,
  -- what a later status query needs (e.g. VNPAY vnp_CreateDate → querydr vnp_TransactionDate)
  provider_data    jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  paid_at          timestamptz,
  version          integer NOT NULL DEFAULT 1,
  -- reconciliation bookkeeping (operational, not part of the audit trail)
  next_check_at    timestamptz,
  check_count      integer NOT NULL DEFAULT 0,
  unverified_count integer NOT NULL DEFAULT 0,
  last_check_at    timestamptz,
  last_check_outcome text,
  -- one order reference per merchant: a notification can only ever match one payment
  CONSTRAINT payments_order_ref_unique UNIQUE (provider, merchant, order_ref),
  CONSTRAINT payments_paid_has_txn CHECK (status <> 'paid' OR provider_txn_id IS NOT NULL)
);
-- one provider transaction settles at most one payment
CREATE UNIQUE INDEX payments_provider_txn_unique ON payments (provider, provider_txn_id) WHERE provider_txn_id IS NOT NULL;
CREATE INDEX payments_due ON payments (next_check_at) WHERE status IN ('created', 'pending');
CREATE INDEX payments_ma_ho_so ON payments (ma_ho_so);
CREATE INDEX payments_review ON payments (updated_at) WHERE review_reason IS NOT NULL;

-- Append-only history: every transition and every observation a human may need (amount mismatches).
CREATE TABLE payment_events (
  event_id        bigserial PRIMARY KEY,
  payment_id      uuid NOT NULL REFERENCES payments (payment_id),
  kind            text NOT NULL,
  from_status     text,
  to_status       text NOT NULL,
  source          text NOT NULL CHECK (source IN ('api', 'ipn', 'reconciliation', 'operator')),
  provider_txn_id text,
  provider_code   text,
  amount          bigint,
  detail          jsonb NOT NULL DEFAULT '{}',
  recorded_at     timestamptz NOT NULL
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, event_id);
-- Belt and braces under the state machine: whatever the code does, one payment is settled at most once
-- and expired at most once, and one provider transaction's mismatch is recorded once however often
-- the provider retries it.
CREATE UNIQUE INDEX payment_events_one_settlement ON payment_events (payment_id) WHERE kind = 'paid';
CREATE UNIQUE INDEX payment_events_one_expiry ON payment_events (payment_id) WHERE kind = 'expired';
CREATE UNIQUE INDEX payment_events_one_review ON payment_events (payment_id, kind, coalesce(provider_txn_id, ''))
  WHERE kind IN ('amount_mismatch', 'second_transaction', 'provider_disagrees');

CREATE FUNCTION payment_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'payment_events is append-only';
END
$$;
CREATE TRIGGER payment_events_no_change BEFORE UPDATE OR DELETE ON payment_events
  FOR EACH ROW EXECUTE FUNCTION payment_events_append_only();
CREATE TRIGGER payment_events_no_truncate BEFORE TRUNCATE ON payment_events
  FOR EACH STATEMENT EXECUTE FUNCTION payment_events_append_only();

-- Transactional outbox: the CloudEvent is written with the transition it announces, and a relay
-- publishes it after commit, so neither a Kafka outage nor a crash can lose a settlement's event.
CREATE TABLE payment_outbox (
  outbox_id    bigserial PRIMARY KEY,
  payment_id   uuid NOT NULL REFERENCES payments (payment_id),
  event_id     text NOT NULL UNIQUE,
  event        jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  published_at timestamptz,
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text
);
CREATE INDEX payment_outbox_unpublished ON payment_outbox (outbox_id) WHERE published_at IS NULL;
