import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../tests/helpers/index.js';
import { startHarness, type Harness } from './harness.js';

// The service's clock, shifted by the test to cross the end of quiet hours and the Vietnamese midnight.
const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
const hhmm = (t: number) => new Date(t + 7 * 3_600_000).toISOString().slice(11, 16);
// A quiet window around "now" (VN time): from 10 minutes ago to 50 minutes ahead.
const quietStart = Date.now() - 10 * 60_000;
const quietEnd = Date.now() + 50 * 60_000;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    clock,
    config: { NOTIFICATIONS_QUIET_HOURS: `${hhmm(quietStart)}-${hhmm(quietEnd)}` },
    editTemplates: (t) => {
      // An agency on SMS only (VNPT, Vietnamese data coding), one message a day.
      t.agencies['*.H23'] = {
        smsAccount: 'vnpt-sandbox',
        dailyQuota: 1,
        events: { 'dossier.received': { sms: { text: 'Hồ sơ {MaHoSo} ({TenTTHC}) đã được tiếp nhận, hẹn trả {NgayHenTra}.' } } },
      };
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const snapshot = (maHoSo: string, phone: string) => ({
  MaHoSo: maHoSo,
  TenTTHC: 'Đăng ký kết hôn',
  ChuHoSo: 'Phạm Quỳnh',
  SoDienThoai: phone,
  NgayHenTra: '20251212080000',
  TrangThaiHoSo: '2',
});

describe('quiet hours, agency daily quota, SMS-only agency through VNPT', () => {
  it('waits out quiet hours, then sends; the second message of the day waits for tomorrow', async () => {
    const a = `000.00.01.H23-251205-${Math.floor(Math.random() * 1e6)}`;
    await h.publish('vn.lienthong.dossier.upserted', a, snapshot(a, '0977000001'));
    const [held] = await eventually(
      async () => {
        const r = await h.messages(a);
        return r[0]?.reason === 'quiet hours' ? r : undefined;
      },
      { what: 'held for quiet hours' },
    );
    expect(held.status).toBe('queued');
    expect(hhmm(new Date(held.next_attempt_at).getTime())).toBe(hhmm(quietEnd));
    expect(await h.smsMessages('vnpt')).toEqual([]);

    clock.offsetMs = quietEnd - Date.now() + 60_000; // just after the quiet window
    const sent = await eventually(async () => ((await h.smsMessages('vnpt')).length === 1 ? h.smsMessages('vnpt') : undefined), {
      what: 'SMS after quiet hours',
    });
    expect(sent[0]).toMatchObject({
      phone: '84977000001',
      content: `Hồ sơ ${a} (Đăng ký kết hôn) đã được tiếp nhận, hẹn trả 12/12/2025 08:00.`,
    });
    const [row] = await eventually(
      async () => {
        const r = await h.messages(a);
        return r[0]?.status === 'sent' ? r : undefined;
      },
      { what: 'ledger: sent' },
    );
    expect(row).toMatchObject({ channel: 'sms', status: 'sent', account: 'vnpt-sandbox', payload_sealed: null });

    const b = `000.00.01.H23-251205-${Math.floor(Math.random() * 1e6)}`;
    await h.publish('vn.lienthong.dossier.upserted', b, snapshot(b, '0977000002'));
    const [waiting] = await eventually(
      async () => {
        const r = await h.messages(b);
        return r[0]?.reason === 'agency daily quota used up' ? r : undefined;
      },
      { what: 'held by the daily quota' },
    );
    const now = clock.now().getTime();
    const local = new Date(now + 7 * 3_600_000);
    const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1) - 7 * 3_600_000;
    // Tomorrow 00:00, unless that falls in the quiet window (then its end).
    expect(
      [midnight, midnight + ((((quietEnd - midnight) % 86_400_000) + 86_400_000) % 86_400_000)].map((t) =>
        new Date(t).toISOString(),
      ),
    ).toContain(new Date(waiting.next_attempt_at).toISOString());
    expect((await h.smsMessages('vnpt')).length).toBe(1);

    clock.offsetMs = new Date(waiting.next_attempt_at).getTime() - Date.now() + 1_000;
    await eventually(async () => (await h.smsMessages('vnpt')).length === 2, { what: 'sent the next day' });
    const usage = await h.pool.query('SELECT day::text, used FROM notif_quota_usage WHERE agency = $1 ORDER BY day', [
      '000.00.01.H23',
    ]);
    expect(usage.rows.map((r) => r.used)).toEqual([1, 1]);
  });
});
