/** HTML of the simulated payment pages: what a citizen sees at the provider, reduced to the two choices that matter. */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const formatVnd = (n: number): string => `${n.toLocaleString('vi-VN')} ₫`;

export interface PayPageInput {
  provider: string;
  merchant: string;
  reference: string;
  amountVnd: number;
  description: string;
  /** Where both buttons post (`action=pay` or `action=cancel`). */
  actionUrl: string;
  expiresAt?: string;
}

/** The page with "Thanh toán" and "Hủy" buttons (payments: sandbox pay page). */
export function renderPayPage(p: PayPageInput): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>${e(p.provider)} sandbox</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:3rem auto}dt{color:#555}button{font-size:1.1rem;margin-right:1rem}</style></head>
<body>
<h1>${e(p.provider)} — sandbox</h1>
<p>Môi trường giả lập: không có tiền thật. / Simulator: no real money moves.</p>
<dl>
<dt>Đơn vị / Merchant</dt><dd>${e(p.merchant)}</dd>
<dt>Mã giao dịch / Reference</dt><dd id="reference">${e(p.reference)}</dd>
<dt>Số tiền / Amount</dt><dd id="amount">${e(formatVnd(p.amountVnd))}</dd>
<dt>Nội dung / Description</dt><dd>${e(p.description)}</dd>
${p.expiresAt ? `<dt>Hết hạn / Expires</dt><dd>${e(p.expiresAt)}</dd>` : ''}
</dl>
<form method="post" action="${e(p.actionUrl)}">
<button type="submit" name="action" value="pay" id="pay">Thanh toán / Pay</button>
<button type="submit" name="action" value="cancel" id="cancel">Hủy / Cancel</button>
</form>
</body></html>`;
}

/** A plain message page (errors, "already paid", "expired"). */
export function renderMessagePage(provider: string, title: string, detail: string, link?: string): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>${e(provider)} sandbox</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">
<h1>${e(title)}</h1><p>${e(detail)}</p>${link ? `<p><a href="${e(link)}">Quay lại / Back</a></p>` : ''}
</body></html>`;
}
