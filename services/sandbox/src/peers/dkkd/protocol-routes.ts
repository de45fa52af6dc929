import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { drawApiFault, type Random } from '../peer-kit/index.js';
import { gatewayTimeoutPage, outagePage, serverErrorPage, type RawReply } from '../csdl-dancu/hostile.js';
import type { DkkdPeerConfig } from './config.js';
import type { DkkdFaults } from './faults.js';
import type { SeedBusiness } from './seed.js';

export interface DkkdCallRecord {
  id: number;
  at: string;
  route: 'ngsp-token' | 'ngsp' | 'hcm-esb' | 'thanh-hoa';
  msdn?: string;
  outcome: string;
  httpStatus: number;
}

export interface DkkdProtocolDeps {
  businesses: Map<string, SeedBusiness>;
  cfg: DkkdPeerConfig;
  faults: () => DkkdFaults;
  random: () => Random;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  tokens: Map<string, number>;
  record: (c: Omit<DkkdCallRecord, 'id' | 'at'>) => void;
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));
const JSON_TYPE = 'application/json; charset=utf-8';
const MSDN = /^\d{10}(?:-\d{3})?$/;

/** The NGSP record without the simulator's own bookkeeping. */
const ngspData = (b: SeedBusiness) => ({
  MainInformation: b.MainInformation,
  HOAdress: b.HOAdress,
  Representatives: b.Representatives.length === 1 ? b.Representatives[0] : b.Representatives,
  BusinessActivities: b.BusinessActivities,
});

/**
 * The record in the shape of Thanh Hóa's proxy, GetEntCert[0] [code T5]. The address is split from the full
 * text; Ma* codes and ID documents the seed does not hold are left out; LaNganhChinh as 1/0 [inf].
 */
function thanhHoaRecord(b: SeedBusiness) {
  // The seed writes addresses as "Số 12 đường Lê Lợi, phường Ba Đình, Thành phố Hà Nội, Việt Nam".
  const [, soNha, duong, phuong, tinh, quocGia] = /^(Số \d+) (.+?), (.+?), (.+?), (.+)$/.exec(b.HOAdress.AddressFullText) ?? [];
  return {
    MaSoDoanhNghiep: b.MainInformation.ENTERPRISE_GDT_CODE,
    TenTiengViet: b.MainInformation.NAME,
    ...(b.MainInformation.NAME_F ? { TenNuocNgoai: b.MainInformation.NAME_F } : {}),
    ...(b.MainInformation.SHORT_NAME ? { TenVietTat: b.MainInformation.SHORT_NAME } : {}),
    LoaiHinhDN: b.MainInformation.ENTERPRISE_TYPE_NAME,
    NgayDangKyLanDau: b.MainInformation.FOUNDING_DATE,
    ...(b.MainInformation.LAST_AMEND_DATE ? { NgayDangKyThayDoi: b.MainInformation.LAST_AMEND_DATE } : {}),
    SoLanDangKyThayDoi: b.MainInformation.NUMBER_CHANGES,
    TinhTrangPhapLy: [
      {
        TinhTrangPhapLy: b.MainInformation.ENTERPRISE_STATUS_NAME,
        MaTinhTrangPhapLy: b.MainInformation.ENTERPRISE_STATUS_ID,
        ...(b.suspension
          ? {
              NgayBatDauTamNgung: `${b.suspension.from}T00:00:00`,
              NgayKetThucTamNgung: `${b.suspension.to}T00:00:00`,
              LyDoTamNgung: b.suspension.reason,
            }
          : {}),
      },
    ],
    DaiDienPhapLuat: [{ ThongTinCaNhan: b.Representatives.map((r) => ({ HoVaTen: r.FULL_NAME, QuocTich: 'Việt Nam' })) }],
    DiaChiTruSo: [{ DiaChi: [{ SoNha: soNha, DiaChi: duong, TenPhuongXa: phuong, TenTinhThanh: tinh, QuocGia: quocGia }] }],
    NganhNgheKinhDoanh: b.BusinessActivities.map((a) => ({ MaNganh: a.CODE, TenNganh: a.NAME, LaNganhChinh: a.IS_MAIN ? 1 : 0 })),
  };
}

function hugeJson(bytes: number): Readable {
  const head = '{"Data":{"MainInformation":{"NAME":"';
  const tail = '"}}}';
  const chunk = 'A'.repeat(64 * 1024);
  let left = Math.max(0, bytes - head.length - tail.length);
  let stage = 0;
  return new Readable({
    read() {
      if (stage === 0) return ((stage = 1), void this.push(head));
      if (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        return void this.push(chunk.slice(0, n));
      }
      if (stage === 1) return ((stage = 2), void this.push(tail));
      this.push(null);
    },
  });
}

/**
 * The registry's routes: NGSP (POST /ngsp/token with Basic consumerKey:consumerSecret, then
 * GET /ngsp/api?category=chiTietDoanhNghiep&version=1.1&msdn= with Bearer [code S8]) and TP.HCM's ESB
 * (GET /hcm/TraCuuThongTinDoanhNghiep?MaSoDoanhNghiep= with Base64 JSON credentials in Authorization [X7]).
 * Also Thanh Hóa's proxy (GET /thanhhoa/apiDKKD/DoanhNghiep/chiTietDoanhNghiep?msdn=, GetEntCert [code T5];
 * its authentication is not in the sources, so none is asked [inf]).
 * Not found: NGSP `{Data: null}`, ESB `ResultObject: null`, Thanh Hóa `GetEntCert: []` [inf].
 */
export function registerProtocolRoutes(app: FastifyInstance, d: DkkdProtocolDeps): void {
  const send = (reply: FastifyReply, r: RawReply) => reply.status(r.status).type(r.contentType).send(r.body);
  async function faultFirst(): Promise<{ reply: RawReply; outcome: string } | undefined> {
    const f = d.faults();
    if (f.latencyMs > 0) await d.sleep(f.latencyMs);
    if (f.outage) return { reply: outagePage(), outcome: 'fault:outage' };
    const fault = drawApiFault(f, d.random());
    if (fault === 'error') return { reply: serverErrorPage(502), outcome: 'fault:5xx' };
    if (fault === 'timeout') {
      await d.sleep(d.cfg.timeoutHangMs);
      return { reply: gatewayTimeoutPage(), outcome: 'fault:timeout' };
    }
    return undefined;
  }
  /** The malformed replacement of a data reply, if the switch is on. */
  function malformed(body: unknown): RawReply | undefined {
    const m = d.faults().malformed;
    if (!m) return undefined;
    const text = JSON.stringify(body);
    if (m === 'html')
      return {
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: '<!DOCTYPE html><html><body><h1>Lỗi hệ thống</h1></body></html>',
      };
    if (m === 'truncated') return { status: 200, contentType: JSON_TYPE, body: text.slice(0, Math.floor(text.length / 2)) };
    if (m === 'wrong-shape') return { status: 200, contentType: JSON_TYPE, body: '{"result":[],"error_code":0}' };
    return { status: 200, contentType: JSON_TYPE, body: hugeJson(d.cfg.hugeBytes) };
  }

  app.post('/ngsp/token', async (req: FastifyRequest, reply) => {
    const f = await faultFirst();
    if (f) return (d.record({ route: 'ngsp-token', outcome: f.outcome, httpStatus: f.reply.status }), send(reply, f.reply));
    const auth = req.headers.authorization ?? '';
    const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
    const i = decoded.indexOf(':');
    if (
      i < 0 ||
      !same(decoded.slice(0, i), d.cfg.consumerKey) ||
      !same(decoded.slice(i + 1), d.cfg.consumerSecret) ||
      (req.body as Record<string, unknown> | undefined)?.grant_type !== 'client_credentials'
    ) {
      d.record({ route: 'ngsp-token', outcome: 'token-refused', httpStatus: 401 });
      return reply.status(401).send({ error: 'invalid_client', error_description: 'Client Authentication failed.' });
    }
    const token = randomBytes(24).toString('base64url');
    d.tokens.set(token, d.now() + (d.faults().tokenTtlMs ?? d.cfg.tokenTtlS * 1000));
    d.record({ route: 'ngsp-token', outcome: 'ok', httpStatus: 200 });
    return { access_token: token, token_type: 'Bearer', expires_in: d.cfg.tokenTtlS, scope: 'am_application_scope default' };
  });

  app.get<{ Querystring: Record<string, unknown> }>('/ngsp/api', async (req, reply) => {
    const f = await faultFirst();
    const msdn = typeof req.query.msdn === 'string' ? req.query.msdn.slice(0, 20) : undefined;
    if (f)
      return (
        d.record({ route: 'ngsp', ...(msdn ? { msdn } : {}), outcome: f.outcome, httpStatus: f.reply.status }),
        send(reply, f.reply)
      );
    const auth = req.headers.authorization ?? '';
    const exp = auth.startsWith('Bearer ') ? d.tokens.get(auth.slice(7)) : undefined;
    if (exp === undefined || exp <= d.now()) {
      d.record({ route: 'ngsp', ...(msdn ? { msdn } : {}), outcome: 'token-invalid', httpStatus: 401 });
      return reply
        .status(401)
        .send({ fault: { code: 900901, message: 'Invalid Credentials', description: 'Access token expired or invalid' } });
    }
    if (req.query.category !== 'chiTietDoanhNghiep' || !msdn || !MSDN.test(msdn)) {
      d.record({ route: 'ngsp', ...(msdn ? { msdn } : {}), outcome: 'bad-request', httpStatus: 400 });
      return reply.status(400).send({ Data: null, Message: 'Tham số không hợp lệ' });
    }
    const b = d.businesses.get(msdn);
    const body = b ? { Data: ngspData(b) } : { Data: null, Message: 'Không tìm thấy thông tin doanh nghiệp' };
    const m = malformed(body);
    d.record({ route: 'ngsp', msdn, outcome: m ? `malformed:${d.faults().malformed}` : b ? 'ok' : 'not-found', httpStatus: 200 });
    return m ? send(reply, m) : body;
  });

  app.get<{ Querystring: Record<string, unknown> }>('/hcm/TraCuuThongTinDoanhNghiep', async (req, reply) => {
    const f = await faultFirst();
    const msdn = typeof req.query.MaSoDoanhNghiep === 'string' ? req.query.MaSoDoanhNghiep.slice(0, 20) : undefined;
    if (f)
      return (
        d.record({ route: 'hcm-esb', ...(msdn ? { msdn } : {}), outcome: f.outcome, httpStatus: f.reply.status }),
        send(reply, f.reply)
      );
    let ok = false;
    try {
      const c = JSON.parse(Buffer.from(String(req.headers.authorization ?? ''), 'base64').toString('utf8')) as Record<
        string,
        unknown
      >;
      ok =
        typeof c.AccessKey === 'string' &&
        typeof c.SecretKey === 'string' &&
        same(c.AccessKey, d.cfg.esbAccessKey) &&
        same(c.SecretKey, d.cfg.esbSecretKey);
    } catch {
      ok = false;
    }
    if (!ok) {
      d.record({ route: 'hcm-esb', ...(msdn ? { msdn } : {}), outcome: 'token-refused', httpStatus: 401 });
      return reply.status(401).send({
        StatusCode: 401,
        Status: 'UNAUTHORIZED',
        ThrowException: true,
        Description: 'Thông tin xác thực không hợp lệ',
        ResultObject: null,
      });
    }
    if (!msdn || !MSDN.test(msdn)) {
      d.record({ route: 'hcm-esb', ...(msdn ? { msdn } : {}), outcome: 'bad-request', httpStatus: 400 });
      return reply.status(400).send({
        StatusCode: 400,
        Status: 'BAD_REQUEST',
        ThrowException: true,
        Description: 'Mã số doanh nghiệp không hợp lệ',
        ResultObject: null,
      });
    }
    const b = d.businesses.get(msdn);
    const body = {
      StatusCode: 200,
      Status: 'SUCCESS',
      ThrowException: false,
      Description: b ? 'Thành công' : 'Không tìm thấy doanh nghiệp',
      ResultObject: b
        ? {
            ...b.MainInformation,
            HO_ADDRESS_FULLTEXT: b.HOAdress.AddressFullText,
            REPRESENTATIVES: b.Representatives,
            BUSINESS_ACTIVITIES: b.BusinessActivities,
          }
        : null,
    };
    const m = malformed(body);
    d.record({
      route: 'hcm-esb',
      msdn,
      outcome: m ? `malformed:${d.faults().malformed}` : b ? 'ok' : 'not-found',
      httpStatus: 200,
    });
    return m ? send(reply, m) : body;
  });

  app.get<{ Querystring: Record<string, unknown> }>('/thanhhoa/apiDKKD/DoanhNghiep/chiTietDoanhNghiep', async (req, reply) => {
    const f = await faultFirst();
    const msdn = typeof req.query.msdn === 'string' ? req.query.msdn.slice(0, 20) : undefined;
    if (f)
      return (
        d.record({ route: 'thanh-hoa', ...(msdn ? { msdn } : {}), outcome: f.outcome, httpStatus: f.reply.status }),
        send(reply, f.reply)
      );
    if (!msdn || !MSDN.test(msdn)) {
      d.record({ route: 'thanh-hoa', ...(msdn ? { msdn } : {}), outcome: 'bad-request', httpStatus: 400 });
      return reply.status(400).send({ GetEntCert: [], Message: 'Mã số doanh nghiệp không hợp lệ' });
    }
    const b = d.businesses.get(msdn);
    const body = { GetEntCert: b ? [thanhHoaRecord(b)] : [] };
    const m = malformed(body);
    d.record({
      route: 'thanh-hoa',
      msdn,
      outcome: m ? `malformed:${d.faults().malformed}` : b ? 'ok' : 'not-found',
      httpStatus: 200,
    });
    return m ? send(reply, m) : body;
  });
}
