import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance, FastifyReply } from 'fastify';
import { buildVietQrPayload, renderVietQrPng } from '@lienthong/vietqr';
import type { PaymentStore } from '../ledger/payment-store.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import type { Provider } from '../provider.js';
import type { VnpayAdapter } from '../providers/vnpay-adapter.js';
import type { MomoAdapter } from '../providers/momo-adapter.js';
import type { MerchantRegistry } from '../merchants.js';
import { UUID_PATTERN } from './payment-routes.js';

/** A citizen's browser lands here from the provider: no key, and the page only shows what the ledger says. */
const RETURN_ACCESS = { access: { public: "citizen's browser return page: shows the ledger's state, changes nothing" } } as const;

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** What the citizen reads, in plain Vietnamese first (issue 14 §5), English below. */
const statusText: Record<PaymentRecord['status'], { vi: string; en: string; tone: 'wait' | 'ok' | 'bad' }> = {
  created: { vi: 'Đang khởi tạo giao dịch…', en: 'Payment being created…', tone: 'wait' },
  pending: { vi: 'Đang chờ xác nhận thanh toán…', en: 'Waiting for the payment to be confirmed…', tone: 'wait' },
  paid: { vi: 'Đã thanh toán thành công', en: 'Paid', tone: 'ok' },
  failed: { vi: 'Thanh toán không thành công', en: 'Payment failed', tone: 'bad' },
  expired: { vi: 'Giao dịch đã hết hạn, chưa thanh toán', en: 'Expired, not paid', tone: 'bad' },
};

/**
 * How long the page keeps refreshing itself while the payment is open: every 3 s for 40 rounds (2 min)
 * after a card or wallet payment — the IPN normally follows within seconds —, every 5 s for 60 rounds
 * (5 min) while a bank transfer is awaited. Then a link to check again: bounded, so a tab left open does
 * not poll forever. A meta refresh needs no script, so the strict CSP stays.
 */
const REFRESH = { default: { seconds: 3, rounds: 40 }, vietqr: { seconds: 5, rounds: 60 } } as const;

export interface ReturnPagesDeps {
  store: PaymentStore;
  merchants: MerchantRegistry;
  publicUrl: string;
  vnpay?: VnpayAdapter;
  momo?: MomoAdapter;
}

/** Where the "back" link goes: the provincial system's URL, with our payment id and the ledger's status. */
function backLink(p: PaymentRecord): string {
  try {
    const u = new URL(p.returnUrl);
    u.searchParams.set('paymentId', p.paymentId);
    u.searchParams.set('status', p.status);
    return u.toString();
  } catch {
    return '';
  }
}

const isOpenStatus = (s: PaymentRecord['status']) => s === 'created' || s === 'pending';

async function renderPage(
  deps: ReturnPagesDeps,
  p: PaymentRecord | undefined,
  round: number,
  problem?: { vi: string; en: string },
): Promise<string> {
  const e = escapeHtml;
  const account = p ? deps.merchants.forAgency(p.agencyCode) : undefined;
  const agencyName = account?.display?.name ?? account?.name ?? '';
  const logo = account?.display?.logoUrl;
  const st = p ? statusText[p.status] : undefined;
  const open = p !== undefined && isOpenStatus(p.status);
  const refresh = p?.provider === 'vietqr' ? REFRESH.vietqr : REFRESH.default;
  const statusUrl = p ? `${deps.publicUrl}/v1/return/status/${p.paymentId}` : '';
  const meta =
    open && round < refresh.rounds
      ? `<meta http-equiv="refresh" content="${refresh.seconds};url=${e(`${statusUrl}?r=${round + 1}`)}">`
      : '';
  let qr = '';
  if (open && p?.provider === 'vietqr' && p.transferCode && account?.vietqr) {
    const a = account.vietqr;
    const payload = buildVietQrPayload({
      bin: a.bin,
      account: a.accountNumber,
      amount: p.amount,
      purpose: p.transferCode,
      billNumber: p.transferCode,
    });
    const png = (await renderVietQrPng(payload, { width: 280 })).toString('base64');
    qr = `<section class="qr"><img alt="Mã VietQR" width="280" height="280" src="data:image/png;base64,${png}">
<p>Quét mã bằng ứng dụng ngân hàng, hoặc chuyển khoản:</p>
<dl><dt>Ngân hàng (BIN)</dt><dd>${e(a.bin)}</dd><dt>Số tài khoản</dt><dd>${e(a.accountNumber)}</dd>
${a.accountName ? `<dt>Chủ tài khoản</dt><dd>${e(a.accountName)}</dd>` : ''}
<dt>Số tiền</dt><dd>${e(p.amount.toLocaleString('vi-VN'))} đ</dd><dt>Nội dung (bắt buộc)</dt><dd><b id="transfer-code">${e(p.transferCode)}</b></dd></dl>
<p class="small">Chuyển đúng số tiền và giữ nguyên nội dung để hệ thống tự xác nhận.</p></section>`;
  }
  const refunded =
    p && p.refundedAmount > 0 ? `<p>Đã hoàn / yêu cầu hoàn: <b>${e(p.refundedAmount.toLocaleString('vi-VN'))} đ</b></p>` : '';
  const link = p ? backLink(p) : '';
  const title = st ?? problem ?? { vi: 'Không tìm thấy giao dịch', en: 'Payment not found', tone: 'bad' as const };
  const tone = st?.tone ?? 'bad';
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${meta}
<title>${e(title.vi)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1a1a1a}
header{display:flex;align-items:center;gap:.75rem;border-bottom:1px solid #ddd;padding-bottom:.5rem}
header img{max-height:48px;max-width:48px}
h1{font-size:1.5rem;margin:1rem 0 .25rem}
.ok{color:#116b2f}.bad{color:#a11}.wait{color:#8a5a00}
.en{color:#555;margin-top:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{color:#555}dd{margin:0;word-break:break-all}
.qr img{display:block;margin:1rem auto;max-width:100%;height:auto}.small{font-size:.9rem;color:#555}
a.button{display:inline-block;padding:.6rem 1rem;border:1px solid #0a58ca;border-radius:.4rem;text-decoration:none}
</style></head>
<body>
<header>${logo ? `<img src="${e(logo)}" alt="">` : ''}<div>${e(agencyName)}</div></header>
<h1 id="status" class="${tone}" data-status="${p ? e(p.status) : 'unknown'}">${e(title.vi)}</h1><p class="en" lang="en">${e(title.en)}</p>
${p ? `<dl><dt>Hồ sơ</dt><dd>${e(p.maHoSo)}</dd><dt>Số tiền</dt><dd>${e(p.amount.toLocaleString('vi-VN'))} đ</dd><dt>Mã giao dịch</dt><dd>${e(p.orderRef)}</dd></dl>` : ''}
${refunded}${qr}
${open ? (meta ? '<p class="small">Trang tự cập nhật khi có kết quả.</p>' : `<p><a class="button" href="${e(`${statusUrl}?r=0`)}">Kiểm tra lại</a></p>`) : ''}
${link ? `<p><a href="${e(link)}">Quay lại hệ thống một cửa</a></p>` : ''}
</body></html>`;
}

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  // The page shows state and links out; it is never framed by another site and caches nothing. Images:
  // the QR (data:) and the agency's logo (https).
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:")
    .send(html);
}

const roundOf = (q: unknown): number => {
  const r = (q as Record<string, unknown> | undefined)?.r;
  return typeof r === 'string' && /^[0-9]{1,3}$/.test(r) ? Number(r) : 0;
};

/**
 * Browser return URLs [V1 §1.4][M2] and the citizen's status page. Display only: the provider's
 * parameters are verified to pick the payment, then the page shows what the *ledger* says — which only a
 * server-to-server notification or reconciliation changes — and refreshes itself (bounded) while the
 * payment is open, so the page that said "waiting" says "paid" once the IPN lands (issue 14 §5).
 */
export function returnPages(app: FastifyInstance, deps: ReturnPagesDeps): void {
  const show = async (reply: FastifyReply, p: PaymentRecord | undefined, round = 0) =>
    send(reply, p ? 200 : 404, await renderPage(deps, p, round));
  const refuse = async (reply: FastifyReply, vi: string, en: string) =>
    send(reply, 400, await renderPage(deps, undefined, 0, { vi, en }));
  const byRef = (provider: Provider, merchant: string | undefined, orderRef: string) =>
    merchant ? deps.store.findByOrderRef(provider, merchant, orderRef) : deps.store.findByProviderRef(provider, orderRef);

  app.get('/v1/return/vnpay', { schema: { hide: true }, config: RETURN_ACCESS }, async (req, reply) => {
    const check = deps.vnpay?.verifyCallback(req.query);
    if (!check?.ok) return refuse(reply, 'Không xác thực được kết quả thanh toán', 'Could not verify the payment result');
    return show(reply, await byRef('vnpay', check.merchant, check.orderRef));
  });

  app.get('/v1/return/momo', { schema: { hide: true }, config: RETURN_ACCESS }, async (req, reply) => {
    const check = deps.momo?.verifyNotification(req.query);
    if (!check?.ok) return refuse(reply, 'Không xác thực được kết quả thanh toán', 'Could not verify the payment result');
    return show(reply, await byRef('momo', check.merchant, check.orderRef));
  });

  // PayGov's and VNPT Pay's return parameters are not documented anywhere we could read (§4; vnptpay §1.4):
  // the page only looks the payment up by its reference and shows the ledger, trusting nothing else.
  const refPage = (path: string, provider: Provider, param: string) =>
    app.get(path, { schema: { hide: true }, config: RETURN_ACCESS }, async (req, reply) => {
      const v = (req.query as Record<string, unknown>)[param];
      const ref = typeof v === 'string' && /^[A-Za-z0-9_.-]{1,255}$/.test(v) ? v : undefined;
      if (!ref) return refuse(reply, 'Thiếu hoặc sai mã tham chiếu', 'Missing or malformed payment reference');
      return show(reply, await byRef(provider, undefined, ref));
    });
  refPage('/v1/return/paygov', 'paygov', 'MaThamChieu');
  refPage('/v1/return/vnptpay', 'vnptpay', 'MERCHANT_ORDER_ID');

  const idPage = async (id: unknown, round: number, reply: FastifyReply) => {
    if (typeof id !== 'string' || !new RegExp(UUID_PATTERN).test(id))
      return refuse(reply, 'Mã giao dịch không hợp lệ', 'Bad payment id');
    return show(reply, await deps.store.get(id), round);
  };
  // VietQR's "payment page" (the QR, then the result) and the refresh target of every page: by payment id
  // (a random UUID only the citizen's browser holds).
  app.get('/v1/return/vietqr', { schema: { hide: true }, config: RETURN_ACCESS }, async (req, reply) =>
    idPage((req.query as Record<string, unknown>).paymentId, roundOf(req.query), reply),
  );
  app.get<{ Params: { id: string } }>(
    '/v1/return/status/:id',
    { schema: { hide: true }, config: RETURN_ACCESS },
    async (req, reply) => idPage(req.params.id, roundOf(req.query), reply),
  );
}
