import { setTimeout as sleepTimer } from 'node:timers/promises';
import { InterruptedError, NetworkError, EsignError } from '../errors.js';
import { redact } from '../output/redact.js';
import { ProxySettings, type ProxyRoute } from './proxy.js';

/** Where trace lines go (the Printer in production, an array in tests). */
export interface TraceSink {
  trace(msg: string): void;
  warn(msg: string): void;
}

type BodyFactory = () => BodyInit;

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A string/Buffer, or a factory (streams must be recreated for a retry). */
  body?: string | Buffer | BodyFactory;
  /**
   * Safe to send again when the outcome is unknown (connection lost after sending, 5xx, timeout).
   * GET/PUT/DELETE default to true; POST defaults to false.
   */
  idempotent?: boolean;
  /**
   * For non-idempotent requests whose outcome is unknown (any 5xx, a network error or timeout, a
   * 429): look the result up (for example by transactionId). A response means "it was carried out;
   * use this"; undefined means "not carried out" (a 500 is then returned as it is, other answers are
   * sent again). `why` says what happened ("HTTP 500", the network error). A lookup that fails throws.
   */
  recover?: (why: string) => Promise<HttpResponse | undefined>;
  timeoutMs?: number;
  /** Do not retry at all (token polling has its own loop). */
  noRetry?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  durationMs: number;
  url: string;
  text(): string;
  json<T = unknown>(): T;
}

export interface TransportOptions {
  timeoutMs: number;
  maxRetries: number;
  env: NodeJS.ProcessEnv;
  sink: TraceSink;
  /** Ctrl-C: aborts in-flight requests and sleeps. */
  signal?: AbortSignal;
  /** Base backoff (ms); tests make it small. */
  backoffMs?: number;
  /** The longest Retry-After esign waits out; longer means stop and tell the user when it resets. */
  maxRetryAfterMs?: number;
  /** Injected for tests. */
  fetchImpl?: typeof fetch;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** DocuSign reports account rate limits as 400 with these codes (reference §12); compare case-insensitively. */
const BURST_CODES = ['BURST_APIINVOCATION_LIMIT_EXCEEDED'];
const HOURLY_CODES = ['HOURLY_APIINVOCATION_LIMIT_EXCEEDED'];
const ENVELOPE_LIMIT_CODES = [
  'HOURLY_ENVELOPE_POLLING_LIMIT_EXCEEDED',
  'BURST_ENVELOPE_POLLING_LIMIT_EXCEEDED',
  'HOURLY_APIINVOCATION_ENVELOPE_LIMIT_EXCEEDED',
  'BURST_APIINVOCATION_ENVELOPE_LIMIT_EXCEEDED',
];

/** Reads DocuSign's errorCode from a response body, if it has one. */
export function errorCodeOf(res: HttpResponse): string | undefined {
  if (res.status < 400) return undefined;
  try {
    const j = res.json<{ errorCode?: unknown }>();
    return typeof j?.errorCode === 'string' ? j.errorCode : undefined;
  } catch {
    return undefined;
  }
}

/** The state of DocuSign's rate limits as last reported by its headers. */
export interface RateState {
  limit?: number;
  remaining?: number;
  resetAt?: number; // epoch ms
  burstLimit?: number;
  burstRemaining?: number;
}

/**
 * The one HTTP client. Every call (OAuth, userinfo, REST, uploads) goes through it, so proxies,
 * timeouts, retries with backoff and jitter, Retry-After, rate-limit pacing, the call counter and
 * the redacted --verbose trace behave the same everywhere.
 */
export class Transport {
  /** Number of HTTP requests actually sent (retries included). */
  calls = 0;
  readonly rate: RateState = {};
  private proxySettings?: ProxySettings;
  /** One undici ProxyAgent per proxy (keeps its connections alive across calls). */
  private readonly proxyAgents = new Map<string, unknown>();
  private undici?: Pick<typeof import('undici'), 'fetch' | 'ProxyAgent'>;

  constructor(readonly opts: TransportOptions) {}

  /**
   * The proxy a URL goes through, or undefined for direct (src/http/proxy.ts: HTTP(S)_PROXY and
   * NO_PROXY as curl reads them; loopback always direct). Throws a configuration error (exit 4)
   * for a malformed proxy variable.
   */
  private proxyFor(url: string): ProxyRoute | undefined {
    if (this.opts.fetchImpl) return undefined;
    this.proxySettings ??= new ProxySettings(this.opts.env);
    return this.proxySettings.routeFor(url);
  }

  /**
   * How to send to a URL. Direct: Node's built-in fetch. Through a proxy: undici's fetch with a
   * ProxyAgent for that proxy (a stable API: unlike EnvHttpProxyAgent it prints no "experimental"
   * warning on stderr). undici is loaded only when a request actually uses a proxy.
   */
  private async route(url: string): Promise<{ f: typeof fetch; dispatcher?: unknown; proxy?: ProxyRoute }> {
    if (this.opts.fetchImpl) return { f: this.opts.fetchImpl };
    const proxy = this.proxyFor(url);
    if (!proxy) return { f: globalThis.fetch };
    if (!this.undici) {
      const m = await import('undici');
      this.undici = { fetch: m.fetch, ProxyAgent: m.ProxyAgent };
    }
    const undici = this.undici;
    let agent = this.proxyAgents.get(proxy.origin + (proxy.token ?? ''));
    if (!agent) {
      agent = new undici.ProxyAgent({ uri: proxy.origin, ...(proxy.token ? { token: proxy.token } : {}) });
      this.proxyAgents.set(proxy.origin + (proxy.token ?? ''), agent);
    }
    return { f: undici.fetch as unknown as typeof fetch, dispatcher: agent, proxy };
  }

  /** Sends a request with retries; returns the final response whatever its status. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method.toUpperCase();
    const idempotent = req.idempotent ?? method !== 'POST';
    const maxRetries = req.noRetry ? 0 : this.opts.maxRetries;
    this.proxyFor(req.url); // a malformed proxy variable is a configuration error, never retried
    let attempt = 0;
    for (;;) {
      await this.paceForBurst();
      let res: HttpResponse | undefined;
      let failure: unknown;
      try {
        res = await this.once(method, req);
      } catch (e) {
        if (e instanceof InterruptedError) throw e;
        // Failures that another try cannot fix (a proxy that wants a login) end at once.
        if (e instanceof EsignError && e.details?.retryable === false) throw e;
        failure = e;
      }

      if (res) {
        const code = errorCodeOf(res)?.toUpperCase();
        if (code && HOURLY_CODES.includes(code)) throw this.hourlyLimitError(res, code);
        if (code && ENVELOPE_LIMIT_CODES.includes(code)) return res; // caller explains; never hammer
        const burst = code !== undefined && BURST_CODES.includes(code);
        const retryable = burst || RETRY_STATUSES.has(res.status);
        // Any 5xx leaves the outcome of a non-idempotent request unknown: a 500 may come after
        // DocuSign carried the request out. One that can look its outcome up always does.
        const unknown = !idempotent && req.recover !== undefined && res.status >= 500;
        if (!retryable && !unknown) return res;
        // 429 and burst codes mean "not carried out": safe to resend. 5xx: outcome unknown.
        // A request that can look its outcome up (an envelope create) checks even after a 429:
        // a proxy or gateway may answer 429 for a request that reached DocuSign, and one GET is
        // cheaper than a contract sent twice.
        const known = (res.status === 429 || burst) && !req.recover;
        if (!known && !idempotent) {
          const found = req.recover ? await req.recover(`HTTP ${res.status}${code ? ' ' + code : ''}`) : undefined;
          if (found) return found;
          if (!req.recover) return res;
        }
        // Looked up and not carried out: a 500 (or 501, 505…) is DocuSign's own answer, which
        // sending again would only meet again.
        if (!retryable) return res;
        if (attempt >= maxRetries) {
          if (res.status === 429 || burst) throw this.rateLimitError(res, attempt);
          return res;
        }
        // DocuSign's burst window is 30 s and it sends no reset time for it: back off long enough
        // that the retries together outlast one window (2+4+8+16 s by default), unless Retry-After says otherwise.
        const wait = burst && !res.headers.get('retry-after') ? this.burstDelay(attempt) : this.retryDelay(res, attempt);
        if (wait === undefined) throw this.rateLimitError(res, attempt);
        this.opts.sink.trace(`  retrying in ${wait} ms (attempt ${attempt + 2} of ${maxRetries + 1}; got ${res.status}${code ? ' ' + code : ''})`);
        await this.sleep(wait);
      } else {
        // Network error or timeout: the request may or may not have been carried out.
        if (!idempotent) {
          const found = req.recover ? await req.recover((failure as Error).message) : undefined;
          if (found) return found;
          if (!req.recover) throw failure;
        }
        if (attempt >= maxRetries) throw failure;
        const wait = this.backoff(attempt);
        this.opts.sink.trace(`  retrying in ${wait} ms (attempt ${attempt + 2} of ${maxRetries + 1}; ${(failure as Error).message})`);
        await this.sleep(wait);
      }
      attempt++;
    }
  }

  private async once(method: string, req: HttpRequest): Promise<HttpResponse> {
    const { f, dispatcher, proxy } = await this.route(req.url);
    const timeoutMs = req.timeoutMs ?? this.opts.timeoutMs;
    const signals = [AbortSignal.timeout(timeoutMs)];
    if (this.opts.signal) signals.push(this.opts.signal);
    const signal = AbortSignal.any(signals);
    const body = typeof req.body === 'function' ? req.body() : req.body;
    const started = performance.now();
    this.calls++;
    this.opts.sink.trace(`→ ${method} ${redact(req.url)}${proxy ? ` (via proxy ${proxy.shown})` : ''}`);
    let r: Response;
    try {
      r = await f(req.url, {
        method,
        headers: req.headers,
        body: body as BodyInit | undefined,
        signal,
        redirect: 'manual',
        ...(body && typeof body === 'object' && !(body instanceof Buffer) && !(typeof body === 'string')
          ? { duplex: 'half' }
          : {}),
        ...(dispatcher ? { dispatcher } : {}),
      } as RequestInit);
    } catch (e) {
      throw this.networkError(e, method, req.url, timeoutMs, started, proxy);
    }
    let buf: Buffer;
    try {
      buf = Buffer.from(await r.arrayBuffer());
    } catch (e) {
      throw this.networkError(e, method, req.url, timeoutMs, started, proxy);
    }
    const durationMs = Math.round(performance.now() - started);
    this.noteRate(r.headers);
    const res: HttpResponse = {
      status: r.status,
      headers: r.headers,
      body: buf,
      durationMs,
      url: req.url,
      text: () => buf.toString('utf8'),
      json: <T>() => JSON.parse(buf.toString('utf8')) as T,
    };
    this.traceResponse(res);
    return res;
  }

  private traceResponse(res: HttpResponse): void {
    const parts = [`← ${res.status} (${res.durationMs} ms)`];
    const code = errorCodeOf(res);
    if (code) parts.push(`errorCode=${code}`);
    if (res.status >= 400) {
      try {
        const j = res.json<{ error?: string; error_description?: string }>();
        if (j && typeof j.error === 'string') parts.push(`error=${j.error}${j.error_description ? `/${j.error_description}` : ''}`);
      } catch {
        /* not JSON */
      }
    }
    const trace = res.headers.get('x-docusign-tracetoken');
    if (trace) parts.push(`trace=${trace}`);
    const rem = res.headers.get('x-ratelimit-remaining');
    const lim = res.headers.get('x-ratelimit-limit');
    if (rem !== null) parts.push(`rate=${rem}/${lim ?? '?'}`);
    const brem = res.headers.get('x-burstlimit-remaining');
    if (brem !== null) parts.push(`burst=${brem}/${res.headers.get('x-burstlimit-limit') ?? '?'}`);
    this.opts.sink.trace(parts.join(' '));
  }

  private noteRate(h: Headers): void {
    const num = (n: string) => {
      const v = h.get(n);
      return v === null || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v);
    };
    const limit = num('x-ratelimit-limit');
    if (limit !== undefined) {
      this.rate.limit = limit;
      this.rate.remaining = num('x-ratelimit-remaining');
      const reset = num('x-ratelimit-reset');
      if (reset !== undefined) this.rate.resetAt = reset * 1000;
    }
    const bl = num('x-burstlimit-limit');
    if (bl !== undefined) {
      this.rate.burstLimit = bl;
      this.rate.burstRemaining = num('x-burstlimit-remaining');
    }
  }

  /**
   * Slows down before the burst limit rather than after: when few requests remain in the window,
   * wait a little, spreading the remaining calls over the window.
   */
  private async paceForBurst(): Promise<void> {
    const { burstLimit, burstRemaining } = this.rate;
    if (burstLimit === undefined || burstRemaining === undefined) return;
    const reserve = Math.max(2, Math.floor(burstLimit * 0.05));
    if (burstRemaining > reserve) return;
    // DocuSign's burst window is 30 s; with `reserve` calls left, pace at window/limit per call.
    const wait = Math.ceil((30_000 / burstLimit) * (reserve - burstRemaining + 1));
    this.opts.sink.trace(`  pacing ${wait} ms: burst limit nearly used (${burstRemaining}/${burstLimit} left)`);
    this.rate.burstRemaining = burstRemaining + 1; // assume the window moves on while we wait
    await this.sleep(wait);
  }

  private burstDelay(attempt: number): number {
    const base = (this.opts.backoffMs ?? 500) * 4;
    return Math.round(Math.min(base * 2 ** attempt, 30_000) * (1 + Math.random() * 0.25));
  }

  private backoff(attempt: number): number {
    const base = this.opts.backoffMs ?? 500;
    const exp = Math.min(base * 2 ** attempt, 20_000);
    return Math.round(exp / 2 + Math.random() * (exp / 2)); // "equal jitter"
  }

  /** The wait before the next try, or undefined when waiting would be unreasonable. */
  private retryDelay(res: HttpResponse, attempt: number): number | undefined {
    const max = this.opts.maxRetryAfterMs ?? 60_000;
    const ra = res.headers.get('retry-after');
    if (ra) {
      const secs = Number(ra);
      const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(ra) - Date.now();
      if (Number.isFinite(ms)) return ms > max ? undefined : Math.max(0, ms);
    }
    if (res.status === 429) {
      const reset = res.headers.get('x-ratelimit-reset');
      const remaining = res.headers.get('x-ratelimit-remaining');
      // A 429 whose hourly window resets far ahead is the hourly limit unless DocuSign says calls remain
      // (then it is a burst): stop with the reset time rather than retry into it (BR-28 c).
      if (reset && (remaining === null || remaining === '0')) {
        const ms = Number(reset) * 1000 - Date.now();
        if (ms > max) return undefined;
      }
    }
    return this.backoff(attempt);
  }

  private resetText(res: HttpResponse): string {
    const reset = res.headers.get('x-ratelimit-reset');
    const at = reset ? new Date(Number(reset) * 1000) : this.rate.resetAt ? new Date(this.rate.resetAt) : undefined;
    if (!at || Number.isNaN(at.getTime())) return '';
    const mins = Math.max(0, Math.ceil((at.getTime() - Date.now()) / 60_000));
    return ` It resets at ${at.toISOString()} (in about ${mins} min).`;
  }

  private hourlyLimitError(res: HttpResponse, code: string): NetworkError {
    return new NetworkError(`DocuSign's hourly API limit for this account is used up (${code}).${this.resetText(res)}`, {
      code: 'RATE_LIMITED',
      hint: 'esign stops instead of sleeping for an hour. Try again after the reset, or ask DocuSign to raise the limit (API Usage Center).',
      details: { status: res.status, errorCode: code },
    });
  }

  private rateLimitError(res: HttpResponse, retries: number): NetworkError {
    const code = errorCodeOf(res);
    // The hourly reset time only explains an hourly limit; a burst clears within 30 s.
    const hourlyGone = res.headers.get('x-ratelimit-remaining') === '0' || (res.headers.get('x-ratelimit-remaining') === null && res.status === 429);
    const burst = code !== undefined && BURST_CODES.includes(code.toUpperCase());
    const when = burst || !hourlyGone ? ' The burst limit counts calls per 30 s.' : this.resetText(res);
    return new NetworkError(
      `DocuSign's rate limit is still exceeded after ${retries} ${retries === 1 ? 'retry' : 'retries'} (HTTP ${res.status}${code ? ' ' + code : ''}).${when}`,
      {
        code: 'RATE_LIMITED',
        hint: 'Wait and run again, lower --concurrency, or use --bulk for large batches.',
        details: { status: res.status },
      },
    );
  }

  private networkError(e: unknown, method: string, url: string, timeoutMs: number, started: number, proxy?: ProxyRoute): Error {
    if (this.opts.signal?.aborted) return new InterruptedError();
    const err = e as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
    const host = safeHost(url);
    const ms = Math.round(performance.now() - started);
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      this.opts.sink.trace(`← timeout after ${ms} ms`);
      return new NetworkError(`${method} ${host} timed out after ${Math.round(timeoutMs / 1000)} s${proxy ? ` (through the proxy ${proxy.shown})` : ''}`, {
        code: 'TIMEOUT',
        hint: 'Check the network, or raise the timeout with --request-timeout / ESIGN_TIMEOUT.',
      });
    }
    if (proxy) {
      const p = this.proxyError(err, method, host, proxy);
      if (p) {
        this.opts.sink.trace(`← proxy error after ${ms} ms: ${p.message}`);
        return p;
      }
    }
    let cause = err.cause?.code || err.cause?.errors?.[0]?.code || err.cause?.message || err.message;
    let hint = 'Check the network and proxy settings (HTTPS_PROXY, NO_PROXY), and that --env points at the right host.';
    if (cause === 'bad port') {
      // fetch refuses some well-known ports outright (the "bad ports" list of the fetch standard).
      cause = `port ${safePort(url)} is on fetch's list of blocked ports`;
      hint = 'Use another port.';
    } else if (cause === 'ECONNREFUSED') {
      cause = 'connection refused (nothing is listening there)';
    } else if (cause === 'ENOTFOUND' || cause === 'EAI_AGAIN') {
      cause = `the host name does not resolve (${cause})`;
    } else if (proxy && /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(String(cause))) {
      hint = `A proxy that inspects TLS (${proxy.shown}) needs its CA certificate: set NODE_EXTRA_CA_CERTS=/path/to/proxy-ca.pem.`;
    }
    this.opts.sink.trace(`← network error after ${ms} ms: ${cause}`);
    return new NetworkError(`cannot reach ${host}${proxy ? ` through the proxy ${proxy.shown} (${proxy.variable})` : ''}: ${cause}`, { hint });
  }

  /**
   * Failures that are the proxy's, not the target's: the proxy cannot be reached (through a proxy,
   * esign connects to and resolves only the proxy), or it refuses the tunnel (407: it wants a login).
   */
  private proxyError(err: Error & { cause?: unknown }, method: string, host: string, proxy: ProxyRoute): NetworkError | undefined {
    const chain: { code?: unknown; message?: unknown }[] = [];
    for (let c: unknown = err; c && typeof c === 'object' && chain.length < 6; c = (c as { cause?: unknown }).cause) {
      chain.push(c as { code?: unknown; message?: unknown });
      for (const sub of (c as { errors?: unknown[] }).errors ?? []) if (sub && typeof sub === 'object') chain.push(sub as { code?: unknown });
    }
    const where = `the proxy ${proxy.shown} (${proxy.variable})`;
    const details = { proxy: proxy.shown, proxyVariable: proxy.variable };
    const refused = chain.map((c) => /Proxy response \((\d+)\)/.exec(String(c.message ?? ''))).find(Boolean);
    if (refused) {
      const status = Number(refused[1]);
      if (status === 407) {
        return new NetworkError(
          proxy.hasCredentials
            ? `${where} requires authentication (HTTP 407) and refused the user name and password in ${proxy.variable}`
            : `${where} requires authentication (HTTP 407)`,
          {
            hint: proxy.hasCredentials
              ? `Check the user name and password in ${proxy.variable} (special characters such as @ : / must be percent-encoded, e.g. @ as %40).`
              : `Put the proxy login in the URL: ${proxy.variable}=http://USER:PASSWORD@HOST:PORT (percent-encode special characters, e.g. @ as %40).`,
            // Sending again cannot help: the login is missing or wrong.
            details: { ...details, status, retryable: false },
          },
        );
      }
      return new NetworkError(`${where} would not connect to ${host} (it answered HTTP ${status})`, {
        hint:
          status === 403
            ? `The proxy's policy refuses ${host}: ask its administrators to allow it, or add the host to NO_PROXY if it can be reached directly.`
            : `The proxy could not reach ${host}; check the network beyond the proxy and try again, or add the host to NO_PROXY if it can be reached directly.`,
        // A policy refusal (403) stays a refusal; a 502/503 from the proxy may pass.
        details: { ...details, status, retryable: status !== 403 },
      });
    }
    const CONNECT_CODES: Record<string, string> = {
      ECONNREFUSED: 'connection refused (nothing is listening there)',
      ENOTFOUND: 'its host name does not resolve (ENOTFOUND)',
      EAI_AGAIN: 'its host name does not resolve (EAI_AGAIN)',
      EHOSTUNREACH: 'host unreachable (EHOSTUNREACH)',
      ENETUNREACH: 'network unreachable (ENETUNREACH)',
      UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
    };
    const code = chain.map((c) => String(c.code ?? '')).find((c) => c in CONNECT_CODES);
    if (!code) return undefined;
    return new NetworkError(`cannot reach ${where} for ${method} ${host}: ${CONNECT_CODES[code]}`, {
      hint: `Check ${proxy.variable} (the proxy's host and port) and that the proxy is running; hosts that need no proxy go in NO_PROXY.`,
      details,
    });
  }

  private async sleep(ms: number): Promise<void> {
    try {
      await sleepTimer(ms, undefined, { signal: this.opts.signal });
    } catch {
      throw new InterruptedError();
    }
  }
}

function safePort(url: string): string {
  try {
    const u = new URL(url);
    return u.port || (u.protocol === 'https:' ? '443' : '80');
  } catch {
    return '?';
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
