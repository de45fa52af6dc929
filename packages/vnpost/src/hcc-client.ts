import { createHttpClient, HttpStatusError, type HttpClient, type Logger, type RetryPolicy } from '@lienthong/platform';
import { PostalError, PostalErrorCodes } from './errors.js';
import type { PostalOrderInput, PostalOrderRecord, PostalStatusStep } from './order.js';

/**
 * The flat HCC/BCCI order through the national NGSP or a provincial LGSP (vnpost.md §2, rebuilt from the
 * MIC SDK used by OpenCPS and from Thanh Hóa's TD [code O3, T1–T4]; no official specification):
 * - token: `grant_type=client_credentials` with Basic auth → `{access_token, token_type, expires_in}`;
 * - order: the PascalCase `MOrder` body POSTed with `Authorization: Bearer`; reply `{Status, Message}`,
 *   "100" accepted, "101" accepted without a stored waybill [code T2, T3; 101's meaning inf];
 * - tracking: pull only, pages of `{_embedded:{"rh:doc":[{_id:{$oid}, OrderNumber, ItemCode, StatusCode,
 *   StatusMessage, EventTime}]}}` after `lastId` [code O3]. No look-up by OrderNumber exists, so recovery
 *   after a timeout scans tracking pages for it, as OpenCPS does [code O1].
 * Province and district are ints in this body; the merger's effect on them is unknown (vnpost.md §5), so
 * they are sent as the mapped VNPost codes and 0 for the district, as TD does [code T3; inf].
 */
export interface HccClientOptions {
  tokenUrl: string;
  orderUrl: string;
  trackingUrl: string;
  consumerKey: string;
  consumerSecret: string;
  customerCode: string;
  timeoutMs: number;
  logger?: Logger;
}

export interface HccTrackingEvent {
  id: string;
  orderCode: string;
  itemCode: string | null;
  step: PostalStatusStep;
}

export interface HccClient {
  createOrder(order: PostalOrderInput, provinces: { sender: number; receiver: number }): Promise<PostalOrderRecord>;
  /** Tracking events after `lastId` (one page), oldest first. */
  tracking(lastId: string | undefined, pageSize?: number): Promise<{ events: HccTrackingEvent[]; lastId: string | undefined }>;
  readonly http: HttpClient;
}

const reads: RetryPolicy = { maxAttempts: 3, minDelayMs: 200, maxDelayMs: 2_000, factor: 2, jitter: 0.5 };
const once: RetryPolicy = { maxAttempts: 1, minDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: 0 };
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createHccClient(opts: HccClientOptions): HccClient {
  const http = createHttpClient({
    name: 'vnpost-hcc',
    baseURL: '',
    timeoutMs: opts.timeoutMs,
    retry: reads,
    breaker: { failureThreshold: 5, openMs: 10_000 },
    maxResponseBytes: 5 * 1024 * 1024,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  let token: { value: string; until: number } | undefined;

  const bearer = async (): Promise<string> => {
    if (token && token.until > Date.now()) return token.value;
    const basic = Buffer.from(`${opts.consumerKey}:${opts.consumerSecret}`).toString('base64');
    const res = await http.request<unknown>({
      method: 'POST',
      url: opts.tokenUrl,
      data: 'grant_type=client_credentials',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    const b = res.data;
    if (!isObj(b) || typeof b.access_token !== 'string' || b.access_token === '') {
      throw new PostalError(PostalErrorCodes.AUTH_FAILED, 'VNPost HCC token: no access_token in the reply', {
        kind: 'upstream',
        messageVi: 'Không lấy được token VNPost (HCC)',
      });
    }
    const ttl = typeof b.expires_in === 'number' && b.expires_in > 0 ? b.expires_in : 300;
    // Renew a minute early, so a token never expires in flight.
    token = { value: b.access_token, until: Date.now() + Math.max(10, ttl - 60) * 1000 };
    return token.value;
  };

  const authed = async <T>(
    config: { method: 'GET' | 'POST'; url: string; data?: unknown; params?: Record<string, string> },
    retry: RetryPolicy,
  ): Promise<T> => {
    for (let renewed = false; ; renewed = true) {
      const t = await bearer();
      try {
        return (await http.request<T>({ ...config, headers: { authorization: `Bearer ${t}` } }, { retry })).data;
      } catch (err) {
        if (!renewed && err instanceof HttpStatusError && (err.status === 401 || err.status === 403)) {
          token = undefined;
          continue;
        }
        throw err;
      }
    }
  };

  return {
    http,
    async createOrder(order, provinces) {
      const body = {
        CustomerCode: opts.customerCode,
        OrderNumber: order.orderCode,
        CODAmount: order.codAmount,
        SenderProvince: provinces.sender,
        SenderDistrict: 0,
        SenderAddress: order.sender.address,
        SenderName: order.sender.name,
        SenderEmail: '',
        SenderTel: order.sender.phone,
        SenderDesc: `Mã hồ sơ ${order.orderCode}`,
        Description: order.content,
        ReceiverName: order.receiver.name,
        ReceiverAddress: order.receiver.address,
        ReceiverTel: order.receiver.phone,
        ReceiverProvince: provinces.receiver,
        ReceiverDistrict: 0,
        ReceiverEmail: order.receiver.email ?? '',
      };
      const reply = await authed<unknown>({ method: 'POST', url: opts.orderUrl, data: body }, once);
      const status = isObj(reply) ? String(reply.Status ?? '') : '';
      if (status === '100' || status === '101')
        return { orderCode: order.orderCode, itemCode: null, originalId: null, status, totalFee: null };
      const msg = isObj(reply) ? String(reply.Message ?? '').slice(0, 300) : 'unexpected reply';
      throw new PostalError(
        PostalErrorCodes.REFUSED,
        `VNPost HCC refused order ${order.orderCode}: Status ${status || '?'} ${msg}`,
        {
          kind: 'upstream',
          retriable: false,
          messageVi: `VNPost (HCC) từ chối đơn ${order.orderCode}: ${msg}`,
        },
      );
    },
    async tracking(lastId, pageSize = 100) {
      const params: Record<string, string> = { pagesize: String(pageSize) };
      if (lastId) params.lastId = lastId;
      const reply = await authed<unknown>({ method: 'GET', url: opts.trackingUrl, params }, reads);
      const docs =
        isObj(reply) && isObj(reply._embedded) && Array.isArray(reply._embedded['rh:doc']) ? reply._embedded['rh:doc'] : null;
      if (!docs)
        throw new PostalError(PostalErrorCodes.BAD_REPLY, 'VNPost HCC tracking: unexpected reply shape', {
          kind: 'upstream',
          retriable: true,
        });
      const events: HccTrackingEvent[] = [];
      let last = lastId;
      for (const d of docs) {
        if (!isObj(d) || !isObj(d._id) || typeof d._id.$oid !== 'string') continue;
        last = d._id.$oid;
        if (typeof d.OrderNumber !== 'string') continue;
        const at = typeof d.EventTime === 'number' ? new Date(d.EventTime).toISOString() : null;
        events.push({
          id: d._id.$oid,
          orderCode: d.OrderNumber,
          itemCode: typeof d.ItemCode === 'string' && d.ItemCode ? d.ItemCode : null,
          step: { statusCode: String(d.StatusCode ?? ''), statusName: String(d.StatusMessage ?? '').slice(0, 200), at },
        });
      }
      return { events, lastId: last };
    },
  };
}
