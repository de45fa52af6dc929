/** Checks on one CapNhatTienDoHoSoMC item that JSON Schema cannot express. */
import { StandardErrorCode as C, issue, type ValidationIssue } from '../errors.js';
import { isDateTime14 } from '../formats/date-time.js';

const validDate = (v: unknown): string | undefined => (typeof v === 'string' && isDateTime14(v) ? v : undefined);

/** Cross-field checks of one progress item; paths are relative to the item. */
export function checkProgressItem(item: unknown): ValidationIssue[] {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return [];
  const it = item as Record<string, unknown>;
  const start = validDate(it.NgayBatDau);
  const due = validDate(it.NgayKetThucTheoQuyDinh);
  // A step cannot be due before it starts [inf].
  if (start && due && due < start) {
    return [
      issue(
        '/NgayKetThucTheoQuyDinh',
        C.DATE_ORDER,
        'NgayKetThucTheoQuyDinh không được trước NgayBatDau.',
        'NgayKetThucTheoQuyDinh must not be before NgayBatDau.',
      ),
    ];
  }
  return [];
}
