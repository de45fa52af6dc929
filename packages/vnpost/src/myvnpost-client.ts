import { createHttpClient, HttpStatusError, type HttpClient, type Logger, type RetryPolicy } from '@lienthong/platform';
import { PostalError, PostalErrorCodes } from './errors.js';
import type { PostalOrderInput, PostalOrderRecord, PostalStatusStep } from './order.js';
import type { VnpostCommune } from './address-map.js';

/**
 * MyVNPost "customer-partner" API client (vnpost.md §1, rebuilt from public client code — no official
 * specification was found; every shape here is [code], the choices marked [inf] are ours).
 * - Token from `POST GetAccessToken {username, password, customerCode}`, sent in a header named `token`
 *   (not Authorization); on 401/403 a new token is fetched and the call retried once [code N4, X3].
 * - Operations under `{baseUrl}{operationPrefix}/{Op}`; most clients use `/customer-partner` [code X1, X4],
 *   some none, so the prefix is configuration.
 * - CreateOrder is never retried blindly: a timeout may have created the order, so the caller looks it up
 *   by saleOrderCode (`getOrder?type=2`) before creating again (issue 15, vnpost.md §6).
 */
export interface MyVnpostClientOptions {
  baseUrl: string;
  operationPrefix: string;
  username: string;
  password: string;
  customerCode: string;
  contractCode?: string;
  timeoutMs: number;
  logger?: Logger;
  /** Largest reply accepted (labels are base64 PDFs; nothing else is large). */
  maxResponseBytes?: number;
}

export interface MyVnpostClient {
  createOrder(order: PostalOrderInput, address: { receiver: AddressCodes; sender: AddressCodes }): Promise<PostalOrderRecord>;
  /** The order whose saleOrderCode is `orderCode`, or null when VNPost has none. */
  findOrder(orderCode: string): Promise<PostalOrderRecord | null>;
  statusHistory(itemCode: string): Promise<PostalStatusStep[]>;
  cancel(originalId: string): Promise<{ accepted: boolean; pendingApproval: boolean; message: string }>;
  /** The 2-level catalogue (after 1 July 2025): every commune with its province. */
  communes(): Promise<VnpostCommune[]>;
  readonly http: HttpClient;
}

export interface AddressCodes {
  ProvinceCode: string;
  DistrictCode: string;
  CommuneCode: string;
}

const reads: RetryPolicy = { maxAttempts: 3, minDelayMs: 200, maxDelayMs: 2_000, factor: 2, jitter: 0.5 };
const once: RetryPolicy = { maxAttempts: 1, minDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: 0 };

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : null;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function badReply(what: string): PostalError {
  return new PostalError(PostalErrorCodes.BAD_REPLY, `MyVNPost ${what}: unexpected reply shape`, {
    kind: 'upstream',
    retriable: true,
    messageVi: `MyVNPost ${what}: phản hồi không đúng cấu trúc`,
  });
}

/** The order record from a reply that may wrap it in `data` [code N1] or nest it as `[{results:[…]}]` (getOrder). */
export function orderRecordOf(reply: unknown, orderCode: string): PostalOrderRecord | null {
  let r: unknown = reply;
  if (Array.isArray(r)) r = r[0];
  if (isObj(r) && Array.isArray(r.results)) r = r.results[0];
  if (isObj(r) && isObj(r.data)) r = r.data;
  if (isObj(r) && Array.isArray(r.data)) r = r.data[0];
  if (!isObj(r)) return null;
  const sale = str(r.saleOrderCode);
  const itemCode = str(r.itemCode);
  const originalId = str(r.originalID ?? r.originalId);
  if (!sale && !itemCode && !originalId) return null;
  if (sale && sale !== orderCode) return null; // not ours: never adopt someone else's order
  return { orderCode, itemCode, originalId, status: str(r.status), totalFee: num(r.totalFee) };
}

/** `dd/MM/yyyy` + `HH:mm[:ss]` (VNPost's local time) → ISO 8601 with +07:00, or null. */
export function vnpostTime(date: unknown, hour: unknown): string | null {
  const d = typeof date === 'string' ? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(date.trim()) : null;
  if (!d) return null;
  const h = typeof hour === 'string' ? /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(hour.trim()) : null;
  const hh = h ? h[1]!.padStart(2, '0') : '00';
  return `${d[3]}-${d[2]}-${d[1]}T${hh}:${h ? h[2] : '00'}:${h?.[3] ?? '00'}+07:00`;
}

export function createMyVnpostClient(opts: MyVnpostClientOptions): MyVnpostClient {
  const http = createHttpClient({
    name: 'myvnpost',
    baseURL: opts.baseUrl.replace(/\/$/, ''),
    timeoutMs: opts.timeoutMs,
    retry: reads,
    breaker: { failureThreshold: 5, openMs: 10_000 },
    maxResponseBytes: opts.maxResponseBytes ?? 20 * 1024 * 1024,
    headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const op = (name: string) => `${opts.operationPrefix}/${name}`;
  let token: Promise<string> | undefined;

  const fetchToken = async (): Promise<string> => {
    const res = await http.request<unknown>(
      {
        method: 'POST',
        url: op('GetAccessToken'),
        data: { username: opts.username, password: opts.password, customerCode: opts.customerCode },
      },
      { retry: reads },
    );
    const body = res.data;
    if (isObj(body) && typeof body.token === 'string' && body.token.length > 0 && body.success !== false) return body.token;
    const why = isObj(body) && typeof body.errorMessage === 'string' ? body.errorMessage.slice(0, 200) : 'no token in the reply';
    throw new PostalError(PostalErrorCodes.AUTH_FAILED, `MyVNPost GetAccessToken: ${why}`, {
      kind: 'upstream',
      retriable: false,
      messageVi: `MyVNPost từ chối cấp token: ${why}`,
    });
  };
  const currentToken = () =>
    (token ??= fetchToken().catch((err: unknown) => {
      token = undefined;
      throw err;
    }));

  /** One authenticated call; a 401/403 renews the token and tries once more [code N4, X3]. */
  const call = async <T>(
    config: { method: 'GET' | 'POST'; url: string; data?: unknown; params?: Record<string, string> },
    retry: RetryPolicy,
  ): Promise<T> => {
    for (let renewed = false; ; renewed = true) {
      const t = await currentToken();
      try {
        const res = await http.request<T>({ ...config, headers: { token: t } }, { retry });
        return res.data;
      } catch (err) {
        if (!renewed && err instanceof HttpStatusError && (err.status === 401 || err.status === 403)) {
          token = undefined;
          continue;
        }
        if (err instanceof HttpStatusError && err.status >= 400 && err.status < 500) {
          const b = err.body;
          const msg = isObj(b) ? String(b.message ?? b.error ?? '').slice(0, 300) : '';
          throw new PostalError(PostalErrorCodes.REFUSED, `MyVNPost ${config.url}: HTTP ${err.status} ${msg}`.trim(), {
            kind: 'upstream',
            retriable: false,
            cause: err,
            messageVi: `MyVNPost từ chối yêu cầu: ${msg || `HTTP ${err.status}`}`,
          });
        }
        throw err;
      }
    }
  };

  return {
    http,
    async createOrder(order, address) {
      const body = {
        orderCreationStatus: 1,
        type: 'GUI',
        customerCode: opts.customerCode,
        contractCode: opts.contractCode ?? null,
        informationOrder: {
          senderName: order.sender.name,
          senderPhone: order.sender.phone,
          senderAddress: order.sender.address,
          senderProvinceCode: address.sender.ProvinceCode,
          senderDistrictCode: address.sender.DistrictCode,
          senderCommuneCode: address.sender.CommuneCode,
          receiverName: order.receiver.name,
          receiverPhone: order.receiver.phone,
          receiverEmail: order.receiver.email ?? '',
          receiverAddress: order.receiver.address,
          receiverProvinceCode: address.receiver.ProvinceCode,
          receiverDistrictCode: address.receiver.DistrictCode,
          receiverCommuneCode: address.receiver.CommuneCode,
          serviceCode: order.serviceCode,
          // COD: add-on GTG021 with PROP0018:<amount> (vnpost.md §1 "Codes" [code N5, X1]).
          addonService: order.codAmount > 0 ? [{ code: 'GTG021', propValue: `PROP0018:${order.codAmount}` }] : [],
          additionRequest: [],
          saleOrderCode: order.orderCode,
          contentNote: order.content,
          weight: String(order.weightGrams),
          width: null,
          length: null,
          height: null,
          vehicle: 'BO',
          sendType: '1',
          isBroken: '0',
          deliveryTime: 'N',
          deliveryRequire: '1',
        },
      };
      const reply = await call<unknown>({ method: 'POST', url: op('CreateOrder'), data: body }, once);
      const rec = orderRecordOf(reply, order.orderCode);
      if (!rec) throw badReply('CreateOrder');
      return rec;
    },
    async findOrder(orderCode) {
      const reply = await call<unknown>({ method: 'GET', url: op('getOrder'), params: { type: '2', code: orderCode } }, reads);
      return orderRecordOf(reply, orderCode);
    },
    async statusHistory(itemCode) {
      const reply = await call<unknown>(
        { method: 'GET', url: op('GetStatusHistoryOrder'), params: { type: '1', code: itemCode } },
        reads,
      );
      const data = isObj(reply) && Array.isArray(reply.data) ? reply.data : null;
      if (!data) throw badReply('GetStatusHistoryOrder');
      const entry = data.find((d) => isObj(d) && d.itemCode === itemCode) ?? data[0];
      if (entry === undefined) return [];
      if (!isObj(entry) || !Array.isArray(entry.statusHistory)) throw badReply('GetStatusHistoryOrder');
      return entry.statusHistory.filter(isObj).map((s) => ({
        statusCode: str(s.statusCode) ?? '',
        statusName: typeof s.statusName === 'string' ? s.statusName.slice(0, 200) : '',
        at: vnpostTime(s.createdDate, s.createdHour),
      }));
    },
    async cancel(originalId) {
      const reply = await call<unknown>({ method: 'POST', url: op('orderCancel'), data: { OriginalId: originalId } }, once);
      if (!isObj(reply) || typeof reply.Type !== 'string') throw badReply('orderCancel');
      // Type 00 ok, 02 pending approval, anything else refused [code X4].
      return {
        accepted: reply.Type === '00',
        pendingApproval: reply.Type === '02',
        message: String(reply.Message ?? '').slice(0, 300),
      };
    },
    async communes() {
      const [provinces, communes] = await Promise.all([
        call<unknown>({ method: 'GET', url: op('getNewProvinceAll') }, reads),
        call<unknown>({ method: 'GET', url: op('getNewCommuneAll') }, reads),
      ]);
      if (!Array.isArray(provinces) || !Array.isArray(communes)) throw badReply('catalogue');
      const provinceName = new Map<string, string>();
      for (const p of provinces)
        if (isObj(p) && str(p.provinceCode)) provinceName.set(str(p.provinceCode)!, String(p.provinceName ?? ''));
      const out: VnpostCommune[] = [];
      for (const c of communes) {
        if (!isObj(c)) continue;
        // New communes put the province code under `districtCode` (or `provinceCode`) [code N1, N7].
        const prov = str(c.provinceCode) ?? str(c.districtCode);
        const code = str(c.communeCode);
        if (!prov || !code || !provinceName.has(prov)) continue;
        out.push({
          provinceCode: prov,
          provinceName: provinceName.get(prov)!,
          communeCode: code,
          communeName: String(c.communeName ?? ''),
        });
      }
      return out;
    },
  };
}
