import { createHash } from 'node:crypto';
import type { Logger, Pool } from '@lienthong/platform';
import { createEvent, type EventProducer } from '@lienthong/events';
import type { DvcqgClient } from '@lienthong/dvcqg';
import { INBOUND_EVENT_SCHEMA, publishOnce } from './receive.js';

export const QUESTION_EVENT_TYPE = 'vn.lienthong.inbound.question';
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

/**
 * Citizens' questions (hỏi đáp) the portal holds for the province's agencies (reference §5 [code S1]): `poll()`
 * lists them with LayDanhSachHoiDapGuiTuDVCQG and publishes each new one once on national.inbound.v1
 * (`vn.lienthong.inbound.question`, subject `HOIDAP-<HOIDAPID>`, agency = MADONVI), de-duplicated by the same refId
 * table as the portal's calls; the router delivers it to the agency's subscribed provincial system like every
 * inbound packet. The answers come back through answers.ts.
 */
export function createQuestionPoller(deps: {
  pool: Pool;
  producer: EventProducer;
  topic: string;
  dvcqg: DvcqgClient;
  logger: Logger;
}) {
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

  return { poll };
}
