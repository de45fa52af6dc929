import type { FastifyInstance } from 'fastify';
import {
  assertAgencyScope,
  backoffDelay,
  clientMayActFor,
  errorMessage,
  requireClient,
  type Clock,
  type Logger,
  type Pool,
  type RetryPolicy,
} from '@lienthong/platform';
import type { DvcqgClient } from '@lienthong/dvcqg';
import { agencyOfMaHoSo, parseDateTime14 } from '../read-model/facts.js';
import { badInput } from '../errors.js';
import { agencyScopeSql, READ_ROLES } from '../routes/query.js';

/** Answers: 1 rất hài lòng, 2 hài lòng, 3 chưa hài lòng — the three shares DongBoDanhGia reports (reference §5). */
interface RatingItem {
  MaHoSo: string;
  question: string;
  answer: 1 | 2 | 3;
  ratedAt: string;
}

const VN = 7 * 3_600_000;

/** The DongBoDanhGia items of one agency-month from per-question counts [code S1 §5]. */
export function summaryItems(
  agency: { code: string; name: string },
  month: string,
  counts: { question: string; n1: number; n2: number; n3: number }[],
): Record<string, unknown>[] {
  const [y, m] = month.split('-');
  return counts.map((c) => {
    const total = c.n1 + c.n2 + c.n3;
    const rat = total ? Math.round((c.n1 * 100) / total) : 0;
    const hai = total ? Math.round((c.n2 * 100) / total) : 0;
    const chua = total ? 100 - rat - hai : 0; // ChuaHaiLong = 100 − the other two [code S1]
    return {
      NgayTongHop: `${Number(m)}-${y}`,
      TongSoNguoiDanhGia: total,
      NoiDung: c.question,
      Madonvi: agency.code,
      TenDonVi: agency.name,
      PhanTramDanhGiaRatHaiLong: `${rat}%`,
      PhanTramDanhGiaHaiLong: `${hai}%`,
      PhanTramDanhGiaChuaHaiLong: `${chua}%`,
      PhanTramDanhGiaDichVu: { RatHaiLong: `${rat}%`, HaiLong: `${hai}%`, ChuaHaiLong: `${chua}%` },
      DanhSachNoiDungYKien: '',
      MaThuTuc: '',
    };
  });
}

export interface MonthlyRatings {
  /** Freezes the summaries of a month (yyyy-mm) into the ledger, one row per agency; idempotent. */
  openMonth(month: string): Promise<number>;
  /** Sends every pending summary whose retry time has come; returns how many were acknowledged. */
  sendDue(): Promise<{ acknowledged: number; failed: number }>;
  /** What the scheduled job does: open the previous month (from the 1st on) and send what is due. */
  tick(): Promise<void>;
}

/**
 * Monthly DongBoDanhGia per agency (issue 9 §7). The ledger row (agency, month) is created once (primary
 * key) with its items frozen, and marked acknowledged only after the portal answered success; pending rows
 * are retried with backoff until then, through any outage. So each agency-month is acknowledged exactly
 * once, and the same frozen items are what every retry sends. A retry after a lost answer may reach the
 * portal twice; the portal (like the sandbox, keyed by Madonvi, NgayTongHop and NoiDung) overwrites [inf].
 */
export function createMonthlyRatings(deps: {
  pool: Pool;
  client: DvcqgClient | undefined;
  clock: Clock;
  logger: Logger;
  retry?: RetryPolicy;
}): MonthlyRatings {
  const log = deps.logger.child({ component: 'ratings' });
  const policy = deps.retry ?? { maxAttempts: Infinity, minDelayMs: 30_000, maxDelayMs: 3_600_000, factor: 2, jitter: 0.2 };
  const self: MonthlyRatings = {
    async openMonth(month) {
      const start = new Date(Date.parse(`${month}-01T00:00:00+07:00`));
      const [y, m] = month.split('-').map(Number) as [number, number];
      const end = new Date(Date.UTC(y, m, 1) - VN);
      const rows = (
        await deps.pool.query(
          `SELECT r.agency_code, COALESCE(a.name, r.agency_code) AS name, r.question,
           count(*) FILTER (WHERE answer = 1) AS n1, count(*) FILTER (WHERE answer = 2) AS n2, count(*) FILTER (WHERE answer = 3) AS n3
         FROM ops_rating r LEFT JOIN ops_agency a ON a.code = r.agency_code
         WHERE r.rated_at >= $1 AND r.rated_at < $2 GROUP BY 1, 2, 3 ORDER BY 1, 3`,
          [start, end],
        )
      ).rows as { agency_code: string; name: string; question: string; n1: string; n2: string; n3: string }[];
      const byAgency = new Map<string, typeof rows>();
      for (const r of rows) byAgency.set(r.agency_code, [...(byAgency.get(r.agency_code) ?? []), r]);
      let opened = 0;
      for (const [code, list] of byAgency) {
        const items = summaryItems(
          { code, name: list[0]!.name },
          month,
          list.map((r) => ({ question: r.question, n1: Number(r.n1), n2: Number(r.n2), n3: Number(r.n3) })),
        );
        const r = await deps.pool.query(
          'INSERT INTO ops_rating_submission (agency_code, month, items, next_attempt_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          [code, `${month}-01`, JSON.stringify(items), deps.clock.now()],
        );
        opened += r.rowCount ?? 0;
      }
      return opened;
    },
    async sendDue() {
      let acknowledged = 0;
      let failed = 0;
      if (!deps.client) return { acknowledged, failed };
      for (;;) {
        const c = await deps.pool.connect();
        try {
          await c.query('BEGIN');
          const row = (
            await c.query(
              `SELECT agency_code, to_char(month, 'YYYY-MM') AS month, items, attempts FROM ops_rating_submission
             WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY month, agency_code LIMIT 1 FOR UPDATE SKIP LOCKED`,
              [deps.clock.now()],
            )
          ).rows[0] as { agency_code: string; month: string; items: object[]; attempts: number } | undefined;
          if (!row) {
            await c.query('COMMIT');
            return { acknowledged, failed };
          }
          try {
            const answer = await deps.client.dongBoDanhGia(row.items);
            await c.query(
              `UPDATE ops_rating_submission SET status = 'acknowledged', attempts = attempts + 1, acknowledged_at = $3, portal_message = $4, last_error = NULL
               WHERE agency_code = $1 AND month = ($2 || '-01')::date`,
              [row.agency_code, row.month, deps.clock.now(), answer.message.slice(0, 500)],
            );
            acknowledged++;
            log.info({ agency: row.agency_code, month: row.month }, 'monthly rating summary acknowledged');
          } catch (err) {
            const wait = backoffDelay(policy, row.attempts + 1);
            await c.query(
              `UPDATE ops_rating_submission SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4 WHERE agency_code = $1 AND month = ($2 || '-01')::date`,
              [row.agency_code, row.month, errorMessage(err).slice(0, 500), new Date(deps.clock.now().getTime() + wait)],
            );
            failed++;
            log.warn(
              { agency: row.agency_code, month: row.month, attempts: row.attempts + 1, retryInMs: wait, err: errorMessage(err) },
              'monthly rating summary not acknowledged; will retry',
            );
          }
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK').catch(() => {});
          throw err;
        } finally {
          c.release();
        }
        if (failed > 0) return { acknowledged, failed }; // the portal is failing: leave the rest for the next tick
      }
    },
    async tick() {
      const local = new Date(deps.clock.now().getTime() + VN);
      const prev = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
      await self.openMonth(prev);
      await self.sendDue();
    },
  };
  return self;
}

/**
 * POST /v1/ratings (submitter): citizens' answers per dossier and question; GET /v1/ratings/submissions: the ledger
 * rows of the caller's agencies.
 */
export function registerRatingRoutes(app: FastifyInstance, deps: { pool: Pool; clock: Clock }): void {
  app.post<{ Body: { items: RatingItem[] } }>(
    '/v1/ratings',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['items'],
          properties: {
            items: {
              type: 'array',
              minItems: 1,
              maxItems: 500,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['MaHoSo', 'question', 'answer', 'ratedAt'],
                properties: {
                  MaHoSo: { type: 'string', pattern: '^[A-Za-z0-9.]{1,80}-\\d{6}-\\d{4,12}$' },
                  question: { type: 'string', minLength: 1, maxLength: 500 },
                  answer: { enum: [1, 2, 3] },
                  ratedAt: { type: 'string', maxLength: 40 },
                },
              },
            },
          },
        },
      },
      config: { access: { roles: ['submitter'] } },
    },
    async (req, reply) => {
      // One row per dossier and question: a request naming one twice keeps its last answer.
      const items = [...new Map(req.body.items.map((it) => [`${it.MaHoSo}\u0000${it.question}`, it])).values()];
      const problems: { path: string; en: string; vi: string }[] = [];
      const at = items.map((it, i) => {
        const ms = /^\d{14}$/.test(it.ratedAt) ? parseDateTime14(it.ratedAt) : Date.parse(it.ratedAt);
        if (ms === undefined || Number.isNaN(ms) || ms > deps.clock.now().getTime() + 300_000) {
          problems.push({
            path: `/items/${i}/ratedAt`,
            en: 'not a date (yyyyMMddHHmmss or RFC 3339) or in the future',
            vi: 'không phải thời điểm hợp lệ hoặc ở tương lai',
          });
        }
        return ms as number;
      });
      if (problems.length) throw badInput('LT_OPS_RATING_INVALID', problems);
      items.forEach((it, i) => assertAgencyScope(req, agencyOfMaHoSo(it.MaHoSo), `/items/${i}/MaHoSo`));
      // A citizen who answers again changes their answer: the newest answer per dossier and question counts.
      const r = await deps.pool.query(
        `INSERT INTO ops_rating (ma_ho_so, question, answer, agency_code, rated_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::timestamptz[])
         ON CONFLICT (ma_ho_so, question) DO UPDATE SET answer = EXCLUDED.answer, rated_at = EXCLUDED.rated_at, received_at = now()
         WHERE ops_rating.rated_at < EXCLUDED.rated_at`,
        [
          items.map((i) => i.MaHoSo),
          items.map((i) => i.question),
          items.map((i) => i.answer),
          items.map((i) => agencyOfMaHoSo(i.MaHoSo)),
          at.map((ms) => new Date(ms)),
        ],
      );
      return reply.status(202).send({ accepted: items.length, changed: r.rowCount });
    },
  );

  // The ledger of the caller's agencies only: each row is checked on its own agency (design.md, Access).
  app.get('/v1/ratings/submissions', { config: { access: { roles: READ_ROLES } } }, async (req) => {
    const client = requireClient(req);
    const scope = agencyScopeSql('agency_code', client.agencies, 1);
    const rows = (
      await deps.pool.query(
        `SELECT agency_code AS agency, to_char(month, 'YYYY-MM') AS month, status, attempts, last_error AS "lastError", next_attempt_at AS "nextAttemptAt",
         acknowledged_at AS "acknowledgedAt", jsonb_array_length(items) AS questions FROM ops_rating_submission
         WHERE ${scope.sql} ORDER BY month DESC, agency_code LIMIT 500`,
        scope.params,
      )
    ).rows as { agency: string }[];
    return { submissions: rows.filter((r) => clientMayActFor(client, r.agency)) };
  });
}
