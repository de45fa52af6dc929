import { validatePacket, type ValidationIssue } from '@lienthong/standard';

/**
 * DongBoTrangThaiHoSo `type: "2"` reports the status of a promotion-notice dossier that came from the portal with
 * TrangThai reduced: 2 from 4/6/9/10, 5 from 3/7/8 [code S1 §5]. 2 (received) staying 2 is our reading [inf]. The
 * other codes of the TrangThaiHoSo table (reference §7) have no reduced value — 1 (new) and 5 (supplement
 * requested, which would read as the reduced 5, "ended") — so they are not reported.
 */
const reduced: Readonly<Record<string, '2' | '5'>> = Object.freeze({
  '2': '2',
  '4': '2',
  '6': '2',
  '9': '2',
  '10': '2',
  '3': '5',
  '7': '5',
  '8': '5',
});

/** TrangThaiHoSo codes a promotion-notice status report may carry (before reduction). */
export const reportablePromotionStatuses: readonly string[] = Object.freeze(Object.keys(reduced));

/** The DongBoTrangThaiHoSo TrangThai of a TrangThaiHoSo code, or undefined when it is not reported. */
export function reducePromotionStatus(trangThaiHoSo: string): '2' | '5' | undefined {
  return Object.hasOwn(reduced, trangThaiHoSo) ? reduced[trangThaiHoSo] : undefined;
}

export type PromotionStatusCheck = { ok: true; packet: Record<string, unknown> } | { ok: false; errors: ValidationIssue[] };

/**
 * Checks a DongBoTrangThaiHoSo `data` object (TrangThai already 2 or 5) against
 * schemas/dvcqg/dong-bo-trang-thai-ho-so.request.v1.json. The schema describes the whole request; the envelope
 * (session, madonvi) is the client's business, so the data is checked inside a placeholder envelope and every
 * issue's path is given relative to the data object. Returns the normalized data when it passes.
 */
export function checkPromotionStatusData(data: unknown): PromotionStatusCheck {
  const r = validatePacket('dong-bo-trang-thai-ho-so-request', {
    session: '-',
    madonvi: '000.00.00.H00',
    service: 'DongBoTrangThaiHoSo',
    type: '2',
    data,
  });
  if (r.ok) return { ok: true, packet: (r.value as { data: Record<string, unknown> }).data };
  return {
    ok: false,
    errors: r.errors.map((e) => ({ ...e, path: e.path === '/data' ? '' : e.path.replace(/^\/data(?=\/)/, '') })),
  };
}
