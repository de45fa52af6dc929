/**
 * Overdue and due-soon (issue 9 §4) and apology letters (§5), against real Postgres and Kafka: the right
 * working minute across a weekend and across Tết, a supplement request stopping the clock, a second request
 * making the dossier overdue, exactly one event per dossier and deadline across a restart and with two
 * instances scanning at once, and the apology letter's route, page and event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { decodeEvent } from '@lienthong/events';
import { readTopic } from '../../../tests/helpers/index.js';
import { at, createHarness, d14, feed, putProcedure, snapshotEvent, stepEvent, type Harness } from './harness.js';

const ajv = new Ajv2020({ strict: false, validateFormats: false });
const validateDeadline = ajv.compile(
  JSON.parse(readFileSync(new URL('../../../schemas/events/dossier-deadline.v1.json', import.meta.url), 'utf8')),
);
const validateApology = ajv.compile(
  JSON.parse(readFileSync(new URL('../../../schemas/events/dossier-apology.v1.json', import.meta.url), 'utf8')),
);

let h: Harness;
const iso = (local: string) => new Date(at(local)).toISOString();
const agency = '000.00.01.H99';
let seq = 0;
const ma = (day: string) => `${agency}-${day}-${String(++seq).padStart(4, '0')}`;

function item(m: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    MaHoSo: m,
    MaTTHC: '1.100001',
    TenTTHC: 'Cấp giấy phép thử nghiệm',
    KenhThucHien: '1',
    ChuHoSo: 'Nguyễn Văn <script>An</script>',
    TrangThaiHoSo: '2',
    ...fields,
  };
}

async function notices(m: string): Promise<{ kind: string }[]> {
  return (await h.pool.query('SELECT kind FROM ops_deadline_notice WHERE ma_ho_so = $1 ORDER BY kind', [m])).rows;
}

async function scanAt(local: string) {
  h.clock.set(new Date(at(local)));
  return h.core.monitor.scanOnce();
}

beforeAll(async () => {
  h = await createHarness({ now: '2024-03-01T00:00:00Z' });
  await putProcedure(h.pool, { ma: '1.100001', legalDays: 1, fee: 0, paper: false, agencies: [agency] });
  await putProcedure(h.pool, { ma: '1.100002', legalDays: 2, fee: 0, paper: false, agencies: [agency] });
});
afterAll(async () => h?.close());

describe('overdue at the right working minute', () => {
  it('across a weekend: no NgayHenTra, 1 working day from Friday 16:00 → due Monday 16:00, overdue at 16:01', async () => {
    const m = ma('240308');
    await feed(h.core, [snapshotEvent(item(m, { NgayTiepNhan: d14('2024-03-08T16:00') }), iso('2024-03-08T16:00'))]);
    const row = (await h.pool.query(`SELECT due_at FROM ${h.schema}.dossier WHERE ma_ho_so = $1`, [m])).rows[0] as {
      due_at: Date;
    };
    expect(row.due_at.toISOString()).toBe(iso('2024-03-11T16:00'));
    await scanAt('2024-03-09T12:00'); // Saturday
    await scanAt('2024-03-11T16:00');
    expect(await notices(m)).toEqual([{ kind: 'due-soon' }]);
    await scanAt('2024-03-11T16:01');
    expect(await notices(m)).toEqual([{ kind: 'due-soon' }, { kind: 'overdue' }]);
  });

  it('across Tết: 2 working days from Friday 24/01/2025 10:00 → due Tuesday 04/02/2025 10:00', async () => {
    const m = ma('250124');
    await feed(h.core, [
      snapshotEvent(item(m, { MaTTHC: '1.100002', NgayTiepNhan: d14('2025-01-24T10:00') }), iso('2025-01-24T10:00')),
    ]);
    await scanAt('2025-01-31T12:00'); // mùng 3 Tết: nothing yet, not even due-soon (8 working hours → Monday 17:00)
    expect(await notices(m)).toEqual([]);
    await scanAt('2025-02-03T10:00'); // 8 working hours before the deadline
    expect(await notices(m)).toEqual([{ kind: 'due-soon' }]);
    await scanAt('2025-02-04T10:00');
    expect(await notices(m)).toEqual([{ kind: 'due-soon' }]);
    await scanAt('2025-02-04T10:01');
    expect(await notices(m)).toEqual([{ kind: 'due-soon' }, { kind: 'overdue' }]);
  });

  it('a supplement request stops the clock; when supplied, the working time left resumes (across a weekend)', async () => {
    const m = ma('240305');
    await feed(h.core, [
      snapshotEvent(
        item(m, { NgayTiepNhan: d14('2024-03-05T08:00'), NgayHenTra: d14('2024-03-08T17:00') }),
        iso('2024-03-05T08:00'),
      ),
      stepEvent(m, 5, '2024-03-07T16:00', 'Yêu cầu bổ sung'),
    ]);
    // Past NgayHenTra, but the request is open: the clock is stopped.
    await scanAt('2024-03-11T10:00');
    expect((await notices(m)).map((n) => n.kind)).not.toContain('overdue');
    // Supplied Monday 09:00: 540 working minutes were left (Thu 16–17, Fri) → Tuesday 10:00.
    await feed(h.core, [stepEvent(m, 4, '2024-03-11T09:00', 'Đã bổ sung')], 100);
    const row = (await h.pool.query(`SELECT due_at, overdue_at, clock_stopped FROM ${h.schema}.dossier WHERE ma_ho_so = $1`, [m]))
      .rows[0];
    expect(row.clock_stopped).toBe(false);
    expect(row.due_at.toISOString()).toBe(iso('2024-03-12T10:00'));
    await scanAt('2024-03-12T10:00');
    expect((await notices(m)).map((n) => n.kind)).not.toContain('overdue');
    await scanAt('2024-03-12T10:01');
    expect((await notices(m)).map((n) => n.kind)).toContain('overdue');
  });

  it('a second supplement request makes the dossier overdue at once', async () => {
    const m = ma('240311');
    await feed(
      h.core,
      [
        snapshotEvent(
          item(m, { NgayTiepNhan: d14('2024-03-11T08:00'), NgayHenTra: d14('2024-03-15T17:00') }),
          iso('2024-03-11T08:00'),
        ),
        stepEvent(m, 5, '2024-03-11T09:00'),
        stepEvent(m, 4, '2024-03-12T09:00'),
        stepEvent(m, 5, '2024-03-13T09:00'),
      ],
      200,
    );
    await scanAt('2024-03-13T09:01');
    expect((await notices(m)).map((n) => n.kind)).toContain('overdue');
    await h.core.outbox.drain();
    const events = (await readTopic(h.topics.dossierDeadline)).map((r) => decodeEvent(r.value));
    const ev = events.find((e) => e.subject === m && e.type === 'vn.lienthong.dossier.overdue')!;
    expect(ev.data).toMatchObject({
      MaHoSo: m,
      agencyCode: agency,
      kind: 'overdue',
      secondSupplementRequest: true,
      NgayHenTra: '20240315170000',
    });
    for (const e of events.filter((x) => x.type.startsWith('vn.lienthong.dossier.')))
      expect(validateDeadline(e.data), JSON.stringify(validateDeadline.errors)).toBe(true);
  });

  it('a dossier that ended is never overdue', async () => {
    const m = ma('240304');
    await feed(
      h.core,
      [
        snapshotEvent(
          item(m, { NgayTiepNhan: d14('2024-03-04T08:00'), NgayHenTra: d14('2024-03-05T17:00') }),
          iso('2024-03-04T08:00'),
        ),
        stepEvent(m, 9, '2024-03-05T10:00'),
      ],
      300,
    );
    await scanAt('2024-03-20T10:00');
    expect((await notices(m)).map((n) => n.kind)).not.toContain('overdue');
  });
});

describe('the due-soon list', () => {
  it('lists the dossiers due within the horizon (8 working hours, across the weekend), soonest first, not the late ones', async () => {
    const soon = ma('240315');
    const later = ma('240315');
    await feed(h.core, [
      // due Monday 18/03 at 09:00 and at 16:00: both within 8 working hours of Friday 15/03 16:00
      snapshotEvent(
        item(soon, { NgayTiepNhan: d14('2024-03-14T09:00'), NgayHenTra: d14('2024-03-18T09:00') }),
        iso('2024-03-14T09:00'),
      ),
      snapshotEvent(
        item(later, { NgayTiepNhan: d14('2024-03-14T09:00'), NgayHenTra: d14('2024-03-19T16:00') }),
        iso('2024-03-14T09:00'),
      ),
    ]);
    h.clock.set(new Date(at('2024-03-15T16:00')));
    const res = await h.app.inject({
      method: 'GET',
      url: `/v1/due-soon?agency=${agency}`,
      headers: { authorization: `Bearer ${h.keys.viewer}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: { MaHoSo: string }[]; workingHours: number };
    expect(body.workingHours).toBe(8);
    const listed = body.items.map((i) => i.MaHoSo);
    expect(listed).toContain(soon);
    expect(listed).not.toContain(later); // 19/03 16:00 is 15 working hours away
    h.clock.set(new Date(at('2024-03-19T09:00')));
    const after = (
      await h.app.inject({
        method: 'GET',
        url: `/v1/due-soon?agency=${agency}`,
        headers: { authorization: `Bearer ${h.keys.viewer}` },
      })
    ).json() as {
      items: { MaHoSo: string }[];
    };
    expect(after.items.map((i) => i.MaHoSo)).not.toContain(soon); // late now: on the overdue list instead
    expect(after.items.map((i) => i.MaHoSo)).toContain(later); // 19/03 16:00 is within the day's working hours
  });

  it('scope and bad queries', async () => {
    expect(
      (
        await h.app.inject({
          method: 'GET',
          url: `/v1/due-soon?agency=${agency}`,
          headers: { authorization: `Bearer ${h.keys.scopedViewer}` },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await h.app.inject({ method: 'GET', url: '/v1/due-soon', headers: { authorization: `Bearer ${h.keys.viewer}` } }))
        .statusCode,
    ).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: `/v1/due-soon?agency=${agency}` })).statusCode).toBe(401);
  });
});

describe('untrusted events', () => {
  it('dead-letters malformed dossier events (non-retriable) and skips types that are not its own', async () => {
    const bad = [
      { ...snapshotEvent(item(ma('240601'), {}), iso('2024-06-01T08:00')), data: 'not an object' },
      { ...snapshotEvent(item(ma('240601'), {}), iso('2024-06-01T08:00')), subject: 'other-subject' },
      { ...snapshotEvent(item('../../etc', {}), iso('2024-06-01T08:00')) },
      { ...snapshotEvent(item(ma('240601'), {}), iso('2024-06-01T08:00')), time: 'yesterday' },
    ];
    for (const e of bad) {
      const err = await h.core.handle(e, { offset: '1' }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(err, JSON.stringify(e.data).slice(0, 40)).toMatchObject({ code: 'LT_OPS_BAD_EVENT', retriable: false });
    }
    const other = {
      ...snapshotEvent(item(ma('240601'), {}), iso('2024-06-01T08:00')),
      type: 'vn.lienthong.dossier.something-else',
    };
    expect(await h.core.handle(other, { offset: '2' })).toBe('ignored');
  });
});

describe('exactly one event per dossier and deadline', () => {
  it('across a restart between recording and publishing, and with two instances scanning at once', async () => {
    const ids = Array.from({ length: 20 }, () => ma('240401'));
    await feed(
      h.core,
      ids.map((m) =>
        snapshotEvent(
          item(m, { NgayTiepNhan: d14('2024-04-01T08:00'), NgayHenTra: d14('2024-04-02T17:00') }),
          iso('2024-04-01T08:00'),
        ),
      ),
      400,
    );
    // Instance A records the transitions and dies before its outbox ran.
    const a = h.newCore();
    h.clock.set(new Date(at('2024-04-03T09:00')));
    const first = await a.monitor.scanOnce();
    expect(first.overdue).toBeGreaterThanOrEqual(20);
    // Instance B starts: nothing new to record, and its outbox publishes what A left.
    const b = h.newCore();
    expect((await b.monitor.scanOnce()).overdue).toBe(0);
    await b.outbox.drain();
    // Later: 10 more become overdue while both instances scan concurrently.
    const more = Array.from({ length: 10 }, () => ma('240402'));
    await feed(
      h.core,
      more.map((m) =>
        snapshotEvent(
          item(m, { NgayTiepNhan: d14('2024-04-02T08:00'), NgayHenTra: d14('2024-04-03T17:00') }),
          iso('2024-04-02T08:00'),
        ),
      ),
      500,
    );
    h.clock.set(new Date(at('2024-04-04T09:00')));
    const [ra, rb] = await Promise.all([a.monitor.scanOnce(), b.monitor.scanOnce()]);
    expect(ra.overdue + rb.overdue).toBe(10);
    await Promise.all([a.outbox.drain(), b.outbox.drain()]);
    await h.core.monitor.scanOnce();
    await h.core.outbox.drain();
    const events = (await readTopic(h.topics.dossierDeadline))
      .map((r) => decodeEvent(r.value))
      .filter((e) => e.type === 'vn.lienthong.dossier.overdue');
    for (const m of [...ids, ...more])
      expect(
        events.filter((e) => e.subject === m),
        m,
      ).toHaveLength(1);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });
});

describe('apology letters', () => {
  let m: string;
  beforeAll(async () => {
    m = ma('240501');
    await feed(
      h.core,
      [
        snapshotEvent(
          item(m, {
            NgayTiepNhan: d14('2024-05-06T08:00'),
            NgayHenTra: d14('2024-05-07T17:00'),
            DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí', MaPhiLePhi: 'LP', Gia: '15000', HinhThucThu: '1' }],
          }),
          iso('2024-05-06T08:00'),
        ),
      ],
      600,
    );
  });
  const post = (body: unknown, key = h.keys.operator, target = m) =>
    h.app.inject({
      method: 'POST',
      url: `/v1/overdue/${target}/apology`,
      headers: { authorization: `Bearer ${key}` },
      payload: body as object,
    });

  it('refuses only what is known wrong: a viewer, another agency (403), a past, impossible or missing field (400), an unknown dossier (404)', async () => {
    h.clock.set(new Date(at('2024-05-08T10:00')));
    expect((await post({ reason: 'x', newDueDate: '2024-05-10' }, h.keys.viewer)).statusCode).toBe(403);
    const foreign = await post({ reason: 'x', newDueDate: '2024-05-10' }, h.keys.scopedOperator);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().details[0].path).toBe('/MaHoSo');
    const past = await post({ reason: 'x', newDueDate: '2024-05-08' });
    expect(past.statusCode).toBe(400);
    expect(past.json().details[0].path).toBe('/newDueDate');
    expect((await post({ reason: 'x', newDueDate: '2024-02-30' })).statusCode).toBe(400);
    expect((await post({ reason: '', newDueDate: '2024-05-10' })).statusCode).toBe(400);
    expect((await post({ newDueDate: '2024-05-10' })).statusCode).toBe(400);
    expect((await post({ reason: 'x' })).statusCode).toBe(400);
    expect((await post({ reason: 'x'.repeat(2001), newDueDate: '2024-05-10' })).statusCode).toBe(400);
    expect((await post({ reason: 'x', newDueDate: '2024-05-10', extra: 1 })).statusCode).toBe(400);
    expect((await post({ reason: 'x', newDueDate: '2024-05-10' }, h.keys.operator, 'not-a-ma-ho-so')).statusCode).toBe(400);
    expect((await post({ reason: 'x', newDueDate: '2024-05-10' }, h.keys.operator, `${agency}-240501-9999`)).statusCode).toBe(
      404,
    );
    expect(await h.pool.query('SELECT 1 FROM ops_apology WHERE ma_ho_so = $1', [m])).toMatchObject({ rowCount: 0 });
  });

  it('issues the letter with a warning, in the answer and in the letter record, when the hub does not count the dossier as overdue', async () => {
    const early = ma('240502');
    const noDeadline = ma('240502');
    const supplement = ma('240502');
    const ended = ma('240502');
    await feed(
      h.core,
      [
        snapshotEvent(
          item(early, { NgayTiepNhan: d14('2024-05-06T08:00'), NgayHenTra: d14('2024-05-07T17:00') }),
          iso('2024-05-06T08:00'),
        ),
        // A procedure the catalogue does not know and no NgayHenTra: no deadline at all.
        snapshotEvent(item(noDeadline, { MaTTHC: '1.199999', NgayTiepNhan: d14('2024-05-06T08:00') }), iso('2024-05-06T08:00')),
        snapshotEvent(
          item(supplement, { NgayTiepNhan: d14('2024-05-02T08:00'), NgayHenTra: d14('2024-05-03T17:00') }),
          iso('2024-05-02T08:00'),
        ),
        stepEvent(supplement, 5, '2024-05-03T09:00', 'Yêu cầu bổ sung'),
        snapshotEvent(
          item(ended, { NgayTiepNhan: d14('2024-05-02T08:00'), NgayHenTra: d14('2024-05-03T17:00') }),
          iso('2024-05-02T08:00'),
        ),
        stepEvent(ended, 10, '2024-05-06T09:00', 'Đã trả kết quả'),
      ],
      700,
    );
    h.clock.set(new Date(at('2024-05-07T10:00'))); // before the early one's deadline, after the others'
    const issue = async (target: string, newDueDate = '2024-05-10') => {
      const r = await post({ reason: 'Chờ ý kiến cơ quan phối hợp', newDueDate }, h.keys.operator, target);
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as { apologyId: string; warnings: { path: string; code: string; message: string; message_en: string }[] };
    };
    // 11/05/2024 is a Saturday: a second warning, on the date.
    const a = await issue(early, '2024-05-11');
    expect(a.warnings.map((w) => [w.path, w.code])).toEqual([
      ['/MaHoSo', 'LT_OPS_APOLOGY_NOT_OVERDUE'],
      ['/newDueDate', 'LT_OPS_APOLOGY_NOT_WORKING_DAY'],
    ]);
    expect(a.warnings[0]!.message_en).toContain('07/05/2024 17:00');
    expect(a.warnings[0]!.message).toMatch(/chưa qua/);
    const b = await issue(noDeadline);
    expect(b.warnings.map((w) => w.code)).toEqual(['LT_OPS_APOLOGY_NOT_OVERDUE']);
    expect(b.warnings[0]!.message_en).toContain('no deadline');
    const c = await issue(supplement);
    expect(c.warnings.map((w) => w.code)).toEqual(['LT_OPS_APOLOGY_NOT_OVERDUE']);
    expect(c.warnings[0]!.message_en).toContain('supplement request is open');
    const d = await issue(ended);
    expect(d.warnings.map((w) => [w.path, w.code])).toEqual([['/MaHoSo', 'LT_OPS_APOLOGY_DOSSIER_ENDED']]);
    // The letter record keeps them (and the dossier view shows them); the printed letter does not carry them.
    const stored = (await h.pool.query('SELECT letter FROM ops_apology WHERE apology_id = $1', [a.apologyId])).rows[0] as {
      letter: { warnings: unknown };
    };
    expect(stored.letter.warnings).toEqual(a.warnings);
    const view = await h.app.inject({
      method: 'GET',
      url: `/v1/dossiers/${early}`,
      headers: { authorization: `Bearer ${h.keys.viewer}` },
    });
    expect(view.json().apologies).toEqual([expect.objectContaining({ apologyId: a.apologyId, warnings: a.warnings })]);
    const page = await h.app.inject({
      method: 'GET',
      url: `/v1/overdue/${early}/apology/${a.apologyId}`,
      headers: { authorization: `Bearer ${h.keys.viewer}` },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('LT_OPS_APOLOGY');
    // Each letter is published for notifications like any other.
    await h.core.outbox.drain();
    const events = (await readTopic(h.topics.dossierDeadline))
      .map((x) => decodeEvent(x.value))
      .filter((e) => e.type === 'vn.lienthong.dossier.apology-issued');
    for (const [target, r] of [
      [early, a],
      [noDeadline, b],
      [supplement, c],
      [ended, d],
    ] as const) {
      const mine = events.filter((e) => e.subject === target);
      expect(mine.map((e) => (e.data as { apologyId: string }).apologyId)).toEqual([r.apologyId]);
      expect(validateApology(mine[0]!.data), JSON.stringify(validateApology.errors)).toBe(true);
    }
    expect(events.find((e) => e.subject === noDeadline)!.data).toMatchObject({ previousDueDate: null });
  });

  it('records the letter with the dossier, renders it escaped, and publishes it once', async () => {
    h.clock.set(new Date(at('2024-05-08T10:00')));
    const r = await post({
      reason: 'Cần xác minh thêm <b>hồ sơ</b> đất đai',
      newDueDate: '2024-05-13',
      letterNumber: '12',
      place: 'Sa Bàn',
      signerTitle: 'Giám đốc',
      signerName: 'Lê Văn C',
    });
    expect(r.statusCode).toBe(201);
    const { apologyId, letterUrl, inferredFields } = r.json();
    expect(inferredFields).toContain('governingBody');
    const page = await h.app.inject({ method: 'GET', url: letterUrl, headers: { authorization: `Bearer ${h.keys.viewer}` } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    expect(page.body).toContain('ngày 13 tháng 05 năm 2024');
    expect(page.body).toContain('&lt;script&gt;');
    expect(page.body).not.toContain('<script>');
    expect(page.body).not.toContain('<b>hồ sơ');
    const dossier = await h.app.inject({
      method: 'GET',
      url: `/v1/dossiers/${m}`,
      headers: { authorization: `Bearer ${h.keys.viewer}` },
    });
    expect(dossier.json().apologies).toEqual([expect.objectContaining({ apologyId, newDueDate: '2024-05-13' })]);
    expect(dossier.json()).toMatchObject({
      MaHoSo: m,
      agency,
      fees: [{ TenPhiLePhi: 'Lệ phí', Gia: 15000, HinhThucThu: '1' }],
      resultLinks: [],
    });
    const scoped = await h.app.inject({
      method: 'GET',
      url: `/v1/dossiers/${m}`,
      headers: { authorization: `Bearer ${h.keys.scopedViewer}` },
    });
    expect(scoped.statusCode).toBe(403);
    await h.core.outbox.drain();
    const events = (await readTopic(h.topics.dossierDeadline))
      .map((x) => decodeEvent(x.value))
      .filter((e) => e.type === 'vn.lienthong.dossier.apology-issued' && e.subject === m);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ MaHoSo: m, apologyId, newDueDate: '2024-05-13' });
    expect(validateApology(events[0]!.data), JSON.stringify(validateApology.errors)).toBe(true);
    expect(JSON.stringify(events[0]!.data)).not.toContain('Nguyễn');
  });
});
