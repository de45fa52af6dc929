import { RateLimitedError, CitizenDataErrors } from './errors.js';

/**
 * Per-agency rationing (the national systems ration calls): a per-minute token bucket and a daily count
 * that resets at midnight Asia/Ho_Chi_Minh. In memory, per instance: N instances allow N times the rate,
 * which the configured numbers must account for (docs/citizen-data.md).
 */
export interface AgencyQuota {
  /** Takes one look-up for the agency or throws RateLimitedError (429). */
  take(agency: string): void;
}

const VN_OFFSET_MS = 7 * 3_600_000;
const dayOf = (ms: number) => Math.floor((ms + VN_OFFSET_MS) / 86_400_000);

export function createAgencyQuota(opts: {
  perMinute: number;
  perDay: number;
  overrides: (agency: string) => { perMinute?: number; perDay?: number };
  now?: () => number;
}): AgencyQuota {
  const now = opts.now ?? Date.now;
  const state = new Map<string, { tokens: number; at: number; day: number; used: number }>();
  return {
    take(agency) {
      const o = opts.overrides(agency);
      const perMinute = o.perMinute ?? opts.perMinute;
      const perDay = o.perDay ?? opts.perDay;
      const t = now();
      let s = state.get(agency);
      if (!s) state.set(agency, (s = { tokens: perMinute, at: t, day: dayOf(t), used: 0 }));
      s.tokens = Math.min(perMinute, s.tokens + ((t - s.at) * perMinute) / 60_000);
      s.at = t;
      if (dayOf(t) !== s.day) {
        s.day = dayOf(t);
        s.used = 0;
      }
      if (s.used >= perDay) {
        const untilMidnight = Math.ceil(((s.day + 1) * 86_400_000 - VN_OFFSET_MS - t) / 1000);
        throw new RateLimitedError(
          CitizenDataErrors.QUOTA_EXHAUSTED,
          `agency ${agency} has used its daily quota of ${perDay} look-ups; it renews at midnight (Vietnam time)`,
          `Cơ quan ${agency} đã dùng hết hạn mức ${perDay} lượt tra cứu trong ngày; hạn mức được cấp lại lúc 0 giờ`,
          untilMidnight,
        );
      }
      if (s.tokens < 1) {
        const wait = Math.max(1, Math.ceil(((1 - s.tokens) * 60_000) / perMinute / 1000));
        throw new RateLimitedError(
          CitizenDataErrors.RATE_LIMITED,
          `agency ${agency} exceeded ${perMinute} look-ups per minute; retry in ${wait} s`,
          `Cơ quan ${agency} đã vượt hạn mức ${perMinute} lượt tra cứu mỗi phút; vui lòng thử lại sau ${wait} giây`,
          wait,
        );
      }
      s.tokens -= 1;
      s.used += 1;
    },
  };
}
