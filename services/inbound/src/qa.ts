import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import {
  assertAgencyScope,
  backoffDelay,
  HubError,
  isRetriable,
  type Logger,
  type Pool,
  type RetryPolicy,
} from '@lienthong/platform';
import { createEvent, type EventProducer } from '@lienthong/events';
import type { DvcqgClient } from '@lienthong/dvcqg';
import { InboundErrorCodes } from './errors.js';
import { INBOUND_EVENT_SCHEMA, publishOnce } from './receive.js';

export const QUESTION_EVENT_TYPE = 'vn.lienthong.inbound.question';
const retryPolicy: RetryPolicy = { maxAttempts: Infinity, minDelayMs: 2_000, maxDelayMs: 600_000, factor: 2, jitter: 0.3 };
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

/**
 * Citizens' questions (hỏi đáp) the portal holds for the province's agencies (reference §5 [code S1]):
 * - `poll()` lists them with LayDanhSachHoiDapGuiTuDVCQG and publishes each new one once on
 *   national.inbound.v1 (`vn.lienthong.inbound.question`, subject `HOIDAP-<HOIDAPID>`, agency = MADONVI),
 *   de-duplicated by the same refId table as the portal's calls; the router delivers it to the agency's
 *   subscribed provincial system like every inbound packet;
 * - the provincial system answers with `POST /v1/qa/answers`; the answer is kept in a ledger and pushed with
 *   DongBoKetQuaHoiDapGuiTuDVCQG, retried with backoff until the portal takes it (a refusal is kept with the
 *   portal's message for an operator, who pushes it again).
 */
export function createQa(deps: { pool: Pool; producer: EventProducer; topic: string; dvcqg: DvcqgClient; logger: Logger }) {
  const log = deps.logger.child({ component: 'qa' });

  async function poll(): Promise<{ seen: number; published: number }> {
    const list = await deps.dvcqg.layDanhSachHoiDapGuiTuDVCQG();
    let published = 0;
    for (const q of list) {
      const id = q.HOIDAPID;
      if ((typeof id !== 'string' && typeof id !== 'number') || String(id).length > 100) continue;
      const hoidapId = String(id);
      const agency = typeof q.MADONVI === 'string' && /^[A-Za-z0-9.]{1,40}$/.test(q.MADONVI) ? q.MADONVI : null;
      const refKey = `question:${hoidapId}`;
      const subject = `HOIDAP-${hoidapId}`;
      const event = createEvent({
        id: `inbound-${sha(refKey).slice(0, 40)}`,
        source: 'urn:lienthong:inbound',
        type: QUESTION_EVENT_TYPE,
        subject,
        dataschema: INBOUND_EVENT_SCHEMA,
        data: { kind: 'question', refKey, agency, receivedAt: new Date().toISOString(), packet: q },
      });
      const outcome = await publishOnce(deps, { refKey, kind: 'question', subject, agency, event });
      if (outcome === 'accepted') published++;
    }
    if (published) log.info({ seen: list.length, published }, 'portal questions published');
    return { seen: list.length, published };
  }

  async function pushDue(limit = 20): Promise<number> {
    const due = await deps.pool.query<{ hoidap_id: string; agency: string; item: Record<string, unknown>; attempts: number }>(
      `UPDATE qa_answers a SET attempts = a.attempts + 1, next_attempt_at = now() + interval '60 seconds'
       WHERE a.hoidap_id IN (SELECT hoidap_id FROM qa_answers WHERE state = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING a.hoidap_id, a.agency, a.item, a.attempts`,
      [limit],
    );
    for (const a of due.rows) {
      try {
        await deps.dvcqg.dongBoKetQuaHoiDap([a.item]);
        await deps.pool.query(
          `UPDATE qa_answers SET state = 'pushed', pushed_at = now(), last_error = NULL WHERE hoidap_id = $1`,
          [a.hoidap_id],
        );
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'LT_QA_PUSH_FAILED';
        const msg = `${code}: ${(err as Error).message}`.slice(0, 500);
        if (isRetriable(err)) {
          const wait = backoffDelay(retryPolicy, a.attempts);
          await deps.pool.query(
            `UPDATE qa_answers SET next_attempt_at = now() + make_interval(secs => $2), last_error = $3 WHERE hoidap_id = $1`,
            [a.hoidap_id, wait / 1000, msg],
          );
        } else {
          await deps.pool.query(`UPDATE qa_answers SET state = 'refused', last_error = $2 WHERE hoidap_id = $1`, [
            a.hoidap_id,
            msg,
          ]);
          log.warn({ hoidapId: a.hoidap_id, code }, 'portal refused an answer; kept for operators');
        }
      }
    }
    return due.rowCount ?? 0;
  }

  function registerRoutes(app: FastifyInstance, kick: () => void): void {
    const notFound = (id: string) =>
      new HubError(InboundErrorCodes.NOT_FOUND, `no portal question ${id}`, {
        kind: 'not_found',
        messageVi: `Không có câu hỏi ${id} từ Cổng DVCQG`,
      });
    app.post(
      '/v1/qa/answers',
      {
        config: { access: { roles: ['submitter', 'operator'] } },
        schema: {
          summary: 'Answer a citizen’s question the portal sent (pushed with DongBoKetQuaHoiDapGuiTuDVCQG, retried until taken)',
          body: {
            type: 'object',
            required: ['HOIDAPID', 'NGUOITRALOI', 'NGAYTRALOI', 'NOIDUNGTRALOI'],
            additionalProperties: false,
            properties: {
              HOIDAPID: { type: 'string', minLength: 1, maxLength: 100 },
              NGUOITRALOI: { type: 'string', minLength: 1, maxLength: 200 },
              CHUCVUNGUOITRALOI: { type: 'string', maxLength: 200 },
              // dd/MM/yyyy: the Q&A services' own date format (reference §2 [code S1]).
              NGAYTRALOI: { type: 'string', pattern: '^(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/[0-9]{4}$' },
              NOIDUNGTRALOI: { type: 'string', minLength: 1, maxLength: 20_000 },
            },
          },
        },
      },
      async (req, reply) => {
        const b = req.body as Record<string, string>;
        const q = await deps.pool.query<{ agency: string | null }>(
          `SELECT agency FROM inbound_packets WHERE ref_key = $1 AND state = 'published'`,
          [`question:${b.HOIDAPID}`],
        );
        const question = q.rows[0];
        if (!question) throw notFound(b.HOIDAPID!);
        // Scope on the question's own agency (MADONVI from the portal), never on the caller's claim.
        const client = assertAgencyScope(req, question.agency ?? '(none)', '/HOIDAPID');
        const item = {
          HOIDAPID: b.HOIDAPID,
          MADONVI: question.agency,
          NGUOITRALOI: b.NGUOITRALOI,
          CHUCVUNGUOITRALOI: b.CHUCVUNGUOITRALOI ?? '',
          NGAYTRALOI: b.NGAYTRALOI,
          NOIDUNGTRALOI: b.NOIDUNGTRALOI,
        };
        const ins = await deps.pool.query(
          `INSERT INTO qa_answers (hoidap_id, agency, item, state, submitted_by) VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT (hoidap_id) DO NOTHING`,
          [b.HOIDAPID, question.agency, JSON.stringify(item), client.id],
        );
        if (ins.rowCount === 0) {
          const prev = await deps.pool.query<{ item: unknown; state: string }>(
            'SELECT item, state FROM qa_answers WHERE hoidap_id = $1',
            [b.HOIDAPID],
          );
          // jsonb does not keep key order: compare the entries, sorted.
          const same = (x: unknown) => JSON.stringify(Object.entries((x ?? {}) as object).sort(([a], [b]) => (a < b ? -1 : 1)));
          if (same(prev.rows[0]?.item) !== same(item)) {
            throw new HubError('LT_QA_ALREADY_ANSWERED', `question ${b.HOIDAPID} already has another answer`, {
              kind: 'conflict',
              messageVi: `Câu hỏi ${b.HOIDAPID} đã có câu trả lời khác`,
            });
          }
          return reply.status(200).send({ HOIDAPID: b.HOIDAPID, state: prev.rows[0]!.state, replayed: true });
        }
        kick();
        return reply.status(202).send({ HOIDAPID: b.HOIDAPID, state: 'pending' });
      },
    );
    app.get(
      '/v1/qa/answers/:HOIDAPID',
      {
        config: { access: { roles: ['submitter', 'viewer', 'operator'] } },
        schema: {
          params: { type: 'object', required: ['HOIDAPID'], properties: { HOIDAPID: { type: 'string', maxLength: 100 } } },
        },
      },
      async (req) => {
        const { HOIDAPID } = req.params as { HOIDAPID: string };
        const r = await deps.pool.query<{ agency: string }>(
          'SELECT hoidap_id, agency, state, attempts, last_error, created_at, pushed_at FROM qa_answers WHERE hoidap_id = $1',
          [HOIDAPID],
        );
        if (!r.rows[0]) throw notFound(HOIDAPID);
        assertAgencyScope(req, r.rows[0].agency, '/HOIDAPID');
        return r.rows[0];
      },
    );
    app.post(
      '/v1/qa/answers/:HOIDAPID/push',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          summary: 'Push a refused or waiting answer again now',
          params: { type: 'object', required: ['HOIDAPID'], properties: { HOIDAPID: { type: 'string', maxLength: 100 } } },
          body: {
            type: 'object',
            required: ['reason'],
            additionalProperties: false,
            properties: { reason: { type: 'string', minLength: 3, maxLength: 500 } },
          },
        },
      },
      async (req) => {
        const { HOIDAPID } = req.params as { HOIDAPID: string };
        const r = await deps.pool.query<{ agency: string }>('SELECT agency FROM qa_answers WHERE hoidap_id = $1', [HOIDAPID]);
        if (!r.rows[0]) throw notFound(HOIDAPID);
        const client = assertAgencyScope(req, r.rows[0].agency, '/HOIDAPID');
        await deps.pool.query(
          `UPDATE qa_answers SET state = 'pending', next_attempt_at = now() WHERE hoidap_id = $1 AND state <> 'pushed'`,
          [HOIDAPID],
        );
        req.log.info({ hoidapId: HOIDAPID, client: client.id }, 'answer push requested by an operator');
        kick();
        return { HOIDAPID, state: 'pending' };
      },
    );
  }

  return { poll, pushDue, registerRoutes };
}
