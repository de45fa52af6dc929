import { crc16CcittFalse } from './crc16.js';
import { decodeTlv, tlv } from './tlv.js';

/** NAPAS's VietQR GUID in tag 38 [Q1]. */
export const VIETQR_GUID = 'A000000727';

export interface VietQrInput {
  /** Acquirer (bank) BIN, 6 digits, e.g. 970416 [Q1]. */
  bin: string;
  /** Beneficiary account number (or card number with service QRIBFTTC). */
  account: string;
  /** Integer VND; present → dynamic QR (01 = 12), absent → static (01 = 11) [Q1]. */
  amount?: number;
  /** Transfer text, tag 62.08 ("purpose") [Q1]: our payment code goes here. ASCII only. */
  purpose?: string;
  /** Tag 62.01 bill number (optional); we put the payment code here too. */
  billNumber?: string;
  service?: 'QRIBFTTA' | 'QRIBFTTC';
}

/**
 * The VietQR (NAPAS 247, EMVCo MPM) payload string (reference vnptpay-vietqr.md §3): 00=01, 01=11/12,
 * 38={00 GUID, 01={00 BIN, 01 account}, 02 service}, 53=704, 54 amount, 58=VN, 62={01 bill, 08 purpose},
 * 63 CRC-16/CCITT-FALSE over everything including "6304". Reproduces the reference's vectors byte for byte.
 */
export function buildVietQrPayload(i: VietQrInput): string {
  if (!/^[0-9]{6}$/.test(i.bin)) throw new RangeError('bin must be 6 digits');
  if (!/^[0-9A-Za-z]{1,19}$/.test(i.account)) throw new RangeError('account must be 1-19 letters or digits');
  if (i.amount !== undefined && (!Number.isSafeInteger(i.amount) || i.amount < 1 || String(i.amount).length > 13))
    throw new RangeError('amount must be a positive integer of at most 13 digits');
  const beneficiary = tlv('00', i.bin) + tlv('01', i.account);
  const merchant = tlv('00', VIETQR_GUID) + tlv('01', beneficiary) + tlv('02', i.service ?? 'QRIBFTTA');
  const additional = (i.billNumber ? tlv('01', i.billNumber) : '') + (i.purpose ? tlv('08', i.purpose) : '');
  const body =
    tlv('00', '01') +
    tlv('01', i.amount === undefined ? '11' : '12') +
    tlv('38', merchant) +
    tlv('53', '704') +
    (i.amount === undefined ? '' : tlv('54', String(i.amount))) +
    tlv('58', 'VN') +
    (additional ? tlv('62', additional) : '') +
    '6304';
  return body + crc16CcittFalse(body);
}

export interface ParsedVietQr {
  bin: string;
  account: string;
  service: string;
  amount?: number;
  purpose?: string;
  billNumber?: string;
  dynamic: boolean;
}

/** Parses and checks a VietQR payload (structure, GUID, CRC). Undefined when anything is off. */
export function parseVietQrPayload(text: string): ParsedVietQr | undefined {
  if (typeof text !== 'string' || text.length < 12 || text.length > 512) return undefined;
  const crc = text.slice(-4);
  if (text.slice(-8, -4) !== '6304' || crc16CcittFalse(text.slice(0, -4)) !== crc.toUpperCase()) return undefined;
  const root = decodeTlv(text);
  if (!root) return undefined;
  const get = (list: { id: string; value: string }[], id: string) => list.find((e) => e.id === id)?.value;
  if (get(root, '00') !== '01' || get(root, '53') !== '704' || get(root, '58') !== 'VN') return undefined;
  const m = decodeTlv(get(root, '38') ?? '');
  if (!m || get(m, '00') !== VIETQR_GUID) return undefined;
  const b = decodeTlv(get(m, '01') ?? '');
  const bin = b && get(b, '00');
  const account = b && get(b, '01');
  if (!bin || !account) return undefined;
  const add = decodeTlv(get(root, '62') ?? '') ?? [];
  const amount = get(root, '54');
  const purpose = get(add, '08');
  const billNumber = get(add, '01');
  return {
    bin,
    account,
    service: get(m, '02') ?? '',
    dynamic: get(root, '01') === '12',
    ...(amount !== undefined ? { amount: Number(amount) } : {}),
    ...(purpose !== undefined ? { purpose } : {}),
    ...(billNumber !== undefined ? { billNumber } : {}),
  };
}
