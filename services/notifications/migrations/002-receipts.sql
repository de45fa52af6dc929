-- Electronic fee receipts (biên lai điện tử) issued after a verified settlement (payment.settled), one per payment.
CREATE TABLE receipts (
  payment_id text PRIMARY KEY,
  ma_ho_so text NOT NULL,
  agency text NOT NULL,
  agency_tax_code text NOT NULL,
  vendor text NOT NULL CHECK (vendor IN ('vnpt', 'viettel')),
  account text NOT NULL,
  -- VNPT fkey / Viettel transactionUuid: every call for this payment carries it, so a retry never issues twice.
  provider_key text NOT NULL UNIQUE,
  pattern text,
  serial text,
  number text,
  amount bigint NOT NULL CHECK (amount > 0),
  request_sealed text,
  status text NOT NULL CHECK (status IN ('pending', 'issuing', 'uncertain', 'issued', 'failed')),
  error_code text,
  error_message text,
  note text,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_until timestamptz,
  last_call_at timestamptz,
  pdf bytea,
  pdf_sha256 text,
  source_event_id text NOT NULL,
  created_at timestamptz NOT NULL,
  issued_at timestamptz,
  updated_at timestamptz NOT NULL,
  CHECK (status <> 'issued' OR (pattern IS NOT NULL AND serial IS NOT NULL))
);
-- A receipt number is unique per issuing unit, template and serial (Decree 254/2026 Đ23 [2nd L1]).
CREATE UNIQUE INDEX receipts_number ON receipts (agency_tax_code, pattern, serial, number) WHERE number IS NOT NULL;
CREATE INDEX receipts_due ON receipts (next_attempt_at) WHERE status IN ('pending', 'issuing', 'uncertain');
CREATE INDEX receipts_dossier ON receipts (ma_ho_so);
