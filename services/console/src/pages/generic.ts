import { html, type Html } from '../lib/html.js';
import { fmtNationalTime, fmtNumber, fmtTime, type Lang } from '../lib/i18n.js';

/** The first array of objects in a service's answer (`items`, `entries`, `indicators`, … or the body itself). */
export function rowsOf(
  body: unknown,
  keys: string[] = ['items', 'entries', 'indicators', 'dossiers', 'rows', 'results', 'data'],
): Record<string, unknown>[] {
  if (Array.isArray(body)) return body.filter((x) => x && typeof x === 'object') as Record<string, unknown>[];
  if (body && typeof body === 'object') {
    for (const k of keys) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v.filter((x) => x && typeof x === 'object') as Record<string, unknown>[];
    }
  }
  return [];
}

const TIME_KEY = /(^at$|time|At$|_at$|date|Date|^Ngay)/;

export function cell(k: string, v: unknown, lang: Lang): Html | string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return fmtNumber(v, lang, 2);
  if (typeof v === 'boolean') return v ? '✓' : '✗';
  if (typeof v === 'string') {
    if (TIME_KEY.test(k) && /^\d{4}-\d{2}-\d{2}T/.test(v)) return fmtTime(v, lang);
    if (TIME_KEY.test(k)) return fmtNationalTime(v.slice(0, 300));
    return v.slice(0, 300);
  }
  return JSON.stringify(v).slice(0, 300);
}

/** A table of a service's rows, columns in the order the first row gives them (at most `max`). */
export function genericTable(
  rows: Record<string, unknown>[],
  lang: Lang,
  opts: { testid: string; max?: number; link?: (r: Record<string, unknown>) => string | undefined; hide?: string[] },
): Html {
  if (!rows.length) return html``;
  const cols = [...new Set(rows.slice(0, 20).flatMap((r) => Object.keys(r)))]
    .filter((c) => !(opts.hide ?? []).includes(c))
    .slice(0, opts.max ?? 10);
  return html`<div class="table-wrap"><table data-testid="${opts.testid}"><thead><tr>${cols.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>${rows.slice(0, 500).map((r) => {
    const href = opts.link?.(r);
    return html`<tr>${cols.map((c, i) => html`<td>${i === 0 && href ? html`<a href="${href}">${cell(c, r[c], lang)}</a>` : cell(c, r[c], lang)}</td>`)}</tr>`;
  })}</tbody></table></div>`;
}
