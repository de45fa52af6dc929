-- Inbound calls from the national portal (issue 13).
-- One row per refId and kind: the portal's duplicate detection ("duplicate refId", error_code 1) and our
-- "published once" both rest on this primary key.
CREATE TABLE inbound_packets (
  ref_key       text PRIMARY KEY,
  kind          text NOT NULL,
  ma_ho_so      text NOT NULL,
  agency        text,
  event_id      text NOT NULL,
  -- the published CloudEvent (attachments by reference), kept to route it again after a subscription exists
  event         jsonb NOT NULL,
  state         text NOT NULL CHECK (state IN ('received', 'published')),
  -- routed: deliveries were queued for at least one subscriber; false = nobody is subscribed (operators see it).
  routed        boolean,
  deliveries    integer NOT NULL DEFAULT 0,
  attempts      integer NOT NULL DEFAULT 1,
  received_at   timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz,
  routed_at     timestamptz
);
CREATE INDEX inbound_packets_unrouted ON inbound_packets (received_at) WHERE routed = false;

-- Attachments, content-addressed: the same file sent twice is stored once. Never executed or rendered:
-- served back only as application/octet-stream with a download disposition.
CREATE TABLE inbound_attachments (
  sha256      text PRIMARY KEY,
  size        integer NOT NULL CHECK (size >= 0),
  content     bytea NOT NULL,
  first_seen  timestamptz NOT NULL DEFAULT now()
);
-- Which packet referenced which attachment (agency scope of downloads comes from the packet).
CREATE TABLE inbound_packet_attachments (
  ref_key  text NOT NULL REFERENCES inbound_packets (ref_key),
  sha256   text NOT NULL REFERENCES inbound_attachments (sha256),
  name     text NOT NULL,
  PRIMARY KEY (ref_key, sha256, name)
);
