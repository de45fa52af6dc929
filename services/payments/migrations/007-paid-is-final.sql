-- Issue 16: a paid payment's status, amount, order and provider transaction never change. The code never does
-- it (every status change is guarded by a status other than 'paid': src/settlement.ts, src/ledger/payment-store.ts,
-- migrations/005), and two things now rely on it: `decide` answering a repeated notification from a row read
-- earlier, on this instance or another (src/ledger/settled-orders.ts), and the refund bookkeeping, which only
-- exists for paid payments. The schema refuses it, as it refuses an over-refund.
--
-- The WHEN clause is evaluated by the executor without calling the function: updates of payments that are not
-- paid (the settlement itself: the OLD row is pending) cost nothing more.
CREATE FUNCTION payments_paid_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status OR NEW.amount IS DISTINCT FROM OLD.amount
     OR NEW.provider_txn_id IS DISTINCT FROM OLD.provider_txn_id OR NEW.provider IS DISTINCT FROM OLD.provider
     OR NEW.merchant IS DISTINCT FROM OLD.merchant OR NEW.order_ref IS DISTINCT FROM OLD.order_ref
     OR NEW.payment_id IS DISTINCT FROM OLD.payment_id THEN
    RAISE EXCEPTION 'payments: a paid payment''s status, amount, order and provider transaction are final (payment %)',
      OLD.payment_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER payments_paid_is_final BEFORE UPDATE ON payments
  FOR EACH ROW WHEN (OLD.status = 'paid') EXECUTE FUNCTION payments_paid_is_final();
CREATE FUNCTION payments_paid_not_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'payments: a paid payment is never deleted (payment %)', OLD.payment_id USING ERRCODE = 'check_violation';
END
$$;
CREATE TRIGGER payments_paid_not_deleted BEFORE DELETE ON payments
  FOR EACH ROW WHEN (OLD.status = 'paid') EXECUTE FUNCTION payments_paid_not_deleted();
