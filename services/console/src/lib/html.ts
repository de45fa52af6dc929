/**
 * Server-side HTML with strict escaping. Every view builds its markup with the `html` tag: each
 * interpolated value is escaped unless it is already an `Html` (built by this tag) or an array of them.
 * There is no other way to put text in a page, so untrusted strings (MaHoSo from a URL, a portal's error
 * message, a dead letter's reason) can never become markup. Attribute values are always double-quoted in
 * the templates; escaping `"` `'` `<` `>` `&` and the backtick makes a value safe in text and in quoted
 * attributes alike. URLs put in href go through {@link safeHref}.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESC[c]!);
}

export type Renderable = Html | string | number | boolean | null | undefined | readonly Renderable[];

function render(v: Renderable): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Renderable[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Markup the console itself wrote (never user data); the one escape hatch, used for constant snippets. */
export const trusted = (s: string) => new Html(s);

/** A relative console path or an http(s) URL; anything else (javascript:, data:) becomes '#'. */
export function safeHref(u: string): string {
  if (u.startsWith('/') && !u.startsWith('//')) return u;
  return /^https?:\/\//i.test(u) ? u : '#';
}

/** A query string from defined values only (encoded). */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
