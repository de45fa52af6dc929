import { OpsErrorCodes } from '../errors.js';

/** A warning of an apology letter, shaped like an error detail (design.md, HTTP): the letter is recorded anyway. */
export interface ApologyWarning {
  path: string;
  code: string;
  message: string;
  message_en: string;
}

/** What the read model says of the dossier's deadline (its derived columns, docs/operations.md §4). */
export interface DossierDeadlineState {
  due_at: Date | null;
  overdue_at: Date | null;
  end_at: Date | null;
  clock_stopped: boolean;
}

const VN = 7 * 3_600_000;
/** dd/MM/yyyy HH:mm in Vietnamese time, as officers read it. */
const vnTime = (d: Date) => {
  const s = new Date(d.getTime() + VN).toISOString();
  return `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)} ${s.slice(11, 16)}`;
};

/**
 * Why the hub would not have raised this letter itself. None of it refuses: whether a dossier is overdue comes
 * from the hub's own derivation — NgayHenTra or NgayTiepNhan + the catalogue's legal time, the working-day
 * calendars (2026–2027 inferred), the supplement rounds read from steps [inf], the clock stopped by an open
 * request — and an inferred rule warns, never refuses (docs/operations.md). The officer may also be right to
 * write before the deadline passes: the letter announces a delay. So the letter is issued, and the answer and
 * the stored letter say what the hub saw.
 */
export function apologyWarnings(
  d: DossierDeadlineState,
  now: Date,
  newDueDate: string,
  isWorkingDay: (date: string) => boolean,
): ApologyWarning[] {
  const out: ApologyWarning[] = [];
  const warn = (path: string, code: string, en: string, vi: string) => out.push({ path, code, message: vi, message_en: en });
  if (d.end_at) {
    warn(
      '/MaHoSo',
      OpsErrorCodes.APOLOGY_DOSSIER_ENDED,
      `the hub sees the dossier as finished since ${vnTime(d.end_at)} (from its status steps)`,
      `theo dữ liệu của hệ thống, hồ sơ đã kết thúc từ ${vnTime(d.end_at)}`,
    );
  } else if (!d.overdue_at && d.clock_stopped) {
    warn(
      '/MaHoSo',
      OpsErrorCodes.APOLOGY_NOT_OVERDUE,
      'a supplement request is open: the hub stops the deadline clock meanwhile [inf] and does not count the dossier as overdue',
      'hồ sơ đang chờ bổ sung: hệ thống tạm dừng tính thời hạn [suy luận] nên chưa coi hồ sơ là quá hạn',
    );
  } else if (!d.overdue_at) {
    warn(
      '/MaHoSo',
      OpsErrorCodes.APOLOGY_NOT_OVERDUE,
      'the hub knows no deadline for the dossier (no NgayHenTra, and no legal time in the catalogue for its procedure)',
      'hệ thống chưa biết thời hạn của hồ sơ (không có NgayHenTra và danh mục không có thời gian giải quyết của thủ tục)',
    );
  } else if (d.overdue_at.getTime() >= now.getTime()) {
    warn(
      '/MaHoSo',
      OpsErrorCodes.APOLOGY_NOT_OVERDUE,
      `the deadline the hub computed, ${vnTime(d.overdue_at)}, has not passed yet`,
      `thời hạn hệ thống tính được (${vnTime(d.overdue_at)}) chưa qua`,
    );
  }
  if (!isWorkingDay(newDueDate)) {
    warn(
      '/newDueDate',
      OpsErrorCodes.APOLOGY_NOT_WORKING_DAY,
      `${newDueDate} is not a working day in the calendar`,
      `ngày ${newDueDate} không phải ngày làm việc theo lịch`,
    );
  }
  return out;
}
