/**
 * citizen-data end to end (issue 8): real Postgres and Kafka, the sandbox's population DB and business
 * registry over HTTP. Look-ups reach citizen.audit.v1 through the outbox (also after Kafka was away), hostile
 * replies and an outage answer clear errors without a crash, the breaker opens and closes, and a scan of every
 * log line the hub wrote finds none of the personal data the peers returned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullName, type CongDan } from '@lienthong/csdl-dancu';
import { createTestNamespace, deleteTestNamespace, eventually, readTopic } from '../helpers/index.js';
import { createLogScan } from '../helpers/log-scan.js';
import { purpose, startCitizenData, MA_HO_SO, type CitizenDataHarness } from '../../services/citizen-data/test/harness.js';

type Biz = {
  MainInformation: Record<string, string>;
  HOAdress: { AddressFullText: string };
  Representatives: { FULL_NAME: string }[];
};

const scan = createLogScan();
let ns: string;
let h: CitizenDataHarness;
let people: CongDan[];
let businesses: Biz[];
/** Every personal value a peer returned to the hub during the run. */
const returned = new Set<string>();

const remember = (c: CongDan) => {
  for (const v of [
    c.SoDinhDanh,
    c.SoCMND,
    fullName(c),
    c.ThuDienTu,
    c.ThuongTru?.ChiTiet,
    c.NoiOHienTai?.ChiTiet,
    c.ChuHo?.HoVaTen,
    c.Cha?.HoVaTen,
    c.Me?.HoVaTen,
    c.VoChong?.HoVaTen,
  ])
    if (v && v.length >= 4) returned.add(v);
};

beforeAll(async () => {
  // Topic creation on a busy shared broker sometimes answers before its leaders are known: try again.
  ns = await eventually(() => createTestNamespace(), { timeoutMs: 60_000, intervalMs: 1_000, what: 'test topics' });
  h = await startCitizenData({
    logger: scan.logger('citizen-data'),
    namespace: ns,
    breaker: { failures: 3, openMs: 1_500 },
    peerTimeoutMs: 1_000,
  });
  people = (await h.sandbox.citizens()).filter((p) => p.SoDinhDanh);
  businesses = (await h.sandbox.admin<{ items: Biz[] }>('GET', '/dkkd/_admin/businesses?limit=1000')).items;
}, 120_000);
afterAll(async () => {
  await h?.close();
  if (ns) await deleteTestNamespace(ns);
});

const lookup = (p: CongDan, over: Record<string, unknown> = {}) =>
  h.call('POST', '/v1/citizens/lookup', { SoDinhDanh: p.SoDinhDanh, HoVaTen: fullName(p), purpose: purpose(over) });

describe('citizen-data end to end', () => {
  it('publishes every audited look-up to citizen.audit.v1, also those written while Kafka was away', async () => {
    // Kafka "away": the outbox is stopped, look-ups still succeed and their rows wait in Postgres.
    await h.outbox!.stop();
    const ids: string[] = [];
    for (const p of people.slice(0, 6)) {
      const r = await lookup(p);
      expect(r.status).toBe(200);
      remember(r.body.citizen);
      ids.push(r.body.lookupId);
    }
    const waiting = await h.pool.query('SELECT last_seq FROM citizen_audit_published');
    expect(Number(waiting.rows[0].last_seq)).toBe(0);
    const b = businesses[0]!;
    const br = await h.call(
      'GET',
      `/v1/businesses/${b.MainInformation.ENTERPRISE_GDT_CODE}?MaHoSo=${MA_HO_SO}&MaTTHC=1.001612&officerId=cb.nguyenvana`,
    );
    expect(br.status).toBe(200);
    ids.push(br.body.lookupId);
    for (const r of b.Representatives) returned.add(r.FULL_NAME);
    returned.add(b.HOAdress.AddressFullText);
    // A refused look-up is published too.
    const refused = await lookup(people[0]!, { MaTTHC: '1.999999' });
    expect(refused.status).toBe(403);
    h.outbox!.start();
    const topic = `${ns}citizen.audit.v1`;
    const events = await eventually(
      async () => {
        const recs = await readTopic(topic);
        return recs.length >= 8 ? recs : undefined;
      },
      { timeoutMs: 30_000, what: 'audit events' },
    );
    const data = events.map((e) => JSON.parse(e.value!));
    expect(data.map((e) => e.id).slice(0, 7)).toEqual(ids);
    expect(
      data.every((e) => e.type === 'vn.lienthong.citizen.looked-up' && e.subject === MA_HO_SO && e.data.MaHoSo === MA_HO_SO),
    ).toBe(true);
    expect(data.at(-1).data).toMatchObject({ result: 'denied', clientId: 'h22-motcua', officerId: 'cb.nguyenvana' });
    const rows = (await h.pool.query('SELECT lookup_id, subject_hash FROM citizen_audit ORDER BY seq')).rows;
    expect(data.map((e) => e.data.subjectHash)).toEqual(rows.map((r) => r.subject_hash));
    const text = events.map((e) => e.value).join('\n');
    for (const v of returned) expect(text).not.toContain(v);
  });

  it.each([
    ['xxe', 502, 'LT_CSDL_HOSTILE_REPLY'],
    ['billion-laughs', 502, 'LT_CSDL_HOSTILE_REPLY'],
    ['huge', 502, 'LT_CSDL_REPLY_TOO_LARGE'],
    ['html', 502, 'LT_CSDL_BAD_REPLY'],
    ['wrong-namespace', 502, 'LT_CSDL_BAD_REPLY'],
    ['soap-fault', 503, 'LT_CSDL_SOAP_FAULT'],
  ])('a %s reply → %i %s, audited as error, and the service keeps answering', async (kind, status, code) => {
    await h.sandbox.admin('PUT', '/csdl-dancu/_admin/faults', { malformed: kind });
    try {
      const r = await lookup(people[1]!);
      expect(r.status).toBe(status);
      expect(r.body).toMatchObject({ error: code });
      expect(r.body.message.length).toBeGreaterThan(10);
      expect(r.body.message_en.length).toBeGreaterThan(10);
      expect(JSON.stringify(r.body)).not.toMatch(/root:|passwd|lollol/);
      const row = (await h.pool.query('SELECT outcome, reason FROM citizen_audit ORDER BY seq DESC LIMIT 1')).rows[0];
      expect(row).toEqual({ outcome: 'error', reason: code });
    } finally {
      await h.sandbox.admin('PUT', '/csdl-dancu/_admin/faults', {});
    }
    const ok = await lookup(people[1]!);
    expect(ok.status).toBe(200);
    remember(ok.body.citizen);
  });

  it('peer outage → 503 with a clear message; the breaker opens (calls stop reaching the peer) and closes', async () => {
    await h.sandbox.admin('PUT', '/csdl-dancu/_admin/faults', { outage: true });
    const soap = async () => (await h.sandbox.calls('csdl-dancu')).filter((c) => c.endpoint === 'soap').length;
    try {
      for (let i = 0; i < 3; i++) {
        const r = await lookup(people[2]!);
        expect(r.status).toBe(503);
        expect(r.body.error).toBe('LT_CSDL_UNAVAILABLE');
        expect(r.body.message).toMatch(/không truy cập được/);
      }
      const reached = await soap();
      const open = await lookup(people[2]!);
      expect(open.status).toBe(503);
      expect(open.body.message_en).toMatch(/circuit open/);
      expect(await soap()).toBe(reached);
    } finally {
      await h.sandbox.admin('PUT', '/csdl-dancu/_admin/faults', {});
    }
    await new Promise((r) => setTimeout(r, 1_600));
    const closed = await lookup(people[2]!);
    expect(closed.status).toBe(200);
    remember(closed.body.citizen);
  });

  it('autofill and household answers pass the same checks', async () => {
    const p = people.find((x) => x.ThuDienTu) ?? people[3]!;
    const r = await h.call('POST', '/v1/autofill', {
      MaTTHC: '1.001612',
      applicant: { SoDinhDanh: p.SoDinhDanh, HoVaTen: fullName(p) },
      purpose: { MaHoSo: MA_HO_SO, officerId: 'cb.nguyenvana' },
    });
    expect(r.status).toBe(200);
    remember(p);
    const hh = await h.call('POST', '/v1/citizens/household', {
      SoDinhDanh: p.SoDinhDanh,
      HoVaTen: fullName(p),
      purpose: purpose(),
    });
    expect(hh.status).toBe(200);
    for (const m of hh.body.members as CongDan[]) remember(m);
    const v = await h.call('POST', '/v1/citizens/verify', { SoDinhDanh: p.SoDinhDanh, HoVaTen: fullName(p), purpose: purpose() });
    expect(v.body.match).toBe(true);
  });

  it('the audit chain of the whole run verifies', async () => {
    const r = await h.call('GET', '/v1/audit/verify', undefined, h.keys.auditor);
    expect(r.body.ok).toBe(true);
    expect(r.body.checked).toBeGreaterThan(15);
  });

  it('no log line of the hub holds personal data the peers returned', () => {
    expect(returned.size).toBeGreaterThan(20);
    expect(scan.linesOf('citizen-data').length).toBeGreaterThan(0);
    const hits = scan.hits([...returned]).filter((x) => x.logger === 'citizen-data');
    expect(hits).toEqual([]);
  });
});
