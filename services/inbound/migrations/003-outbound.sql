-- What provincial systems send back to the national portal through the hub (issue 13): answers to citizens'
-- questions and statuses of promotion dossiers that came from the portal. Inbound validates them and publishes each
-- once to national.outbound.v1; national-sync pushes them (its ledger, retries, dead letters, replay). This table is
-- inbound's "published once" record: one row per report (ref_key), the row written in the same transaction that waits
-- for Kafka's acknowledgement, so a row exists only for a report that is on Kafka (published_at set).
CREATE TABLE outbound_reports (
  -- qa-answer:<HOIDAPID> (one answer per question) or promotion-status:<DVCQG MaHoSo>:<hash of the report>
  ref_key          text PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('qa-answer', 'promotion-status')),
  -- HOIDAPID, or the DVCQG MaHoSo
  key              text NOT NULL,
  -- the data's own agency as inbound recorded it from the portal (the question's MADONVI, the dossier's agency)
  agency           text NOT NULL,
  -- the portal-ready packet, and for a status the TrangThaiHoSo reported before the reduction
  packet           jsonb NOT NULL,
  reported_status  text,
  event_id         text NOT NULL,
  submitted_by     text NOT NULL,
  accepted_at      timestamptz NOT NULL DEFAULT now(),
  -- NULL only for answers carried over below that had not reached the portal: published at the next start
  published_at     timestamptz
);
CREATE INDEX outbound_reports_key ON outbound_reports (kind, key, accepted_at);
CREATE INDEX outbound_reports_unpublished ON outbound_reports (accepted_at) WHERE published_at IS NULL;

-- Answers inbound used to push itself (002-qa.sql): one path now. Those the portal took are recorded as published
-- (never sent again); pending or refused ones are published to national-sync at the next start.
INSERT INTO outbound_reports (ref_key, kind, key, agency, packet, event_id, submitted_by, accepted_at, published_at)
SELECT 'qa-answer:' || hoidap_id, 'qa-answer', hoidap_id, agency, item,
       'outbound-' || substr(encode(sha256(convert_to('qa-answer:' || hoidap_id, 'UTF8')), 'hex'), 1, 40),
       submitted_by, created_at, CASE WHEN state = 'pushed' THEN coalesce(pushed_at, now()) END
  FROM qa_answers;
DROP TABLE qa_answers;
