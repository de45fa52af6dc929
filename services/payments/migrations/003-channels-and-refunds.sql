-- VNPT Pay and bank transfers by VietQR (issue 14): two more providers, the transfer code of a VietQR
-- payment, and the incoming transfers the banks' aggregators (payOS, SePay) report.
ALTER TABLE payments DROP CONSTRAINT payments_provider_check;
ALTER TABLE payments ADD CONSTRAINT payments_provider_check CHECK (provider IN ('vnpay', 'momo', 'paygov', 'vnptpay', 'vietqr'));

-- The short code the citizen's transfer text carries (VietQR tag 62.08): unique, so a transfer can match
-- at most one payment.
ALTER TABLE payments ADD COLUMN transfer_code text;
CREATE UNIQUE INDEX payments_transfer_code_unique ON payments (transfer_code) WHERE transfer_code IS NOT NULL;

-- Every incoming transfer reported by an aggregator, once (dedupe on the aggregator's own id), with what
-- it matched. `unmatched` and `mismatch` rows are the transfer review list: never dropped, never settled.
CREATE TABLE bank_transfers (
  transfer_id     bigserial PRIMARY KEY,
  source          text NOT NULL CHECK (source IN ('payos', 'sepay')),
  provider_txn_id text NOT NULL,
  merchant        text NOT NULL,
  amount          bigint NOT NULL CHECK (amount >= 0),
  transfer_text   text NOT NULL,
  codes           text[] NOT NULL DEFAULT '{}',
  payment_id      uuid REFERENCES payments (payment_id),
  -- the matched payment's agency (operators see the transfers of their agencies); NULL when unmatched
  agency_code     text,
  outcome         text NOT NULL CHECK (outcome IN ('pending', 'settled', 'duplicate_payment', 'amount_mismatch', 'late', 'unmatched', 'ambiguous', 'outgoing')),
  received_at     timestamptz NOT NULL,
  reviewed_at     timestamptz,
  review_note     text,
  CONSTRAINT bank_transfers_once UNIQUE (source, provider_txn_id)
);
CREATE INDEX bank_transfers_review ON bank_transfers (received_at)
  WHERE outcome IN ('amount_mismatch', 'late', 'unmatched', 'ambiguous', 'duplicate_payment') AND reviewed_at IS NULL;

-- Refunds (issue 14 §3). A refund is a row of payment_refunds; every state change of it is also appended to
-- payment_events. The sum of a payment's live refunds (requested, pending or succeeded; a failed one
-- frees its amount) is kept in payments.refunded_amount BY A TRIGGER, and the CHECK below refuses any
-- state in which it exceeds the amount paid: the schema, not only the code, forbids an over-refund. The
-- trigger adds and subtracts (never recomputes a sum), so two concurrent refunds of one payment serialize
-- on the payment's row and the second sees the first's amount.
ALTER TABLE payments ADD COLUMN refunded_amount bigint NOT NULL DEFAULT 0;
ALTER TABLE payments ADD CONSTRAINT payments_refund_within_paid
  CHECK (refunded_amount >= 0 AND refunded_amount <= amount AND (refunded_amount = 0 OR status = 'paid'));

CREATE TABLE payment_refunds (
  refund_id       uuid PRIMARY KEY,
  payment_id      uuid NOT NULL REFERENCES payments (payment_id),
  amount          bigint NOT NULL CHECK (amount > 0),
  -- provider: through the provider's refund API (VNPAY refund command, MoMo refund API);
  -- manual: an operator confirms the money was paid back outside the hub, with a reference.
  kind            text NOT NULL CHECK (kind IN ('provider', 'manual')),
  state           text NOT NULL CHECK (state IN ('requested', 'pending', 'succeeded', 'failed')),
  reason          text NOT NULL CHECK (length(reason) BETWEEN 5 AND 2000),
  reference       text,
  actor           text NOT NULL,
  -- our reference of the refund at the provider (MoMo refund orderId, VNPAY vnp_RequestId)
  provider_ref    text,
  provider_txn_id text,
  provider_code   text,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  next_check_at   timestamptz,
  CONSTRAINT payment_refunds_manual_has_reference CHECK (kind <> 'manual' OR reference IS NOT NULL)
);
CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id);
CREATE INDEX payment_refunds_due ON payment_refunds (next_check_at) WHERE state IN ('requested', 'pending');

CREATE FUNCTION payment_refunds_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta bigint := 0;
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.state <> 'failed' THEN delta := NEW.amount; END IF;
  ELSE
    IF NEW.amount <> OLD.amount OR NEW.payment_id <> OLD.payment_id THEN
      RAISE EXCEPTION 'payment_refunds: amount and payment are fixed once requested';
    END IF;
    IF OLD.state = 'failed' AND NEW.state <> 'failed' THEN
      RAISE EXCEPTION 'payment_refunds: a failed refund is final';
    END IF;
    IF OLD.state = 'succeeded' AND NEW.state <> 'succeeded' THEN
      RAISE EXCEPTION 'payment_refunds: a succeeded refund is final';
    END IF;
    IF OLD.state <> 'failed' AND NEW.state = 'failed' THEN delta := -NEW.amount; END IF;
  END IF;
  IF delta <> 0 THEN
    UPDATE payments SET refunded_amount = refunded_amount + delta WHERE payment_id = NEW.payment_id;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER payment_refunds_track AFTER INSERT OR UPDATE ON payment_refunds
  FOR EACH ROW EXECUTE FUNCTION payment_refunds_track();
CREATE TRIGGER payment_refunds_no_delete BEFORE DELETE OR TRUNCATE ON payment_refunds
  FOR EACH STATEMENT EXECUTE FUNCTION payment_events_append_only();
