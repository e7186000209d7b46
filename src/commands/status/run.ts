import type { Context } from '../../context.js';
import { ApiError, NetworkError } from '../../errors.js';
import type { HttpResponse } from '../../http/transport.js';
import { checkEnvelopeId, envelopeTimes, summariseRecipients } from './envelope.js';

/** True for DocuSign's per-envelope polling and invocation limit codes (compared case-insensitively). */
export function isEnvelopeLimit(code: string | undefined): boolean {
  return Boolean(code && /^(hourly|burst)_(envelope_polling|apiinvocation_envelope)_limit_exceeded$/i.test(code));
}

/** Turns a per-envelope limit answer into a rate-limit error (exit 6) that says not to retry now. */
export function envelopeLimitError(e: ApiError, envelopeId: string, action: string): NetworkError {
  const polling = /polling/i.test(e.errorCode ?? '');
  return new NetworkError(
    `DocuSign's per-envelope ${polling ? 'polling' : 'call'} limit is exceeded for envelope ${envelopeId} (${e.errorCode}); esign did not retry the ${action}`,
    {
      code: 'RATE_LIMITED',
      hint: polling
        ? 'DocuSign allows about one status read per envelope every 15 minutes. Wait before reading it again, or use Connect webhooks / `esign list --status …` for many envelopes.'
        : 'Too many calls for this one envelope; wait a while before reading or changing it again.',
      details: { status: e.status, errorCode: e.errorCode, envelopeId, ...(e.traceToken ? { traceToken: e.traceToken } : {}) },
    },
  );
}

/** `esign status <id>`: one GET (envelope with recipients), never a polling loop (BR-28). */
export async function runStatus(ctx: Context, rawId: string | undefined): Promise<number> {
  const id = checkEnvelopeId(rawId, 'status');
  let res: HttpResponse;
  try {
    res = await ctx.rest.send({ method: 'GET', path: `/envelopes/${encodeURIComponent(id)}`, query: { include: 'recipients' } });
  } catch (e) {
    if (e instanceof ApiError && isEnvelopeLimit(e.errorCode)) throw envelopeLimitError(e, id, 'status read');
    throw e;
  }
  const env = checkedEnvelope(res, id);
  const recipients = summariseRecipients(env.recipients);
  const times = envelopeTimes(env);
  const status = String(env.status ?? '');
  const json = {
    envelopeId: String(env.envelopeId ?? id),
    status,
    emailSubject: String(env.emailSubject ?? ''),
    ...times,
    ...(env.voidedReason ? { voidedReason: String(env.voidedReason) } : {}),
    recipients,
  };
  const p = ctx.printer;
  p.result({
    json,
    quiet: status,
    human: () => {
      const lines = [
        `${p.c.bold(json.envelopeId)}  ${colourStatus(p.c, status)}`,
        `subject: ${json.emailSubject}`,
        ...Object.entries(times).map(([k, v]) => `${k.replace(/DateTime$/, '')}: ${v}`),
      ];
      if (json.voidedReason) lines.push(`void reason: ${json.voidedReason}`);
      lines.push('', 'recipients:');
      if (!recipients.length) lines.push('  (none)');
      for (const r of recipients) {
        lines.push(
          `  ${r.routingOrder}. #${r.recipientId} ${r.type}${r.roleName ? ` (${r.roleName})` : ''}  ${r.name} <${r.email}>  ${colourStatus(p.c, r.status)}${r.embedded ? '  embedded' : ''}${r.declinedReason ? `  reason: ${r.declinedReason}` : ''}`,
        );
      }
      return lines.join('\n');
    },
  });
  return 0;
}

/**
 * The envelope in a GET answer. A 2xx that is empty, not JSON, lacks envelopeId or status, or is
 * about another envelope is no answer at all (a proxy, a wrong host): say so instead of printing
 * a blank status as if it were one.
 */
export function checkedEnvelope(res: HttpResponse, id: string): Record<string, unknown> {
  let env: unknown;
  try {
    env = res.body.length ? res.json() : undefined;
  } catch {
    env = undefined;
  }
  const e = env && typeof env === 'object' && !Array.isArray(env) ? (env as Record<string, unknown>) : undefined;
  const got = typeof e?.envelopeId === 'string' ? e.envelopeId : '';
  const problem = !e
    ? res.body.length ? 'a body that is not a JSON object' : 'an empty body'
    : !got
      ? 'no envelopeId'
      : got.toLowerCase() !== id.toLowerCase()
        ? `another envelope (${got})`
        : typeof e.status !== 'string' || e.status === ''
          ? 'no status'
          : undefined;
  if (problem) {
    throw new ApiError(`DocuSign answered GET /envelopes/${id} with HTTP ${res.status} but ${problem}: esign cannot tell the envelope's status`, {
      status: res.status,
      traceToken: res.headers.get('x-docusign-tracetoken') ?? undefined,
      hint: "Run it again; if it persists, something between esign and DocuSign (a proxy) or a wrong base URI is answering: check --env and `esign whoami`.",
    });
  }
  return e!;
}

/** Colours an envelope or recipient status for humans. */
export function colourStatus(c: { green(s: string): string; red(s: string): string; yellow(s: string): string }, s: string): string {
  if (s === 'completed' || s === 'signed') return c.green(s);
  if (s === 'voided' || s === 'declined' || s === 'deleted') return c.red(s);
  return c.yellow(s);
}
