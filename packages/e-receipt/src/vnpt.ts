import { XMLParser } from 'fast-xml-parser';
import { amountInWords } from './amount-in-words.js';
import { cdata, xmlEscape } from './xml.js';
import { vnDate, type IssueResult, type ReceiptRequest } from './types.js';

/**
 * VNPT e-receipt ("VNPT Invoice" platform), SOAP 1.1, namespace http://tempuri.org/ (notifications-receipts.md §4.2
 * [doc R1, code R2]): `PublishService.asmx` ImportAndPublishInv and `PortalService.asmx` downloadInvPDFFkeyNoPay.
 */
export interface VnptCredentials {
  /** Staff account that issues (Account/ACpass) and the service account (username/password). */
  account: string;
  acPass: string;
  username: string;
  password: string;
}

/** ERR codes of ImportAndPublishInv and the portal calls, as VNPT documents them [doc R1]. */
export const VNPT_ERRORS: Record<string, { en: string; vi: string; retriable: boolean }> = {
  'ERR:1': { en: 'login refused (account or service user)', vi: 'Sai tài khoản hoặc mật khẩu dịch vụ', retriable: false },
  'ERR:2': { en: 'receipt not found', vi: 'Không tìm thấy biên lai', retriable: false },
  'ERR:3': { en: 'invalid XML data (whole batch refused)', vi: 'Dữ liệu XML không hợp lệ', retriable: false },
  'ERR:5': { en: 'not issued (rolled back)', vi: 'Không phát hành được biên lai (đã hoàn tác)', retriable: true },
  'ERR:6': { en: 'old number range exhausted / not available', vi: 'Dải số cũ đã hết hoặc không lấy được', retriable: false },
  'ERR:7': { en: 'user has no company', vi: 'Tài khoản không gắn với đơn vị', retriable: false },
  'ERR:13': { en: 'duplicate key (fkey already issued)', vi: 'Trùng khóa (fkey) đã phát hành', retriable: false },
  'ERR:20': {
    en: 'pattern/serial mismatch or not registered',
    vi: 'Mẫu số/ký hiệu không khớp hoặc chưa đăng ký',
    retriable: false,
  },
};

const soap = (op: string, fields: string) =>
  '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
  `<${op} xmlns="http://tempuri.org/">${fields}</${op}></soap:Body></soap:Envelope>`;
const el = (name: string, value: string) => `<${name}>${xmlEscape(value)}</${name}>`;

/** The `<Invoices>` document carried in xmlInvData (one receipt; VAT 0: fees are VAT-free). */
export function vnptInvoiceXml(r: ReceiptRequest): string {
  const products = r.lines
    .map(
      (l) =>
        `<Product>${el('Code', l.code)}${el('ProdName', l.name)}${el('ProdUnit', 'Lần')}${el('ProdQuantity', '1')}${el('ProdPrice', String(l.amount))}${el('Total', String(l.amount))}${el('Amount', String(l.amount))}</Product>`,
    )
    .join('');
  return (
    `<Invoices><Inv>${el('key', r.key)}<Invoice>` +
    el('CusCode', r.maHoSo) +
    el('ArisingDate', vnDate(r.issuedAt)) +
    el('CusName', r.payerName) +
    el('CusAddress', r.payerAddress ?? '') +
    el('PaymentMethod', r.paymentMethod) +
    el('Extra', r.lines.map((l) => l.name).join('; ')) +
    `<Products>${products}</Products>` +
    el('Total', String(r.total)) +
    el('VATRate', '0') +
    el('VATAmount', '0') +
    el('Amount', String(r.total)) +
    el('AmountInWords', amountInWords(r.total)) +
    `</Invoice></Inv></Invoices>`
  );
}

export function importAndPublishInvEnvelope(c: VnptCredentials, pattern: string, serial: string, r: ReceiptRequest): string {
  return soap(
    'ImportAndPublishInv',
    el('Account', c.account) +
      el('ACpass', c.acPass) +
      `<xmlInvData>${cdata(vnptInvoiceXml(r))}</xmlInvData>` +
      el('username', c.username) +
      el('password', c.password) +
      el('pattern', pattern) +
      el('serial', serial) +
      el('convert', '0'),
  );
}

export function downloadPdfEnvelope(c: VnptCredentials, fkey: string): string {
  return soap('downloadInvPDFFkeyNoPay', el('fkey', fkey) + el('userName', c.username) + el('userPass', c.password));
}

const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, processEntities: true, htmlEntities: false });

/** The `<opResult>` text of a SOAP answer, or undefined. */
export function soapResult(xml: string, op: string): string | undefined {
  try {
    const doc = parser.parse(xml) as { Envelope?: { Body?: Record<string, Record<string, unknown>> } };
    const v = doc.Envelope?.Body?.[`${op}Response`]?.[`${op}Result`];
    return v === undefined || v === null ? undefined : String(v);
  } catch {
    return undefined;
  }
}

/**
 * `OK:<pattern>;<serial>-<key>_<number>` or `ERR:n`. The serial has no `-` and the number follows the last `_`
 * [inf: from the documented shape; keys here are payment ids without `_`].
 */
export function parseImportResult(text: string | undefined): IssueResult {
  if (!text)
    return {
      ok: false,
      code: 'LT_RECEIPT_PROTOCOL',
      message: 'unreadable answer',
      messageVi: 'Không đọc được kết quả',
      retriable: true,
    };
  const t = text.trim();
  if (t.startsWith('ERR:')) {
    const code = t.split(/[^A-Z0-9:]/)[0]!;
    const known = VNPT_ERRORS[code];
    return {
      ok: false,
      code,
      message: known?.en ?? t,
      messageVi: known?.vi ?? t,
      retriable: known?.retriable ?? false,
      ...(code === 'ERR:13' ? { duplicateKey: true } : {}),
    };
  }
  const m = /^OK:([^;]+);([^-]+)-(.+)_(\d{1,8})$/.exec(t.split(',')[0]!);
  if (!m)
    return {
      ok: false,
      code: 'LT_RECEIPT_PROTOCOL',
      message: `unexpected answer ${t.slice(0, 80)}`,
      messageVi: 'Kết quả không đúng định dạng',
      retriable: false,
    };
  return { ok: true, pattern: m[1]!, serial: m[2]!, number: m[4]! };
}
