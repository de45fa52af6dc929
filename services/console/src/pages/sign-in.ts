import { ClientCertificateError } from '@lienthong/platform';
import type { PageKit } from '../app.js';
import { LANG_COOKIE, SESSION_COOKIE } from '../app.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { CONSOLE_ROLES, type ViewContext } from '../web/context.js';
import { csrfField, flash } from '../web/layout.js';
import { InputReader } from '../web/input.js';

/** Only a path of this console: `/x?y`, never `//host` or `https://…` (no open redirect). */
export function safeBack(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])[^\s]{0,500}$/.test(v) && !v.startsWith('/dang-') ? v : '/';
}

/** Sign-in attempts per client address per minute (a key is 256 bits, so this is about noise, not guessing). */
const ATTEMPTS_PER_MINUTE = 20;

export function signInRoutes(kit: PageKit): void {
  const { deps } = kit;
  const attempts = new Map<string, { n: number; until: number }>();
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: deps.cookieSecure, signed: true };

  kit.route('GET', '/dang-nhap', { anonymous: 'the sign-in page' }, async (req, reply) => {
    const q = new InputReader(req.query);
    const back = safeBack(q.str('back', { max: 500 }));
    if (req.operator) return reply.redirect(back, 303);
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'signInTitle'),
      (c) => signInForm(c, back),
    );
  });

  function signInForm(c: ViewContext, back: string, error?: string) {
    return html`${error ? flash('error', error) : ''}
<form method="post" action="/dang-nhap" class="card narrow">
  ${csrfField(c)}
  <input type="hidden" name="back" value="${back}">
  <p>${t(c.lang, 'signInHelp')}</p>
  <label for="apiKey">${t(c.lang, 'apiKey')}</label>
  <input id="apiKey" name="apiKey" type="password" required maxlength="512" autocomplete="current-password" spellcheck="false">
  <button type="submit">${t(c.lang, 'signIn')}</button>
</form>`;
  }

  kit.route('POST', '/dang-nhap', { anonymous: 'signing in (CSRF-checked form)' }, async (req, reply) => {
    const body = new InputReader(req.body);
    const back = safeBack(body.str('back', { max: 500 }));
    const key = body.str('apiKey', { max: 512, pattern: /^[\x21-\x7e]+$/ });
    const now = Date.now();
    const a = attempts.get(req.ip);
    if (a && a.until > now && a.n >= ATTEMPTS_PER_MINUTE) {
      return kit.render(
        req,
        reply,
        (c) => t(c.lang, 'signInTitle'),
        (c) => signInForm(c, back, t(c.lang, 'signInFailed')),
        { status: 429 },
      );
    }
    attempts.set(req.ip, a && a.until > now ? { n: a.n + 1, until: a.until } : { n: 1, until: now + 60_000 });
    let client;
    try {
      // The browser's connection: a key bound to a client certificate signs in only over TLS with it.
      client = key ? deps.clients.authenticate(`Bearer ${key}`, req.raw.socket) : undefined;
    } catch (err) {
      if (err instanceof ClientCertificateError)
        req.log.warn({ client: err.clientId, code: err.code }, 'console sign-in without the client certificate of the key');
      client = undefined;
    }
    if (!client || !key || !client.roles.some((r) => (CONSOLE_ROLES as readonly string[]).includes(r))) {
      req.log.info({ signIn: 'refused', known: !!client }, 'console sign-in refused');
      return kit.render(
        req,
        reply,
        (c) => t(c.lang, 'signInTitle'),
        (c) => signInForm(c, back, t(c.lang, 'signInFailed')),
        { status: 401 },
      );
    }
    const id = await deps.sessions.create(client.id, key);
    await deps.actions.record({ clientId: client.id, action: 'sign-in', target: 'console', reason: 'sign-in', outcome: 'ok' });
    req.log.info({ client: client.id }, 'console sign-in');
    // A fresh CSRF secret with the new session (no token from before sign-in stays valid).
    reply.clearCookie('lt_csrf', { path: '/' });
    reply.setCookie(SESSION_COOKIE, id, cookieOpts);
    return reply.redirect(back, 303);
  });

  kit.route('POST', '/dang-xuat', { roles: CONSOLE_ROLES }, async (req, reply) => {
    const raw = req.cookies[SESSION_COOKIE];
    const u = raw ? reply.unsignCookie(raw) : undefined;
    if (u?.valid && u.value) await deps.sessions.end(u.value);
    await deps.actions.record({
      clientId: req.operator!.client.id,
      action: 'sign-out',
      target: 'console',
      reason: 'sign-out',
      outcome: 'ok',
    });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie('lt_csrf', { path: '/' });
    return reply.redirect('/dang-nhap', 303);
  });

  kit.route('GET', '/ngon-ngu', { anonymous: 'language preference (a cookie, no data)' }, async (req, reply) => {
    const q = new InputReader(req.query);
    const l = q.str('l', { max: 2, pattern: /^(vi|en)$/ }) ?? 'vi';
    reply.setCookie(LANG_COOKIE, l, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.cookieSecure,
      maxAge: 365 * 24 * 3600,
    });
    return reply.redirect(safeBack(q.str('back', { max: 500 })), 303);
  });
}
