import { html, qs, type Html, type Renderable } from '../lib/html.js';
import { t, type Lang, type MessageKey } from '../lib/i18n.js';
import { hasRole, type ConsoleRole, type ViewContext } from './context.js';

const NAV: { href: string; key: MessageKey; roles: ConsoleRole[] }[] = [
  { href: '/', key: 'navOverview', roles: ['viewer', 'operator', 'auditor'] },
  { href: '/ho-so', key: 'navDossiers', roles: ['viewer', 'operator', 'auditor'] },
  { href: '/thu-loi', key: 'navDeadLetters', roles: ['viewer', 'operator', 'auditor'] },
  { href: '/gui-dvcqg', key: 'navDeliveries', roles: ['viewer', 'operator', 'auditor'] },
  { href: '/thanh-toan', key: 'navPayments', roles: ['viewer', 'operator', 'auditor'] },
  { href: '/chi-so-766', key: 'navIndicators', roles: ['viewer', 'operator', 'auditor'] },
  { href: '/qua-han', key: 'navOverdue', roles: ['viewer', 'operator', 'auditor'] },
  { href: '/buu-chinh', key: 'navPostal', roles: ['viewer', 'operator', 'auditor'] },
  { href: '/lien-thong-den', key: 'navInbound', roles: ['viewer', 'operator', 'auditor'] },
  { href: '/thong-bao', key: 'navNotifications', roles: ['viewer', 'operator', 'auditor'] },
  { href: '/kiem-toan', key: 'navAudit', roles: ['auditor'] },
  { href: '/nhat-ky', key: 'navActions', roles: ['operator', 'auditor'] },
];

function langToggle(c: ViewContext): Html {
  const other: Lang = c.lang === 'vi' ? 'en' : 'vi';
  return html`<a class="lang" href="/ngon-ngu${qs({ l: other, back: c.url })}" lang="${other}" hreflang="${other}">${t(c.lang, 'language')}</a>`;
}

/** The page shell: skip link, navigation for the operator's roles, the sign-out form (POST + CSRF). */
export function layout(
  c: ViewContext,
  title: string,
  body: Renderable,
  opts: { scripts?: string[]; printable?: boolean } = {},
): Html {
  const nav = c.operator
    ? html`<nav aria-label="${t(c.lang, 'appName')}"><ul>${NAV.filter((n) => hasRole(c.operator, ...n.roles)).map(
        (n) => html`<li><a href="${n.href}"${c.path === n.href ? html` aria-current="page"` : ''}>${t(c.lang, n.key)}</a></li>`,
      )}</ul></nav>`
    : '';
  const who = c.operator
    ? html`<div class="who"><span>${t(c.lang, 'signedInAs')} <strong data-testid="operator">${c.operator.client.id}</strong> (${c.operator.client.roles.filter((r) => r !== 'submitter').join(', ')})</span>
        <form method="post" action="/dang-xuat" class="inline"><input type="hidden" name="_csrf" value="${c.csrf}"><button type="submit">${t(c.lang, 'signOut')}</button></form></div>`
    : '';
  return html`<!doctype html>
<html lang="${c.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'>
<title>${title} · ${t(c.lang, 'appName')}</title>
<link rel="stylesheet" href="/assets/uPlot.min.css">
<link rel="stylesheet" href="/assets/console.css">
<script src="/assets/htmx.min.js" defer></script>
<script src="/assets/console.js" defer></script>
${(opts.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`)}
</head>
<body${opts.printable ? html` class="printable"` : ''}>
<a class="skip" href="#main">${t(c.lang, 'skip')}</a>
<header class="top">
  <a class="brand" href="/">${t(c.lang, 'appName')}</a>
  ${who}
  ${langToggle(c)}
</header>
${nav}
<main id="main" tabindex="-1">
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

/** The notice a page shows for a service that did not answer: the rest of the page still renders. */
export function unavailable(lang: Lang, name: string): Html {
  return html`<p class="notice warn" role="status" data-testid="unavailable"><strong>${t(lang, 'serviceUnavailable')}</strong> — ${t(lang, 'serviceUnavailableLong', { name })}</p>`;
}

export function flash(kind: 'ok' | 'error', text: string): Html {
  return html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}

/** The reason field every state-changing form carries. */
export function reasonField(lang: Lang, id: string): Html {
  return html`<label for="${id}">${t(lang, 'reason')}</label>
<input id="${id}" name="reason" required minlength="5" maxlength="500" aria-describedby="${id}-help" autocomplete="off">
<small id="${id}-help">${t(lang, 'reasonHelp')}</small>`;
}

export const csrfField = (c: ViewContext) => html`<input type="hidden" name="_csrf" value="${c.csrf}">`;
