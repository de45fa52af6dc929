-- Zalo delivery by polling GET /message/status when the webhook does not come (reference §0 "Delivery truth").
ALTER TABLE notif_messages ADD COLUMN last_polled_at timestamptz;
CREATE INDEX notif_messages_unconfirmed ON notif_messages (sent_at) WHERE channel = 'zalo' AND status = 'sent' AND payload_sealed IS NOT NULL;
