import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  buildFaultEnvelope,
  buildReplyEnvelope,
  child,
  congDanCollectionXml,
  CsdlOperations,
  DANCU_NS,
  parseXml,
  QLDC_NS,
  soapBody,
  XmlRefused,
  type CongDan,
  type CsdlOperation,
  type XmlElement,
} from '@lienthong/csdl-dancu';
import type { Random } from '../peer-kit/index.js';
import type { CsdlPeerConfig } from './config.js';
import { drawFault, type CsdlFaults } from './faults.js';
import { gatewayTimeoutPage, malformedReply, outagePage, serverErrorPage, type RawReply } from './hostile.js';
import { licenceRefusal, type LicenceTable } from './licences.js';
import type { CsdlCallRecord, CsdlStore } from './store.js';

export interface CsdlProtocolDeps {
  store: CsdlStore;
  cfg: CsdlPeerConfig;
  faults: () => CsdlFaults;
  licences: () => LicenceTable;
  random: () => Random;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));
const XML = 'text/xml; charset=utf-8';

/** The LGSP credential header: Base64 of {AccessKey, SecretKey, AppName, PartnerCode, PartnerCodeCus} [code S6, S7]. */
function credentialsOk(header: unknown, cfg: CsdlPeerConfig): boolean {
  if (typeof header !== 'string' || header.length > 4_096) return false;
  try {
    const c = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Record<string, unknown>;
    return (
      typeof c.AccessKey === 'string' &&
      typeof c.SecretKey === 'string' &&
      same(c.AccessKey, cfg.accessKey) &&
      same(c.SecretKey, cfg.secretKey)
    );
  } catch {
    return false;
  }
}

/** The error element the database puts in place of records: MaLoi/MoTaLoi [inf: only the codes are in the sources, X4]. */
const errorReply = (op: CsdlOperation, code: string, text: string) =>
  buildReplyEnvelope(
    `<${op === 'XacThucThongTinCongDan' ? 'KetQuaXacThuc' : 'CongdanCollection'} xmlns="${DANCU_NS}"><MaLoi>${code}</MaLoi><MoTaLoi>${text}</MoTaLoi></${op === 'XacThucThongTinCongDan' ? 'KetQuaXacThuc' : 'CongdanCollection'}>`,
  );

const MESSAGES = {
  '004': 'Thủ tục hành chính chưa được cấp quyền khai thác CSDL quốc gia về dân cư',
  '005': 'Cán bộ không có quyền khai thác dữ liệu',
} as const;

/**
 * The protocol: an LGSP token endpoint (POST /token, form grant_type=client_credentials with the
 * `lgspaccesstoken` header [code S6, S7]) and the SOAP 1.1 service (POST /ws/dancu, Bearer + lgspaccesstoken,
 * Body = <qldc:{operation}> [code S6]) answering CongdanCollection/CongDan in http://www.mic.gov.vn/dancu/1.0
 * [code T4, X5, X6]. Paths are the simulator's [inf: real LGSP paths vary by province].
 */
export function registerProtocolRoutes(app: FastifyInstance, d: CsdlProtocolDeps): void {
  const send = (reply: FastifyReply, r: RawReply) => reply.status(r.status).type(r.contentType).send(r.body);

  /** Latency and the drawn fault; returns the reply to send instead of processing, if any. */
  async function faultFirst(): Promise<{ reply: RawReply; outcome: string } | undefined> {
    const f = d.faults();
    if (f.latencyMs > 0) await d.sleep(f.latencyMs);
    const fault = drawFault(f, d.random());
    if (fault === 'outage') return { reply: outagePage(), outcome: 'fault:outage' };
    if (fault === 'error')
      return { reply: serverErrorPage(([500, 502, 503] as const)[Math.floor(d.random()() * 3)]!), outcome: 'fault:5xx' };
    if (fault === 'timeout') {
      await d.sleep(d.cfg.timeoutHangMs);
      return { reply: gatewayTimeoutPage(), outcome: 'fault:timeout' };
    }
    return undefined;
  }

  app.post('/token', async (req: FastifyRequest, reply) => {
    const started = d.now();
    const rec = (outcome: string, httpStatus: number) =>
      d.store.record({ endpoint: 'token', operation: 'token', outcome, httpStatus, durationMs: d.now() - started });
    const f = await faultFirst();
    if (f) return (rec(f.outcome, f.reply.status), send(reply, f.reply));
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials') {
      rec('bad-request', 400);
      return reply
        .status(400)
        .send({ error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
    }
    if (!credentialsOk(req.headers.lgspaccesstoken, d.cfg)) {
      rec('token-refused', 401);
      return reply.status(401).send({ error: 'invalid_client', error_description: 'Thông tin xác thực LGSP không hợp lệ' });
    }
    const ttlMs = d.faults().tokenTtlMs ?? d.cfg.tokenTtlS * 1000;
    const token = d.store.issueToken(ttlMs);
    rec('ok', 200);
    return { access_token: token, token_type: 'Bearer', expires_in: d.cfg.tokenTtlS, scope: 'default' };
  });

  app.post('/ws/dancu', async (req: FastifyRequest, reply) => {
    const started = d.now();
    const base: Partial<CsdlCallRecord> = {};
    const rec = (outcome: string, httpStatus: number) =>
      d.store.record({
        endpoint: 'soap',
        operation: base.operation ?? 'unknown',
        ...base,
        outcome,
        httpStatus,
        durationMs: d.now() - started,
      });
    const f = await faultFirst();
    if (f) return (rec(f.outcome, f.reply.status), send(reply, f.reply));

    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (!d.store.tokenValid(bearer) || !credentialsOk(req.headers.lgspaccesstoken, d.cfg)) {
      rec('token-invalid', 401);
      // The WSO2 API manager in front of an LGSP answers this shape [inf].
      return reply
        .status(401)
        .send({ fault: { code: 900901, message: 'Invalid Credentials', description: 'Access token expired or invalid' } });
    }
    let op: XmlElement;
    try {
      const b = soapBody(parseXml(String(req.body ?? '')));
      if ('problem' in b) throw new XmlRefused('malformed', b.problem);
      const first = b.body.children[0];
      if (!first || first.ns !== QLDC_NS || !(CsdlOperations as readonly string[]).includes(first.name))
        throw new XmlRefused('malformed', 'unknown operation');
      op = first;
    } catch (err) {
      rec('bad-request', 500);
      return reply
        .status(500)
        .type(XML)
        .send(buildFaultEnvelope('soap:Client', `Yêu cầu không hợp lệ: ${(err as Error).message.slice(0, 200)}`));
    }
    const operation = op.name as CsdlOperation;
    const field = (name: string) => child(op, name, QLDC_NS)?.text || undefined;
    Object.assign(base, {
      operation,
      MaDVC: field('MaDVC')?.slice(0, 100),
      MaCanBo: field('MaCanBo')?.slice(0, 100),
      MaYeuCau: field('MaYeuCau')?.slice(0, 100),
    });
    const q = {
      SoDinhDanh: field('SoDinhDanh'),
      SoCMND: field('SoCMND'),
      HoVaTen: field('HoVaTen'),
      NgayThangNam: child(child(op, 'NgayThangNamSinh', QLDC_NS), 'NgayThangNam', QLDC_NS)?.text || undefined,
    };
    if (!base.MaYeuCau || !base.MaDVC || !base.MaCanBo || !(q.SoDinhDanh || q.SoCMND) || !q.HoVaTen) {
      rec('bad-request', 500);
      return reply
        .status(500)
        .type(XML)
        .send(buildFaultEnvelope('soap:Client', 'Thiếu MaYeuCau, MaDVC, MaCanBo, SoDinhDanh/SoCMND hoặc HoVaTen'));
    }
    const refusal = licenceRefusal(d.licences(), base.MaDVC, base.MaCanBo, operation);
    if (refusal) {
      rec(`refused:${refusal}`, 200);
      return reply.type(XML).send(errorReply(operation, refusal, MESSAGES[refusal]));
    }
    const person = d.store.find(q);
    const malformed = d.faults().malformed;
    if (malformed) {
      rec(`malformed:${malformed}`, 200);
      return send(reply, malformedReply(malformed, person ? [person] : d.store.citizens.slice(0, 1), d.cfg.hugeBytes));
    }
    let records: CongDan[];
    switch (operation) {
      case 'XacThucThongTinCongDan':
        rec(person ? 'ok' : 'no-match', 200);
        return reply
          .type(XML)
          .send(
            buildReplyEnvelope(
              `<KetQuaXacThuc xmlns="${DANCU_NS}"><KetQua>${person ? 'true' : 'false'}</KetQua></KetQuaXacThuc>`,
            ),
          );
      case 'TraCuuThongTinCongDan':
        records = person ? [person] : [];
        break;
      case 'CungCapThongTinHoGiaDinh':
        records = person ? d.store.householdOf(person) : [];
        break;
    }
    rec(records.length ? 'ok' : 'not-found', 200);
    return reply.type(XML).send(buildReplyEnvelope(congDanCollectionXml(records)));
  });
}
