import { validateDossierBatch, validateProgressBatch, type ValidationIssue } from '@lienthong/standard';

/**
 * Checks what the portal receives with the national schemas (@lienthong/standard), as the issue asks.
 * The portal's own checks are unknown (reference §12); the schemas are our best model of them [inf].
 * Returns the portal-style message for a refusal, or undefined when the batch is acceptable.
 */
function describe(issues: readonly ValidationIssue[], data: readonly unknown[]): string {
  // Name the first bad dossier by its MaHoSo, as the portal's messages do ("<MaHoSo>| …" [code S4]), so a
  // sender batching many dossiers knows which one to set aside [inf].
  const index = Number(/^\/(\d+)/.exec(issues[0]?.path ?? '')?.[1]);
  const first = Number.isInteger(index) ? (data[index] as Record<string, unknown> | undefined)?.MaHoSo : undefined;
  const who = typeof first === 'string' && first.length <= 100 ? ` (hồ sơ ${first})` : '';
  const shown = issues.slice(0, 5).map((i) => `data${i.path.replace(/^\/(\d+)/, '[$1]').replace(/\//g, '.')}: ${i.message}`);
  const more = issues.length > 5 ? ` (và ${issues.length - 5} lỗi khác)` : '';
  return `Dữ liệu không hợp lệ${who}: ${shown.join('; ')}${more}`;
}

export function checkDossiers(data: unknown[], maxItems: number): string | undefined {
  const r = validateDossierBatch(data, { maxItems });
  return r.ok ? undefined : describe(r.errors, data);
}

export function checkSteps(data: unknown[]): string | undefined {
  const r = validateProgressBatch(data, { maxItems: 10 });
  return r.ok ? undefined : describe(r.errors, data);
}

/** Minimal checks when SANDBOX_DVCQG_VALIDATE is off: objects with a MaHoSo string. */
export function checkBasic(data: unknown[]): string | undefined {
  for (let i = 0; i < data.length; i++) {
    const d = data[i];
    if (d === null || typeof d !== 'object' || Array.isArray(d)) return `Dữ liệu không hợp lệ: data[${i}] không phải đối tượng`;
    const m = (d as Record<string, unknown>).MaHoSo;
    if (typeof m !== 'string' || m.trim() === '' || m.length > 100)
      return `Dữ liệu không hợp lệ: data[${i}].MaHoSo trống hoặc sai định dạng`;
  }
  return undefined;
}
