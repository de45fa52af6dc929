import type { Pool, PoolClient } from '@lienthong/platform';

/** A Postgres schema name we interpolate into SQL: checked, never taken from a request. */
export function checkSchemaName(name: string): string {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(name)) throw new Error(`invalid read-model schema name ${JSON.stringify(name)}`);
  return name;
}

/**
 * The read model lives in its own Postgres schema so a rebuild can replay every topic from offset 0 into a
 * fresh schema while the live one keeps serving (docs/operations.md, "Rebuilding the read model"). The
 * operational state that must survive a rebuild — deadline notices, outbox, apologies, ratings, the
 * catalogue and the agency registry — is in the service's migrations (public schema), not here.
 */
export function readModelDdl(schema: string): string {
  const s = checkSchemaName(schema);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.dossier (
  ma_ho_so text PRIMARY KEY,
  agency_code text NOT NULL,
  snap_time timestamptz,
  snap_seq bigint,
  snap_event_id text,
  snap jsonb,
  ma_tthc text,
  ma_tthc_national text,
  ten_tthc text,
  kenh smallint,
  trang_thai smallint,
  ngay_nop timestamptz,
  ngay_tiep_nhan timestamptz,
  ngay_hen_tra timestamptz,
  fee_total bigint NOT NULL DEFAULT 0,
  fee_lines integer NOT NULL DEFAULT 0,
  fees_all_zero boolean NOT NULL DEFAULT false,
  paid_flag smallint,
  paid_settled smallint,
  has_submitted_file boolean NOT NULL DEFAULT false,
  has_result_file boolean NOT NULL DEFAULT false,
  has_result_code_link boolean NOT NULL DEFAULT false,
  reuse_flag boolean NOT NULL DEFAULT false,
  from_citizen_store boolean NOT NULL DEFAULT false,
  vneid boolean NOT NULL DEFAULT false,
  ma_csdl text[] NOT NULL DEFAULT '{}',
  synced_at timestamptz,
  start_at timestamptz,
  end_at timestamptz,
  end_status smallint,
  supp_count integer NOT NULL DEFAULT 0,
  supp1_req timestamptz,
  supp1_done timestamptz,
  supp2_req timestamptz,
  clock_stopped boolean NOT NULL DEFAULT false,
  due_base timestamptz,
  due_at timestamptz,
  overdue_at timestamptz,
  resolution_wmin double precision,
  resolution_ms bigint,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS dossier_agency_received ON ${s}.dossier (agency_code, ngay_tiep_nhan);
CREATE INDEX IF NOT EXISTS dossier_overdue_at ON ${s}.dossier (overdue_at) WHERE overdue_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS dossier_no_deadline ON ${s}.dossier (ma_tthc_national) WHERE ngay_hen_tra IS NULL AND end_at IS NULL;
CREATE TABLE IF NOT EXISTS ${s}.step (
  ma_ho_so text NOT NULL,
  step_key text NOT NULL,
  trang_thai smallint NOT NULL,
  at timestamptz NOT NULL,
  event_id text NOT NULL,
  PRIMARY KEY (ma_ho_so, step_key)
);
CREATE TABLE IF NOT EXISTS ${s}.payment (
  payment_id text PRIMARY KEY,
  ma_ho_so text NOT NULL,
  status text NOT NULL CHECK (status IN ('settled', 'expired')),
  provider text,
  paid_flag smallint,
  amount bigint,
  at timestamptz
);
CREATE INDEX IF NOT EXISTS payment_dossier ON ${s}.payment (ma_ho_so);
`;
}

/**
 * Creates the read model's schema and tables if missing. Under an advisory lock: two instances starting
 * together would otherwise race on CREATE … IF NOT EXISTS (which is not safe against a concurrent create).
 */
export async function ensureReadModel(pool: Pool, schema: string): Promise<void> {
  const c: PoolClient = await pool.connect();
  try {
    await c.query("SELECT pg_advisory_lock(hashtext('lienthong-operations-read-model-ddl'))");
    try {
      await c.query(readModelDdl(schema));
    } finally {
      await c.query("SELECT pg_advisory_unlock(hashtext('lienthong-operations-read-model-ddl'))");
    }
  } finally {
    c.release();
  }
}
