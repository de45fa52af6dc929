-- Issue 16, "payments: one round trip per notification where possible". A verified payment that settles an open
-- (or failed/expired: late) payment is the one write on the notification path. Before, it took eight round trips
-- (BEGIN, SELECT … FOR UPDATE, advisory lock, sibling check, UPDATE, history, outbox, COMMIT); this function does
-- the same steps, in the same order, in one statement, so one round trip and one commit.
--
-- The decision stays in the service's pure `decide` (src/ledger/transition.ts): the caller read the row, decided
-- "applied → paid", built the CloudEvent, and passes the facts it decided on (`p_from_status`, `p_from_txn`). The
-- function applies the decision only if the row still holds those facts, under the row lock; otherwise it returns
-- no row and the caller decides again under the lock (src/settlement.ts). It is also what the locked path calls,
-- so a settlement is written by this one piece of code.
--
-- Lock order as in the locked path: the payment's row, then the dossier's advisory lock (two payments of one
-- dossier settling at once must see each other). Each statement of a volatile plpgsql function takes a new
-- snapshot under READ COMMITTED, so the sibling check after the advisory lock sees a sibling settled by the
-- transaction that held it.
CREATE FUNCTION payments_settle_paid(
  p_payment_id      uuid,
  p_from_status     text,
  p_from_txn        text,
  p_provider_txn_id text,
  p_provider_code   text,
  p_paid_at         timestamptz,
  p_late            boolean,
  p_source          text,
  p_amount          bigint,
  p_extra           jsonb,
  p_now             timestamptz,
  p_event_id        text,
  p_event           jsonb
) RETURNS SETOF payments LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_ma_ho_so text;
  v_review   text;
  v_after    payments%ROWTYPE;
BEGIN
  -- Locks the row only if it still holds what was decided on (a row changed meanwhile is re-checked on its
  -- newest version, EvalPlanQual): no row back = the decision is stale, nothing written.
  SELECT ma_ho_so INTO v_ma_ho_so FROM payments
   WHERE payment_id = p_payment_id AND status = p_from_status AND provider_txn_id IS NOT DISTINCT FROM p_from_txn
   FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('lienthong-payments:' || v_ma_ho_so));
  IF EXISTS (SELECT 1 FROM payments WHERE ma_ho_so = v_ma_ho_so AND status = 'paid' AND payment_id <> p_payment_id) THEN
    v_review := 'dossier_paid_twice';
  ELSIF p_late THEN
    v_review := 'late_settlement';
  END IF;
  UPDATE payments SET status = 'paid', status_reason = NULL, provider_txn_id = p_provider_txn_id,
         provider_code = p_provider_code, paid_at = p_paid_at, review_reason = coalesce(review_reason, v_review),
         updated_at = p_now, version = version + 1, next_check_at = NULL
   WHERE payment_id = p_payment_id
  RETURNING * INTO v_after;
  -- No ON CONFLICT: a second `paid` entry (payment_events_one_settlement) must fail the whole statement.
  INSERT INTO payment_events (payment_id, kind, from_status, to_status, source, provider_txn_id, provider_code, amount,
                              detail, recorded_at)
  VALUES (p_payment_id, 'paid', p_from_status, 'paid', p_source, p_provider_txn_id, p_provider_code, p_amount,
          jsonb_build_object('late', p_late, 'review', v_review) || p_extra, p_now);
  INSERT INTO payment_outbox (payment_id, event_id, event, created_at) VALUES (p_payment_id, p_event_id, p_event, p_now);
  RETURN NEXT v_after;
END
$$;
