import { createHttpClient, HubError, type HttpClient, type Logger } from '@lienthong/platform';
import { createTokenCache, peerTransportError, type PeerErrors } from '@lienthong/csdl-dancu';
import { isTaxCode } from '@lienthong/standard';
import { DkkdError, DkkdErrorCodes as C, type DkkdErrorCode } from './errors.js';
import { fromHcmEsb, fromNgsp, fromThanhHoa, type DoanhNghiep } from './normalize.js';

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

/** Thanh Hóa's provincial proxy: GET {url}?msdn= [code T5]; how the proxy authenticates is not in the sources [inf]: none is sent. */
export interface ThanhHoaRoute {
  kind: 'thanh-hoa';
  url: string;
}

export interface DkkdClientOptions {
  route: NgspRoute | HcmEsbRoute | ThanhHoaRoute;
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
 * The business-registry client (reference §10): one of three routes (NGSP, TP.HCM ESB, Thanh Hóa's proxy), token cached and renewed on the NGSP
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
  const getText = async (
    url: string,
    headers: Record<string, string>,
    params?: Record<string, string>,
    post?: string,
  ): Promise<string> => {
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
      throw new DkkdError(
        C.BAD_REPLY,
        'business registry reply is not JSON',
        'Phản hồi của CSDL đăng ký doanh nghiệp không phải JSON',
        { kind: 'upstream' },
      );
    }
  };
  const tokens =
    route.kind === 'ngsp'
      ? createTokenCache({
          ...(opts.now ? { now: opts.now } : {}),
          fetch: async () => {
            const basic = Buffer.from(`${route.consumerKey}:${route.consumerSecret}`).toString('base64');
            const body = json(
              await getText(
                route.tokenUrl,
                { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
                undefined,
                'grant_type=client_credentials',
              ),
            ) as Record<string, unknown>;
            if (typeof body?.access_token !== 'string' || body.access_token === '' || body.access_token.length > 4096) {
              throw new DkkdError(
                C.TOKEN_REFUSED,
                'NGSP token endpoint answered without access_token',
                'Máy chủ cấp token NGSP không trả về token',
                { kind: 'upstream' },
              );
            }
            const ttl = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : undefined;
            return { token: body.access_token, ...(ttl ? { ttlMs: ttl } : {}) };
          },
        })
      : undefined;
  const esbAuth = route.kind === 'hcm-esb' ? Buffer.from(JSON.stringify(route.credentials)).toString('base64') : '';

  const normalize = (body: unknown, taxCode: string) => {
    try {
      return route.kind === 'ngsp'
        ? fromNgsp(body, taxCode)
        : route.kind === 'hcm-esb'
          ? fromHcmEsb(body, taxCode)
          : fromThanhHoa(body, taxCode);
    } catch (err) {
      if (err instanceof HubError) throw err;
      throw new DkkdError(
        C.BAD_REPLY,
        `business registry reply does not match the expected shape: ${(err as Error).message}`,
        'Phản hồi của CSDL đăng ký doanh nghiệp không đúng cấu trúc',
        { kind: 'upstream', cause: err },
      );
    }
  };

  return {
    async business(taxCode) {
      if (!isTaxCode(taxCode)) {
        throw new HubError('LT_DKKD_TAX_CODE_INVALID', 'tax code must be 10 digits or 10-3 digits', {
          kind: 'invalid',
          messageVi: 'Mã số thuế phải gồm 10 chữ số hoặc 10-3 chữ số',
        });
      }
      if (route.kind === 'thanh-hoa') {
        return normalize(json(await getText(route.url, {}, { msdn: taxCode })), taxCode);
      }
      if (route.kind === 'hcm-esb') {
        return normalize(json(await getText(route.url, { authorization: esbAuth }, { MaSoDoanhNghiep: taxCode })), taxCode);
      }
      for (let attempt = 1; ; attempt++) {
        const token = await tokens!.get();
        try {
          const text = await getText(
            route.adapterUrl,
            { authorization: `Bearer ${token}` },
            { category: 'chiTietDoanhNghiep', version: '1.1', msdn: taxCode },
          );
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

const dkkdErrors: PeerErrors = {
  name: { en: 'business registry', vi: 'CSDL đăng ký doanh nghiệp' },
  codes: { unavailable: C.UNAVAILABLE, badReply: C.BAD_REPLY, tokenRefused: C.TOKEN_REFUSED, tooLarge: C.REPLY_TOO_LARGE },
  make: (code, en, vi, opts) => new DkkdError(code as DkkdErrorCode, en, vi, opts),
};
const transportError = (thrown: unknown) => peerTransportError(thrown, dkkdErrors);
