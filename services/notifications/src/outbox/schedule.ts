/** Time rules of the outbox, pure (Asia/Ho_Chi_Minh is UTC+7 all year: no daylight saving). */
const VN_OFFSET_MS = 7 * 3_600_000;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export interface QuietHours {
  startMin: number;
  endMin: number;
}

/** `HH:MM-HH:MM` → window (may wrap midnight); `off` or '' → none. */
export function parseQuietHours(text: string): QuietHours | undefined {
  if (!text || text === 'off') return undefined;
  const [a, b] = text.split('-');
  const w = { startMin: minutesOf(a!), endMin: minutesOf(b!) };
  return w.startMin === w.endMin ? undefined : w;
}

const vnMinuteOfDay = (t: Date) => Math.floor(((t.getTime() + VN_OFFSET_MS) % 86_400_000) / 60_000);

/** When a message due at `t` may leave: `t` itself, or the end of the quiet window it falls in. */
export function notBeforeQuiet(t: Date, q: QuietHours | undefined): Date {
  if (!q) return t;
  const m = vnMinuteOfDay(t);
  const inside = q.startMin < q.endMin ? m >= q.startMin && m < q.endMin : m >= q.startMin || m < q.endMin;
  if (!inside) return t;
  const wait = (q.endMin - m + 1440) % 1440;
  const next = new Date(t.getTime() + wait * 60_000);
  next.setUTCSeconds(0, 0);
  return next;
}

/** The calendar day in Vietnam (YYYY-MM-DD): what a daily quota counts. */
export const vnDay = (t: Date): string => new Date(t.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);

/** 00:00 of the next Vietnamese day (then pushed past the quiet window by the sender). */
export function nextVnDayStart(t: Date): Date {
  const local = new Date(t.getTime() + VN_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1) - VN_OFFSET_MS);
}
