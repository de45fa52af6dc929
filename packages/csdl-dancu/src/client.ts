import { createHttpClient, HubError, type HttpClient, type Logger } from '@lienthong/platform';
import { peerTransportError, type PeerErrors } from './transport-error.js';
import { validatePacket } from '@lienthong/standard';
import { randomUUID } from 'node:crypto';
import { CsdlError, CsdlErrorCodes as C, type CsdlErrorCode } from './errors.js';
import { buildRequestEnvelope, DEFAULT_MA_TICH_HOP, DANCU_NS, QLDC_NS, type CsdlOperation, type SoapFields } from './soap.js';
import { readReply } from './reply.js';
import { readCongDan, unaccentedUpper, type CongDan } from './cong-dan.js';
import { child, childrenNamed } from './xml.js';
import { createTokenCache, type TokenCache } from './token-cache.js';

/** Credentials of a VNPT-style LGSP (reference §1.3): Base64 JSON in the `lgspaccesstoken` header. */
export interface LgspCredentials {
  AccessKey: string;
  SecretKey: string;
  AppName: string;
  PartnerCode: string;
  PartnerCodeCus: string;
}

export interface CsdlDanCuClientOptions {
  /** The LGSP token endpoint (POST form grant_type=client_credentials). */
  tokenUrl: string;
  /** The population-DB service endpoint behind the LGSP (POST SOAP). */
  serviceUrl: string;
  credentials: LgspCredentials;
  timeoutMs: number;
  /** Largest reply accepted, enforced while it streams in. */
  maxReplyBytes: number;
  breaker: { failureThreshold: number; openMs: number };
  /** MaTichHop, "037" unless configured. */
  maTichHop?: string;
  logger?: Logger;
  now?: () => number;
}

/** Who asks and for which service: MaDVC (service / procedure code) and MaCanBo (officer) [code T4]. */
export interface CsdlCaller {
  MaDVC: string;
  MaCanBo: string;
  /** Unique request id; generated when absent. */
  MaYeuCau?: string;
}

/** A person: SoDinhDanh (12 digits) or SoCMND (9 digits), with name and birth date as the look-up needs. */
export interface CsdlPersonQuery {
  SoDinhDanh?: string;
  SoCMND?: string;
  /** Full name in any case, accents allowed: sent unaccented, upper-case [code X4, T4]. */
  HoVaTen: string;
  /** yyyyMMdd [code T4]. */
  NgayThangNam?: string;
}

export interface CsdlDanCuClient {
  /** TraCuuThongTinCongDan: the record, or null when the database has no such person. */
  lookup(q: CsdlPersonQuery, caller: CsdlCaller): Promise<CongDan | null>;
  /** XacThucThongTinCongDan: whether the fields given match the database (nothing else). */
  verify(q: CsdlPersonQuery, caller: CsdlCaller): Promise<boolean>;
  /** CungCapThongTinHoGiaDinh: the members of the person's household (each with ChuHo), [] when unknown. */
  household(q: CsdlPersonQuery, caller: CsdlCaller): Promise<CongDan[]>;
  breakerState(): string;
}

/**
 * The population-database client (reference §9, transport 1 [code S6]): LGSP token cached and renewed,
 * SOAP 1.1 request built here, reply read by readReply (hardened XML, namespace and error checks) and each
 * CongDan normalized to schemas/csdl-dancu/cong-dan.v1.json. One attempt per call (an officer is waiting;
 * the breaker, not a retry loop, protects a failing peer); a 401 renews the token once.
 */
export function createCsdlDanCuClient(opts: CsdlDanCuClientOptions): CsdlDanCuClient {
  const lgspHeader = Buffer.from(JSON.stringify(opts.credentials), 'utf8').toString('base64');
  const http: HttpClient = createHttpClient({
    name: 'csdl-dancu',
    baseURL: '',
    timeoutMs: opts.timeoutMs,
    retry: { maxAttempts: 1, minDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: 0 },
    breaker: opts.breaker,
    maxResponseBytes: opts.maxReplyBytes,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const tokens: TokenCache = createTokenCache({
    ...(opts.now ? { now: opts.now } : {}),
    fetch: async () => {
      const res = await send(() =>
        http.request<string>({
          method: 'POST',
          url: opts.tokenUrl,
          data: 'grant_type=client_credentials',
          headers: { 'content-type': 'application/x-www-form-urlencoded', lgspaccesstoken: lgspHeader },
          responseType: 'text',
          transformResponse: [(d: unknown) => d],
        }),
      );
      let body: { access_token?: unknown; expires_in?: unknown };
      try {
        body = JSON.parse(String(res)) as typeof body;
      } catch {
        throw new CsdlError(
          C.TOKEN_REFUSED,
          'LGSP token endpoint answered something other than JSON',
          'Máy chủ cấp token LGSP trả về dữ liệu không hợp lệ',
          { kind: 'upstream' },
        );
      }
      if (typeof body.access_token !== 'string' || body.access_token === '' || body.access_token.length > 4096) {
        throw new CsdlError(
          C.TOKEN_REFUSED,
          'LGSP token endpoint answered without access_token',
          'Máy chủ cấp token LGSP không trả về token',
          { kind: 'upstream' },
        );
      }
      const ttl = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : undefined;
      return { token: body.access_token, ...(ttl ? { ttlMs: ttl } : {}) };
    },
  });

  /** Runs one HTTP exchange, mapping transport failures to CsdlError; returns the body text. */
  async function send(call: () => Promise<{ data: string }>): Promise<string> {
    try {
      return String((await call()).data ?? '');
    } catch (err) {
      throw transportError(err);
    }
  }

  async function call(operation: CsdlOperation, fields: SoapFields): Promise<string> {
    const envelope = buildRequestEnvelope(operation, fields);
    for (let attempt = 1; ; attempt++) {
      const token = await tokens.get();
      try {
        return await send(() =>
          http.request<string>({
            method: 'POST',
            url: opts.serviceUrl,
            data: envelope,
            headers: {
              'content-type': 'application/xml; charset=utf-8',
              soapaction: `"${QLDC_NS}/${operation}"`,
              authorization: `Bearer ${token}`,
              lgspaccesstoken: lgspHeader,
            },
            responseType: 'text',
            transformResponse: [(d: unknown) => d],
          }),
        );
      } catch (err) {
        if (err instanceof CsdlError && err.peerCode === 'HTTP 401' && attempt === 1) {
          tokens.invalidate(token);
          continue;
        }
        throw err;
      }
    }
  }

  function requestFields(q: CsdlPersonQuery, caller: CsdlCaller): SoapFields {
    const flat: Record<string, string> = {
      MaYeuCau: caller.MaYeuCau ?? `LT${Date.now()}${randomUUID().slice(0, 8)}`,
      MaDVC: caller.MaDVC,
      MaTichHop: opts.maTichHop ?? DEFAULT_MA_TICH_HOP,
      MaCanBo: caller.MaCanBo,
      ...(q.SoDinhDanh ? { SoDinhDanh: q.SoDinhDanh } : {}),
      ...(q.SoCMND ? { SoCMND: q.SoCMND } : {}),
      HoVaTen: unaccentedUpper(q.HoVaTen),
      ...(q.NgayThangNam ? { NgayThangNam: q.NgayThangNam } : {}),
    };
    const v = validatePacket('citizen-lookup-request', flat);
    if (!v.ok) {
      throw new HubError(
        'LT_CSDL_REQUEST_INVALID',
        `population database request is invalid: ${v.errors.map((e) => `${e.path} ${e.code}`).join('; ')}`,
        {
          kind: 'invalid',
          messageVi: 'Yêu cầu tra cứu CSDL dân cư không hợp lệ',
          details: v.errors.map((e) => ({ path: e.path, code: e.code, message: e.message, message_en: e.message_en })),
        },
      );
    }
    const fields: [string, string | SoapFields][] = [];
    for (const k of ['MaYeuCau', 'MaDVC', 'MaTichHop', 'MaCanBo', 'SoDinhDanh', 'SoCMND', 'HoVaTen'])
      if (flat[k] !== undefined) fields.push([k, flat[k]!]);
    // NgayThangNamSinh wraps NgayThangNam [code S6].
    if (flat.NgayThangNam) fields.push(['NgayThangNamSinh', [['NgayThangNam', flat.NgayThangNam]]]);
    return fields;
  }

  const records = (text: string): CongDan[] => {
    const collection = readReply(text);
    if (collection.name !== 'CongdanCollection') {
      throw new CsdlError(
        C.BAD_REPLY,
        `population database replied <${collection.name.slice(0, 40)}>, expected CongdanCollection`,
        'Phản hồi của CSDL dân cư không đúng cấu trúc',
        { kind: 'upstream' },
      );
    }
    try {
      return childrenNamed(collection, 'CongDan')
        .filter((c) => c.ns === DANCU_NS)
        .map(readCongDan);
    } catch (err) {
      throw new CsdlError(
        C.BAD_REPLY,
        `population database record does not match the CongDan schema: ${(err as Error).message}`,
        'Bản ghi công dân trả về không đúng lược đồ',
        { kind: 'upstream', cause: err },
      );
    }
  };

  return {
    async lookup(q, caller) {
      const found = records(await call('TraCuuThongTinCongDan', requestFields(q, caller)));
      return found[0] ?? null;
    },
    async verify(q, caller) {
      const result = readReply(await call('XacThucThongTinCongDan', requestFields(q, caller)));
      const v = child(result, 'KetQua', DANCU_NS)?.text;
      if (result.name !== 'KetQuaXacThuc' || (v !== 'true' && v !== 'false')) {
        throw new CsdlError(
          C.BAD_REPLY,
          'population database verify reply has no KetQua true/false',
          'Phản hồi xác thực của CSDL dân cư không hợp lệ',
          { kind: 'upstream' },
        );
      }
      return v === 'true';
    },
    async household(q, caller) {
      return records(await call('CungCapThongTinHoGiaDinh', requestFields(q, caller)));
    },
    breakerState: () => http.breaker?.state() ?? 'closed',
  };
}

const csdlErrors: PeerErrors = {
  name: { en: 'population database', vi: 'CSDL dân cư' },
  codes: { unavailable: C.UNAVAILABLE, badReply: C.BAD_REPLY, tokenRefused: C.TOKEN_REFUSED, tooLarge: C.REPLY_TOO_LARGE },
  make: (code, en, vi, opts) => new CsdlError(code as CsdlErrorCode, en, vi, opts),
  // A SOAP Fault comes with HTTP 500 (SOAP 1.1 §6.2): read it for its code.
  fromErrorBody(body) {
    if (typeof body !== 'string' || !/Envelope/.test(body.slice(0, 2_000))) return undefined;
    try {
      readReply(body);
    } catch (e) {
      if (e instanceof CsdlError) return e;
    }
    return undefined;
  },
};
const transportError = (thrown: unknown) => peerTransportError(thrown, csdlErrors);
