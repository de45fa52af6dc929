-- payment.receipted is published after the receipt row commits; a row issued but not yet published is retried.
ALTER TABLE receipts ADD COLUMN event_id text;
ALTER TABLE receipts ADD COLUMN event_published_at timestamptz;
CREATE INDEX receipts_unpublished ON receipts (issued_at) WHERE status = 'issued' AND event_published_at IS NULL;
