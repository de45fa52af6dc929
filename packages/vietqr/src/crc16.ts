/**
 * CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR, as EMVCo MPM
 * and VietQR use it over the whole payload up to and including `6304` [Q1] (reference vnptpay-vietqr.md §3).
 * Check value: "123456789" → 29B1 (verified). Returned as 4 uppercase hex digits, zero-padded.
 */
export function crc16CcittFalse(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
