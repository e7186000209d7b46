import { ApiError, AuthError } from '../errors.js';
import { errorCodeOf, type HttpRequest, type HttpResponse, type Transport } from '../http/transport.js';
import type { TokenProvider, UserAccount } from '../auth/token.js';
import { explainApiError } from './errors.js';

export interface RestCall {
  method: string;
  /** Path below /v2.1/accounts/{accountId}, e.g. `/envelopes`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  body?: HttpRequest['body'];
  headers?: Record<string, string>;
  idempotent?: boolean;
  /** See HttpRequest.recover: looks up the outcome of a non-idempotent call whose answer is unknown. */
  recover?: HttpRequest['recover'];
  /** Statuses the caller handles itself instead of an ApiError. */
  allow?: number[];
}

/** A made-up JSON answer, for a `recover` hook that found what a lost answer would have said. */
export function jsonResponse(json: unknown, status = 201): HttpResponse {
  const body = Buffer.from(JSON.stringify(json));
  return {
    status,
    headers: new Headers({ 'content-type': 'application/json' }),
    body,
    durationMs: 0,
    url: '',
    text: () => body.toString('utf8'),
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
  };
}

/**
 * Authenticated REST calls against the chosen account's base URI (from userinfo, never a constant:
 * BR-13). Renews the token once on a 401 and retries that call once (BR-16).
 */
export class RestClient {
  private accountMemo?: UserAccount & { restBase: string };

  constructor(
    readonly transport: Transport,
    readonly auth: TokenProvider,
  ) {}

  /** The account in use and its REST base. */
  async account(): Promise<UserAccount & { restBase: string }> {
    if (this.accountMemo) return this.accountMemo;
    const t = await this.auth.tokenWithUser();
    this.accountMemo = this.auth.chooseAccount(t.userinfo);
    return this.accountMemo;
  }

  /** The URL of an account-relative path. */
  async url(path: string, query?: RestCall['query']): Promise<string> {
    const a = await this.account();
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
    const qs = q.toString();
    return `${a.restBase}/v2.1/accounts/${encodeURIComponent(a.accountId)}${path}${qs ? `?${qs}` : ''}`;
  }

  /** Sends a call; returns the raw response (2xx or an allowed status) or throws ApiError. */
  async send(c: RestCall): Promise<HttpResponse> {
    const url = await this.url(c.path, c.query);
    return this.sendUrl({ ...c, url });
  }

  /**
   * Sends a call to an absolute URL on the account's REST host (the docusign-esign bridge builds
   * its own URLs): adds the Bearer token, renews it once on a 401, maps errors.
   */
  async sendUrl(c: Omit<RestCall, 'path' | 'query'> & { url: string; path?: string }): Promise<HttpResponse> {
    const label = c.path ?? new URL(c.url).pathname.replace(/^.*\/accounts\/[^/]+/, '');
    let retried401 = false;
    for (;;) {
      const t = await this.auth.token();
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...(c.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(c.headers ?? {}),
        authorization: `Bearer ${t.accessToken}`,
      };
      const res = await this.transport.request({
        method: c.method,
        url: c.url,
        headers,
        body: c.json !== undefined ? JSON.stringify(c.json) : c.body,
        idempotent: c.idempotent,
        recover: c.recover,
      });
      if (res.status === 401 && !retried401) {
        // The token may have been revoked or expired early: renew once, retry once.
        retried401 = true;
        this.auth.invalidate();
        continue;
      }
      if ((res.status >= 200 && res.status < 300) || c.allow?.includes(res.status)) return res;
      throw this.error(res, c.method, label);
    }
  }

  /** Sends a call and parses the JSON answer. */
  async json<T = Record<string, unknown>>(c: RestCall): Promise<T> {
    const res = await this.send(c);
    if (res.body.length === 0) return {} as T;
    let j: unknown;
    try {
      j = res.json<unknown>();
    } catch {
      throw new ApiError(`DocuSign answered ${c.method} ${c.path} with a body that is not JSON`, { status: res.status });
    }
    // Every DocuSign REST answer is an object; null or a list would crash the caller's field access.
    if (j === null || typeof j !== 'object' || Array.isArray(j)) {
      throw new ApiError(`DocuSign answered ${c.method} ${c.path} with JSON that is not an object`, {
        status: res.status,
        hint: "Something between esign and DocuSign (a proxy) or a wrong base URI may have answered: check `esign whoami` and --env.",
      });
    }
    return j as T;
  }

  private error(res: HttpResponse, method: string, path: string): Error {
    if (res.status >= 300 && res.status < 400) {
      // esign never follows redirects (the Bearer token must not go to another host, and a POST
      // would be replayed as a GET): a 3xx means the request did not reach DocuSign's REST API.
      const to = res.headers.get('location');
      return new ApiError(`DocuSign answered ${method} ${path.replace(/\?.*$/, '')} with a redirect (HTTP ${res.status}${to ? ` to ${redirectTarget(to)}` : ''}) instead of an answer; esign does not follow redirects`, {
        status: res.status,
        traceToken: res.headers.get('x-docusign-tracetoken') ?? undefined,
        hint: "The REST base URI may be wrong (an old host, http instead of https, or a proxy in between): check --env and the account's base URI with `esign whoami`.",
        details: to ? { location: redirectTarget(to) } : undefined,
      });
    }
    if (res.status === 401) {
      return new AuthError(`DocuSign refused the access token for ${method} ${path} even after renewing it`, {
        hint: 'Check that the account id belongs to the user and that its base URI is right (esign whoami).',
        details: { status: 401, errorCode: errorCodeOf(res) },
      });
    }
    return explainApiError(res, method, path);
  }
}

/** A redirect target without its query (which may carry tokens or codes). */
function redirectTarget(location: string): string {
  return location.replace(/[?#].*$/, '');
}

/** The JSON object of an answer, or undefined when the body is empty or not a JSON object. */
export function answerObject(res: HttpResponse): Record<string, unknown> | undefined {
  if (res.body.length === 0) return undefined;
  try {
    const j = res.json<unknown>();
    return j && typeof j === 'object' && !Array.isArray(j) ? (j as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
