/**
 * The emulator's state and HTTP plumbing: one OAuth server and N REST servers on 127.0.0.1,
 * request log, latency, fault injection, and the Date header driven by the `now` clock.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handleOAuth } from './oauth.js';
import { handleRest } from './rest.js';
import type {
  Emulator,
  EmulatorEnvelope,
  EmulatorOptions,
  FaultSpec,
  RequestLogEntry,
} from './types.js';
import {
  guid,
  htmlReply,
  OAuthError,
  type Reply,
  RestError,
  restErrorReply,
  jsonReply,
  sleep,
  token,
  TooLargeError,
} from './util.js';
import { driveConsentPage, driveSigningPage } from './pages.js';
import { storeTemplate } from './envelopes.js';

export interface Integration {
  integrationKey: string;
  publicKeys: KeyObject[];
  redirectUris: string[];
  name: string;
}
export interface UserAccount {
  accountId: string;
  name: string;
  isDefault: boolean;
  restIndex: number;
}
export interface User {
  userId: string;
  name: string;
  email: string;
  created: number;
  accounts: UserAccount[];
}
export interface AccessToken {
  token: string;
  userId: string;
  integrationKey: string;
  scopes: string[];
  expiresAt: number;
}
export interface Account {
  accountId: string;
  /** The external account number ("Account ID" on the account page), accepted in REST paths. */
  accountNumber: string;
  name: string;
  restIndex: number;
  envelopes: Map<string, EmulatorEnvelope>;
  templates: Map<string, Record<string, unknown>>;
  bulkLists: Map<string, Record<string, unknown>>;
  batches: Map<string, BulkBatch>;
  hourKey: number;
  hourCount: number;
  burstStart: number;
  burstCount: number;
}
export interface BulkBatch {
  batchId: string;
  batchName: string;
  listId: string;
  envelopeOrTemplateId: string;
  batchSize: number;
  queued: number;
  sent: number;
  failed: number;
  bulkErrors: { recipientEmail?: string; recipientName?: string; errorMessage: string; created: string }[];
  envelopeIds: string[];
  submittedDate: string;
  submittedMs: number;
  senderUserId: string;
}
export interface ViewToken {
  token: string;
  accountId: string;
  envelopeId: string;
  recipientId: string;
  returnUrl: string;
  expiresAt: number;
  used: boolean;
}
export interface SigningSession {
  id: string;
  view: ViewToken;
  used: boolean;
  expiresAt: number;
  readOnly: boolean;
}

/** Per-request context handed to the host handlers. */
export interface Ctx {
  req: IncomingMessage;
  url: URL;
  host: 'oauth' | 'rest';
  restIndex: number;
  /** Request body bytes read so far (handlers that read the body update it). */
  bodyBytes: number;
  /** Rate-limit headers to add (REST). */
  rateHeaders?: Record<string, string>;
}

type ResolvedOptions = Required<Omit<EmulatorOptions, 'rateLimit' | 'port' | 'restPorts' | 'seed'>> & {
  rateLimit: { hourly: number; burst: number; burstWindowSeconds: number };
};

interface ActiveFault extends FaultSpec {
  remaining: number;
}

/** Everything the emulator knows; the handlers read and change it. */
export class EmulatorImpl implements Emulator {
  oauthUrl = '';
  oauthHost = '';
  restUrls: string[] = [];
  cfg: ResolvedOptions;
  integrations = new Map<string, Integration>();
  users = new Map<string, User>();
  accounts = new Map<string, Account>();
  /** `${ik} ${userId}` → consented scopes. */
  consentMap = new Map<string, Set<string>>();
  /** ik → scopes consented org-wide by an admin. */
  adminConsents = new Map<string, Set<string>>();
  tokens = new Map<string, AccessToken>();
  views = new Map<string, ViewToken>();
  sessions = new Map<string, SigningSession>();
  /** Opaque authorization codes handed out by the consent page (not redeemable; JWT apps ignore them). */
  codes = new Set<string>();
  faults: ActiveFault[] = [];
  requests: RequestLogEntry[] = [];
  tokenRequestCount = 0;
  lastClaims: Record<string, unknown> | undefined;
  /** Distinguishes this instance's tokens from another instance's ("foreign" tokens). */
  readonly instanceId = token(6);
  private servers: Server[] = [];
  private sockets = new Set<Socket>();
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(opts: EmulatorOptions) {
    this.cfg = resolve(opts);
  }

  /** Current time in ms from the configured clock. */
  now(): number {
    return this.cfg.now();
  }

  async listen(opts: EmulatorOptions): Promise<void> {
    const oauth = await this.startServer('oauth', 0, opts.port ?? 0);
    const port = (oauth.address() as AddressInfo).port;
    this.oauthHost = `127.0.0.1:${port}`;
    this.oauthUrl = `http://${this.oauthHost}`;
    const restPorts = opts.restPorts?.length ? opts.restPorts : [0];
    for (let i = 0; i < restPorts.length; i++) {
      const s = await this.startServer('rest', i, restPorts[i]!);
      this.restUrls.push(`http://127.0.0.1:${(s.address() as AddressInfo).port}`);
    }
  }

  private startServer(host: 'oauth' | 'rest', restIndex: number, port: number): Promise<Server> {
    const server = createServer((req, res) => {
      void this.handle(host, restIndex, req, res);
    });
    server.keepAliveTimeout = 5000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.servers.push(server);
    return new Promise((resolveP, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolveP(server));
    });
  }

  /** Schedules work that close() cancels. */
  later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private matchFault(host: 'oauth' | 'rest', method: string, url: URL): ActiveFault | undefined {
    for (const f of this.faults) {
      if (f.remaining <= 0) continue;
      if (f.host && f.host !== host) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.path !== undefined) {
        if (typeof f.path === 'string') {
          if (url.pathname !== f.path && !url.pathname.endsWith(f.path)) continue;
        } else if (!f.path.test(url.pathname + url.search)) continue;
      }
      f.remaining--;
      return f;
    }
    return undefined;
  }

  private randomFault(host: 'oauth' | 'rest', url: URL): FaultSpec | undefined {
    if (host !== 'rest' || this.cfg.faultRate <= 0 || url.pathname.startsWith('/Signing/')) return undefined;
    if (Math.random() >= this.cfg.faultRate) return undefined;
    const when = Math.random() < 0.5 ? 'before' : 'after';
    const r = Math.random();
    if (r < 1 / 3) return { kind: 'status', status: 503, when };
    if (r < 2 / 3)
      // A 429 means DocuSign throttled the call and did not carry it out: always "before".
      return {
        kind: 'status',
        status: 429,
        when: 'before',
        headers: { 'Retry-After': '1' },
        body: { errorCode: 'TOO_MANY_REQUESTS', message: 'The request was throttled. Retry later.' },
      };
    return { kind: 'reset', when };
  }

  private faultReply(f: FaultSpec, host: 'oauth' | 'rest'): Reply {
    const status = f.status ?? 500;
    let reply: Reply;
    if (f.body === undefined) {
      if (status === 503 || status === 502 || status === 504) {
        reply = htmlReply(status, '<html><body><h1>Service Unavailable</h1></body></html>');
      } else if (host === 'oauth') {
        reply = { ...jsonReply(status, { error: 'temporarily_unavailable' }), errorCode: 'temporarily_unavailable' };
      } else if (status === 429) {
        reply = restErrorReply(429, 'TOO_MANY_REQUESTS', 'The request was throttled. Retry later.');
      } else {
        reply = restErrorReply(status, 'UNSPECIFIED_ERROR', 'An unexpected error occurred.');
      }
    } else if (typeof f.body === 'string' || Buffer.isBuffer(f.body)) {
      reply = { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: f.body };
    } else {
      const code = (f.body as { errorCode?: string; error?: string }).errorCode ?? (f.body as { error?: string }).error;
      reply = { ...jsonReply(status, f.body), errorCode: code };
    }
    reply.headers = { ...reply.headers, ...(f.headers ?? {}) };
    return reply;
  }

  private async handle(host: 'oauth' | 'rest', restIndex: number, req: IncomingMessage, res: ServerResponse) {
    try {
      await this.serve(host, restIndex, req, res);
    } catch (e) {
      // Last resort (a bug outside the handlers): answer without details, never crash the process.
      if (!this.cfg.quiet) console.error('esign emulator: internal error', e);
      if (res.headersSent || res.destroyed) return;
      const reply = host === 'oauth' ? oauthInternalError() : restInternalError();
      res.writeHead(reply.status, { 'Content-Type': reply.headers!['Content-Type']!, 'Content-Length': String(Buffer.byteLength(reply.body!)) });
      res.end(reply.body);
    }
  }

  private async serve(host: 'oauth' | 'rest', restIndex: number, req: IncomingMessage, res: ServerResponse) {
    const method = (req.method ?? 'GET').toUpperCase();
    const at = this.now();
    const parsed = requestUrl(req.url ?? '/');
    const url = parsed ?? new URL('http://127.0.0.1/');
    const ctx: Ctx = { req, url, host, restIndex, bodyBytes: 0 };
    const entry: RequestLogEntry = {
      at,
      host,
      method,
      path: parsed ? url.pathname : (req.url ?? ''),
      query: Object.fromEntries(url.searchParams),
      status: 0,
      requestHeaders: redactHeaders(req),
      bodyBytes: 0,
    };
    this.requests.push(entry);
    const authority = parsed && !(req.url ?? '/').startsWith('/') ? parsed.host : req.headers.host;
    if (!isLoopbackAuthority(authority, req.socket.localPort ?? 0)) {
      // DNS rebinding: a page on another name that resolves to 127.0.0.1 must not reach the emulator.
      req.resume();
      return this.write(res, ctx, entry, misdirected(req.socket.localPort ?? 0, authority));
    }
    if (!parsed) {
      // A request target that is not a URL at all (e.g. "//["): a bad path, answered like one.
      req.resume();
      return this.write(res, ctx, entry, host === 'oauth' ? oauthBadRequest() : malformedPathReply(this));
    }
    const fault = this.matchFault(host, method, url) ?? this.randomFault(host, url);
    if (fault) entry.fault = `${fault.kind}${fault.status ? ':' + fault.status : ''}:${fault.when ?? 'before'}`;
    if (fault && (fault.when ?? 'before') === 'before') {
      if (dropConnection(fault, req, entry)) return;
      req.resume();
      return this.write(res, ctx, entry, this.faultReply(fault, host));
    }

    let reply: Reply;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.cfg.maxRequestBytes) {
      reply = tooLarge();
      req.resume();
    } else {
      try {
        reply = host === 'oauth' ? await handleOAuth(this, ctx) : await handleRest(this, ctx);
      } catch (e) {
        reply = errorToReply(e, host);
        if (reply.status === 500 && !(e instanceof RestError) && !(e instanceof OAuthError)) {
          // A bug in the emulator: the details go to the request log (and stderr), never to the client.
          entry.internalError = e instanceof Error ? (e.stack ?? e.message) : String(e);
          if (!this.cfg.quiet) console.error(`esign emulator: internal error on ${method} ${url.pathname}\n${entry.internalError}`);
          req.resume();
        }
      }
    }
    entry.bodyBytes = ctx.bodyBytes;
    if (fault) {
      // 'after': the work is done; the answer is lost or replaced.
      if (dropConnection(fault, req, entry)) return;
      reply = this.faultReply(fault, host);
    }
    if (ctx.rateHeaders) reply.headers = { ...ctx.rateHeaders, ...reply.headers };
    return this.write(res, ctx, entry, reply);
  }

  private async write(res: ServerResponse, ctx: Ctx, entry: RequestLogEntry, reply: Reply) {
    if (this.cfg.latencyMs > 0) await sleep(this.cfg.latencyMs);
    entry.status = reply.status;
    entry.bodyBytes = ctx.bodyBytes;
    if (reply.errorCode) entry.errorCode = reply.errorCode;
    const headers: Record<string, string> = {
      Date: new Date(this.now()).toUTCString(),
      'Cache-Control': 'no-cache',
      ...(ctx.host === 'rest' ? { 'X-DocuSign-TraceToken': guid() } : {}),
      ...(ctx.host === 'rest' && !ctx.rateHeaders ? this.defaultRateHeaders() : {}),
      ...(reply.headers ?? {}),
    };
    const body = reply.body ?? '';
    headers['Content-Length'] = String(Buffer.byteLength(body));
    if (res.destroyed) return;
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  /** Headers for REST answers that never reached an account (e.g. 401). */
  defaultRateHeaders(): Record<string, string> {
    const { hourly, burst } = this.cfg.rateLimit;
    return {
      'X-RateLimit-Limit': String(hourly),
      'X-RateLimit-Remaining': String(hourly),
      'X-RateLimit-Reset': String(nextHourEpoch(this.now())),
      'X-BurstLimit-Limit': String(burst),
      'X-BurstLimit-Remaining': String(burst),
    };
  }

  // ------------------------------------------------------------------ public API

  addIntegration(i: {
    integrationKey?: string;
    publicKeys?: (string | KeyObject)[];
    redirectUris?: string[];
    name?: string;
  }): { integrationKey: string } {
    const integrationKey = i.integrationKey ?? guid();
    const keys = (i.publicKeys ?? []).map((k) => (typeof k === 'string' ? createPublicKey(k) : k.type === 'private' ? createPublicKey(k) : k));
    const existing = this.integrations.get(integrationKey);
    this.integrations.set(integrationKey, {
      integrationKey,
      publicKeys: [...(existing?.publicKeys ?? []), ...keys],
      redirectUris: [...(existing?.redirectUris ?? []), ...(i.redirectUris ?? [])],
      name: i.name ?? existing?.name ?? 'Integration',
    });
    return { integrationKey };
  }

  addUser(u: {
    userId?: string;
    name: string;
    email: string;
    accounts: { accountId?: string; accountNumber?: string; name?: string; isDefault?: boolean; restIndex?: number }[];
  }): { userId: string; accounts: { accountId: string; accountNumber: string; baseUri: string }[] } {
    const userId = u.userId ?? guid();
    const accounts: UserAccount[] = u.accounts.map((a, idx) => {
      const accountId = this.findAccount(a.accountId ?? '')?.accountId ?? a.accountId ?? guid();
      const restIndex = a.restIndex ?? 0;
      if (restIndex < 0 || restIndex >= this.restUrls.length) throw new Error(`restIndex ${restIndex} has no REST host`);
      if (!this.accounts.has(accountId)) {
        if (a.accountNumber !== undefined && !/^\d{1,12}$/.test(a.accountNumber)) throw new Error(`accountNumber ${a.accountNumber} is not a number`);
        if (a.accountNumber !== undefined && this.findAccount(a.accountNumber)) throw new Error(`accountNumber ${a.accountNumber} is taken`);
        this.accounts.set(accountId, {
          accountId,
          accountNumber: a.accountNumber ?? this.numberFor(accountId),
          name: a.name ?? `Account ${idx + 1}`,
          restIndex,
          envelopes: new Map(),
          templates: new Map(),
          bulkLists: new Map(),
          batches: new Map(),
          hourKey: 0,
          hourCount: 0,
          burstStart: 0,
          burstCount: 0,
        });
      }
      return { accountId, name: a.name ?? `Account ${idx + 1}`, isDefault: false, restIndex };
    });
    const def = u.accounts.findIndex((a) => a.isDefault);
    if (accounts.length) accounts[def >= 0 ? def : 0]!.isDefault = true;
    this.users.set(userId, { userId, name: u.name, email: u.email, created: this.now(), accounts });
    return {
      userId,
      accounts: accounts.map((a) => ({ accountId: a.accountId, accountNumber: this.accounts.get(a.accountId)!.accountNumber, baseUri: this.restUrls[a.restIndex]! })),
    };
  }

  /**
   * The account a REST path names: its GUID in any case (DocuSign GUIDs are case-insensitive) or its
   * external account number (reference §1, spec: "The external account number (int) or account ID GUID").
   */
  findAccount(idOrNumber: string): Account | undefined {
    if (!idOrNumber) return undefined;
    const exact = this.accounts.get(idOrNumber);
    if (exact) return exact;
    const lower = idOrNumber.toLowerCase();
    for (const a of this.accounts.values()) if (a.accountId.toLowerCase() === lower || a.accountNumber === idOrNumber) return a;
    return undefined;
  }

  /** An 8-digit account number derived from the GUID, so a reused seed keeps its numbers. */
  private numberFor(accountId: string): string {
    let n = Number(BigInt('0x' + createHash('sha256').update(accountId.toLowerCase()).digest('hex').slice(0, 12)) % 90_000_000n) + 10_000_000;
    while (this.findAccount(String(n))) n = n >= 99_999_999 ? 10_000_000 : n + 1;
    return String(n);
  }

  grantConsent(integrationKey: string, userId: string, scopes: string[] = ['signature', 'impersonation']): void {
    const k = `${integrationKey} ${userId}`;
    const set = this.consentMap.get(k) ?? new Set<string>();
    for (const s of scopes) set.add(s);
    this.consentMap.set(k, set);
  }

  revokeConsent(integrationKey: string, userId: string): void {
    this.consentMap.delete(`${integrationKey} ${userId}`);
  }

  /** Scopes the user has consented to for the integration (individually or org-wide). */
  consentedScopes(integrationKey: string, userId: string): Set<string> {
    const s = new Set(this.consentMap.get(`${integrationKey} ${userId}`) ?? []);
    for (const x of this.adminConsents.get(integrationKey) ?? []) s.add(x);
    return s;
  }

  revokeTokens(): void {
    this.tokens.clear();
  }

  addTemplate(accountId: string, template: object): string {
    const acct = this.findAccount(accountId);
    if (!acct) throw new Error(`unknown account ${accountId}`);
    return storeTemplate(this, acct, template as Record<string, unknown>).templateId as string;
  }

  injectFault(f: FaultSpec): void {
    this.faults.push({ ...f, remaining: f.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  setConfig(patch: Partial<EmulatorOptions>): void {
    const { rateLimit, ...rest } = patch;
    for (const [k, v] of Object.entries(rest)) {
      if (v !== undefined && k !== 'port' && k !== 'restPorts' && k !== 'seed') (this.cfg as Record<string, unknown>)[k] = v;
    }
    if (rateLimit) this.cfg.rateLimit = { ...this.cfg.rateLimit, ...stripUndefined(rateLimit) };
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  state = {
    envelopes: (accountId?: string): EmulatorEnvelope[] => {
      const out: EmulatorEnvelope[] = [];
      for (const a of this.accounts.values()) {
        if (accountId && a.accountId !== accountId) continue;
        out.push(...a.envelopes.values());
      }
      return out;
    },
    envelope: (id: string): EmulatorEnvelope | undefined => {
      for (const a of this.accounts.values()) {
        const e = a.envelopes.get(id);
        if (e) return e;
      }
      return undefined;
    },
    consents: (): { integrationKey: string; userId: string; scopes: string[] }[] => {
      const out = new Map<string, { integrationKey: string; userId: string; scopes: string[] }>();
      for (const [k, v] of this.consentMap) {
        const [integrationKey, userId] = k.split(' ') as [string, string];
        out.set(k, { integrationKey, userId, scopes: [...v] });
      }
      for (const [ik, scopes] of this.adminConsents) {
        for (const userId of this.users.keys()) {
          const k = `${ik} ${userId}`;
          const prev = out.get(k);
          out.set(k, { integrationKey: ik, userId, scopes: [...new Set([...(prev?.scopes ?? []), ...scopes])] });
        }
      }
      return [...out.values()];
    },
    tokenRequests: (): number => this.tokenRequestCount,
    lastAssertionClaims: (): Record<string, unknown> | undefined => this.lastClaims,
    emails: () =>
      this.state
        .envelopes()
        .flatMap((e) => e.emails.map((m) => ({ envelopeId: e.envelopeId, recipientId: m.recipientId, email: m.email, kind: m.kind }))),
  };

  signingPage = {
    sign: (url: string, action: 'finish' | 'decline' | 'later' = 'finish') => driveSigningPage(url, action),
  };

  consentPage = {
    allow: (url: string, email: string) => driveConsentPage(url, email, 'allow'),
  };

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}


function resolve(o: EmulatorOptions): ResolvedOptions {
  return {
    autoConsent: o.autoConsent ?? false,
    latencyMs: o.latencyMs ?? 0,
    faultRate: o.faultRate ?? 0,
    tokenTtlSeconds: o.tokenTtlSeconds ?? 3600,
    viewTtlSeconds: o.viewTtlSeconds ?? 300,
    envelopeNotFoundStatus: o.envelopeNotFoundStatus ?? 400,
    hourlyLimitStatus: o.hourlyLimitStatus ?? 400,
    burstLimitStatus: o.burstLimitStatus ?? 400,
    rateLimit: {
      hourly: o.rateLimit?.hourly ?? 3000,
      burst: o.rateLimit?.burst ?? 200,
      burstWindowSeconds: o.rateLimit?.burstWindowSeconds ?? 30,
    },
    rejectExpBeyondOneHour: o.rejectExpBeyondOneHour ?? false,
    rejectFutureIat: o.rejectFutureIat ?? false,
    maxRequestBytes: o.maxRequestBytes ?? 35_651_584,
    now: o.now ?? Date.now,
    quiet: o.quiet ?? false,
    checkAnchors: o.checkAnchors ?? true,
    viewEmailCaseInsensitive: o.viewEmailCaseInsensitive ?? true,
    malformedPathStatus: o.malformedPathStatus ?? 400,
    asyncProcessingMs: o.asyncProcessingMs ?? 100,
    asyncFailuresInBackground: o.asyncFailuresInBackground ?? false,
    uncertainErrorCodes: o.uncertainErrorCodes ?? {},
    bulkQueueLimit: o.bulkQueueLimit ?? 2000,
    bulkCopyDelayMs: o.bulkCopyDelayMs ?? 20,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Unix seconds of the next clock hour. */
export function nextHourEpoch(ms: number): number {
  return Math.floor(ms / 3_600_000) * 3600 + 3600;
}

function redactHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    const val = Array.isArray(v) ? v.join(', ') : v;
    out[k] = k === 'authorization' ? val.replace(/^(\S+)\s+.*$/, '$1 [REDACTED]') : val;
  }
  return out;
}

function tooLarge(): Reply {
  return htmlReply(413, '<html><body><h1>413 Request Entity Too Large</h1></body></html>', { Connection: 'close' });
}

function errorToReply(e: unknown, host: 'oauth' | 'rest'): Reply {
  if (e instanceof RestError) return restErrorReply(e.status, e.errorCode, e.message);
  if (e instanceof OAuthError) {
    const body: Record<string, unknown> = { error: e.error };
    if (e.description !== undefined) body.error_description = e.description;
    Object.assign(body, e.extra ?? {});
    return { ...jsonReply(e.status, body), errorCode: e.error };
  }
  if (e instanceof TooLargeError) return tooLarge();
  // A bug in the emulator: answer like a DocuSign server fault, with no stack and no error text.
  return host === 'oauth' ? oauthInternalError() : restInternalError();
}

/** DocuSign's answer to a server-side fault on a REST host (reference §12: UNSPECIFIED_ERROR). */
function restInternalError(): Reply {
  return restErrorReply(500, 'UNSPECIFIED_ERROR', 'An unexpected error occurred. (emulator internal error; see the request log)');
}

/** The OAuth host's server-fault body (reference §4 shape). */
function oauthInternalError(): Reply {
  return { ...jsonReply(500, { error: 'internal_server_error', reference_id: guid() }), errorCode: 'internal_server_error' };
}

function oauthBadRequest(): Reply {
  return { ...jsonReply(400, { error: 'invalid_request' }), errorCode: 'invalid_request' };
}

/** (U) A path DocuSign cannot decode: 400 INVALID_REQUEST_PARAMETER, or 404 RESOURCE_NOT_FOUND by option. */
export function malformedPathReply(emu: EmulatorImpl): Reply {
  return emu.cfg.malformedPathStatus === 404
    ? restErrorReply(404, 'RESOURCE_NOT_FOUND', 'The URL provided does not resolve to a resource.')
    : restErrorReply(400, 'INVALID_REQUEST_PARAMETER', 'The request contained at least one invalid parameter. The URL path is not validly encoded.');
}

/**
 * Whether the request named this server: 127.0.0.1, localhost or [::1] (any case) with the port it
 * reached (no port = 80). Anything else — another name, another port, no Host — is refused.
 */
function isLoopbackAuthority(authority: string | undefined, port: number): boolean {
  const m = /^(localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?$/i.exec((authority ?? '').trim());
  return !!m && Number(m[2] ?? 80) === port;
}

/** 421 Misdirected Request: the emulator is a loopback-only service. */
function misdirected(port: number, authority: string | undefined): Reply {
  const seen = authority === undefined ? 'no Host header' : `Host ${JSON.stringify(authority.slice(0, 200))}`;
  return {
    status: 421,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' },
    body: `Misdirected Request: the esign emulator answers only to 127.0.0.1:${port}, localhost:${port} or [::1]:${port} (got ${seen}). Other names are refused to block DNS rebinding.\n`,
    errorCode: 'MISDIRECTED_REQUEST',
  };
}

/** The request target as a URL on this host; undefined when it cannot be one. */
function requestUrl(target: string): URL | undefined {
  try {
    // Origin-form ("/path") is resolved against this host textually, so "//x" stays a path.
    return target.startsWith('/') ? new URL(`http://127.0.0.1${target}`) : new URL(target);
  } catch {
    return undefined;
  }
}

/**
 * Carries out a 'reset' (the connection is cut) or a 'hang' (never answered; close() ends the
 * socket) fault. Returns false for faults that answer with a status.
 */
function dropConnection(fault: FaultSpec, req: IncomingMessage, entry: RequestLogEntry): boolean {
  if (fault.kind === 'reset') {
    req.socket.destroy();
    entry.status = -1;
    return true;
  }
  if (fault.kind === 'hang') {
    entry.status = -2;
    return true;
  }
  return false;
}
