import { CircuitOpenError, createHttpClient, HttpStatusError, HubError, RetryExhaustedError, type HttpClient, type Logger } from '@lienthong/platform';
import { createTokenCache } from '@lienthong/csdl-dancu';
import { isTaxCode } from '@lienthong/standard';
import { DkkdError, DkkdErrorCodes as C } from './errors.js';
import { fromHcmEsb, fromNgsp, type DoanhNghiep } from './normalize.js';

/** NGSP (national): token with Basic consumerKey:consumerSecret, then Bearer [code S8]. */
export interface NgspRoute {
  kind: 'ngsp';
  tokenUrl: string;
  /** The consumer adapter URL (GET ?category=chiTietDoanhNghiep&version=1.1&msdn=). */
  adapterUrl: string;
  consumerKey: string;
  consumerSecret: string;
}
/** TP.HCM ESB: Base64 JSON credentials directly in Authorization [X7]. */
export interface HcmEsbRoute {
  kind: 'hcm-esb';
  /** GET {url}?MaSoDoanhNghiep= */
  url: string;
  credentials: { AccessKey: string; SecretKey: string; AppName: string; PartnerCode: string; PartnerCodeCus: string };
}

export interface DkkdClientOptions {
  route: NgspRoute | HcmEsbRoute;
  timeoutMs: number;
  maxReplyBytes: number;
  breaker: { failureThreshold: number; openMs: number };
  logger?: Logger;
  now?: () => number;
}

export interface DkkdClient {
  /** The business with this tax code (10 digits, or 10-3 for a branch), or null when the registry has none. */
  business(taxCode: string): Promise<DoanhNghiep | null>;
  breakerState(): string;
}

/**
 * The business-registry client (reference §10): one of two routes, token cached and renewed on the NGSP
 * route, every reply normalized to schemas/dkkd/doanh-nghiep.v1.json. One attempt per call; a 401 renews
 * the token once; the breaker protects a failing registry.
 */
export function createDkkdClient(opts: DkkdClientOptions): DkkdClient {
  const http: HttpClient = createHttpClient({
    name: 'dkkd',
    baseURL: '',
    timeoutMs: opts.timeoutMs,
    retry: { maxAttempts: 1, minDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: 0 },
    breaker: opts.breaker,
    maxResponseBytes: opts.maxReplyBytes,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const route = opts.route;
  const getText = async (url: string, headers: Record<string, string>, params?: Record<string, string>, post?: string): Promise<string> => {
    try {
      const res = await http.request<string>({
        method: post === undefined ? 'GET' : 'POST',
        url,
        headers,
        ...(params ? { params } : {}),
        ...(post !== undefined ? { data: post } : {}),
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
      });
      return String(res.data ?? '');
    } catch (err) {
      throw transportError(err);
    }
  };
  const json = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new DkkdError(C.BAD_REPLY, 'business registry reply is not JSON', 'Phản hồi của CSDL đăng ký doanh nghiệp không phải JSON', { kind: 'upstream' });
    }
  };
  const tokens =
    route.kind === 'ngsp'
      ? createTokenCache({
          ...(opts.now ? { now: opts.now } : {}),
          fetch: async () => {
            const basic = Buffer.from(`${route.consumerKey}:${route.consumerSecret}`).toString('base64');
            const body = json(await getText(route.tokenUrl, { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, undefined, 'grant_type=client_credentials')) as Record<string, unknown>;
            if (typeof body?.access_token !== 'string' || body.access_token === '' || body.access_token.length > 4096) {
              throw new DkkdError(C.TOKEN_REFUSED, 'NGSP token endpoint answered without access_token', 'Máy chủ cấp token NGSP không trả về token', { kind: 'upstream' });
            }
            const ttl = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : undefined;
            return { token: body.access_token, ...(ttl ? { ttlMs: ttl } : {}) };
          },
        })
      : undefined;
  const esbAuth = route.kind === 'hcm-esb' ? Buffer.from(JSON.stringify(route.credentials)).toString('base64') : '';

  const normalize = (body: unknown, taxCode: string) => {
    try {
      return route.kind === 'ngsp' ? fromNgsp(body, taxCode) : fromHcmEsb(body, taxCode);
    } catch (err) {
      if (err instanceof HubError) throw err;
      throw new DkkdError(C.BAD_REPLY, `business registry reply does not match the expected shape: ${(err as Error).message}`, 'Phản hồi của CSDL đăng ký doanh nghiệp không đúng cấu trúc', { kind: 'upstream', cause: err });
    }
  };

  return {
    async business(taxCode) {
      if (!isTaxCode(taxCode)) {
        throw new HubError('LT_DKKD_TAX_CODE_INVALID', 'tax code must be 10 digits or 10-3 digits', { kind: 'invalid', messageVi: 'Mã số thuế phải gồm 10 chữ số hoặc 10-3 chữ số' });
      }
      if (route.kind === 'hcm-esb') {
        return normalize(json(await getText(route.url, { authorization: esbAuth }, { MaSoDoanhNghiep: taxCode })), taxCode);
      }
      for (let attempt = 1; ; attempt++) {
        const token = await tokens!.get();
        try {
          const text = await getText(route.adapterUrl, { authorization: `Bearer ${token}` }, { category: 'chiTietDoanhNghiep', version: '1.1', msdn: taxCode });
          return normalize(json(text), taxCode);
        } catch (err) {
          if (err instanceof DkkdError && err.peerCode === 'HTTP 401' && attempt === 1) {
            tokens!.invalidate(token);
            continue;
          }
          throw err;
        }
      }
    },
    breakerState: () => http.breaker?.state() ?? 'closed',
  };
}

function transportError(thrown: unknown): unknown {
  // One attempt per call: the retrier still wraps a retriable failure; what matters is that attempt's error.
  const err = thrown instanceof RetryExhaustedError ? thrown.attempts[thrown.attempts.length - 1] : thrown;
  if (err instanceof DkkdError) return err;
  if (err instanceof CircuitOpenError) {
    return new DkkdError(C.UNAVAILABLE, 'business registry is unavailable (circuit open after repeated failures)', 'CSDL đăng ký doanh nghiệp tạm thời không truy cập được (đã ngắt kết nối sau nhiều lỗi liên tiếp), vui lòng thử lại sau', { kind: 'unavailable', retriable: true, cause: err });
  }
  if (err instanceof HttpStatusError) {
    if (err.status === 401) return new DkkdError(C.TOKEN_REFUSED, 'business registry refused the token (HTTP 401)', 'CSDL đăng ký doanh nghiệp từ chối token (HTTP 401)', { kind: 'upstream', peerCode: 'HTTP 401' });
    if (err.status >= 500) return new DkkdError(C.UNAVAILABLE, `business registry unavailable (HTTP ${err.status})`, `CSDL đăng ký doanh nghiệp tạm thời không truy cập được (HTTP ${err.status}), vui lòng thử lại sau`, { kind: 'unavailable', retriable: true, cause: err });
    return new DkkdError(C.BAD_REPLY, `business registry answered HTTP ${err.status}`, `CSDL đăng ký doanh nghiệp trả về mã HTTP ${err.status}`, { kind: 'upstream', cause: err });
  }
  if (err instanceof HubError) {
    if (err.code === 'LT_HTTP_RESPONSE_TOO_LARGE') return new DkkdError(C.REPLY_TOO_LARGE, 'business registry reply exceeds the size cap', 'Phản hồi của CSDL đăng ký doanh nghiệp vượt quá giới hạn kích thước', { kind: 'upstream', cause: err });
    return new DkkdError(C.UNAVAILABLE, `business registry unreachable (${err.code})`, 'CSDL đăng ký doanh nghiệp không phản hồi, vui lòng thử lại sau', { kind: 'unavailable', retriable: true, cause: err });
  }
  return err;
}
