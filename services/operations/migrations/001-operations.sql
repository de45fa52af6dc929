-- Operational state of the operations service (docs/operations.md). The read model itself lives in its
-- own schema (src/read-model/schema.ts) so it can be rebuilt from the topics; what is here survives a rebuild.

-- Agency registry: LayDanhMucCoQuan + the overrides file (parent, level, validity, successor).
CREATE TABLE ops_agency (
  code text PRIMARY KEY,
  name text NOT NULL,
  parent text,
  level smallint,
  valid_from date,
  valid_to date,
  successor text,
  source text NOT NULL CHECK (source IN ('dvcqg', 'override', 'inferred')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (successor IS NULL OR successor <> code),
  CHECK (parent IS NULL OR parent <> code)
);
-- Transitive roll-up: `code` counts under `ancestor` (itself, its parents, its successors and theirs).
CREATE TABLE ops_agency_closure (
  code text NOT NULL,
  ancestor text NOT NULL,
  PRIMARY KEY (ancestor, code)
);
CREATE INDEX ops_agency_closure_code ON ops_agency_closure (code);

-- Procedure catalogue: LayDanhSachTTHC + LayThuTuc.
CREATE TABLE ops_procedure (
  ma_tthc text PRIMARY KEY,
  name text NOT NULL,
  legal_days integer,
  working_days boolean NOT NULL DEFAULT true,
  unit text,
  fees jsonb NOT NULL DEFAULT '[]',
  has_fee boolean NOT NULL DEFAULT false,
  requires_paper_result boolean NOT NULL DEFAULT false,
  online_channel boolean NOT NULL DEFAULT false,
  agencies text[] NOT NULL DEFAULT '{}',
  detail jsonb,
  detail_synced_at timestamptz,
  listed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ops_catalogue_run (
  run_id bigserial PRIMARY KEY,
  trigger text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'partial', 'failed')),
  procedures_listed integer NOT NULL DEFAULT 0,
  details_ok integer NOT NULL DEFAULT 0,
  details_failed integer NOT NULL DEFAULT 0,
  agencies integer NOT NULL DEFAULT 0,
  errors jsonb NOT NULL DEFAULT '[]'
);

-- One row per transition announced: exactly one due-soon and one overdue per dossier per deadline.
CREATE TABLE ops_deadline_notice (
  ma_ho_so text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('due-soon', 'overdue')),
  deadline timestamptz NOT NULL,
  agency_code text NOT NULL,
  detected_at timestamptz NOT NULL,
  PRIMARY KEY (ma_ho_so, kind, deadline)
);

-- Transactional outbox of dossier.deadline.v1 (written in the transaction that records the transition).
CREATE TABLE ops_outbox (
  outbox_id bigserial PRIMARY KEY,
  event jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX ops_outbox_waiting ON ops_outbox (outbox_id) WHERE published_at IS NULL;

-- Apology letters ("phiếu xin lỗi và hẹn lại ngày trả kết quả"), kept with the dossier.
CREATE TABLE ops_apology (
  apology_id uuid PRIMARY KEY,
  ma_ho_so text NOT NULL,
  agency_code text NOT NULL,
  letter jsonb NOT NULL,
  new_due_date date NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX ops_apology_dossier ON ops_apology (ma_ho_so, created_at);

-- Citizens' satisfaction answers (POST /v1/ratings), one per dossier and question.
CREATE TABLE ops_rating (
  ma_ho_so text NOT NULL,
  question text NOT NULL,
  answer smallint NOT NULL CHECK (answer IN (1, 2, 3)),
  agency_code text NOT NULL,
  rated_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ma_ho_so, question)
);
CREATE INDEX ops_rating_agency_month ON ops_rating (agency_code, rated_at);

-- Ledger of monthly DongBoDanhGia summaries: one row per agency-month, sent until acknowledged.
CREATE TABLE ops_rating_submission (
  agency_code text NOT NULL,
  month date NOT NULL,
  items jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'acknowledged')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  portal_message text,
  PRIMARY KEY (agency_code, month)
);
