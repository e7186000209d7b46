import http from 'node:http';
import type { Context } from '../../context.js';
import { EsignError, ExitCode, InterruptedError, NetworkError, UsageError } from '../../errors.js';
import { isLoopbackHost } from '../../settings/environment.js';
import { checkReturnUrl, viewRecipients } from './run.js';

/**
 * The `event` values DocuSign appends to the return URL (reference §7), with what they mean.
 * The set is open: anything else is reported as "unknown", never a crash (BR-27).
 */
export const RETURN_EVENTS: Record<string, { ok: boolean; message: string }> = {
  signing_complete: { ok: true, message: 'the signer finished signing' },
  viewing_complete: { ok: true, message: 'the signer viewed the envelope (already signed, or read-only): not an error' },
  cancel: { ok: false, message: 'the signer left without signing (Finish Later, or closed the session)' },
  decline: { ok: false, message: 'the signer declined to sign' },
  ttl_expired: { ok: false, message: 'the signing URL had expired or was already used' },
  session_timeout: { ok: false, message: 'the signing session timed out' },
  exception: { ok: false, message: 'DocuSign hit an error during the signing session' },
  fax_pending: { ok: false, message: 'the signer chose to fax a document; the signature is pending' },
  id_check_failed: { ok: false, message: 'the signer failed the ID check' },
  access_code_failed: { ok: false, message: 'the signer entered a wrong access code' },
};

/** A loopback listener for the return redirect. */
export interface ReturnListener {
  returnUrl: string;
  /** Resolves with the `event` of the first request to the return path that carries one. */
  next(timeoutMs: number, signal: AbortSignal): Promise<string>;
  close(): Promise<void>;
}

/**
 * Listens where the signer comes back: on a free loopback port (no --return-url), or on the port
 * and path of a loopback http --return-url. Other return URLs cannot be listened on.
 */
export async function listenForReturn(returnUrl: string | undefined): Promise<ReturnListener> {
  let host = '127.0.0.1';
  let port = 0;
  let pathname = '/esign/return';
  let keepQuery = '';
  if (returnUrl !== undefined) {
    const v = checkReturnUrl(returnUrl);
    const u = new URL(v);
    if (u.protocol !== 'http:' || !isLoopbackHost(u.hostname) || !u.port) {
      throw new UsageError(`--wait listens on this machine, so the return URL must be http://127.0.0.1:PORT/… or http://localhost:PORT/… (got ${v})`, {
        hint: 'Leave out --return-url with --wait (esign picks a free loopback port), or drop --wait and handle the return in your app.',
      });
    }
    host = u.hostname.replace(/^\[|\]$/g, '');
    port = Number(u.port);
    pathname = u.pathname;
    keepQuery = u.search;
  }
  const waiters: ((event: string) => void)[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const event = u.searchParams.get('event');
    if (u.pathname !== pathname || event === null) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    const known = RETURN_EVENTS[event];
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(
      `<!doctype html><html><head><title>esign</title></head><body><main id="esign-return"><p>${
        known ? (known.ok ? 'Done.' : 'The signing session ended without a signature.') : 'The signing session ended.'
      } You can close this window; the terminal shows the result.</p></main></body></html>`,
    );
    for (const w of waiters.splice(0)) w(event);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new UsageError(`--wait cannot listen on ${host}:${port}: the port is in use`, { hint: 'Choose another port in --return-url, or leave --return-url out.' })
          : e,
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as { port: number }).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    returnUrl: `http://${shownHost}:${actual}${pathname}${keepQuery}`,
    next(timeoutMs, signal) {
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          reject(new NetworkError(`no signer came back within ${Math.round(timeoutMs / 1000)} s`, { code: 'TIMEOUT', hint: 'Create a new URL with `esign sign-url` and open it sooner (URLs expire after ~5 minutes).' }));
        }, timeoutMs);
        const onAbort = () => {
          cleanup();
          reject(new InterruptedError());
        };
        const cleanup = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        waiters.push((e) => {
          cleanup();
          resolve(e);
        });
      });
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

/** What --wait reports. */
export interface WaitResult {
  event: string;
  outcome: 'signed' | 'viewed' | 'not_signed' | 'unknown';
  message: string;
  recipientStatus?: string;
}

/**
 * Interprets the returned event. `signing_complete` is not trusted on its own (anyone can type
 * it): the recipient's status is read once from the API before reporting "signed".
 */
export async function judgeEvent(ctx: Context, envelopeId: string, who: { recipientId: string | null; clientUserId: string }, event: string): Promise<WaitResult> {
  const known = RETURN_EVENTS[event];
  if (!known) return { event, outcome: 'unknown', message: `the signer came back with an unknown event "${event.slice(0, 60)}"` };
  if (event === 'viewing_complete') return { event, outcome: 'viewed', message: known.message };
  if (event !== 'signing_complete') return { event, outcome: 'not_signed', message: known.message };
  const list = await ctx.rest.json<Record<string, unknown>>({ method: 'GET', path: `/envelopes/${encodeURIComponent(envelopeId)}/recipients` });
  const r = viewRecipients(list).find((x) => (who.recipientId ? x.recipientId === who.recipientId : x.clientUserId === who.clientUserId));
  const st = r?.status.toLowerCase() ?? 'unknown';
  if (st === 'completed' || st === 'signed') return { event, outcome: 'signed', message: 'signed (confirmed by the recipient status)', recipientStatus: st };
  return {
    event,
    outcome: 'not_signed',
    message: `the return URL said signing_complete, but DocuSign reports the recipient as "${st}": not trusted (the event is not signed and can be forged)`,
    recipientStatus: st,
  };
}

/** The error (exit 5) for an outcome that is not a signature. */
export function notSignedError(envelopeId: string, w: WaitResult): EsignError {
  return new EsignError('API', ExitCode.api, `envelope ${envelopeId}: ${w.message} (event=${w.event})`, {
    hint: 'Run `esign status <envelope-id>` to see where it stands; `esign sign-url` makes a new URL if the signer should try again.',
    details: { ...w, envelopeId },
  });
}
