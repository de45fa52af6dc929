/**
 * Agency scope on the console's own data (console_event, console_dead_letter): two agencies, an officer
 * scoped to each, and a province-wide one. Scope is decided on each row's own agency (its MaHoSo prefix or
 * the letter's content), never on what the caller asks for; a row of no known agency reaches '*' officers
 * only. Covers the overview's recent activity and its SSE stream (read over HTTP), dead letters (list,
 * topic counts, preview, and a forged replay that skips the preview), and the DVCQG delivery statistics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { generateApiKey } from '@lienthong/platform';
import { createTestDatabase } from '../../../tests/helpers/index.js';
import { startConsole, TestBrowser, type TestConsole } from './harness.js';

const keys = { h22: generateApiKey(), h10: generateApiKey(), all: generateApiKey() };
const H22 = '000.00.01.H22-251123-0001';
const H10 = '000.00.01.H10-251123-0002';
const PAYMENT = '0b8e5b6e-7f2a-4a43-9e53-2b2f0c1d9a10';

/** Reads a server-sent-events stream until an event named `name` arrives; returns its data. */
function readSseEvent(url: string, cookie: string, name: string, onOpen: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`SSE answered ${res.statusCode}`));
        res.resume();
        return;
      }
      let buf = '';
      let opened = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (event === 'overview' && !opened) {
            // The stream is subscribed once its first snapshot is out.
            opened = true;
            onOpen();
          }
          if (event === name) {
            resolve(data);
            req.destroy();
            return;
          }
        }
      });
      res.on('error', () => {});
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
  });
}

describe('console agency scope: two agencies, a scoped officer for each, a province-wide one', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let c: TestConsole;
  let url: string;
  const ids: Record<'h22' | 'h10' | 'none', string> = { h22: '', h10: '', none: '' };

  beforeAll(async () => {
    db = await createTestDatabase();
    c = await startConsole({
      databaseUrl: db.url,
      operators: [
        { id: 'op-h22', key: keys.h22, roles: ['operator'], agencies: ['*.H22'] },
        { id: 'op-h10', key: keys.h10, roles: ['operator'], agencies: ['000.00.01.H10'] },
        { id: 'op-all', key: keys.all, roles: ['operator'], agencies: ['*'] },
      ],
    });
    url = await c.listen();
    await c.pool.query(
      `INSERT INTO console_event (topic, partition, "offset", event_id, type, subject, ma_ho_so, agency, procedure, status, owner, summary, event_time)
       VALUES ('dossier.events.v1', 0, 1, 'ev-1', 'vn.lienthong.dossier.upserted', $1, $1, '000.00.01.H22', '1.001234', '2', 'Nguyễn Văn An', '{}', now()),
              ('dossier.events.v1', 0, 2, 'ev-2', 'vn.lienthong.dossier.upserted', $2, $2, '000.00.01.H10', '1.001234', '4', 'Trần Thị Bình', '{}', now()),
              ('payment.events.v1', 0, 3, 'ev-3', 'vn.lienthong.payment.settled', $3, NULL, NULL, NULL, 'settled', NULL, '{}', now()),
              ('sync.outcomes.v1', 0, 4, 'ev-4', 'vn.lienthong.sync.synced', $1, $1, '000.00.01.H22', NULL, 'accepted', NULL, '{"packet":"DongBoHoSoMC"}', now()),
              ('sync.outcomes.v1', 0, 5, 'ev-5', 'vn.lienthong.sync.synced', $2, $2, '000.00.01.H10', NULL, 'rejected', NULL, '{"packet":"DongBoHoSoMC"}', now()),
              ('sync.outcomes.v1', 0, 6, 'ev-6', 'vn.lienthong.sync.synced', $2, $2, '000.00.01.H10', NULL, 'rejected', NULL, '{"packet":"DongBoHoSoMC"}', now())`,
      [H22, H10, PAYMENT],
    );
    const dl = async (eventId: string, maHoSo: string, agency: string | null, offset: number) =>
      String(
        (
          await c.pool.query(
            `INSERT INTO console_dead_letter (dlq_topic, original_topic, consumer_group, event_id, event_type, ma_ho_so, agency, error_code, reason, attempts, first_at, last_at, dlq_partition, dlq_offset)
             VALUES ('payment.events.v1.dlq', 'payment.events.v1', 'operations', $1, 'vn.lienthong.payment.settled', $2, $3, 'LT_X', $4, 1, now(), now(), 0, $5) RETURNING id`,
            [eventId, maHoSo, agency, `lỗi của ${eventId}`, offset],
          )
        ).rows[0].id,
      );
    ids.h22 = await dl('dl-h22', H22, '000.00.01.H22', 0);
    ids.h10 = await dl('dl-h10', H10, '000.00.01.H10', 1);
    ids.none = await dl('dl-none', PAYMENT, null, 2);
  });

  afterAll(async () => {
    await c?.close();
    await db?.drop();
  });

  const as = async (k: keyof typeof keys) => {
    const b = new TestBrowser(c.app);
    expect((await b.signIn(keys[k])).statusCode).toBe(303);
    return b;
  };

  it("shows each officer only their agencies' recent activity on the overview; agency-less events only to '*'", async () => {
    const h22 = await (await as('h22')).get('/');
    expect(h22.body).toContain(H22);
    expect(h22.body).toContain('N***** V** A*');
    expect(h22.body).not.toContain(H10);
    expect(h22.body).not.toContain('T*** T** B***');
    expect(h22.body).not.toContain('settled');
    const h10 = await (await as('h10')).get('/');
    expect(h10.body).toContain(H10);
    expect(h10.body).not.toContain(H22);
    const all = await (await as('all')).get('/');
    expect(all.body).toContain(H22);
    expect(all.body).toContain(H10);
    expect(all.body).toContain('settled');
  });

  it('scopes the activity pushed over the SSE stream to the officer of each stream', async () => {
    for (const [k, mine, theirs] of [
      ['h22', H22, H10],
      ['h10', H10, H22],
    ] as const) {
      const b = await as(k);
      const cookie = [...b.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
      const data = await readSseEvent(`${url}/su-kien`, cookie, 'activity', () => {
        // What the index would publish after a batch: one row of each agency.
        c.feed.publish([
          {
            topic: 'dossier.events.v1',
            eventId: 'x1',
            type: 'vn.lienthong.dossier.upserted',
            subject: H10,
            maHoSo: H10,
            agency: '000.00.01.H10',
            procedure: null,
            status: '4',
            owner: null,
            summary: {},
            time: new Date(),
          },
          {
            topic: 'dossier.events.v1',
            eventId: 'x2',
            type: 'vn.lienthong.dossier.upserted',
            subject: H22,
            maHoSo: H22,
            agency: '000.00.01.H22',
            procedure: null,
            status: '2',
            owner: null,
            summary: {},
            time: new Date(),
          },
        ]);
      });
      expect(data).toContain(mine);
      expect(data).not.toContain(theirs);
      expect(data).not.toContain(PAYMENT);
    }
  });

  it("lists, counts and previews dead letters of the officer's agencies only; agency-less letters only for '*'", async () => {
    const h22 = await as('h22');
    const list = await h22.get('/thu-loi');
    expect(list.body).toContain('lỗi của dl-h22');
    expect(list.body).not.toContain('lỗi của dl-h10');
    expect(list.body).not.toContain('lỗi của dl-none');
    expect(list.body).toContain('payment.events.v1.dlq <b>1</b>');
    // Even naming the other letters' ids, the preview holds only this officer's.
    const preview = await h22.post('/thu-loi/xem-truoc', {
      _csrf: await h22.csrf('/thu-loi'),
      mode: 'selected',
      ids: [ids.h22, ids.h10, ids.none],
    });
    expect(preview.body).toContain('Sẽ phát lại 1 thư lỗi');
    expect(preview.body).toContain(`name="ids" value="${ids.h22}"`);
    expect(preview.body).not.toContain(`value="${ids.h10}"`);
    expect(preview.body).not.toContain(`value="${ids.none}"`);
    const filtered = await h22.post('/thu-loi/xem-truoc', {
      _csrf: await h22.csrf('/thu-loi'),
      mode: 'filter',
      agency: '000.00.01.H10',
    });
    expect(filtered.body).toContain('Sẽ phát lại 0 thư lỗi');

    const all = await as('all');
    const everything = await all.get('/thu-loi');
    for (const e of ['dl-h22', 'dl-h10', 'dl-none']) expect(everything.body).toContain(`lỗi của ${e}`);
    expect(everything.body).toContain('payment.events.v1.dlq <b>3</b>');
  });

  it("refuses a forged replay (no preview) of another agency's and of an agency-less letter: nothing claimed, logged", async () => {
    const h22 = await as('h22');
    const res = await h22.post('/thu-loi/phat-lai', {
      _csrf: await h22.csrf('/thu-loi'),
      ids: [ids.h10, ids.none],
      expected: '2',
      reason: 'thử phát lại thư của tỉnh khác',
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('2 thư không được phát lại');
    const states = (
      await c.pool.query(`SELECT id::text, state FROM console_dead_letter WHERE id = ANY($1::bigint[])`, [[ids.h10, ids.none]])
    ).rows;
    expect(states.map((r) => r.state)).toEqual(['open', 'open']);
    const result = (
      await c.pool.query(
        `SELECT outcome, detail FROM console_action WHERE action = 'replay-dead-letters-result' AND client_id = 'op-h22'`,
      )
    ).rows;
    expect(result).toHaveLength(1);
    expect(result[0].outcome).toBe('failed');
    expect(result[0].detail.notClaimed.sort()).toEqual([ids.h10, ids.none].sort());
  });

  it("previews a national-sync letter with its dossier's other open letters: national-sync replays the whole dossier", async () => {
    const ns = async (eventId: string, offset: number) =>
      String(
        (
          await c.pool.query(
            `INSERT INTO console_dead_letter (dlq_topic, original_topic, consumer_group, event_id, ma_ho_so, agency, error_code, reason, first_at, last_at, dlq_partition, dlq_offset)
             VALUES ('dossier.events.v1.dlq', 'dossier.events.v1', 'national-sync', $1, $2, '000.00.01.H22', 'LT_DVCQG_REJECTED', $1, now(), now(), 0, $3) RETURNING id`,
            [eventId, H22, offset],
          )
        ).rows[0].id,
      );
    const first = await ns('ns-1', 10);
    const second = await ns('ns-2', 11);
    const h22 = await as('h22');
    const preview = await h22.post('/thu-loi/xem-truoc', { _csrf: await h22.csrf('/thu-loi'), mode: 'selected', ids: first });
    expect(preview.body).toContain('Sẽ phát lại 2 thư lỗi');
    expect(preview.body).toContain('1 thư lỗi khác của cùng hồ sơ');
    expect([...preview.body.matchAll(/name="ids" value="(\d+)"/g)].map((x) => x[1]).sort()).toEqual([first, second].sort());
    await c.pool.query(`DELETE FROM console_dead_letter WHERE id = ANY($1::bigint[])`, [[first, second]]);
  });

  it("counts the last hour's DVCQG deliveries of the officer's agencies only", async () => {
    const h22 = await (await as('h22')).get('/gui-dvcqg');
    expect(h22.body).toContain('accepted <b>1</b>');
    expect(h22.body).not.toContain('rejected <b>');
    expect(h22.body).not.toContain(H10);
    const h10 = await (await as('h10')).get('/gui-dvcqg');
    expect(h10.body).toContain('rejected <b>2</b>');
    expect(h10.body).not.toContain('accepted <b>');
    const all = await (await as('all')).get('/gui-dvcqg');
    expect(all.body).toContain('accepted <b>1</b>');
    expect(all.body).toContain('rejected <b>2</b>');
  });
});
