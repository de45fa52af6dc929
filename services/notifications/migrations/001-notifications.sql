-- Citizen notifications (services/notifications). Personal data: the phone and name needed to send are sealed
-- (AES-256-GCM, NOTIFICATIONS_DATA_KEY) and dropped once a message reaches a final state; the ledger keeps the
-- phone as a keyed hash plus its last three digits only.

-- What the hub knows of each dossier to notify its applicant: the last status seen (status changes are what we
-- announce) and the placeholders' non-personal values.
CREATE TABLE notif_dossiers (
  ma_ho_so text PRIMARY KEY,
  agency text NOT NULL,
  last_status text,
  contact_sealed text,
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL
);

-- Outbox and delivery ledger in one: one row per (source event, citizen, channel), whatever the redeliveries.
CREATE TABLE notif_messages (
  id uuid PRIMARY KEY,
  -- Numeric request id for SMS vendors (Viettel RequestID, VNPT REQID): stable per message, so a resend is a duplicate.
  seq bigserial NOT NULL UNIQUE,
  dedupe_key text NOT NULL UNIQUE,
  source_event_id text NOT NULL,
  kind text NOT NULL,
  ma_ho_so text NOT NULL,
  agency text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('zalo', 'sms')),
  account text NOT NULL,
  phone_hash text NOT NULL,
  phone_last3 text NOT NULL CHECK (phone_last3 ~ '^[0-9]{3}$'),
  payload_sealed text,
  status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed')),
  reason text,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_until timestamptz,
  quota_day date,
  provider_msg_id text,
  fallback_of uuid REFERENCES notif_messages (id),
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  delivered_at timestamptz,
  updated_at timestamptz NOT NULL,
  -- A final message keeps no personal data.
  CHECK (status NOT IN ('delivered', 'failed') OR payload_sealed IS NULL)
);
CREATE INDEX notif_messages_due ON notif_messages (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX notif_messages_dossier ON notif_messages (ma_ho_so, created_at);
CREATE UNIQUE INDEX notif_messages_provider ON notif_messages (channel, provider_msg_id) WHERE provider_msg_id IS NOT NULL;

-- Messages counted against an agency's daily quota, per day in Asia/Ho_Chi_Minh.
CREATE TABLE notif_quota_usage (
  agency text NOT NULL,
  day date NOT NULL,
  used integer NOT NULL,
  PRIMARY KEY (agency, day)
);

-- Zalo OA tokens: the refresh token is single use, so the new pair is written in the same transaction that holds
-- the row lock during the refresh (one refresh at a time per OA, across processes).
CREATE TABLE notif_zalo_tokens (
  oa text PRIMARY KEY,
  access_token_sealed text,
  access_expires_at timestamptz,
  refresh_token_sealed text NOT NULL,
  seed_hash text NOT NULL,
  refresh_count integer NOT NULL DEFAULT 0,
  refreshed_at timestamptz,
  last_error text
);

-- Zalo delivery webhooks seen, by msg_id (Zalo redelivers).
CREATE TABLE notif_zalo_webhooks (
  msg_id text PRIMARY KEY,
  received_at timestamptz NOT NULL,
  delivery_time timestamptz
);
