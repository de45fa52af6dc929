import type { CapNhatTienDoHoSoMCItem, DongBoHoSoMCItem } from '@lienthong/standard';
import type { DossierRow, StepRow } from '../ledger/rows.js';

/**
 * The DongBoHoSoMC item for a dossier: the newest accepted snapshot as the gateway validated it (the
 * gateway publishes portal-ready items: national field names, string scalars, yyyyMMddHHmmss dates), with
 * the fee-settlement overlay on top. The overlay wins over the snapshot's own fee fields only when it
 * is newer than the snapshot: a provincial system that later sends its own fee list is the authority.
 */
export function dossierPacket(row: DossierRow): DongBoHoSoMCItem {
  const item = { ...(row.snapshotEvent!.data as DongBoHoSoMCItem) };
  const overlay = row.feeOverlay;
  const feeTime = row.raw.fee_time?.getTime();
  const snapTime = row.snapshotVersion?.timeMs ?? 0;
  if (overlay && feeTime !== undefined && feeTime > snapTime) Object.assign(item, overlay);
  return item;
}

/** The CapNhatTienDoHoSoMC item of a step: forwarded as accepted. */
export function progressPacket(step: StepRow): CapNhatTienDoHoSoMCItem {
  return step.event.data as CapNhatTienDoHoSoMCItem;
}

/** Splits a list into chunks of at most `size`, keeping order. */
export function chunk<T>(list: readonly T[], size: number): T[][] {
  if (size < 1) throw new RangeError('chunk size must be >= 1');
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
