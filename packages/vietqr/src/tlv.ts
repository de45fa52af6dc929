/** One EMVCo TLV element: 2-digit id, 2-digit decimal length, value [Q1][Q2]. */
export interface Tlv {
  id: string;
  value: string;
}

/** Encodes one element. Values must be ASCII (LEN counts characters [Q1]; we keep them ASCII, no diacritics). */
export function tlv(id: string, value: string): string {
  if (!/^[0-9]{2}$/.test(id)) throw new RangeError(`TLV id must be 2 digits: ${id}`);
  if (!/^[\x20-\x7e]*$/.test(value)) throw new RangeError(`TLV ${id}: value must be printable ASCII`);
  if (value.length > 99) throw new RangeError(`TLV ${id}: value longer than 99 characters`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

/** Decodes a TLV string into its elements in order; undefined when the lengths do not add up. */
export function decodeTlv(text: string): Tlv[] | undefined {
  const out: Tlv[] = [];
  let i = 0;
  while (i < text.length) {
    const id = text.slice(i, i + 2);
    const len = text.slice(i + 2, i + 4);
    if (!/^[0-9]{2}$/.test(id) || !/^[0-9]{2}$/.test(len)) return undefined;
    const n = Number(len);
    const value = text.slice(i + 4, i + 4 + n);
    if (value.length !== n) return undefined;
    out.push({ id, value });
    i += 4 + n;
  }
  return out;
}
