import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import type { PeerConfigProperties, SandboxPeer, SandboxPeerOptions } from '../../peer.js';
import { peerConfigReader } from '../peer-kit/index.js';
import { simplePdf } from './pdf.js';

export const configProperties: PeerConfigProperties = {
  SANDBOX_VNPT_INVOICE_ACCOUNT: {
    type: 'string',
    minLength: 1,
    default: 'lienthongadmin',
    description: 'VNPT e-receipt sandbox: issuing staff Account (simulator credential)',
  },
  SANDBOX_VNPT_INVOICE_ACPASS: {
    type: 'string',
    minLength: 1,
    default: 'vnpt-ac-sandbox',
    description: 'VNPT e-receipt sandbox: ACpass (simulator credential)',
  },
  SANDBOX_VNPT_INVOICE_USERNAME: {
    type: 'string',
    minLength: 1,
    default: 'lienthongservice',
    description: 'VNPT e-receipt sandbox: service username',
  },
  SANDBOX_VNPT_INVOICE_PASSWORD: {
    type: 'string',
    minLength: 1,
    default: 'vnpt-service-sandbox',
    description: 'VNPT e-receipt sandbox: service password (simulator credential)',
  },
  SANDBOX_VNPT_INVOICE_SERIES: {
    type: 'string',
    minLength: 1,
    default: '1/001;C26TLT',
    description: 'VNPT e-receipt sandbox: registered pattern;serial pairs, comma-separated',
  },
};

interface SimReceipt {
  fkey: string;
  pattern: string;
  serial: string;
  number: number;
  cusCode: string;
  cusName: string;
  total: string;
  amountInWords: string;
  products: { name: string; amount: string }[];
  at: number;
}

const xml = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => name === 'Inv' || name === 'Product',
});
const soapAnswer = (op: string, result: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${op}Response xmlns="http://tempuri.org/"><${op}Result>${result.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!)}</${op}Result></${op}Response></soap:Body></soap:Envelope>`;

/**
 * Simulated VNPT e-receipt SOAP services (notifications-receipts.md §4.2): `/vnpt-invoice/PublishService.asmx`
 * ImportAndPublishInv (OK:pattern;serial-key_number, ERR:1/3/5/13/20) and `/vnpt-invoice/PortalService.asmx`
 * downloadInvPDFFkeyNoPay (base64 PDF, ERR:6 when unknown). Numbers run per pattern+serial from 1 (Decree 254
 * Đ23: ≤ 8 digits, restarting each year — the yearly restart is not simulated). Faults: `hangAfterIssueMs` issues
 * and then answers only after that delay (the hub's timeout fires: the "issued but unknown" case), `nextError`.
 */
const vnptInvoicePeer: FastifyPluginAsync<SandboxPeerOptions> = async (app, opts) => {
  const { raw } = peerConfigReader(configProperties, opts.config);
  const cfg = {
    account: String(raw('SANDBOX_VNPT_INVOICE_ACCOUNT')),
    acPass: String(raw('SANDBOX_VNPT_INVOICE_ACPASS')),
    username: String(raw('SANDBOX_VNPT_INVOICE_USERNAME')),
    password: String(raw('SANDBOX_VNPT_INVOICE_PASSWORD')),
    series: new Set(String(raw('SANDBOX_VNPT_INVOICE_SERIES')).split(',')),
  };
  let receipts: SimReceipt[] = [];
  let faults = { hangAfterIssueMs: 0, nextError: '' };
  let calls = 0;
  const counters = new Map<string, number>();
  app.addContentTypeParser(
    ['text/xml', 'application/soap+xml'],
    { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 },
    (_r, body, done) => done(null, body),
  );
  const bodyOf = (text: unknown, op: string): Record<string, unknown> | undefined => {
    try {
      const doc = xml.parse(String(text ?? '')) as { Envelope?: { Body?: Record<string, Record<string, unknown>> } };
      return doc.Envelope?.Body?.[op];
    } catch {
      return undefined;
    }
  };
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));

  app.post('/PublishService.asmx', async (req, reply: FastifyReply) => {
    calls++;
    reply.type('text/xml; charset=utf-8');
    const b = bodyOf(req.body, 'ImportAndPublishInv');
    if (!b) return reply.status(500).send(soapAnswer('ImportAndPublishInv', 'ERR:3'));
    const answer = (r: string) => soapAnswer('ImportAndPublishInv', r);
    if (
      s(b.Account) !== cfg.account ||
      s(b.ACpass) !== cfg.acPass ||
      s(b.username) !== cfg.username ||
      s(b.password) !== cfg.password
    )
      return answer('ERR:1');
    if (faults.nextError) {
      const e = faults.nextError;
      faults.nextError = '';
      return answer(e);
    }
    const pattern = s(b.pattern);
    const serial = s(b.serial);
    if (!cfg.series.has(`${pattern};${serial}`)) return answer('ERR:20');
    let inv: Record<string, unknown> | undefined;
    try {
      const d = xml.parse(s(b.xmlInvData)) as { Invoices?: { Inv?: Record<string, unknown>[] } };
      inv = d.Invoices?.Inv?.[0];
    } catch {
      inv = undefined;
    }
    const invoice = inv?.Invoice as Record<string, unknown> | undefined;
    const key = s(inv?.key);
    if (!inv || !invoice || !key || !s(invoice.CusName) || !/^\d+$/.test(s(invoice.Total))) return answer('ERR:3');
    if (receipts.some((r) => r.fkey === key)) return answer('ERR:13');
    const counterKey = `${pattern};${serial}`;
    const number = (counters.get(counterKey) ?? 0) + 1;
    counters.set(counterKey, number);
    const products = ((invoice.Products as { Product?: Record<string, unknown>[] } | undefined)?.Product ?? []).map((p) => ({
      name: s(p.ProdName),
      amount: s(p.Amount),
    }));
    receipts.push({
      fkey: key,
      pattern,
      serial,
      number,
      cusCode: s(invoice.CusCode),
      cusName: s(invoice.CusName),
      total: s(invoice.Total),
      amountInWords: s(invoice.AmountInWords),
      products,
      at: Date.now(),
    });
    if (faults.hangAfterIssueMs > 0) await new Promise((r) => setTimeout(r, faults.hangAfterIssueMs).unref());
    return answer(`OK:${pattern};${serial}-${key}_${number}`);
  });

  app.post('/PortalService.asmx', async (req, reply) => {
    calls++;
    reply.type('text/xml; charset=utf-8');
    const b = bodyOf(req.body, 'downloadInvPDFFkeyNoPay');
    const answer = (r: string) => soapAnswer('downloadInvPDFFkeyNoPay', r);
    if (!b) return reply.status(500).send(answer('ERR:3'));
    if (s(b.userName) !== cfg.username || s(b.userPass) !== cfg.password) return answer('ERR:1');
    const r = receipts.find((x) => x.fkey === s(b.fkey));
    if (!r) return answer('ERR:6');
    const pdf = simplePdf([
      `BIEN LAI THU PHI, LE PHI (VNPT sandbox)`,
      `Mau so ${r.pattern}  Ky hieu ${r.serial}  So ${String(r.number).padStart(7, '0')}`,
      `Ma ho so: ${r.cusCode}`,
      `Nguoi nop: ${r.cusName}`,
      ...r.products.map((p) => `${p.name}: ${p.amount} dong`),
      `Tong: ${r.total} dong (${r.amountInWords})`,
    ]);
    return answer(pdf.toString('base64'));
  });

  app.get('/_admin/receipts', async () => ({ calls, receipts }));
  app.post('/_admin/faults', async (req) => {
    const b = (req.body ?? {}) as { hangAfterIssueMs?: number; nextError?: string };
    if (typeof b.hangAfterIssueMs === 'number') faults.hangAfterIssueMs = Math.max(0, Math.min(60_000, b.hangAfterIssueMs));
    if (typeof b.nextError === 'string') faults.nextError = /^ERR:\d{1,2}$/.test(b.nextError) ? b.nextError : '';
    return { faults };
  });
  app.post('/_admin/reset', async () => {
    receipts = [];
    faults = { hangAfterIssueMs: 0, nextError: '' };
    counters.clear();
    calls = 0;
    return { ok: true };
  });
};

export default vnptInvoicePeer as SandboxPeer;
