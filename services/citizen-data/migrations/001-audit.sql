-- The audit log of citizen-data: one row per look-up, allowed or refused (issue 8, docs/citizen-data.md).
-- Rows are hash-chained (hash = HMAC(chain key, prev_hash + canonical row)); the chain key is not in the
-- database, so whoever can write here (a superuser included) cannot forge a row the verifier accepts.
CREATE TABLE IF NOT EXISTS citizen_audit (
  seq          bigint PRIMARY KEY CHECK (seq >= 1),
  lookup_id    uuid NOT NULL UNIQUE,
  at           timestamptz NOT NULL,
  client_id    text NOT NULL,
  agency       text,
  officer_id   text,
  ma_ho_so     text,
  ma_tthc      text,
  operation    text NOT NULL,
  subject_type text CHECK (subject_type IN ('citizen', 'business')),
  -- HMAC-SHA-256 of the subject ID with a key outside the database; never the ID itself.
  subject_hash text CHECK (subject_hash ~ '^[0-9a-f]{64}$'),
  fields       text[] NOT NULL DEFAULT '{}',
  outcome      text NOT NULL CHECK (outcome IN ('found', 'not-found', 'match', 'no-match', 'refused', 'error')),
  reason       text,
  peer_code    text,
  latency_ms   integer NOT NULL CHECK (latency_ms >= 0),
  prev_hash    text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash         text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX IF NOT EXISTS citizen_audit_subject ON citizen_audit (subject_hash, at);
CREATE INDEX IF NOT EXISTS citizen_audit_officer ON citizen_audit (officer_id, at);
CREATE INDEX IF NOT EXISTS citizen_audit_agency ON citizen_audit (agency, at);
CREATE INDEX IF NOT EXISTS citizen_audit_dossier ON citizen_audit (ma_ho_so, at);
CREATE INDEX IF NOT EXISTS citizen_audit_at ON citizen_audit (at);

-- Append-only for everyone: UPDATE, DELETE and TRUNCATE raise. A superuser can still switch triggers off
-- (session_replication_role = replica); the hash chain is what catches that.
CREATE OR REPLACE FUNCTION citizen_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'citizen_audit is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER IF EXISTS citizen_audit_no_update ON citizen_audit;
CREATE TRIGGER citizen_audit_no_update BEFORE UPDATE OR DELETE ON citizen_audit FOR EACH ROW EXECUTE FUNCTION citizen_audit_refuse_change();
DROP TRIGGER IF EXISTS citizen_audit_no_truncate ON citizen_audit;
CREATE TRIGGER citizen_audit_no_truncate BEFORE TRUNCATE ON citizen_audit FOR EACH STATEMENT EXECUTE FUNCTION citizen_audit_refuse_change();

-- How far the log has been published to citizen.audit.v1 (the outbox cursor). Also the verifier's witness
-- of the chain's length: a deleted tail shows as published rows that are gone.
CREATE TABLE IF NOT EXISTS citizen_audit_published (
  id        smallint PRIMARY KEY CHECK (id = 1),
  last_seq  bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO citizen_audit_published (id, last_seq) VALUES (1, 0) ON CONFLICT DO NOTHING;
