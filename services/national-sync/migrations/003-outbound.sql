-- What the province sends back to the portal outside the dossier flow (issue 13, docs/national-sync.md
-- "Answers and promotion statuses"): answers to citizens' questions (DongBoKetQuaHoiDapGuiTuDVCQG) and the status
-- of promotion-notice dossiers that came from the portal (DongBoTrangThaiHoSo type 2), consumed from
-- national.outbound.v1. One row per (kind, key) — key = HOIDAPID, or the DVCQG MaHoSo — with the newest accepted
-- packet and its version, what the portal acknowledged, and the retry state: the same ledger discipline as
-- sync_dossier, so a retry or a replay pushes the newest packet, never the one that failed.
CREATE TABLE sync_outbound (
  kind              text NOT NULL CHECK (kind IN ('qa-answer', 'promotion-status')),
  key               text NOT NULL,
  -- the agency the data belongs to, as inbound recorded it from the portal (admin scope, outcome events)
  agency            text NOT NULL,
  -- newest accepted national.outbound.v1 CloudEvent (data.packet is what goes to the portal) and its version:
  -- (rank, acceptance time, offset); rank = the status's NgayXuLy (yyyyMMddHHmmss sorts as time), '' for an answer.
  event             jsonb NOT NULL,
  ver_rank          text COLLATE "C" NOT NULL,
  ver_time          timestamptz NOT NULL,
  ver_seq           bigint NOT NULL,
  -- what the portal holds: the version of the last packet it acknowledged
  portal_rank       text COLLATE "C",
  portal_time       timestamptz,
  portal_seq        bigint,
  portal_event_id   text,
  portal_synced_at  timestamptz,
  -- the version given up on (refused by the portal, or its retries exhausted) and dead-lettered: not pushed again
  -- until a newer one arrives or an operator replays it
  dead_rank         text COLLATE "C",
  dead_time         timestamptz,
  dead_seq          bigint,
  state             text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'retrying', 'synced', 'dead-lettered')),
  due_at            timestamptz,
  resync            boolean NOT NULL DEFAULT false,
  -- consecutive transient failures (reset by a success or a replay); NATIONAL_SYNC_OUTBOUND_MAX_ATTEMPTS bounds it
  attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  total_attempts    integer NOT NULL DEFAULT 0,
  last_error_code   text,
  last_error        text,
  last_attempt_at   timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, key),
  -- the portal never holds a version newer than the newest accepted one
  CHECK (portal_time IS NULL OR (portal_rank, portal_time, portal_seq) <= (ver_rank, ver_time, ver_seq))
);
CREATE INDEX sync_outbound_due ON sync_outbound (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX sync_outbound_state ON sync_outbound (state) WHERE state <> 'synced';
