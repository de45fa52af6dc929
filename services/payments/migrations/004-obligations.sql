-- What a citizen owes outside the hub's own fee collection (issue 13 §4): tax notices the national portal
-- sends for a dossier (nhantbthuedvcqg, via services/inbound and national.inbound.v1). One row per notice;
-- each report of the portal is kept in the history, the row holds the newest.
CREATE TABLE payment_obligations (
  source          text NOT NULL,
  reference       text NOT NULL,
  ma_ho_so        text NOT NULL,
  agency          text NOT NULL,
  amount          bigint CHECK (amount IS NULL OR amount >= 0),
  description     text,
  -- owed: not paid yet; paid: the portal reported it paid; reported: a status we cannot interpret (kept, shown)
  status          text NOT NULL CHECK (status IN ('owed', 'paid', 'reported')),
  portal_status   integer,
  proof_url       text,
  event_id        text NOT NULL,
  first_seen_at   timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, reference)
);
CREATE INDEX payment_obligations_dossier ON payment_obligations (ma_ho_so);

CREATE TABLE payment_obligation_history (
  source        text NOT NULL,
  reference     text NOT NULL,
  event_id      text NOT NULL,
  portal_status integer,
  proof_url     text,
  received_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, reference, event_id)
);
