import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { eventually, captureLogger } from '../../../tests/helpers/index.js';
import { createEvent, type CloudEvent } from '@lienthong/events';
import { schemaIds, validateEventData } from '@lienthong/standard';
import { OPERATOR_KEY, PROVINCE_KEY, startHarness, type Harness } from './harness.js';
// Every event fed below that another service produces is built by that service's own code.
import { deadlineEvent } from '../../operations/src/deadline/monitor.js';
import { apologyEvent } from '../../operations/src/apology/apology-event.js';
import { outcomeEvent } from '../../national-sync/src/outbox/outcomes.js';
import { outboundOutcomeEvent } from '../../national-sync/src/outbound/outcomes.js';
import { expectValidOpenApi } from '../../../tests/helpers/openapi.js';

const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
const captured = captureLogger('notifications-test', 'debug');
let h: Harness;
let seq = 0;
const ma = (agency = '000.00.01.H22') => `${agency}-251205-${String(++seq).padStart(4, '0')}${Math.floor(Math.random() * 1e4)}`;
const PHONE = '0912 345 678';
const ZPHONE = '84912345678';

const snapshot = (maHoSo: string, status: string, phone = PHONE) => ({
  MaHoSo: maHoSo,
  MaTTHC: '1.001234',
  TenTTHC: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
  ChuHoSo: 'Nguyễn Thị Hồng Nhung',
  SoDienThoai: phone,
  NgayTiepNhan: '20251205083000',
  NgayHenTra: '20251219170000',
  TrangThaiHoSo: status,
});
/** The producer's event, checked against its schema (a producer bug must not pass as a consumer's success). */
function conforming<T extends CloudEvent>(e: T): T {
  expect(validateEventData(e.dataschema, e.data).errors).toEqual([]);
  return e;
}
/** operations' overdue event as its deadline scan raises it (NgayHenTra of `snapshot`: 19/12/2025 17:00). */
const overdueOf = (maHoSo: string, deadline: string) =>
  conforming(
    deadlineEvent(
      {
        MaHoSo: maHoSo,
        agencyCode: '000.00.01.H22',
        kind: 'overdue',
        deadline,
        NgayHenTra: '20251219170000',
        TrangThaiHoSo: 4,
        workingMinutesLate: 1,
        workingMinutesLeft: 0,
        daysLate: 0,
        secondSupplementRequest: false,
        detectedAt: new Date().toISOString(),
      },
      new Date(),
    ),
  );
/** operations' apology-issued event, as its apology route queues it. */
const apologyOf = (maHoSo: string, apologyId: string, newDueDate: string) =>
  conforming(
    apologyEvent(
      {
        MaHoSo: maHoSo,
        agencyCode: '000.00.01.H22',
        apologyId,
        reason: 'Cần xác minh thêm hiện trạng công trình',
        previousDueDate: '2025-12-19T10:00:00.000Z',
        newDueDate,
        letterUrl: `/v1/overdue/${maHoSo}/apology/${apologyId}`,
        issuedAt: new Date().toISOString(),
      },
      new Date(),
    ),
  );
/** What national.outbound.v1 carries for national-sync (inbound's event), the input of its outcome builder. */
const outboundOf = (kind: 'qa-answer' | 'promotion-status', key: string, packet: Record<string, unknown>) =>
  conforming(
    createEvent({
      id: `outbound-${kind}-${key}`,
      source: 'urn:lienthong:inbound',
      type: `vn.lienthong.outbound.${kind}`,
      subject: kind === 'qa-answer' ? `HOIDAP-${key}` : key,
      dataschema: schemaIds.nationalOutboundEvent,
      data: {
        kind,
        key,
        agency: '000.00.01.H22',
        acceptedAt: new Date().toISOString(),
        submittedBy: 'tinh-h22',
        ...(kind === 'promotion-status' ? { reportedStatus: '9' } : {}),
        packet,
      },
    }) as CloudEvent<never>,
  );
const answerOutcome = (hoiDapId: string, now: Date) =>
  conforming(
    outboundOutcomeEvent(
      outboundOf('qa-answer', hoiDapId, {
        HOIDAPID: hoiDapId,
        MADONVI: '000.00.01.H22',
        NOIDUNGTRALOI: 'Trả lời',
        NGAYTRALOI: '20251206090000',
      }),
      { outcome: { kind: 'synced' }, attempts: 1 },
      1,
      now,
    ),
  );
const statusOutcome = (portalMaHoSo: string, ours: string, now: Date) =>
  conforming(
    outboundOutcomeEvent(
      outboundOf('promotion-status', portalMaHoSo, {
        MaHoSo: portalMaHoSo,
        MaHoSoDonVi: ours,
        TrangThai: '2',
        NgayXuLy: '20251206090000',
      }),
      { outcome: { kind: 'synced' }, attempts: 1 },
      1,
      now,
    ),
  );
const zaloFor = async (maHoSoOrPhone: { phone?: string }) =>
  (await h.zaloAdmin(`messages${maHoSoOrPhone.phone ? `?phone=${maHoSoOrPhone.phone}` : ''}`)).messages as any[];
const zaloOf = async (maHoSo: string) => (await zaloFor({})).filter((m) => m.templateData.ma_ho_so === maHoSo);

beforeAll(async () => {
  h = await startHarness({ clock, logger: captured.logger });
});
afterAll(async () => {
  await h?.close();
});

describe('notifications: dossier status → Zalo', () => {
  it('a status change produces the agency template at Zalo, with Vietnamese intact; the ledger goes sent → delivered without the phone', async () => {
    const id = ma();
    await h.publish('vn.lienthong.dossier.upserted', id, snapshot(id, '2'));
    const [msg] = await eventually(async () => ((await zaloOf(id)).length ? zaloOf(id) : undefined), {
      what: 'ZNS message at the sandbox',
    });
    expect(msg).toMatchObject({
      phone: ZPHONE,
      templateId: '310001',
      templateData: {
        ten_nguoi_dan: 'Nguyễn Thị Hồng Nhung',
        ma_ho_so: id,
        ten_thu_tuc: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
        trang_thai: 'Tiếp nhận thành công',
        ngay_hen_tra: '19/12/2025 17:00',
      },
    });
    expect(msg.trackingId).toMatch(/^[0-9a-f]{32}$/);
    const [row] = await eventually(
      async () => {
        const rows = await h.messages(id);
        return rows[0]?.status === 'delivered' ? rows : undefined;
      },
      { what: 'delivery webhook applied' },
    );
    expect(row).toMatchObject({
      channel: 'zalo',
      kind: 'dossier.received',
      phone_last3: '678',
      provider_msg_id: msg.msgId,
      payload_sealed: null,
    });
    expect(row.phone_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.phone_hash).not.toBe(createHash('sha256').update(ZPHONE).digest('hex'));
    // The same snapshot again (no status change) and a step to 4 (not announced) send nothing more.
    await h.publish('vn.lienthong.dossier.upserted', id, snapshot(id, '2'));
    await h.publish('vn.lienthong.dossier.progressed', id, {
      MaHoSo: id,
      NguoiXuLy: 'Cán bộ',
      ThoiDiemXuLy: '20251206090000',
      NoiDungXuLy: 'Thẩm định',
      TrangThai: '4',
    });
    // then 9 (result ready) is announced with its own template
    await h.publish('vn.lienthong.dossier.progressed', id, {
      MaHoSo: id,
      NguoiXuLy: 'Cán bộ',
      ThoiDiemXuLy: '20251210090000',
      NoiDungXuLy: 'Xong',
      TrangThai: '9',
    });
    const after = await eventually(async () => ((await zaloOf(id)).length === 2 ? zaloOf(id) : undefined), {
      what: 'result-ready message',
    });
    expect(after.map((m) => m.templateId)).toEqual(['310001', '310005']);
    expect(after[1].templateData.trang_thai).toBe('Đã xử lý xong');
    // The ledger API: the province sees its dossier with the phone masked; another agency's client would get 403.
    const res = await fetch(`${h.appUrl}/v1/notifications?MaHoSo=${encodeURIComponent(id)}`, {
      headers: { authorization: `Bearer ${PROVINCE_KEY}` },
    });
    const ledger = (await res.json()) as any;
    expect(ledger.messages.map((m: any) => [m.kind, m.phone])).toEqual([
      ['dossier.received', '*******678'],
      ['dossier.result-ready', '*******678'],
    ]);
    const other = await fetch(`${h.appUrl}/v1/notifications?MaHoSo=000.00.01.H23-251205-0001`, {
      headers: { authorization: `Bearer ${PROVINCE_KEY}` },
    });
    expect(other.status).toBe(403);
    const garbage = await fetch(`${h.appUrl}/v1/notifications?MaHoSo=${encodeURIComponent("x'; DROP TABLE notif_messages;--")}`, {
      headers: { authorization: `Bearer ${PROVINCE_KEY}` },
    });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as any).details[0].path).toBe('/MaHoSo');
    expect((await fetch(`${h.appUrl}/v1/notifications?MaHoSo=${id}`)).status).toBe(401);
    expect(
      (await fetch(`${h.appUrl}/v1/receipts/${'a'.repeat(100)}`, { headers: { authorization: `Bearer ${PROVINCE_KEY}` } }))
        .status,
    ).toBe(400);
    // Neither the phone nor the name reached a log line.
    const logs = captured.text();
    expect(logs).not.toContain('912345678');
    expect(logs).not.toContain('Nguyễn Thị Hồng Nhung');
    expect(logs).toContain(id);
  });

  it('each event kind gets its own template; overdue (deadline topic) and payment.settled too; none for an unconfigured agency', async () => {
    const id = ma();
    await h.publish('vn.lienthong.dossier.upserted', id, snapshot(id, '5'));
    await h.publishEvent(overdueOf(id, '2025-12-19T10:00:00.000Z'), 'deadline');
    await h.publish(
      'vn.lienthong.payment.settled',
      id,
      { paymentId: 'pay-1', MaHoSo: id, agencyCode: '000.00.01.H22', amount: 150000 },
      { topic: 'paymentEvents' },
    );
    const got = await eventually(async () => ((await zaloOf(id)).length === 3 ? zaloOf(id) : undefined), {
      what: 'three messages',
    });
    const byTemplate = Object.fromEntries(got.map((m) => [m.templateId, m.templateData]));
    expect(byTemplate['310003']).toMatchObject({ trang_thai: 'Yêu cầu bổ sung hồ sơ' });
    expect(byTemplate['310007']).toEqual({
      ten_nguoi_dan: 'Nguyễn Thị Hồng Nhung',
      ma_ho_so: id,
      ten_thu_tuc: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
      ngay_hen_tra: '19/12/2025 17:00',
      trang_thai: 'Chưa có kết quả đúng hẹn',
      loi_nhan:
        'Trung tâm Phục vụ hành chính công tỉnh xin lỗi Ông/Bà vì hồ sơ chưa có kết quả đúng ngày hẹn và sẽ gửi phiếu hẹn lại ngày trả kết quả.',
    });
    expect(byTemplate['310008']).toMatchObject({ so_tien: '150.000', trang_thai: 'Thanh toán thành công' });

    const foreign = ma('000.00.01.H23');
    await h.publish('vn.lienthong.dossier.upserted', foreign, snapshot(foreign, '2', '0987654321'));
    const marker = ma();
    await h.publish('vn.lienthong.dossier.upserted', marker, snapshot(marker, '2', '0987654321'));
    await eventually(async () => (await zaloOf(marker)).length === 1, { what: 'marker message' });
    expect(await zaloOf(foreign)).toEqual([]);
    expect(await h.messages(foreign)).toEqual([]);
  });

  it('an overdue whose deadline moved is announced again (once per deadline); a redelivered one is not', async () => {
    const id = ma();
    await h.publish('vn.lienthong.dossier.upserted', id, snapshot(id, '4'));
    // Late against NgayHenTra (19/12 17:00); a supplement round then moved the deadline to 23/12 10:00, passed too.
    const first = overdueOf(id, '2025-12-19T10:00:00.000Z');
    await h.publishEvent(first, 'deadline');
    await h.publishEvent(first, 'deadline'); // the outbox's one possible duplicate: same event id
    await h.publishEvent(overdueOf(id, '2025-12-23T03:00:00.000Z'), 'deadline');
    const got = await eventually(async () => ((await zaloOf(id)).length === 2 ? zaloOf(id) : undefined), {
      what: 'two overdue messages',
    });
    expect(got.map((m) => [m.templateId, m.templateData.ngay_hen_tra])).toEqual([
      ['310007', '19/12/2025 17:00'],
      ['310007', '23/12/2025 10:00'],
    ]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await h.messages(id)).map((m) => m.kind)).toEqual(['dossier.overdue', 'dossier.overdue']);
    // The deadline passed is this message's only: the dossier's own NgayHenTra is still the snapshot's for later ones.
    const ctx = await h.pool.query('SELECT context FROM notif_dossiers WHERE ma_ho_so = $1', [id]);
    expect(ctx.rows[0].context.NgayHenTra).toBe('19/12/2025 17:00');
  });

  it('an apology letter tells the citizen its new date (Zalo, SMS when Zalo cannot), once per letter', async () => {
    const id = ma();
    await h.publish('vn.lienthong.dossier.upserted', id, snapshot(id, '4'));
    const letter = apologyOf(id, 'c7d3a6f0-5b1e-4c2a-9f8e-1a2b3c4d5e01', '2025-12-29');
    await h.publishEvent(letter, 'deadline');
    await h.publishEvent(letter, 'deadline'); // redelivered
    const [msg] = await eventually(async () => ((await zaloOf(id)).length ? zaloOf(id) : undefined), {
      what: 'apology message',
    });
    expect(msg).toMatchObject({
      phone: ZPHONE,
      templateId: '310009',
      templateData: {
        ten_nguoi_dan: 'Nguyễn Thị Hồng Nhung',
        ma_ho_so: id,
        ten_thu_tuc: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
        ten_don_vi: 'Trung tâm Phục vụ hành chính công tỉnh',
        ngay_tiep_nhan: '05/12/2025 08:30',
        ngay_hen_tra_cu: '19/12/2025 17:00',
        ngay_hen_tra_moi: '29/12/2025',
      },
    });
    // A second letter (another new date) is a new message; a citizen without Zalo gets the SMS.
    await h.zaloAdmin('faults', { noAccountPhones: ['84903000777'] });
    const other = ma();
    await h.publish('vn.lienthong.dossier.upserted', other, snapshot(other, '4', '0903000777'));
    await h.publishEvent(apologyOf(other, 'c7d3a6f0-5b1e-4c2a-9f8e-1a2b3c4d5e02', '2026-01-05'), 'deadline');
    const sms = await eventually(
      async () => {
        const l = (await h.smsMessages('viettel')).filter((m) => m.phone === '84903000777');
        return l.length ? l : undefined;
      },
      { what: 'apology SMS' },
    );
    expect(sms.map((m) => m.content)).toEqual([
      `Trung tam Phuc vu hanh chinh cong tinh xin loi vi ho so ${other} tre hen (19/12/2025 17:00). Ngay hen tra ket qua moi: 05/01/2026`,
    ]);
    await h.publishEvent(apologyOf(id, 'c7d3a6f0-5b1e-4c2a-9f8e-1a2b3c4d5e03', '2026-01-09'), 'deadline');
    const two = await eventually(async () => ((await zaloOf(id)).length === 2 ? zaloOf(id) : undefined), {
      what: 'second letter',
    });
    expect(two.map((m) => m.templateData.ngay_hen_tra_moi)).toEqual(['29/12/2025', '09/01/2026']);
    expect((await h.messages(id)).map((m) => m.kind)).toEqual(['dossier.apology-issued', 'dossier.apology-issued']);
  });

  it('a redelivered event sends one message per citizen and channel', async () => {
    const id = ma();
    const eventId = `redeliver-${id}`;
    for (let i = 0; i < 3; i++) await h.publish('vn.lienthong.dossier.upserted', id, snapshot(id, '9'), { id: eventId });
    await eventually(async () => (await zaloOf(id)).length === 1, { what: 'one message' });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await zaloOf(id)).toHaveLength(1);
    expect(await h.messages(id)).toHaveLength(1);
  });
});

describe('notifications: channel fallbacks and platform-side failures', () => {
  it('ZNS -118 (no Zalo account) → one SMS through Viettel wsCpMt', async () => {
    const phone = '0903000118';
    await h.zaloAdmin('faults', { noAccountPhones: ['84903000118'] });
    const id = ma();
    await h.publish('vn.lienthong.dossier.upserted', id, snapshot(id, '2', phone));
    const sms = await eventually(
      async () => {
        const l = (await h.smsMessages('viettel')).filter((m) => m.phone === '84903000118');
        return l.length ? l : undefined;
      },
      { what: 'fallback SMS' },
    );
    const mine = sms.filter((m) => m.phone === '84903000118');
    expect(mine).toHaveLength(1);
    // The brandname is registered unaccented (ContentType 0): the text is the template without diacritics.
    expect(mine[0]!.content).toBe(`Ho so ${id} da duoc tiep nhan. Ngay hen tra: 19/12/2025 17:00`);
    const rows = await eventually(
      async () => {
        const r = await h.messages(id);
        return r.length === 2 && r[1].status === 'sent' ? r : undefined;
      },
      { what: 'ledger rows' },
    );
    expect(rows[0]).toMatchObject({ channel: 'zalo', status: 'failed', reason: 'zalo -118: Zalo account not existed' });
    expect(rows[1]).toMatchObject({ channel: 'sms', status: 'sent', fallback_of: rows[0].id, account: 'viettel-sandbox' });
    expect(await zaloFor({ phone: '84903000118' })).toEqual([]);
  });

  it('ZNS -124 → one token refresh and one retry, no SMS', async () => {
    const before = await h.zaloAdmin('tokens');
    await h.zaloAdmin('faults', { expireAccessTokens: true });
    const smsBefore = (await h.smsMessages('viettel')).length;
    const id = ma();
    await h.publish('vn.lienthong.dossier.upserted', id, snapshot(id, '2', '0903000124'));
    await eventually(async () => (await zaloOf(id)).length === 1, { what: 'message after refresh' });
    const after = await h.zaloAdmin('tokens');
    expect(after.refreshes).toBe(before.refreshes + 1);
    expect(after.log.filter((l: any) => l.outcome === 'reused')).toEqual([]);
    expect((await h.smsMessages('viettel')).length).toBe(smsBefore);
    const [row] = await h.messages(id);
    expect(row.attempts).toBe(1);
    // The new refresh token was persisted (sealed): the row counts the refresh.
    const t = await h.pool.query('SELECT refresh_count FROM notif_zalo_tokens');
    expect(t.rows[0].refresh_count).toBe(after.refreshes);
  });

  it('Zalo out of quota → queued until the next day, no SMS; sent once the day has turned', async () => {
    await h.zaloAdmin('faults', { quotaRemaining: 0 });
    const smsBefore = (await h.smsMessages('viettel')).length;
    const id = ma();
    await h.publish('vn.lienthong.dossier.upserted', id, snapshot(id, '2', '0903000115'));
    const [row] = await eventually(
      async () => {
        const r = await h.messages(id);
        return r[0]?.reason?.includes('-115') ? r : undefined;
      },
      { what: 'quota reschedule' },
    );
    expect(row.status).toBe('queued');
    const vnMidnight = new Date(
      Date.UTC(
        new Date(Date.now() + 7 * 3.6e6).getUTCFullYear(),
        new Date(Date.now() + 7 * 3.6e6).getUTCMonth(),
        new Date(Date.now() + 7 * 3.6e6).getUTCDate() + 1,
      ) -
        7 * 3.6e6,
    );
    expect(new Date(row.next_attempt_at).toISOString()).toBe(vnMidnight.toISOString());
    expect((await h.smsMessages('viettel')).length).toBe(smsBefore);
    await h.zaloAdmin('faults', { quotaRemaining: 100 });
    clock.offsetMs = vnMidnight.getTime() - Date.now() + 1_000;
    try {
      await eventually(async () => (await zaloOf(id)).length === 1, { what: 'sent the next day' });
    } finally {
      clock.offsetMs = 0;
    }
  });

  it('Zalo delivery webhooks: a bad signature is refused (401), a duplicate is applied once', async () => {
    const body = JSON.stringify({
      app_id: '3105954820364872121',
      event_name: 'user_received_message',
      message: { msg_id: 'forged', delivery_time: String(Date.now()) },
      timestamp: String(Date.now()),
    });
    const forged = await fetch(`${h.appUrl}/v1/zalo/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zevent-signature': 'mac=' + 'a'.repeat(64) },
      body,
    });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as any).error).toBe('LT_NOTIFY_ZALO_SIGNATURE');
    const garbage = await fetch(`${h.appUrl}/v1/zalo/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"app_id":',
    });
    expect(garbage.status).toBe(400);
    await h.zaloAdmin('faults', { duplicateWebhooks: true });
    const id = ma();
    await h.publish('vn.lienthong.dossier.upserted', id, snapshot(id, '2', '0903000200'));
    const [m] = await eventually(async () => ((await zaloOf(id)).length ? zaloOf(id) : undefined), { what: 'message' });
    await eventually(async () => (await h.zaloAdmin('webhooks')).webhooks.filter((w: any) => w.msgId === m.msgId).length === 2, {
      what: 'two webhooks',
    });
    const seen = await h.pool.query('SELECT count(*)::int AS n FROM notif_zalo_webhooks WHERE msg_id = $1', [m.msgId]);
    expect(seen.rows[0].n).toBe(1);
    expect((await h.messages(id))[0].status).toBe('delivered');
    await h.zaloAdmin('faults', { duplicateWebhooks: false });
  });
});

describe('Zalo delivery webhooks: the timestamp must be fresh', () => {
  // The sandbox OA of providers.sandbox.json: a webhook signed exactly as Zalo signs it (§1.5).
  const APP_ID = '3105954820364872121';
  const OA_SECRET = 'zalo-oa-secret-sandbox';
  const signed = (msgId: string, timestamp: unknown) => {
    const body = JSON.stringify({
      app_id: APP_ID,
      event_name: 'user_received_message',
      message: { msg_id: msgId, delivery_time: String(clock.now().getTime()) },
      ...(timestamp === undefined ? {} : { timestamp }),
    });
    const ts = typeof timestamp === 'string' || typeof timestamp === 'number' ? String(timestamp) : '';
    const mac = createHash('sha256')
      .update(APP_ID + body + ts + OA_SECRET)
      .digest('hex');
    return fetch(`${h.appUrl}/v1/zalo/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${mac}` },
      body,
    });
  };

  it('a validly signed webhook stamped beyond the window (stale, ahead, missing, not a number) is refused 401; a fresh one is applied', async () => {
    await h.zaloAdmin('faults', { dropWebhooks: true });
    try {
      const id = ma();
      await h.publish('vn.lienthong.dossier.upserted', id, snapshot(id, '2', '0903000400'));
      const [m] = await eventually(async () => ((await zaloOf(id)).length ? zaloOf(id) : undefined), { what: 'message' });
      await eventually(async () => (await h.messages(id))[0]?.status === 'sent', { what: 'sent' });
      const now = clock.now().getTime();
      const window = 15 * 60_000; // NOTIFICATIONS_ZALO_WEBHOOK_WINDOW_MS's default
      for (const timestamp of [
        String(now - window - 60_000),
        String(now + window + 60_000),
        now - window - 60_000,
        undefined,
        'yesterday',
        { $gt: 0 },
        '9'.repeat(400),
      ]) {
        const r = await signed(m.msgId, timestamp);
        expect(r.status, JSON.stringify(timestamp)).toBe(401);
        expect(((await r.json()) as any).error).toBe('LT_NOTIFY_ZALO_TIMESTAMP');
      }
      expect((await h.messages(id))[0].status).toBe('sent');
      const seen = await h.pool.query('SELECT count(*)::int AS n FROM notif_zalo_webhooks WHERE msg_id = $1', [m.msgId]);
      expect(seen.rows[0].n).toBe(0);
      // A forged one is still a signature refusal, whatever its timestamp.
      const forged = await fetch(`${h.appUrl}/v1/zalo/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-zevent-signature': 'a'.repeat(64) },
        body: JSON.stringify({ app_id: APP_ID, timestamp: '1' }),
      });
      expect(((await forged.json()) as any).error).toBe('LT_NOTIFY_ZALO_SIGNATURE');
      const oversize = await fetch(`${h.appUrl}/v1/zalo/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: APP_ID, pad: 'x'.repeat(6 * 1024 * 1024) }),
      });
      expect(oversize.status).toBe(413);
      // Within the window (a redelivery a few minutes late): applied.
      const fresh = await signed(m.msgId, String(now - 5 * 60_000));
      expect(fresh.status).toBe(200);
      expect((await h.messages(id))[0].status).toBe('delivered');
    } finally {
      await h.zaloAdmin('faults', { dropWebhooks: false });
    }
  });
});

describe('Zalo delivery without a webhook', () => {
  it('polls GET /message/status and records the delivery, dropping the kept phone', async () => {
    await h.zaloAdmin('faults', { dropWebhooks: true });
    try {
      const id = ma();
      await h.publish('vn.lienthong.dossier.upserted', id, snapshot(id, '2', '0903000300'));
      const [row] = await eventually(
        async () => {
          const r = await h.messages(id);
          return r[0]?.status === 'sent' ? r : undefined;
        },
        { what: 'sent' },
      );
      expect(row.payload_sealed).not.toBeNull(); // the sealed phone, kept for the poll
      await new Promise((r) => setTimeout(r, 300)); // the sandbox delivers after 50 ms
      clock.offsetMs = 11 * 60_000; // past NOTIFICATIONS_ZALO_STATUS_POLL_MS (10 min)
      const [done] = await eventually(
        async () => {
          const r = await h.messages(id);
          return r[0]?.status === 'delivered' ? r : undefined;
        },
        { what: 'delivered by polling' },
      );
      expect(done.payload_sealed).toBeNull();
      expect(done.delivered_at).not.toBeNull();
    } finally {
      clock.offsetMs = 0;
      await h.zaloAdmin('faults', { dropWebhooks: false });
    }
  });
});

describe('signed webhooks to provincial systems', () => {
  it('a sync outcome and a payment reach the subscribed province, signed; an operator sees the subscription', async () => {
    const http = await import('node:http');
    const got: { body: string; sig: string }[] = [];
    const rx = http.createServer((req, res) => {
      const c: Buffer[] = [];
      req.on('data', (d) => c.push(d));
      req.on('end', () => {
        got.push({ body: Buffer.concat(c).toString('utf8'), sig: String(req.headers['lienthong-signature']) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => rx.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(rx.address() as { port: number }).port}/lienthong`;
      const created = await fetch(`${h.appUrl}/v1/webhooks/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${PROVINCE_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url, eventTypes: ['vn.lienthong.sync.*', 'vn.lienthong.payment.settled'] }),
      });
      expect(created.status).toBe(201);
      const sub = (await created.json()) as any;
      const id = ma();
      const now = new Date();
      // Outcomes as national-sync publishes them (its own builders), answers and promotion statuses included.
      const synced = outcomeEvent({ maHoSo: id, outcome: 'synced', service: 'DongBoHoSoMC', attempts: 1 }, now);
      await h.publishEvent(synced, 'syncOutcomes');
      await h.publishEvent(
        outcomeEvent({ maHoSo: id, outcome: 'retrying', service: 'DongBoHoSoMC', attempts: 1 }, now),
        'syncOutcomes',
      );
      const answer = answerOutcome('99001', now);
      const status = statusOutcome('G22.99-251205-0001', id, now);
      await h.publishEvent(answer, 'syncOutcomes');
      await h.publishEvent(status, 'syncOutcomes');
      await h.publish(
        'vn.lienthong.payment.settled',
        id,
        { paymentId: 'p-9', MaHoSo: id, agencyCode: '000.00.01.H22', amount: 50000 },
        { topic: 'paymentEvents' },
      );
      const foreign = ma('000.00.01.H23');
      await h.publishEvent(
        outcomeEvent({ maHoSo: foreign, outcome: 'synced', service: 'DongBoHoSoMC', attempts: 1 }, now),
        'syncOutcomes',
      );
      await eventually(async () => got.length >= 2, { what: 'two webhook deliveries' });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(got.map((g) => JSON.parse(g.body).type)).toEqual(['vn.lienthong.sync.synced', 'vn.lienthong.payment.settled']);
      expect(JSON.parse(got[0]!.body)).toMatchObject({ id: synced.id, data: { MaHoSo: id, outcome: 'accepted' } });
      // The answer's and the status's outcomes reached no subscriber and left no dossier row behind.
      const stray = await h.pool.query(
        'SELECT ma_ho_so FROM notif_dossiers WHERE ma_ho_so = ANY($1::text[]) UNION ALL SELECT subject FROM webhook_deliveries WHERE event_id = ANY($2::text[])',
        [
          [answer.subject, status.subject, foreign], // `foreign` had only a sync outcome: forwarded, never recorded
          [answer.id, status.id],
        ],
      );
      expect(stray.rows).toEqual([]);
      for (const g of got) {
        const t = /t=(\d+)/.exec(g.sig)![1];
        const v1 = /v1=([0-9a-f]{64})/.exec(g.sig)![1];
        const { createHmac } = await import('node:crypto');
        expect(createHmac('sha256', sub.secret).update(`${t}.${g.body}`).digest('hex')).toBe(v1);
        expect(JSON.parse(g.body).subject).toBe(id);
      }
      const all = (await (
        await fetch(`${h.appUrl}/v1/webhooks/subscriptions`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } })
      ).json()) as any;
      expect(all.subscriptions.map((s: any) => s.id)).toContain(sub.id);
    } finally {
      rx.close();
    }
  });
});

describe('notifications: OpenAPI', () => {
  it('serves a document an independent OpenAPI validator accepts', async () => {
    await expectValidOpenApi(h.app);
  });
});
