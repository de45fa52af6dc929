import type {} from '@fastify/swagger'; // OpenAPI fields (summary, tags, hide) on route schemas
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PaymentStore } from '../ledger/payment-store.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import type { Provider } from '../provider.js';
import type { VnpayAdapter } from '../providers/vnpay-adapter.js';
import type { MomoAdapter } from '../providers/momo-adapter.js';

/** A citizen's browser lands here from the provider: no key, and the page only shows what the ledger says. */
const RETURN_ACCESS = { access: { public: "citizen's browser return page: shows the ledger's state, changes nothing" } } as const;

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const statusText: Record<PaymentRecord['status'], [string, string]> = {
  created: ['Đang khởi tạo giao dịch', 'Payment being created'],
  pending: ['Đang chờ xác nhận thanh toán từ cổng thanh toán', 'Waiting for the payment provider to confirm'],
  paid: ['Thanh toán thành công', 'Payment confirmed'],
  failed: ['Thanh toán không thành công', 'Payment failed'],
  expired: ['Giao dịch đã hết hạn', 'Payment expired'],
};

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

function page(
  reply: FastifyReply,
  status: number,
  title: [string, string],
  p?: PaymentRecord,
  note?: [string, string],
): FastifyReply {
  const link = p ? backLink(p) : '';
  const html = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title[0])}</title></head>
<body style="font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">
<h1>${escapeHtml(title[0])}</h1><p lang="en">${escapeHtml(title[1])}</p>
${p ? `<p>Hồ sơ / Dossier: <b>${escapeHtml(p.maHoSo)}</b><br>Số tiền / Amount: <b>${escapeHtml(p.amount.toLocaleString('vi-VN'))} VND</b></p>` : ''}
${note ? `<p>${escapeHtml(note[0])}<br><span lang="en">${escapeHtml(note[1])}</span></p>` : ''}
${link ? `<p><a href="${escapeHtml(link)}">Quay lại hệ thống một cửa / Back to the service portal</a></p>` : ''}
</body></html>`;
  // The page shows state and links out; it is never framed by another site and caches nothing.
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .send(html);
}

/**
 * Browser return URLs [V1 §1.4][M2]: display only. The provider's parameters are verified to pick the
 * payment, then the page shows what the *ledger* says — which only a server-to-server notification or
 * reconciliation changes. A success in the URL while the ledger still says pending is shown as "waiting".
 */
export function returnPages(app: FastifyInstance, deps: { store: PaymentStore; vnpay?: VnpayAdapter; momo?: MomoAdapter }): void {
  const show = async (
    reply: FastifyReply,
    provider: Provider,
    merchant: string | undefined,
    orderRef: string | undefined,
    providerSaysPaid: boolean | undefined,
  ) => {
    const p = orderRef
      ? merchant
        ? await deps.store.findByOrderRef(provider, merchant, orderRef)
        : await deps.store.findByProviderRef(provider, orderRef)
      : undefined;
    if (!p) return page(reply, 404, ['Không tìm thấy giao dịch', 'Payment not found']);
    const note: [string, string] | undefined =
      p.status === 'pending' && providerSaysPaid
        ? [
            'Cổng thanh toán báo đã trừ tiền; hệ thống sẽ xác nhận trong ít phút.',
            'The provider reports a payment; it will be confirmed within minutes.',
          ]
        : undefined;
    return page(reply, 200, statusText[p.status], p, note);
  };

  app.get('/v1/return/vnpay', { schema: { hide: true }, config: RETURN_ACCESS }, async (req, reply) => {
    const check = deps.vnpay?.verifyCallback(req.query);
    if (!check?.ok) return page(reply, 400, ['Không xác thực được kết quả thanh toán', 'Could not verify the payment result']);
    return show(reply, 'vnpay', check.merchant, check.orderRef, check.verdict.kind === 'paid');
  });

  app.get('/v1/return/momo', { schema: { hide: true }, config: RETURN_ACCESS }, async (req, reply) => {
    const check = deps.momo?.verifyNotification(req.query);
    if (!check?.ok) return page(reply, 400, ['Không xác thực được kết quả thanh toán', 'Could not verify the payment result']);
    return show(reply, 'momo', check.merchant, check.orderRef, check.verdict.kind === 'paid');
  });

  // PayGov's return parameters are not documented anywhere we could read (§4): the page only looks the
  // payment up by its reference and shows the ledger, trusting nothing else in the URL.
  app.get('/v1/return/paygov', { schema: { hide: true }, config: RETURN_ACCESS }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const ref = typeof q.MaThamChieu === 'string' && /^[A-Za-z0-9_.-]{1,255}$/.test(q.MaThamChieu) ? q.MaThamChieu : undefined;
    if (!ref) return page(reply, 400, ['Thiếu mã tham chiếu', 'Missing payment reference']);
    return show(reply, 'paygov', undefined, ref, undefined);
  });
}
