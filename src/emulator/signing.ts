/**
 * The signing page served by the REST host for recipient view URLs: single use, short-lived,
 * a simple HTML page whose form posts Finish / Decline / Finish Later, then redirects to
 * returnUrl with `event=…` (reference §7).
 */
import type { Ctx, EmulatorImpl } from './core.js';
import { allRecipients, markDeclined, markDelivered, markSigned } from './envelopes.js';
import { esc, guid, htmlReply, readBody, redirectReply, type Reply } from './util.js';

const SESSION_TIMEOUT_MS = 20 * 60 * 1000;

/** Appends `event=…` to a return URL, keeping its own query (and fragment). */
export function withEvent(returnUrl: string, event: string): string {
  const hash = returnUrl.indexOf('#');
  const base = hash >= 0 ? returnUrl.slice(0, hash) : returnUrl;
  const frag = hash >= 0 ? returnUrl.slice(hash) : '';
  return `${base}${base.includes('?') ? '&' : '?'}event=${encodeURIComponent(event)}${frag}`;
}

function notFound(): Reply {
  return htmlReply(404, '<!doctype html><html><body><h1>This signing link is not valid.</h1></body></html>');
}

/** Dispatches /Signing/… requests. */
export async function handleSigning(emu: EmulatorImpl, ctx: Ctx): Promise<Reply> {
  const method = (ctx.req.method ?? 'GET').toUpperCase();
  const redeem = /^\/Signing\/MTRedeem\/v1\/([^/]+)$/.exec(ctx.url.pathname);
  if (redeem) {
    const view = emu.views.get(redeem[1]!);
    if (!view) return notFound();
    if (method === 'DELETE') {
      view.used = true;
      return { status: 200, body: '' };
    }
    if (method !== 'GET') return notFound();
    if (view.used || view.expiresAt <= emu.now()) {
      view.used = true;
      return redirectReply(withEvent(view.returnUrl, 'ttl_expired'));
    }
    view.used = true;
    const env = emu.state.envelope(view.envelopeId);
    const r = env ? allRecipients(env).find((x) => x.recipientId === view.recipientId) : undefined;
    if (!env || !r) return redirectReply(withEvent(view.returnUrl, 'exception'));
    const readOnly = !(env.status === 'sent' || env.status === 'delivered') || !(r.status === 'sent' || r.status === 'delivered');
    if (!readOnly) markDelivered(emu, env, r);
    const id = guid();
    emu.sessions.set(id, { id, view, used: false, expiresAt: emu.now() + SESSION_TIMEOUT_MS, readOnly });
    const docs = env.documents
      .map((d) => {
        const tabs = Object.entries(r.tabs ?? {})
          .flatMap(([type, list]) => (Array.isArray(list) ? list.map((t) => ({ type, t })) : []))
          .filter(({ t }) => !t.documentId || String(t.documentId) === d.documentId)
          .map(
            ({ type, t }) =>
              `<li class="tab" data-type="${esc(type)}">${esc(type.replace(/Tabs$/, ''))}${t.tabLabel ? ` "${esc(t.tabLabel)}"` : ''}${
                t.anchorString ? ` at anchor ${esc(t.anchorString)}` : t.pageNumber ? ` on page ${esc(t.pageNumber)}` : ''
              }</li>`,
          )
          .join('');
        return `<section class="document" data-document-id="${esc(d.documentId)}"><h2>${esc(d.name)}</h2><p>${d.pages ?? '?'} page(s)</p><ul class="tabs">${tabs}</ul></section>`;
      })
      .join('\n');
    const buttons = readOnly
      ? `<button type="submit" id="close" name="action" value="close">Close</button>`
      : `<button type="submit" id="finish" name="action" value="finish">Finish</button>
<button type="submit" id="finish-later" name="action" value="later">Finish Later</button>
<button type="submit" id="decline" name="action" value="decline">Decline</button>
<label>Reason for declining <input type="text" name="declineReason" id="decline-reason"></label>`;
    const html = `<!doctype html><html><head><title>DocuSign: ${esc(env.emailSubject)}</title></head><body>
<main id="signing" data-envelope-id="${esc(env.envelopeId)}" data-recipient-id="${esc(r.recipientId)}" data-read-only="${readOnly}">
<h1>${esc(env.emailSubject)}</h1>
<p id="recipient">${esc(r.name)} &lt;${esc(r.email)}&gt;</p>
${docs}
<form method="post" action="/Signing/session/${id}">
${buttons}
</form></main></body></html>`;
    return htmlReply(200, html);
  }
  const sessionM = /^\/Signing\/session\/([^/]+)$/.exec(ctx.url.pathname);
  if (sessionM && method === 'POST') {
    const raw = await readBody(ctx.req, 1_000_000);
    ctx.bodyBytes = raw.length;
    const form = new URLSearchParams(raw.toString('utf8'));
    const s = emu.sessions.get(sessionM[1]!);
    if (!s) return notFound();
    const returnUrl = s.view.returnUrl;
    if (s.used) return redirectReply(withEvent(returnUrl, 'ttl_expired'));
    s.used = true;
    if (s.expiresAt <= emu.now()) return redirectReply(withEvent(returnUrl, 'session_timeout'));
    if (s.readOnly) return redirectReply(withEvent(returnUrl, 'viewing_complete'));
    const env = emu.state.envelope(s.view.envelopeId);
    const r = env ? allRecipients(env).find((x) => x.recipientId === s.view.recipientId) : undefined;
    if (!env || !r) return redirectReply(withEvent(returnUrl, 'exception'));
    const action = form.get('action') ?? 'finish';
    if (action === 'finish') {
      markSigned(emu, env, r);
      return redirectReply(withEvent(returnUrl, 'signing_complete'));
    }
    if (action === 'decline') {
      markDeclined(emu, env, r, form.get('declineReason') || 'Declined on the signing page');
      return redirectReply(withEvent(returnUrl, 'decline'));
    }
    if (action === 'later') return redirectReply(withEvent(returnUrl, 'cancel'));
    return redirectReply(withEvent(returnUrl, 'viewing_complete'));
  }
  ctx.req.resume();
  return notFound();
}
