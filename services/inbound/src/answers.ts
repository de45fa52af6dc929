import type { FastifyInstance } from 'fastify';
import { assertAgencyScope, HubError, type Pool } from '@lienthong/platform';
import { validatePacket } from '@lienthong/standard';
import { InboundErrorCodes } from './errors.js';
import type { OutboundPublisher } from './outbound.js';
import { canonical } from './receive.js';

/** An answer is a few kilobytes of text: the route refuses bodies above this before reading them (413). */
export const ANSWER_BODY_LIMIT = 64 * 1024;

const notFound = (id: string) =>
  new HubError(InboundErrorCodes.NOT_FOUND, `no portal question ${id}`, {
    kind: 'not_found',
    messageVi: `Không có câu hỏi ${id} từ Cổng DVCQG`,
  });

/** Refusal of a value the national standard does not allow, every problem with its path (design.md, HTTP). */
export function invalidReport(
  what: string,
  whatVi: string,
  details: { path: string; code: string; message: string; message_en: string }[],
) {
  return new HubError(InboundErrorCodes.INVALID_REPORT, `${what} does not conform to the national standard`, {
    kind: 'invalid',
    messageVi: `${whatVi} không đúng chuẩn`,
    details: details.slice(0, 50).map((d) => ({ path: d.path, code: d.code, message: d.message, message_en: d.message_en })),
  });
}

/**
 * The agencies' answers to citizens' questions (reference §5 [code S1]). `POST /v1/qa/answers` takes
 * `{HOIDAPID, NGUOITRALOI, CHUCVUNGUOITRALOI?, NGAYTRALOI (dd/MM/yyyy), NOIDUNGTRALOI}` from the provincial system,
 * checks it against the question inbound polled from the portal — agency scope on the question's own MADONVI,
 * never on the caller's claim — builds the DongBoKetQuaHoiDapGuiTuDVCQG item and checks it against the national
 * schema, then publishes it once to national.outbound.v1 and answers 202 only after Kafka acknowledged it.
 * national-sync pushes it to the portal (its ledger, retries, dead letters, replay): one path. One answer per
 * question: the same answer again is a replay (200), another one is 409.
 */
export function registerAnswerRoutes(app: FastifyInstance, deps: { pool: Pool; publisher: OutboundPublisher }): void {
  app.post(
    '/v1/qa/answers',
    {
      config: { access: { roles: ['submitter', 'operator'] } },
      bodyLimit: ANSWER_BODY_LIMIT,
      schema: {
        summary:
          'Answer a citizen’s question the portal sent (published once, pushed by national-sync with DongBoKetQuaHoiDapGuiTuDVCQG)',
        body: {
          type: 'object',
          required: ['HOIDAPID', 'NGUOITRALOI', 'NGAYTRALOI', 'NOIDUNGTRALOI'],
          additionalProperties: false,
          // Lengths of schemas/dvcqg/dong-bo-ket-qua-hoi-dap.item.v1.json; the item is checked against it below.
          properties: {
            HOIDAPID: { type: 'string', minLength: 1, maxLength: 100 },
            NGUOITRALOI: { type: 'string', minLength: 1, maxLength: 200 },
            CHUCVUNGUOITRALOI: { type: 'string', maxLength: 200 },
            // dd/MM/yyyy: the Q&A services' own date format (reference §2 [code S1]).
            NGAYTRALOI: { type: 'string', pattern: '^(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/[0-9]{4}$' },
            NOIDUNGTRALOI: { type: 'string', minLength: 1, maxLength: 8_000 },
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
      if (!question.agency)
        throw new HubError(InboundErrorCodes.NO_AGENCY, `question ${b.HOIDAPID} came without a usable MADONVI`, {
          kind: 'conflict',
          messageVi: `Câu hỏi ${b.HOIDAPID} không có mã đơn vị (MADONVI) hợp lệ từ Cổng DVCQG, không thể trả lời`,
        });
      const item = {
        HOIDAPID: b.HOIDAPID,
        MADONVI: question.agency,
        NGUOITRALOI: b.NGUOITRALOI,
        CHUCVUNGUOITRALOI: b.CHUCVUNGUOITRALOI ?? '',
        NGAYTRALOI: b.NGAYTRALOI,
        NOIDUNGTRALOI: b.NOIDUNGTRALOI,
      };
      const v = validatePacket('hoi-dap-answer', item);
      if (!v.ok) throw invalidReport('the answer', 'Câu trả lời', v.errors);
      const packet = (v.value as Record<string, unknown>[])[0]!;
      const out = await deps.publisher.publish({
        refKey: `qa-answer:${b.HOIDAPID}`,
        kind: 'qa-answer',
        key: b.HOIDAPID!,
        agency: question.agency,
        packet,
        submittedBy: client.id,
      });
      if (out.result === 'duplicate') {
        if (canonical(out.packet) !== canonical(packet)) {
          throw new HubError(InboundErrorCodes.ALREADY_ANSWERED, `question ${b.HOIDAPID} already has another answer`, {
            kind: 'conflict',
            messageVi: `Câu hỏi ${b.HOIDAPID} đã có câu trả lời khác`,
          });
        }
        return reply.status(200).send({ HOIDAPID: b.HOIDAPID, state: 'published', eventId: out.eventId, replayed: true });
      }
      return reply.status(202).send({ HOIDAPID: b.HOIDAPID, state: 'published', eventId: out.eventId });
    },
  );

  app.get(
    '/v1/qa/answers/:HOIDAPID',
    {
      config: { access: { roles: ['submitter', 'viewer', 'operator'] } },
      schema: {
        summary: 'The answer as the hub took it (its push to the portal: national-sync GET /v1/outbound/qa-answer/{HOIDAPID})',
        params: {
          type: 'object',
          required: ['HOIDAPID'],
          properties: { HOIDAPID: { type: 'string', minLength: 1, maxLength: 100 } },
        },
      },
    },
    async (req) => {
      const { HOIDAPID } = req.params as { HOIDAPID: string };
      const r = await deps.publisher.read(`qa-answer:${HOIDAPID}`);
      if (!r) throw notFound(HOIDAPID);
      assertAgencyScope(req, r.agency, '/HOIDAPID');
      return {
        HOIDAPID,
        agency: r.agency,
        state: r.published_at ? 'published' : 'accepted',
        eventId: r.event_id,
        acceptedAt: r.accepted_at.toISOString(),
        publishedAt: r.published_at?.toISOString() ?? null,
        answer: r.packet,
      };
    },
  );
}
