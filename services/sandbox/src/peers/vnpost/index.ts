import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseGuardedJson } from '@lienthong/platform';
import { signWebhook } from '@lienthong/vnpost';
import type { SandboxPeer, SandboxPeerOptions } from '../../peer.js';
import { configProperties, readPeerConfig } from './config.js';
import { communes, provinces } from './catalogue.js';

export { configProperties };

/** One order the simulated VNPost holds (MyVNPost record fields, vnpost.md §1 "Reply"). */
interface SimOrder {
  route: 'myvnpost' | 'hcc';
  saleOrderCode: string;
  itemCode: string;
  originalID: string;
  orderHdrID: string;
  status: number;
  path: number[];
  history: { statusCode: number; statusName: string; at: number }[];
  body: unknown;
  createdAt: number;
}

/** Status names as VNPost writes them (vnpost.md §1 "Order status" [code N6, X2]). */
const STATUS_NAMES: Record<number, string> = {
  1: 'Đã tạo',
  6: 'Đã nhận hàng',
  9: 'Hủy thu gom',
  10: 'Đang vận chuyển',
  11: 'Đã đến bưu cục phát',
  12: 'Đang giao',
  14: 'Đã giao hàng',
  15: 'Giao không thành công',
  19: 'Trả hàng thành công',
  22: 'Hủy giao hàng',
  24: 'Đang chuyển hoàn',
};

interface Faults {
  /** Every call answers 503. */
  outage: boolean;
  /** CreateOrder stores the order, then hangs past the client's timeout (the "created but not recorded" case). */
  createTimeout: boolean;
  /** Next token checks answer 401, as if every token had expired. */
  expireTokens: boolean;
  /** Webhooks are not sent (the hub must poll). */
  dropWebhooks: boolean;
  /** Webhooks are sent with a wrong signature. */
  badSignature: boolean;
}
const noFaults: Faults = { outage: false, createTimeout: false, expireTokens: false, dropWebhooks: false, badSignature: false };

export interface VnpostPeerOptions extends SandboxPeerOptions {
  now?: () => number;
}

const ddmmyyyy = (t: number) => {
  const d = new Date(t + 7 * 3_600_000); // VNPost's local time, GMT+7
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`,
    hour: `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`,
  };
};

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Simulated VNPost, both routes of vnpost.md: MyVNPost under `/vnpost/customer-partner/{Op}` (token header,
 * CreateOrder, getOrder, GetStatusHistoryOrder, orderCancel, 2-level catalogue, signed status webhook) and
 * the HCC/LGSP order under `/vnpost/hcc/{token,order,tracking}`. Orders walk a status path on a compressed
 * clock; `/_admin` shows orders and calls and switches faults. CreateOrder does NOT refuse a repeated
 * saleOrderCode (the real behaviour is unknown [inf]): the hub must look up before creating again, and the
 * inspection API counts orders per code so tests can prove it does.
 */
const vnpostPeer: FastifyPluginAsync<VnpostPeerOptions> = async (app, opts) => {
  const cfg = readPeerConfig(opts.config);
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ peer: 'vnpost' });
  const privateKey: KeyObject = cfg.privateKeyFile
    ? createPrivateKey(readFileSync(cfg.privateKeyFile, 'utf8'))
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();

  let orders: SimOrder[] = [];
  let calls: { at: number; op: string; status: number }[] = [];
  let webhooks: { at: number; itemCode: string; status: number; answer: number | string }[] = [];
  const tokens = new Map<string, number>();
  let faults: Faults = { ...noFaults };
  let seq = 0;
  let webhookUrl = cfg.webhookUrl;
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => {
    try {
      done(null, parseGuardedJson(String(body)));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  const record = (op: string, status: number) => {
    calls.push({ at: now(), op, status });
    if (calls.length > 5_000) calls = calls.slice(-5_000);
  };
  const issueToken = () => {
    const t = randomBytes(24).toString('base64url');
    tokens.set(t, now() + cfg.tokenTtlMs);
    return t;
  };
  const tokenValid = (t: unknown) => typeof t === 'string' && !faults.expireTokens && (tokens.get(t) ?? 0) > now();
  /** Spring-style error envelope MyVNPost answers with [code X1]. */
  const springError = (reply: FastifyReply, status: number, error: string, message: string, path: string) =>
    reply.status(status).send({ status, timestamp: new Date(now()).toISOString(), error, message, description: message, path });

  const recordOf = (o: SimOrder) => ({
    orderHdrID: o.orderHdrID,
    originalID: o.originalID,
    itemCode: o.itemCode,
    status: o.status,
    saleOrderCode: o.saleOrderCode,
    senderCode: cfg.customerCode,
    totalFee: 25_000,
    mainFee: 22_000,
    vasFee: 3_000,
    codAmount: 0,
    createdDate: new Date(o.createdAt).toISOString(),
    bcpCode: '100000',
    bcpName: 'Bưu cục phát (mô phỏng)',
  });

  const sendWebhook = async (o: SimOrder) => {
    if (o.route !== 'myvnpost' || !webhookUrl || faults.dropWebhooks) return;
    const { date, hour } = ddmmyyyy(now());
    const sendDate = `${date} ${hour}`;
    const signature = faults.badSignature
      ? signWebhook(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, sendDate, o.itemCode, o.status)
      : signWebhook(privateKey, sendDate, o.itemCode, o.status);
    let answer: number | string;
    try {
      const res = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: [{ ...recordOf(o), serviceCode: 'CTN009', weight: 200 }], sendDate, signature }),
        signal: AbortSignal.any([AbortSignal.timeout(5_000), closing.signal]),
      });
      answer = res.status;
      await res.arrayBuffer();
    } catch (err) {
      answer = (err as Error).name;
    }
    webhooks.push({ at: now(), itemCode: o.itemCode, status: o.status, answer });
    if (webhooks.length > 5_000) webhooks = webhooks.slice(-5_000);
  };

  const setStatus = async (o: SimOrder, status: number) => {
    o.status = status;
    o.history.push({ statusCode: status, statusName: STATUS_NAMES[status] ?? `Trạng thái ${status}`, at: now() });
    await sendWebhook(o);
  };
  /** Moves every unfinished order one step along its path (the compressed clock). */
  const advanceAll = async () => {
    let moved = 0;
    for (const o of orders) {
      const i = o.path.indexOf(o.status);
      const next = i >= 0 ? o.path[i + 1] : undefined;
      if (next !== undefined) {
        await setStatus(o, next);
        moved++;
      }
    }
    return moved;
  };
  if (cfg.stepMs > 0) {
    const timer = setInterval(() => void advanceAll().catch((err: unknown) => log.warn({ err }, 'advance failed')), cfg.stepMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }

  const newOrder = (route: SimOrder['route'], saleOrderCode: string, body: unknown): SimOrder => {
    seq++;
    const o: SimOrder = {
      route,
      saleOrderCode,
      itemCode: `EM${String(100_000_000 + ((now() / 1000) % 800_000_000) + seq).slice(0, 9)}VN`,
      originalID: `ORI${Date.now().toString(36).toUpperCase()}${seq}`,
      orderHdrID: String(seq),
      status: cfg.path[0] ?? 1,
      path: cfg.path,
      history: [],
      body,
      createdAt: now(),
    };
    o.history.push({ statusCode: o.status, statusName: STATUS_NAMES[o.status] ?? '', at: now() });
    orders.push(o);
    return o;
  };

  const hang = () =>
    new Promise<void>((r) => {
      const t = setTimeout(r, 15_000);
      closing.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
    });

  // ---- MyVNPost customer-partner API ------------------------------------------------------------------
  await app.register(
    async (api) => {
      api.addHook('onRequest', async (req, reply) => {
        if (faults.outage) {
          record(req.url, 503);
          return reply.status(503).send('Service Unavailable');
        }
      });
      const guard = async (req: FastifyRequest, reply: FastifyReply) => {
        if (!tokenValid(req.headers.token)) {
          record(req.url, 401);
          return springError(reply, 401, 'Unauthorized', 'Token không hợp lệ hoặc đã hết hạn', req.url);
        }
      };
      api.post('/GetAccessToken', async (req, reply) => {
        const b = (req.body ?? {}) as Record<string, unknown>;
        const ok =
          typeof b.username === 'string' &&
          typeof b.password === 'string' &&
          sameSecret(b.username, cfg.username) &&
          sameSecret(b.password, cfg.password) &&
          b.customerCode === cfg.customerCode;
        record('GetAccessToken', 200);
        if (!ok) return reply.send({ success: false, errorMessage: 'Sai thông tin đăng nhập', token: null });
        if (faults.expireTokens) faults = { ...faults, expireTokens: false }; // a new login heals the expiry
        return reply.send({ success: true, errorMessage: null, token: issueToken() });
      });
      api.post('/CreateOrder', { preHandler: guard }, async (req, reply) => {
        const b = req.body as { informationOrder?: Record<string, unknown>; customerCode?: unknown } | undefined;
        const info = b?.informationOrder;
        const must = [
          'senderName',
          'senderPhone',
          'senderAddress',
          'receiverName',
          'receiverPhone',
          'receiverAddress',
          'serviceCode',
          'contentNote',
          'weight',
          'saleOrderCode',
          'receiverProvinceCode',
          'receiverDistrictCode',
          'receiverCommuneCode',
        ];
        const missing =
          info && typeof info === 'object' ? must.filter((k) => typeof info[k] !== 'string' || info[k] === '') : must;
        if (missing.length) {
          record('CreateOrder', 400);
          return springError(reply, 400, 'Bad Request', `Thiếu trường bắt buộc: ${missing.join(', ')}`, req.url);
        }
        if (info!.receiverDistrictCode !== 'VNPOST' && !/^\d{4}$/.test(String(info!.receiverDistrictCode))) {
          record('CreateOrder', 400);
          return springError(
            reply,
            400,
            'Bad Request',
            'receiverDistrictCode phải là "VNPOST" (2 cấp) hoặc mã quận/huyện 4 số',
            req.url,
          );
        }
        const o = newOrder('myvnpost', String(info!.saleOrderCode), b);
        record('CreateOrder', 200);
        if (faults.createTimeout) {
          await hang(); // the order exists; the caller never hears so
          return reply.status(504).send('Gateway Timeout');
        }
        return reply.send({ data: recordOf(o) });
      });
      api.get('/getOrder', { preHandler: guard }, async (req) => {
        const q = req.query as Record<string, string>;
        const key = q.type === '1' ? 'itemCode' : q.type === '3' ? 'originalID' : 'saleOrderCode';
        record('getOrder', 200);
        return [{ results: orders.filter((o) => o.route === 'myvnpost' && o[key] === q.code).map(recordOf) }];
      });
      api.get('/GetStatusHistoryOrder', { preHandler: guard }, async (req) => {
        const q = req.query as Record<string, string>;
        const o = orders.find((x) => (q.type === '2' ? x.saleOrderCode : x.itemCode) === q.code);
        record('GetStatusHistoryOrder', 200);
        if (!o) return { data: [] };
        return {
          data: [
            {
              itemCode: o.itemCode,
              statusHistory: o.history.map((h) => ({
                ...(({ date, hour }) => ({ createdDate: date, createdHour: hour }))(ddmmyyyy(h.at)),
                statusCode: h.statusCode,
                statusName: h.statusName,
              })),
            },
          ],
        };
      });
      api.post('/orderCancel', { preHandler: guard }, async (req) => {
        const id = (req.body as { OriginalId?: unknown } | undefined)?.OriginalId;
        const o = orders.find((x) => x.originalID === id);
        record('orderCancel', 200);
        // Only orders not yet picked up can be cancelled [code X4].
        if (!o) return { Type: '01', Message: 'Không tìm thấy đơn hàng', CaseId: null };
        if (o.status >= 6) return { Type: '03', Message: 'Đơn hàng đã được thu gom, không thể hủy', CaseId: null };
        await setStatus(o, 9);
        o.path = [9];
        return { Type: '00', Message: 'Hủy thành công', CaseId: `C${o.orderHdrID}` };
      });
      api.get('/getNewProvinceAll', { preHandler: guard }, async () => (record('getNewProvinceAll', 200), provinces));
      api.get('/getNewCommuneAll', { preHandler: guard }, async () => (record('getNewCommuneAll', 200), communes));
    },
    { prefix: '/customer-partner' },
  );

  // ---- HCC/BCCI order through NGSP/LGSP ----------------------------------------------------------------
  const hccTokens = new Map<string, number>();
  await app.register(
    async (hcc) => {
      hcc.addHook('onRequest', async (req, reply) => {
        if (faults.outage) {
          record(req.url, 503);
          return reply.status(503).send('Service Unavailable');
        }
      });
      const bearer = async (req: FastifyRequest, reply: FastifyReply) => {
        const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
        if (!m || faults.expireTokens || (hccTokens.get(m[1]!) ?? 0) <= now()) {
          record(req.url, 401);
          return reply.status(401).send({ error: 'invalid_token' });
        }
      };
      hcc.post('/token', async (req, reply) => {
        const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
        const [key, secret] = m ? Buffer.from(m[1]!, 'base64').toString().split(':') : [];
        const grant = (req.body as Record<string, unknown> | undefined)?.grant_type;
        if (
          grant !== 'client_credentials' ||
          !key ||
          !secret ||
          !sameSecret(key, cfg.hccKey) ||
          !sameSecret(secret, cfg.hccSecret)
        ) {
          record('hcc/token', 401);
          return reply.status(401).send({ error: 'invalid_client' });
        }
        const t = randomBytes(24).toString('base64url');
        hccTokens.set(t, now() + cfg.tokenTtlMs);
        if (faults.expireTokens) faults = { ...faults, expireTokens: false };
        record('hcc/token', 200);
        return { access_token: t, token_type: 'Bearer', expires_in: Math.floor(cfg.tokenTtlMs / 1000) };
      });
      hcc.post('/order', { preHandler: bearer }, async (req) => {
        const b = (req.body ?? {}) as Record<string, unknown>;
        record('hcc/order', 200);
        if (
          typeof b.OrderNumber !== 'string' ||
          !b.OrderNumber ||
          typeof b.ReceiverName !== 'string' ||
          typeof b.ReceiverAddress !== 'string'
        ) {
          return { Status: '102', Message: 'Thiếu thông tin đơn hàng' };
        }
        const o = newOrder('hcc', b.OrderNumber, b);
        o.status = 1;
        o.path = [1, 2, 3, 4]; // HCC StatusCode: only 4 = delivered is known [code O5]; 1–3 are the sandbox's
        return { Status: '100', Message: 'Thành công' };
      });
      hcc.get('/tracking', { preHandler: bearer }, async (req) => {
        const q = req.query as Record<string, string>;
        const size = Math.min(500, Math.max(1, Number(q.pagesize) || 100));
        const events = orders
          .filter((o) => o.route === 'hcc')
          .flatMap((o) =>
            o.history.map((h, i) => ({ oid: `${String(h.at).padStart(15, '0')}${o.orderHdrID.padStart(6, '0')}${i}`, o, h })),
          )
          .sort((a, b) => (a.oid < b.oid ? -1 : 1))
          .filter((e) => !q.lastId || e.oid > q.lastId)
          .slice(0, size);
        record('hcc/tracking', 200);
        return {
          _size: events.length,
          _total_pages: 1,
          _returned: events.length,
          _embedded: {
            'rh:doc': events.map((e) => ({
              _id: { $oid: e.oid },
              CustomerCode: cfg.customerCode,
              OrderNumber: e.o.saleOrderCode,
              EventTime: e.h.at,
              POSID: '100000',
              ItemCode: e.o.itemCode,
              StatusCode: e.h.statusCode,
              StatusMessage: e.h.statusCode === 4 ? 'Phát thành công' : `Bước ${e.h.statusCode}`,
              Notes: '',
            })),
          },
        };
      });
    },
    { prefix: '/hcc' },
  );

  // ---- inspection and fault switches -------------------------------------------------------------------
  app.get('/_admin/orders', async (req) => {
    const code = (req.query as Record<string, string>).saleOrderCode;
    const list = orders.filter((o) => !code || o.saleOrderCode === code);
    return {
      count: list.length,
      orders: list.map((o) => ({ route: o.route, ...recordOf(o), history: o.history, body: o.body })),
    };
  });
  app.get('/_admin/calls', async () => ({ calls }));
  app.get('/_admin/webhooks', async () => ({ webhooks }));
  app.get('/_admin/public-key', async (_req, reply) => reply.type('application/x-pem-file').send(publicKeyPem));
  app.post('/_admin/faults', async (req) => {
    const b = (req.body ?? {}) as Partial<Faults>;
    faults = { ...faults, ...Object.fromEntries(Object.entries(b).filter(([k, v]) => k in noFaults && typeof v === 'boolean')) };
    return { faults };
  });
  app.post('/_admin/advance', async () => ({ moved: await advanceAll() }));
  app.post('/_admin/orders/:code/path', async (req, reply) => {
    const { code } = req.params as { code: string };
    const path = (req.body as { path?: unknown } | undefined)?.path;
    const o = orders.find((x) => x.saleOrderCode === code);
    if (!o || !Array.isArray(path) || !path.every((n) => Number.isInteger(n)))
      return reply.status(400).send({ error: 'unknown order or bad path' });
    o.path = [o.status, ...(path as number[])];
    return { ok: true };
  });
  app.post('/_admin/webhook-url', async (req) => {
    const url = (req.body as { url?: unknown } | undefined)?.url;
    webhookUrl = typeof url === 'string' && /^https?:\/\//.test(url) ? url : undefined;
    return { webhookUrl };
  });
  app.post('/_admin/reset', async () => {
    orders = [];
    calls = [];
    webhooks = [];
    tokens.clear();
    hccTokens.clear();
    faults = { ...noFaults };
    return { ok: true };
  });
};

export default vnpostPeer as unknown as SandboxPeer;
