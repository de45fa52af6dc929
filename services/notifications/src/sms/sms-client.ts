import { XMLParser } from 'fast-xml-parser';
import { xmlEscape } from '@lienthong/protocol-kit';
import { providerUnavailable } from '../errors.js';
import type { SmsAccount, VnptSmsAccount, ViettelSmsAccount } from '../providers.js';

export type SmsResult = { ok: true; note?: string } | { ok: false; reason: string };

export interface SmsRequest {
  phone: string;
  text: string;
  /** Numeric, stable per message: a resend of the same message carries the same id. */
  requestId: string;
}

export { xmlEscape };

/** Vietnamese without diacritics, for gateways and brandnames registered unaccented (ContentType 0 / DATACODING 0). */
export function unaccent(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

/**
 * The Viettel `wsCpMt` SOAP envelope (notifications-receipts.md §3.1 [code S1]). Built from escaped text nodes
 * only, so a dossier field holding `</Content><User>…` stays text.
 */
export function viettelEnvelope(a: ViettelSmsAccount, r: SmsRequest): string {
  const content = a.contentType === '1' ? r.text : unaccent(r.text);
  const fields: [string, string][] = [
    ['User', a.user],
    ['Password', a.password],
    ['CPCode', a.cpCode],
    ['RequestID', r.requestId],
    ['UserID', r.phone],
    ['ReceiverID', r.phone],
    ['ServiceID', a.brandname],
    ['CommandCode', 'bulksms'],
    ['Content', content],
    ['ContentType', a.contentType],
  ];
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:impl="http://impl.bulkSms.ws/"><soapenv:Header/><soapenv:Body><impl:wsCpMt>' +
    fields.map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`).join('') +
    '</impl:wsCpMt></soapenv:Body></soapenv:Envelope>'
  );
}

const xml = new XMLParser({ removeNSPrefix: true, parseTagValue: false, processEntities: true, htmlEntities: false });

export function createSmsClient(opts: { timeoutMs: number }) {
  const call = async (url: string, init: RequestInit, what: string): Promise<string> => {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs) });
    } catch (err) {
      throw providerUnavailable(what, err);
    }
    const text = await res.text();
    // SOAP faults come back as 500 with a body; a 502/503/504 without one is an outage.
    if (res.status >= 502 || res.status === 429 || (res.status >= 500 && !text.includes('Envelope')))
      throw providerUnavailable(`${what} (HTTP ${res.status})`);
    return text;
  };

  async function viettel(a: ViettelSmsAccount, r: SmsRequest): Promise<SmsResult> {
    const text = await call(
      a.url,
      { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' }, body: viettelEnvelope(a, r) },
      'Viettel SMS',
    );
    let ret: { result?: unknown; message?: unknown } | undefined;
    try {
      const doc = xml.parse(text) as {
        Envelope?: { Body?: { wsCpMtResponse?: { return?: { result?: unknown; message?: unknown } } } };
      };
      ret = doc.Envelope?.Body?.wsCpMtResponse?.return;
    } catch {
      ret = undefined;
    }
    if (!ret) throw providerUnavailable('Viettel SMS (unreadable answer)');
    const message = String(ret.message ?? '');
    if (String(ret.result) === '1') return { ok: true };
    // Our RequestID is fixed per message, so a duplicate means the first send was queued [inf].
    if (/DUPLICATE MESSAGE/.test(message)) return { ok: true, note: 'duplicate: already queued' };
    return { ok: false, reason: `viettel: ${message.slice(0, 200)}` };
  }

  async function vnpt(a: VnptSmsAccount, r: SmsRequest): Promise<SmsResult> {
    const content = a.dataCoding === '8' ? r.text : unaccent(r.text);
    const body = {
      RQST: {
        name: 'send_sms_list',
        REQID: r.requestId,
        LABELID: a.labelId,
        CONTRACTTYPEID: a.contractTypeId,
        CONTRACTID: a.contractId,
        TEMPLATEID: a.templateId,
        PARAMS: [{ NUM: '1', CONTENT: content }],
        SCHEDULETIME: '',
        MOBILELIST: r.phone,
        ISTELCOSUB: '0',
        AGENTID: a.agentId,
        APIUSER: a.apiUser,
        APIPASS: a.apiPass,
        USERNAME: a.username,
        DATACODING: a.dataCoding,
      },
    };
    const text = await call(
      a.url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      'VNPT SMS',
    );
    let rply: { ERROR?: unknown; ERROR_DESC?: unknown } | undefined;
    try {
      rply = (JSON.parse(text) as { RPLY?: { ERROR?: unknown; ERROR_DESC?: unknown } }).RPLY;
    } catch {
      rply = undefined;
    }
    if (!rply) throw providerUnavailable('VNPT SMS (unreadable answer)');
    if (String(rply.ERROR) === '0') return { ok: true };
    return { ok: false, reason: `vnpt: ${String(rply.ERROR)} ${String(rply.ERROR_DESC ?? '').slice(0, 200)}` };
  }

  return {
    send: (a: SmsAccount, r: SmsRequest): Promise<SmsResult> => (a.vendor === 'viettel' ? viettel(a, r) : vnpt(a, r)),
  };
}
export type SmsClient = ReturnType<typeof createSmsClient>;
