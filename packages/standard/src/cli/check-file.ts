/**
 * Checks one packet file the way the gateway's POST /v1/validate checks a body: same kind detection, same
 * validatePacket, same {valid, kind, errors, warnings} report, plus the file name.
 */
import { detectPacketKind } from '../detect-packet-kind.js';
import { issue, StandardErrorCode as C, type ValidationIssue } from '../errors.js';
import { isPacketKind, validatePacket, type PacketKind } from '../packet-kinds.js';

/** The report for one file. */
export interface FileReport {
  file: string;
  valid: boolean;
  kind: PacketKind | null;
  errors: ValidationIssue[];
  /** Findings of inferred rules: reported, never a failure (docs/standard.md, "Every rule and its level"). */
  warnings: ValidationIssue[];
}

/** Validates the text of one file; `kind` forces the packet kind instead of detecting it. */
export function checkText(file: string, text: string, kind?: string): FileReport {
  let body: unknown;
  try {
    body = JSON.parse(text.replace(/^\uFEFF/, '')); // a UTF-8 BOM is common in files saved on Windows
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      file,
      valid: false,
      kind: null,
      warnings: [],
      errors: [issue('', C.JSON_INVALID, `Tệp không phải JSON hợp lệ: ${why}`, `Not valid JSON: ${why}`)],
    };
  }
  const k = kind ?? detectPacketKind(body);
  if (k === undefined || !isPacketKind(k)) {
    const what = k === undefined ? '' : ` "${k}"`;
    return {
      file,
      valid: false,
      kind: null,
      warnings: [],
      errors: [
        issue(
          '',
          C.UNKNOWN_PACKET,
          `Không nhận ra loại gói tin${what}; dùng --kind (xem --list-kinds).`,
          `Cannot tell which packet this is${what}; pass --kind (see --list-kinds).`,
        ),
      ],
    };
  }
  const r = validatePacket(k, body);
  return { file, valid: r.ok, kind: k, errors: r.errors, warnings: r.warnings };
}
