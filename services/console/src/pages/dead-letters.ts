import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageKit } from '../app.js';
import { html, qs, type Html } from '../lib/html.js';
import { fmtTime, t } from '../lib/i18n.js';
import { createDeadLetterStore, type DeadLetterFilter, type DeadLetterRow, type Viewer } from '../lib/dead-letters.js';
import { createReplayer } from '../lib/replay.js';
import { hasRole, OPERATOR, READ_ROLES, type ViewContext } from '../web/context.js';
import { csrfField, flash, reasonField } from '../web/layout.js';
import { AGENCY, InputReader, MA_HO_SO } from '../web/input.js';

/** Most dead letters one replay may take (the preview shows the exact set). */
export const MAX_REPLAY = 500;

function readFilter(src: unknown, visibleTo: Viewer): { f: DeadLetterFilter; errors: string[] } {
  const q = new InputReader(src);
  const f: DeadLetterFilter = {
    visibleTo,
    reason: q.str('reason_q', { max: 100 }),
    agency: q.str('agency', { max: 40, pattern: AGENCY }),
    maHoSo: q.str('maHoSo', { max: 100, pattern: MA_HO_SO }),
    topic: q.str('topic', { max: 200, pattern: /^[A-Za-z0-9._-]+\.dlq$/ }),
    from: q.date('from'),
    to: q.date('to'),
    includeReplayed: q.str('replayed', { max: 1, pattern: /^1$/ }) === '1',
  };
  return { f, errors: q.errors };
}

const stateKey = { open: 'stateOpen', replaying: 'stateReplaying', replayed: 'stateReplayed' } as const;

export function deadLetterRoutes(kit: PageKit): void {
  const { deps } = kit;
  const store = createDeadLetterStore(deps.pool);
  const replayer = createReplayer({
    backends: deps.backends,
    nationalSyncGroup: deps.nationalSyncGroup,
    ...(deps.genericReplay ? { generic: deps.genericReplay } : {}),
  });

  const filterHidden = (f: DeadLetterFilter) =>
    html`${Object.entries({
      reason_q: f.reason,
      agency: f.agency,
      maHoSo: f.maHoSo,
      topic: f.topic,
      from: f.from,
      to: f.to,
      replayed: f.includeReplayed ? '1' : undefined,
    })
      .filter(([, v]) => v)
      .map(([k, v]) => html`<input type="hidden" name="${k}" value="${String(v)}">`)}`;

  function table(c: ViewContext, rows: DeadLetterRow[], selectable: boolean): Html {
    // A replayed row is selectable only as an explicit re-replay (the "again" box of the form).
    return html`<div class="table-wrap"><table data-testid="dead-letters"><thead><tr>
${selectable ? html`<th scope="col"><span class="sr-only">${t(c.lang, 'select')}</span></th>` : ''}
<th scope="col">${t(c.lang, 'dlqTopic')}</th><th scope="col">${t(c.lang, 'consumer')}</th><th scope="col">${t(c.lang, 'maHoSo')}</th><th scope="col">${t(c.lang, 'errorCode')}</th><th scope="col">${t(c.lang, 'reason')}</th><th scope="col">${t(c.lang, 'attempts')}</th><th scope="col">${t(c.lang, 'firstAt')}</th><th scope="col">${t(c.lang, 'lastAt')}</th><th scope="col">${t(c.lang, 'status')}</th></tr></thead>
<tbody>${rows.map(
      (r) => html`<tr data-id="${r.id}">
${selectable ? html`<td><input type="checkbox" name="ids" value="${r.id}" id="dl-${r.id}" ${r.state === 'replaying' ? 'disabled' : ''} aria-label="${t(c.lang, 'select')} ${r.maHoSo ?? r.eventId}"></td>` : ''}
<td>${r.dlqTopic}</td><td>${r.consumerGroup}${replayer.supports(r) ? '' : html` <small class="muted">(${t(c.lang, 'replayUnsupported')})</small>`}</td>
<td>${r.maHoSo ? html`<a href="/ho-so/${encodeURIComponent(r.maHoSo)}">${r.maHoSo}</a>` : r.eventId}</td>
<td>${r.errorCode ?? '—'}${r.portalCode ? html` · ${r.portalCode}` : ''}</td><td class="reason">${r.reason ?? '—'}</td>
<td class="num">${r.attempts}${r.failures > 1 ? html` · ×${r.failures}` : ''}</td><td>${fmtTime(r.firstAt, c.lang)}</td><td>${fmtTime(r.lastAt, c.lang)}</td>
<td><span class="badge ${r.state}">${t(c.lang, stateKey[r.state])}</span></td></tr>`,
    )}</tbody></table></div>`;
  }

  async function listPage(req: FastifyRequest, reply: FastifyReply, message?: Html) {
    const op = req.operator!;
    const { f, errors } = readFilter(req.query, op.client);
    // Scoped in the query (lib/dead-letters.ts): a letter of no known agency reaches '*' officers only.
    const rows = await store.list(f, 200);
    const topics = await store.topics(op.client);
    const canReplay = hasRole(op, 'operator');
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'deadLetters'),
      (c) => html`
${message ?? ''}
${errors.length ? flash('error', `${t(c.lang, 'invalidInput')}: ${errors.join(', ')}`) : ''}
<p>${topics.map((x) => html`<a class="chip" href="/thu-loi${qs({ topic: x.topic })}">${x.topic} <b>${x.open}</b></a> `)}</p>
<form method="get" action="/thu-loi" class="filters" role="search">
  <div><label for="q-r">${t(c.lang, 'reason')} / ${t(c.lang, 'errorCode')}</label><input id="q-r" name="reason_q" value="${f.reason ?? ''}" maxlength="100"></div>
  <div><label for="q-a">${t(c.lang, 'agency')}</label><input id="q-a" name="agency" value="${f.agency ?? ''}" maxlength="40"></div>
  <div><label for="q-m">${t(c.lang, 'maHoSo')}</label><input id="q-m" name="maHoSo" value="${f.maHoSo ?? ''}" maxlength="100"></div>
  <div><label for="q-f">${t(c.lang, 'from')}</label><input id="q-f" name="from" type="date" value="${f.from ?? ''}"></div>
  <div><label for="q-t">${t(c.lang, 'to')}</label><input id="q-t" name="to" type="date" value="${f.to ?? ''}"></div>
  ${f.topic ? html`<input type="hidden" name="topic" value="${f.topic}">` : ''}
  <div class="check"><input id="q-rp" name="replayed" value="1" type="checkbox" ${f.includeReplayed ? 'checked' : ''}><label for="q-rp">${t(c.lang, 'showReplayed')}</label></div>
  <div class="buttons"><button type="submit">${t(c.lang, 'filter')}</button></div>
</form>
${
  rows.length
    ? canReplay
      ? html`<form method="post" action="/thu-loi/xem-truoc">${csrfField(c)}${filterHidden(f)}
${table(c, rows, true)}
${f.includeReplayed ? html`<div class="check"><input id="dl-again" name="again" value="1" type="checkbox"><label for="dl-again">${t(c.lang, 'replayAgain')}</label></div>` : ''}
<div class="buttons"><button type="submit" name="mode" value="selected">${t(c.lang, 'replaySelected')}</button>
<button type="submit" name="mode" value="filter">${t(c.lang, 'replayFiltered')}</button></div></form>`
      : table(c, rows, false)
    : html`<p class="muted" data-testid="no-dead-letters">${t(c.lang, 'noResults')}</p>`
}`,
    );
  }

  kit.route('GET', '/thu-loi', { roles: READ_ROLES }, async (req, reply) => listPage(req, reply));

  // Step 1: the exact set a replay would take, with its count; nothing changes yet.
  kit.route('POST', '/thu-loi/xem-truoc', { roles: OPERATOR }, async (req, reply) => {
    const body = new InputReader(req.body);
    const mode = body.str('mode', { max: 10, pattern: /^(selected|filter)$/ });
    const ids = body.list('ids', { max: 20, pattern: /^\d{1,18}$/, maxItems: MAX_REPLAY });
    const again = body.str('again', { max: 1, pattern: /^1$/ }) === '1';
    const op = req.operator!;
    const { f, errors } = readFilter(req.body, op.client);
    if (!mode || errors.length || body.errors.length || (mode === 'selected' && ids.length === 0)) {
      return listPage(
        req,
        reply.status(400),
        flash(
          'error',
          `${t(req.lang, 'invalidInput')}: ${[...errors, ...body.errors, ...(ids.length ? [] : ['ids'])].join(', ')}`,
        ),
      );
    }
    // Open letters, and replayed ones only when the operator ticked "again"; never one being replayed.
    const rows = (
      await store.list(
        mode === 'selected'
          ? { visibleTo: op.client, ids, includeReplayed: again }
          : { ...f, includeReplayed: again && !!f.includeReplayed },
        MAX_REPLAY,
      )
    ).filter((r) => r.state === 'open' || (again && r.state === 'replayed'));
    // national-sync replays a whole dossier: its other open letters go too, so the preview shows them and
    // the replay claims them (the set replayed is the set previewed).
    const chosen = new Set(rows.map((r) => r.id));
    let companions = 0;
    for (const r of rows.filter((x) => replayer.byDossier(x))) {
      if (rows.length >= MAX_REPLAY) break;
      const same = await store.list({ visibleTo: op.client, maHoSo: r.maHoSo!, topic: r.dlqTopic }, MAX_REPLAY);
      for (const x of same) {
        if (x.state !== 'open' || x.consumerGroup !== r.consumerGroup || chosen.has(x.id) || rows.length >= MAX_REPLAY) continue;
        chosen.add(x.id);
        rows.push(x);
        companions++;
      }
    }
    const repeats = rows.filter((r) => r.state === 'replayed').length;
    return kit.render(
      req,
      reply,
      (c) => `${t(c.lang, 'replay')} · ${t(c.lang, 'deadLetters')}`,
      (c) => html`
<p class="notice warn" role="status" data-testid="replay-preview">${t(c.lang, 'replayPreview', { n: rows.length })}</p>
${repeats ? html`<p class="notice warn" data-testid="replay-again">${t(c.lang, 'replayAgainPreview', { n: repeats })}</p>` : ''}
${companions ? html`<p class="notice warn" data-testid="replay-dossier-wide">${t(c.lang, 'replayDossierWide', { n: companions })}</p>` : ''}
${table(c, rows, false)}
${
  rows.length
    ? html`<form method="post" action="/thu-loi/phat-lai" class="stack card narrow">${csrfField(c)}
${rows.map((r) => html`<input type="hidden" name="ids" value="${r.id}">`)}
<input type="hidden" name="expected" value="${rows.length}">
${repeats ? html`<input type="hidden" name="again" value="1">` : ''}
${reasonField(c.lang, 'replay-reason')}
<button type="submit">${t(c.lang, 'replay')} (${rows.length})</button></form>`
    : ''
}
<p><a href="/thu-loi">${t(c.lang, 'back')}</a></p>`,
    );
  });

  // Step 2: replay exactly the previewed set, to the consumer that failed; acknowledged ones leave the list.
  kit.route('POST', '/thu-loi/phat-lai', { roles: OPERATOR }, async (req, reply) => {
    const body = new InputReader(req.body);
    const ids = body.list('ids', { max: 20, pattern: /^\d{1,18}$/, maxItems: MAX_REPLAY });
    const expected = body.int('expected', 1, MAX_REPLAY);
    const again = body.str('again', { max: 1, pattern: /^1$/ }) === '1';
    const reason = body.reason();
    const op = req.operator!;
    if (!reason) return listPage(req, reply.status(400), flash('error', t(req.lang, 'reasonRequired')));
    if (ids.length === 0 || expected !== ids.length || body.errors.length) {
      return listPage(
        req,
        reply.status(400),
        flash('error', `${t(req.lang, 'invalidInput')}: ${[...body.errors, 'ids'].join(', ')}`),
      );
    }
    const actionId = await deps.actions.record({
      clientId: op.client.id,
      action: 'replay-dead-letters',
      target: `dead-letters:${ids.length}`,
      reason,
      outcome: 'ok',
      detail: { ids, requested: ids.length, again },
    });
    // Exactly the previewed ids, claimed in one statement: within the officer's agencies (checked on each
    // letter's own agency), open — or replayed, when "again" was asked — and not being replayed elsewhere.
    const claimed = await store.claim(ids, actionId, { visibleTo: op.client, again });
    const outcomes = await replayer.replay(claimed, op.apiKey);
    const delivered = outcomes.filter((o) => o.delivered);
    const refused = outcomes.filter((o) => !o.delivered);
    await store.acknowledged(delivered.map((o) => o.id));
    const was = new Map(claimed.map((r) => [r.id, r.was]));
    await store.release(refused.map((o) => ({ id: o.id, was: was.get(o.id) ?? 'open' })));
    // The outcome is its own entry (the log is append-only): what went and how, what stayed and why.
    await deps.actions.record({
      clientId: op.client.id,
      action: 'replay-dead-letters-result',
      target: `action:${actionId}`,
      reason,
      outcome: refused.length === 0 && claimed.length === ids.length ? 'ok' : delivered.length ? 'partial' : 'failed',
      detail: {
        delivered: delivered.map((o) => ({ id: o.id, via: o.via })),
        replayedAgain: claimed.filter((r) => r.was === 'replayed').map((r) => r.id),
        notDelivered: refused.map((o) => ({ id: o.id, message: o.message })),
        notClaimed: ids.filter((id) => !was.has(id)),
      },
    });
    deps.feed.deadLettersChanged();
    const viaKafka = delivered.filter((o) => o.via === 'kafka').length;
    const viaSync = delivered.filter((o) => o.via === 'national-sync').length;
    const notClaimed = ids.length - claimed.length;
    const msg = html`${viaKafka ? flash('ok', t(req.lang, 'replayCommitted', { n: viaKafka })) : ''}${viaSync ? flash('ok', t(req.lang, 'replayAccepted', { n: viaSync })) : ''}${refused.length ? flash('error', `${t(req.lang, 'failed')} (${refused.length}): ${[...new Set(refused.map((o) => o.message))].join('; ')}`) : ''}${notClaimed ? flash('error', t(req.lang, 'replayNotClaimed', { n: notClaimed })) : ''}`;
    return listPage(req, delivered.length === 0 ? reply.status(refused.length ? 502 : 409) : reply, msg);
  });
}
