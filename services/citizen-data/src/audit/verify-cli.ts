import { createLogger, createPool } from '@lienthong/platform';
import { createAuditLog } from './audit-log.js';

/**
 * `npm run audit:verify`: recomputes the audit chain in Postgres (DATABASE_URL) with the chain key
 * (CITIZEN_DATA_AUDIT_CHAIN_KEY) and names the first broken row. Exit 0 = whole, 1 = broken, 2 = could not
 * check. Prints one JSON line (no personal data: the log holds none in clear).
 */
export async function runAuditVerifyCli(
  env: NodeJS.ProcessEnv = process.env,
  out: (s: string) => void = (s) => process.stdout.write(s),
): Promise<number> {
  const url = env.DATABASE_URL;
  const key = env.CITIZEN_DATA_AUDIT_CHAIN_KEY;
  if (!url || !key || key.length < 32) {
    out(`${JSON.stringify({ ok: false, error: 'set DATABASE_URL and CITIZEN_DATA_AUDIT_CHAIN_KEY (≥ 32 characters)' })}\n`);
    return 2;
  }
  const logger = createLogger({ name: 'audit-verify', level: 'warn' });
  const pool = createPool({ connectionString: url, applicationName: 'lienthong-audit-verify', logger });
  try {
    const r = await createAuditLog({ pool, chainKey: key }).verify();
    out(`${JSON.stringify(r)}\n`);
    if (!r.ok && r.firstBroken)
      process.stderr.write(`audit chain broken at row ${r.firstBroken.seq}: ${r.firstBroken.message}\n`);
    return r.ok ? 0 : 1;
  } catch (err) {
    out(`${JSON.stringify({ ok: false, error: (err as Error).message })}\n`);
    return 2;
  } finally {
    await pool.end();
  }
}
