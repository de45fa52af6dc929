import { agencyCodeOfMaHoSo, isMaHoSo, isMaTTHC } from '@lienthong/standard';
import type { ErrorDetail } from '@lienthong/platform';

/** Why a look-up is made: the dossier, its procedure and the officer handling it (issue 8). */
export interface Purpose {
  MaHoSo: string;
  MaTTHC: string;
  officerId: string;
}

const OFFICER = /^[\p{L}\p{N}._@-]{1,100}$/u;

/** What the request says its purpose is, checked: `{purpose, agency}` or the problems with their paths. */
export type PurposeCheck =
  | { ok: true; purpose: Purpose; agency: string }
  | { ok: false; missing: boolean; details: ErrorDetail[]; partial: Partial<Purpose> & { agency?: string } };

const detail = (path: string, vi: string, en: string): ErrorDetail => ({
  path,
  code: 'LT_CITIZEN_PURPOSE_INVALID',
  message: vi,
  message_en: en,
});

/**
 * Reads `purpose` ({MaHoSo, MaTTHC, officerId}); the agency is the MaHoSo prefix (the receiving unit's code,
 * national-standard.md §2), never a claim of the caller. `maTTHCFallback` serves the autofill body, whose
 * MaTTHC may sit beside the purpose.
 */
export function checkPurpose(raw: unknown, maTTHCFallback?: unknown): PurposeCheck {
  if (raw === undefined || raw === null)
    return {
      ok: false,
      missing: true,
      details: [
        detail(
          '/purpose',
          'Thiếu mục đích tra cứu (purpose: MaHoSo, MaTTHC, officerId)',
          'purpose {MaHoSo, MaTTHC, officerId} is required',
        ),
      ],
      partial: {},
    };
  if (typeof raw !== 'object' || Array.isArray(raw))
    return {
      ok: false,
      missing: false,
      details: [detail('/purpose', 'purpose phải là một đối tượng', 'purpose must be an object')],
      partial: {},
    };
  const p = raw as Record<string, unknown>;
  const details: ErrorDetail[] = [];
  const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const MaHoSo = s(p.MaHoSo);
  const MaTTHC = s(p.MaTTHC) ?? s(maTTHCFallback);
  const officerId = s(p.officerId);
  if (!MaHoSo) details.push(detail('/purpose/MaHoSo', 'Thiếu MaHoSo', 'MaHoSo is required'));
  else if (!isMaHoSo(MaHoSo)) details.push(detail('/purpose/MaHoSo', 'MaHoSo không đúng định dạng', 'MaHoSo is malformed'));
  if (!MaTTHC) details.push(detail('/purpose/MaTTHC', 'Thiếu MaTTHC', 'MaTTHC is required'));
  else if (!isMaTTHC(MaTTHC)) details.push(detail('/purpose/MaTTHC', 'MaTTHC không đúng định dạng', 'MaTTHC is malformed'));
  if (maTTHCFallback !== undefined && s(p.MaTTHC) !== undefined && s(p.MaTTHC) !== maTTHCFallback) {
    details.push(
      detail('/purpose/MaTTHC', 'MaTTHC của mục đích khác MaTTHC của biểu mẫu', 'purpose.MaTTHC differs from the form’s MaTTHC'),
    );
  }
  if (!officerId) details.push(detail('/purpose/officerId', 'Thiếu mã cán bộ (officerId)', 'officerId is required'));
  else if (!OFFICER.test(officerId))
    details.push(detail('/purpose/officerId', 'officerId không hợp lệ', 'officerId is malformed'));
  const agency = MaHoSo && isMaHoSo(MaHoSo) ? agencyCodeOfMaHoSo(MaHoSo) : undefined;
  const partial = {
    ...(MaHoSo && MaHoSo.length <= 100 ? { MaHoSo } : {}),
    ...(MaTTHC && MaTTHC.length <= 100 ? { MaTTHC } : {}),
    ...(officerId && OFFICER.test(officerId) ? { officerId } : {}),
    ...(agency ? { agency } : {}),
  };
  if (details.length > 0 || !agency) return { ok: false, missing: !MaHoSo && !MaTTHC && !officerId, details, partial };
  return { ok: true, purpose: { MaHoSo: MaHoSo!, MaTTHC: MaTTHC!, officerId: officerId! }, agency };
}
