import type { FastifyPluginAsync } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import type { PeerConfigProperties, SandboxPeer, SandboxPeerOptions } from '../../peer.js';
import { peerConfigReader } from '../peer-kit/index.js';
import { createSmsJournal } from '../sms-kit/index.js';

export const configProperties: PeerConfigProperties = {
  SANDBOX_SMS_VIETTEL_USER: {
    type: 'string',
    minLength: 1,
    default: 'lienthong',
    description: 'Viettel SMS sandbox: User (simulator credential)',
  },
  SANDBOX_SMS_VIETTEL_PASSWORD: {
    type: 'string',
    minLength: 1,
    default: 'viettel-sandbox',
    description: 'Viettel SMS sandbox: Password (simulator credential)',
  },
  SANDBOX_SMS_VIETTEL_CPCODE: { type: 'string', minLength: 1, default: 'LIENTHONG', description: 'Viettel SMS sandbox: CPCode' },
  SANDBOX_SMS_VIETTEL_BRANDNAME: {
    type: 'string',
    minLength: 1,
    default: 'DVC-TINH',
    description: 'Viettel SMS sandbox: the declared ServiceID (brandname)',
  },
};

const xml = new XMLParser({ removeNSPrefix: true, parseTagValue: false, processEntities: true, htmlEntities: false });
const MAX_CONTENT_BYTES = 1_000;

const soapReturn = (result: '0' | '1', message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>` +
  `<ns2:wsCpMtResponse xmlns:ns2="http://impl.bulkSms.ws/"><return><message>${message.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!)}</message><result>${result}</result></return></ns2:wsCpMtResponse>` +
  `</S:Body></S:Envelope>`;

/**
 * Simulated Viettel bulk SMS, SOAP `wsCpMt` at `/sms-viettel/bulkapi` (notifications-receipts.md §3.1 [code S1]):
 * namespace `http://impl.bulkSms.ws/`, every field a string, `result=1` + `Insert MT_QUEUE: OK` on success, `result=0`
 * with Viettel's check texts otherwise. A repeated RequestID for the same receiver answers
 * `Check ServiceID: DUPLICATE MESSAGE` and queues nothing (the text is Viettel's; what triggers it is [inf]).
 */
const viettelPeer: FastifyPluginAsync<SandboxPeerOptions> = async (app, opts) => {
  const { raw } = peerConfigReader(configProperties, opts.config);
  const cfg = {
    user: String(raw('SANDBOX_SMS_VIETTEL_USER')),
    password: String(raw('SANDBOX_SMS_VIETTEL_PASSWORD')),
    cpCode: String(raw('SANDBOX_SMS_VIETTEL_CPCODE')),
    brand: String(raw('SANDBOX_SMS_VIETTEL_BRANDNAME')),
  };
  const journal = createSmsJournal(app);
  const parse = (_req: unknown, body: string, done: (e: Error | null, v?: unknown) => void) => done(null, body);
  app.addContentTypeParser(['text/xml', 'application/soap+xml'], { parseAs: 'string', bodyLimit: 64 * 1024 }, parse);

  app.post('/bulkapi', async (req, reply) => {
    reply.type('text/xml; charset=utf-8');
    let call: Record<string, unknown> | undefined;
    try {
      const doc = xml.parse(String(req.body ?? '')) as { Envelope?: { Body?: { wsCpMt?: Record<string, unknown> } } };
      call = doc.Envelope?.Body?.wsCpMt;
    } catch {
      call = undefined;
    }
    if (!call || typeof call !== 'object') return reply.status(500).send(soapReturn('0', 'Check information error'));
    const f = (k: string) =>
      typeof call![k] === 'string' ? (call![k] as string) : call![k] === undefined ? '' : String(call![k]);
    if (!f('User') || !f('Password') || !f('CPCode'))
      return soapReturn('0', 'Authenticate: Cp_code|UserName|Password: NULL_OR_BLANK');
    if (f('CPCode') !== cfg.cpCode) return soapReturn('0', 'Authenticate: CP_CODE_NOT_FOUND');
    if (journal.authFault() || f('User') !== cfg.user || f('Password') !== cfg.password)
      return soapReturn('0', 'Authenticate: WRONG_INFORMATION_AUTHENTICATE');
    if (!f('RequestID')) return soapReturn('0', 'Check RequestID: NULL_OR_BLANK');
    if (!/^\d{1,20}$/.test(f('RequestID'))) return soapReturn('0', 'Check RequestID: REQUEST_ID_NOT_NUMBER');
    if (!f('UserID') || !f('ReceiverID')) return soapReturn('0', 'Check UserID|ReceiverID: NULL_OR_BLANK');
    if (f('UserID') !== f('ReceiverID')) return soapReturn('0', 'Check UserID|ReceiverID: UserID_NOT_EQUAL_ReceiverID');
    if (!/^84\d{9}$/.test(f('ReceiverID'))) return soapReturn('0', 'Check ReceiverID: FORMAT_ERROR');
    if (f('ServiceID') !== cfg.brand) return soapReturn('0', 'Check ServiceID: ALIAS_INVALID:TELCO=VT');
    if (f('CommandCode') !== 'bulksms') return soapReturn('0', 'Check CommandCode: NULL_OR_BLANK');
    if (!f('Content')) return soapReturn('0', 'Check Content: NULL_OR_BLANK');
    if (Buffer.byteLength(f('Content')) > MAX_CONTENT_BYTES)
      return soapReturn('0', `Check Content: MAXLENGTH_LIMIT_${MAX_CONTENT_BYTES}_BYTE`);
    if (
      journal.state.messages.some((m) => m.vendor === 'viettel' && m.requestId === f('RequestID') && m.phone === f('ReceiverID'))
    ) {
      return soapReturn('0', 'Check ServiceID: DUPLICATE MESSAGE');
    }
    journal.state.messages.push({
      vendor: 'viettel',
      requestId: f('RequestID'),
      phone: f('ReceiverID'),
      brandname: f('ServiceID'),
      content: f('Content'),
      at: Date.now(),
    });
    return soapReturn('1', 'Insert MT_QUEUE: OK');
  });
};

export default viettelPeer as SandboxPeer;
