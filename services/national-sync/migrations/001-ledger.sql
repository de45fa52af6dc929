-- The national-sync ledger (docs/national-sync.md). One row per dossier: the newest snapshot the hub
-- accepted, what the portal holds as far as we know, and the retry state. The pusher only ever reads the
-- newest snapshot from here, so a retry or a replay pushes the newest state, never the one that failed.
CREATE TABLE sync_dossier (
  ma_ho_so              text PRIMARY KEY,
  -- Newest accepted DongBoHoSoMC snapshot: the whole CloudEvent (data = the item) and its version
  -- (acceptance time, Kafka offset). NULL while only progress steps are known.
  snapshot_event        jsonb,
  snapshot_time         timestamptz,
  snapshot_seq          bigint,
  snapshot_accepted_at  timestamptz,
  -- Fee settlement overlay from payment.events.v1 (DuocThanhToanTrucTuyen, DanhSachLePhi) and its version.
  fee_overlay           jsonb,
  fee_time              timestamptz,
  -- What the portal holds: the version of the last snapshot it acknowledged.
  portal_time           timestamptz,
  portal_seq            bigint,
  portal_event_id       text,
  portal_status         text,
  portal_synced_at      timestamptz,
  -- The snapshot version the portal refused permanently (dead-lettered): not pushed again until a newer
  -- snapshot arrives or an operator replays the dossier.
  rejected_time         timestamptz,
  rejected_seq          bigint,
  -- Work state. due_at NULL = nothing to do; resync = push the newest snapshot even if the portal is
  -- believed to hold it (replay, reconciliation found a difference).
  state                 text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'retrying', 'synced', 'rejected')),
  due_at                timestamptz,
  resync                boolean NOT NULL DEFAULT false,
  attempts              integer NOT NULL DEFAULT 0,
  total_attempts        integer NOT NULL DEFAULT 0,
  last_error_code       text,
  last_error            text,
  last_attempt_at       timestamptz,
  reconciled_at         timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_dossier_due ON sync_dossier (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX sync_dossier_synced ON sync_dossier (portal_synced_at) WHERE state = 'synced';
CREATE INDEX sync_dossier_state ON sync_dossier (state) WHERE state <> 'synced';

-- Progress steps (CapNhatTienDoHoSoMC items). step_key is a hash of the item's canonical JSON, so a
-- redelivered or replayed step is the same row and is pushed once more at most, never recorded twice.
CREATE TABLE sync_progress (
  ma_ho_so     text NOT NULL,
  step_key     text NOT NULL,
  event        jsonb NOT NULL,
  ver_time     timestamptz NOT NULL,
  ver_seq      bigint NOT NULL,
  accepted_at  timestamptz NOT NULL DEFAULT now(),
  pushed_at    timestamptz,
  rejected_at  timestamptz,
  last_error   text,
  PRIMARY KEY (ma_ho_so, step_key)
);
CREATE INDEX sync_progress_pending ON sync_progress (ma_ho_so, ver_time, ver_seq) WHERE pushed_at IS NULL AND rejected_at IS NULL;

-- Transactional outbox: outcome events and dead letters are written in the same transaction as the
-- ledger change they report, and a relay publishes them to Kafka (at least once; consumers dedupe on
-- the CloudEvent id). topic is the catalogue key ('syncOutcomes' or 'dossierEventsDlq'), so the
-- namespace is the relay's business.
CREATE TABLE sync_outbox (
  id          bigserial PRIMARY KEY,
  topic       text NOT NULL,
  key         text,
  value       text NOT NULL,
  headers     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
