-- A push cycle's claim in one round trip (issue 16; ledger/claim.ts has the ordering argument).
--
-- Why a function: the claim must take the dossiers' push locks (session advisory locks) and only THEN read
-- their rows, so that it sees everything the previous holder of a lock committed before releasing it. One
-- plain statement reads with the snapshot taken when it starts, before its own locks; a VOLATILE function
-- takes a fresh snapshot for each statement it runs (PostgreSQL manual, "Function Volatility Categories"),
-- so the read below comes after the locks, in the same round trip.
--
-- Rows another worker holds are stepped over (the advisory-lock counterpart of SKIP LOCKED): two workers
-- claiming at the same moment no longer both pick the same first rows and one of them come back empty.
-- The scan stops at max_rows claimed or after max_rows + 500 due rows (room for the dossiers other pushers
-- hold), so a claim never locks more than it returns: due rows it took that are no longer due (another
-- worker finished them meanwhile) are released before it returns.
--
-- Each row comes with its xmin (the version an optimistic settlement checks, ledger/results.ts) and its
-- step counts, so a cycle without pending steps needs no step read and a settlement needs no re-read when
-- nothing changed during the push.
CREATE FUNCTION sync_claim_due(max_rows integer, exclude text[], lock_space integer)
RETURNS TABLE (dossier sync_dossier, row_version xid, pending_steps integer, rejected_steps integer)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  m text;
  locked text[] := '{}';
  kept text[] := '{}';
  r record;
BEGIN
  FOR m IN
    SELECT s.ma_ho_so FROM sync_dossier s
     WHERE s.due_at <= now() AND NOT (s.ma_ho_so = ANY (exclude))
     ORDER BY s.due_at LIMIT max_rows + 500
  LOOP
    IF pg_try_advisory_lock(lock_space, hashtext(m)) THEN
      locked := locked || m;
      EXIT WHEN cardinality(locked) >= max_rows;
    END IF;
  END LOOP;
  IF cardinality(locked) = 0 THEN
    RETURN;
  END IF;
  -- A new statement, so a new snapshot: taken after the locks above.
  FOR r IN
    SELECT d AS row, d.xmin AS v, c.pending, c.rejected
      FROM sync_dossier d
      CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE p.rejected_at IS NULL)::integer AS pending,
               count(*) FILTER (WHERE p.rejected_at IS NOT NULL)::integer AS rejected
          FROM sync_progress p WHERE p.ma_ho_so = d.ma_ho_so AND p.pushed_at IS NULL) c
     WHERE d.ma_ho_so = ANY (locked) AND d.due_at IS NOT NULL AND d.due_at <= now()
  LOOP
    kept := kept || (r.row).ma_ho_so;
    dossier := r.row;
    row_version := r.v;
    pending_steps := r.pending;
    rejected_steps := r.rejected;
    RETURN NEXT;
  END LOOP;
  PERFORM pg_advisory_unlock(lock_space, hashtext(g)) FROM unnest(locked) g WHERE NOT (g = ANY (kept));
END
$$;
