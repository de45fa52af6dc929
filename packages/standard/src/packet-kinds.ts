/**
 * Every packet the standard knows, by kind: which validator applies and how to recognise a packet of that kind
 * from its fields (for the CLI, which gets files without labels).
 */
import { StandardErrorCode as C, issue, type ValidationResult } from './errors.js';
import { validateDossierBatch } from './dossier/validate-dossier-batch.js';
import { validateProgressBatch } from './progress/validate-progress-batch.js';

/** Names of the packets validatePacket accepts. */
export const packetKinds = ['dossier', 'progress'] as const;

/** A packet kind. */
export type PacketKind = (typeof packetKinds)[number];

type Validator = (input: unknown) => ValidationResult<unknown>;

const validators: Record<PacketKind, Validator> = {
  dossier: (input) => validateDossierBatch(input),
  progress: (input) => validateProgressBatch(input),
};

/** Validates a packet of a known kind; dossier and progress accept one item or an array. */
export function validatePacket(kind: PacketKind, input: unknown): ValidationResult<unknown> {
  const v = validators[kind];
  if (!v) {
    return { ok: false, value: undefined, errors: [issue('', C.PACKET_KIND_UNKNOWN, `Không biết loại gói tin ${String(kind)}.`, `Unknown packet kind ${String(kind)}.`)] };
  }
  return v(input);
}

function has(o: Record<string, unknown>, ...keys: string[]): boolean {
  return keys.every((k) => k in o);
}

/**
 * Guesses a packet's kind from its fields (for an array, from its first element); undefined when nothing matches.
 * Only used to pick a validator; the validator then reports everything wrong with the packet.
 */
export function detectPacketKind(input: unknown): PacketKind | undefined {
  const sample = Array.isArray(input) ? input[0] : input;
  if (typeof sample !== 'object' || sample === null || Array.isArray(sample)) return undefined;
  const o = sample as Record<string, unknown>;
  if (has(o, 'MaHoSo') && (has(o, 'TrangThaiHoSo') || has(o, 'MaTTHC') || has(o, 'NgayTiepNhan'))) return 'dossier';
  if (has(o, 'MaHoSo') && (has(o, 'ThoiDiemXuLy') || has(o, 'NoiDungXuLy') || has(o, 'NguoiXuLy'))) return 'progress';
  return undefined;
}
