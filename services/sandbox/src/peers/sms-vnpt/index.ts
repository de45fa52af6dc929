import type { FastifyPluginAsync } from 'fastify';
import type { PeerConfigProperties, SandboxPeer, SandboxPeerOptions } from '../../peer.js';
import { peerConfigReader } from '../peer-kit/index.js';
import { createSmsJournal } from '../sms-kit/index.js';

export const configProperties: PeerConfigProperties = {
  SANDBOX_SMS_VNPT_APIUSER: {
    type: 'string',
    minLength: 1,
    default: 'lienthong',
    description: 'VNPT SMS sandbox: APIUSER (simulator credential)',
  },
  SANDBOX_SMS_VNPT_APIPASS: {
    type: 'string',
    minLength: 1,
    default: 'vnpt-sandbox',
    description: 'VNPT SMS sandbox: APIPASS (simulator credential)',
  },
  SANDBOX_SMS_VNPT_LABELID: {
    type: 'string',
    minLength: 1,
    default: '12345',
    description: 'VNPT SMS sandbox: the brand LABELID',
  },
};

/**
 * Simulated VNPT/VinaPhone SMS brandname JSON API at `/sms-vnpt/smsbn/api` (notifications-receipts.md §3.2 [code S2]):
 * `{"RQST":{"name":"send_sms_list", REQID, LABELID, TEMPLATEID, PARAMS:[{NUM,CONTENT}], MOBILELIST, APIUSER, APIPASS, …}}`
 * → `{"RPLY":{"name":"send_sms_list","ERROR":"0","ERROR_DESC":"success"}}`; `1` bad user/password, `-1` exception.
 * The text shown is the PARAMS joined in NUM order (the registered template is not simulated [inf]).
 */
const vnptPeer: FastifyPluginAsync<SandboxPeerOptions> = async (app, opts) => {
  const { raw } = peerConfigReader(configProperties, opts.config);
  const cfg = {
    user: String(raw('SANDBOX_SMS_VNPT_APIUSER')),
    pass: String(raw('SANDBOX_SMS_VNPT_APIPASS')),
    label: String(raw('SANDBOX_SMS_VNPT_LABELID')),
  };
  const journal = createSmsJournal(app);
  const reply = (error: string, desc: string) => ({ RPLY: { name: 'send_sms_list', ERROR: error, ERROR_DESC: desc } });

  app.post('/smsbn/api', async (req) => {
    const r = ((req.body ?? {}) as { RQST?: Record<string, unknown> }).RQST;
    if (!r || typeof r !== 'object' || r.name !== 'send_sms_list')
      return reply('-1', 'exception: RQST.name must be send_sms_list');
    if (journal.authFault() || r.APIUSER !== cfg.user || r.APIPASS !== cfg.pass)
      return reply('1', 'user/password/IP invalid or API inactive');
    if (r.LABELID !== cfg.label) return reply('-1', 'exception: LABELID not registered');
    if (typeof r.REQID !== 'string' || !r.REQID) return reply('-1', 'exception: REQID missing');
    const phones = typeof r.MOBILELIST === 'string' ? r.MOBILELIST.split(',') : [];
    if (phones.length === 0 || phones.some((p) => !/^84\d{9}$/.test(p))) return reply('-1', 'exception: MOBILELIST invalid');
    const params = Array.isArray(r.PARAMS) ? (r.PARAMS as { NUM?: unknown; CONTENT?: unknown }[]) : [];
    if (params.length === 0 || params.some((p) => typeof p?.CONTENT !== 'string'))
      return reply('-1', 'exception: PARAMS invalid');
    const content = [...params]
      .sort((a, b) => Number(a.NUM) - Number(b.NUM))
      .map((p) => p.CONTENT as string)
      .join(' ');
    for (const phone of phones) {
      if (journal.state.messages.some((m) => m.vendor === 'vnpt' && m.requestId === r.REQID && m.phone === phone)) continue; // same REQID: queued once [inf]
      journal.state.messages.push({ vendor: 'vnpt', requestId: r.REQID, phone, brandname: cfg.label, content, at: Date.now() });
    }
    return reply('0', 'success');
  });
};

export default vnptPeer as SandboxPeer;
