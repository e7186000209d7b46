import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { ApiError, AuthError, ConsentRequiredError, EsignError } from '../errors.js';
import type { Transport, HttpResponse, TraceSink } from '../http/transport.js';
import { registerSecret } from '../output/redact.js';
import { assertSecureUrl } from '../settings/environment.js';
import { ensurePrivateDir, writeFileAtomic } from '../settings/paths.js';
import type { AuthConfig } from './config.js';
import { buildConsentUrl } from './consent.js';
import { loadPrivateKey, type LoadedKey } from './keys.js';
import { signAssertion } from './jwt.js';

/** One account of the user, as userinfo reports it. */
export interface UserAccount {
  accountId: string;
  name: string;
  baseUri: string;
  isDefault: boolean;
}

export interface UserInfo {
  userId: string;
  name: string;
  email: string;
  accounts: UserAccount[];
}

/** What the cache holds per (OAuth host, integration key, user, scopes). */
export interface CachedToken {
  accessToken: string;
  /** epoch ms */
  expiresAt: number;
  /** epoch ms when it was issued (sizes the reuse margin of short-lived tokens). */
  issuedAt?: number;
  userinfo?: UserInfo;
}

/** A token is reused while it has at least this long left (contract: 5 minutes). */
export const TOKEN_MARGIN_MS = 5 * 60_000;

/**
 * How long before expiry a token stops being reused: 5 minutes, or a quarter of its lifetime when
 * that is shorter. Without the second rule a token living under 5 minutes would be minted anew on
 * every call (BR-16).
 */
export function reuseMarginMs(t: CachedToken): number {
  const life = t.issuedAt !== undefined ? t.expiresAt - t.issuedAt : Infinity;
  return Math.min(TOKEN_MARGIN_MS, life / 4);
}

/** True while a token has more than its reuse margin left. */
export function isFresh(t: CachedToken, now = Date.now()): boolean {
  return t.expiresAt - now >= reuseMarginMs(t);
}

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Token cache: one small file per key under `<configDir>/tokens`, 0600, written atomically. */
export class TokenCache {
  constructor(readonly dir: string) {}

  /** The cache key: OAuth host, integration key, user and scopes. */
  static keyOf(c: Pick<AuthConfig, 'environment' | 'integrationKey' | 'userId' | 'scopes'>, keyFingerprint = ''): string {
    return createHash('sha256')
      // The key's fingerprint is part of the cache key: after switching to another (or a wrong)
      // key, a cached token minted with the old one must not hide the change.
      .update([c.environment.oauthBase, c.integrationKey.toLowerCase(), c.userId.toLowerCase(), [...c.scopes].sort().join(' '), keyFingerprint].join('|'))
      .digest('hex')
      .slice(0, 32);
  }

  private file(key: string): string {
    return path.join(this.dir, 'tokens', `${key}.json`);
  }

  /** The cached entry, or undefined when absent or unreadable (a corrupt entry is just a miss). */
  read(key: string): CachedToken | undefined {
    try {
      const t = JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as CachedToken;
      if (typeof t.accessToken !== 'string' || typeof t.expiresAt !== 'number') return undefined;
      registerSecret(t.accessToken);
      return t;
    } catch {
      return undefined;
    }
  }

  /** Stores an entry atomically: concurrent esign processes never see a torn file. */
  write(key: string, t: CachedToken): void {
    ensurePrivateDir(this.dir);
    ensurePrivateDir(path.join(this.dir, 'tokens'));
    writeFileAtomic(this.file(key), JSON.stringify(t));
  }

  /** Removes an entry (after a 401 or on logout). */
  remove(key: string): void {
    try {
      fs.rmSync(this.file(key), { force: true });
    } catch {
      /* an unwritable cache folder: the entry simply stays (and is warned about on write) */
    }
  }

  /** Removes every entry; returns how many there were. */
  clear(): number {
    const d = path.join(this.dir, 'tokens');
    let n = 0;
    try {
      for (const f of fs.readdirSync(d)) {
        if (f.endsWith('.json')) {
          fs.rmSync(path.join(d, f), { force: true });
          n++;
        }
      }
    } catch {
      /* nothing cached */
    }
    return n;
  }
}

interface OAuthErrorBody {
  error?: string;
  error_description?: string;
}

/** Measured difference between DocuSign's clock and ours (ms; positive = server ahead). */
export function clockSkewMs(res: HttpResponse, localNow = Date.now()): number | undefined {
  const d = res.headers.get('date');
  if (!d) return undefined;
  const server = Date.parse(d);
  if (Number.isNaN(server)) return undefined;
  // Date has 1 s resolution; half a request's duration is the best estimate of when it was stamped.
  return server - (localNow - res.durationMs / 2);
}

/**
 * Gets access tokens by JWT grant, with the cache, consent detection, clock-skew correction and
 * the userinfo call (cached with the token, so a warm command makes no OAuth call).
 */
export class TokenProvider {
  private key?: LoadedKey;
  private memo?: CachedToken;
  private cacheKeyMemo?: string;
  /** Last measured skew (doctor shows it). */
  skewMs?: number;
  private cacheWarned = false;

  constructor(
    readonly config: AuthConfig,
    readonly transport: Transport,
    readonly cache: TokenCache | undefined,
    readonly sink: TraceSink,
  ) {}

  /** The cache key: OAuth host, integration key, user, scopes and the key's fingerprint. */
  get cacheKey(): string {
    return (this.cacheKeyMemo ??= TokenCache.keyOf(this.config, this.loadKey().fingerprint));
  }

  /** Loads (once) and returns the private key. */
  loadKey(): LoadedKey {
    if (!this.key) {
      this.key = loadPrivateKey({ file: this.config.privateKeyFile, text: this.config.privateKeyText });
      if (this.key.permissionWarning) this.sink.warn(this.key.permissionWarning);
    }
    return this.key;
  }

  /** The consent URL built from the same scope list as the JWT (BR-02). */
  consentUrl(admin = false): string | undefined {
    if (!this.config.redirectUri) return undefined;
    return buildConsentUrl({
      oauthBase: this.config.environment.oauthBase,
      integrationKey: this.config.integrationKey,
      redirectUri: this.config.redirectUri,
      scopes: this.config.scopes,
      admin,
    });
  }

  /** A valid token: memory, then cache (with ≥5 min left), then a new JWT grant. */
  async token(opts: { forceNew?: boolean } = {}): Promise<CachedToken> {
    const now = Date.now();
    if (!opts.forceNew) {
      if (this.memo && isFresh(this.memo, now)) return this.memo;
      const cached = this.cache?.read(this.cacheKey);
      if (cached && isFresh(cached, now)) {
        this.sink.trace(`token: from cache (expires ${new Date(cached.expiresAt).toISOString()})`);
        return (this.memo = cached);
      }
    } else {
      this.cache?.remove(this.cacheKey);
    }
    const t = await this.mint();
    this.memo = t;
    this.store(t);
    return t;
  }

  /** Writes the cache; a folder that cannot be written costs a warning, not the command. */
  private store(t: CachedToken): void {
    if (!this.cache) return;
    try {
      this.cache.write(this.cacheKey, t);
    } catch (e) {
      if (!this.cacheWarned) {
        this.cacheWarned = true;
        this.sink.warn(`cannot write the token cache in ${this.cache.dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the next command will get a new token. Check ESIGN_CONFIG_DIR.`);
      }
    }
  }

  /** Forgets the current token (after a 401 from the REST API) so the next call mints a new one. */
  invalidate(): void {
    this.memo = undefined;
    this.cache?.remove(this.cacheKey);
  }

  /** The token plus userinfo, fetching userinfo once per token. */
  async tokenWithUser(): Promise<CachedToken & { userinfo: UserInfo }> {
    let t = await this.token();
    if (t.userinfo) return t as CachedToken & { userinfo: UserInfo };
    let info: UserInfo | undefined;
    try {
      info = await this.fetchUserInfo(t.accessToken);
    } catch (e) {
      // A cached token revoked early (BR-16): userinfo answers 401; get a new token once.
      if (!(e instanceof TokenRefusedError)) throw e;
      t = await this.token({ forceNew: true });
      info = await this.fetchUserInfo(t.accessToken);
    }
    t.userinfo = info;
    this.memo = t;
    this.store(t);
    return t as CachedToken & { userinfo: UserInfo };
  }

  /** Requests a token; on a clock-skew failure retries once with the server's time. */
  async mint(): Promise<CachedToken> {
    const key = this.loadKey();
    const env = this.config.environment;
    this.sink.trace(`token: key from ${key.source} (RSA ${key.bits}, public-key fingerprint ${key.fingerprint})`);
    this.sink.trace(`token: JWT grant at ${env.oauthBase}/oauth/token (aud=${env.aud}, iss=${this.config.integrationKey}, sub=${this.config.userId}, scope="${this.config.scopes.join(' ')}")`);
    let res = await this.requestToken(key, Date.now());
    if (res.status !== 200) {
      const body = parseOAuthError(res);
      const skew = clockSkewMs(res);
      if (skew !== undefined) this.skewMs = skew;
      if (skew !== undefined && Math.abs(skew) > 30_000 && pointsAtTime(body)) {
        const secs = Math.round(Math.abs(skew) / 1000);
        this.sink.trace(`token: clock skew: this machine's clock is ${secs} s ${skew > 0 ? 'behind' : 'ahead of'} the OAuth server's (Date header); retrying once with corrected iat/exp`);
        res = await this.requestToken(key, Date.now() + skew);
        if (res.status === 200) {
          this.sink.warn(`this machine's clock is ${secs} s ${skew > 0 ? 'behind' : 'ahead of'} DocuSign's; esign corrected the token request for it. Sync the clock (NTP) to avoid surprises.`);
        }
      }
    }
    if (res.status !== 200) throw this.tokenError(res, key);
    // Measured on success too, so `esign doctor` reports the skew of a working setup.
    this.skewMs = clockSkewMs(res) ?? this.skewMs;
    let body: { access_token?: unknown; expires_in?: unknown } | null;
    try {
      body = res.json();
    } catch {
      throw new AuthError(`the token endpoint at ${env.oauthBase} answered 200 without JSON`, { hint: 'Check --env: it must be the OAuth host.' });
    }
    if (typeof body?.access_token !== 'string') {
      throw new AuthError(`the token endpoint at ${env.oauthBase} answered without an access_token`, { hint: 'Check --env: it must be the OAuth host.' });
    }
    registerSecret(body.access_token);
    const expiresIn = Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600;
    const issuedAt = Date.now();
    return { accessToken: body.access_token, expiresAt: issuedAt + expiresIn * 1000, issuedAt };
  }

  private async requestToken(key: LoadedKey, nowMs: number): Promise<HttpResponse> {
    const env = this.config.environment;
    const assertion = await signAssertion(key.key, {
      iss: this.config.integrationKey,
      sub: this.config.userId,
      aud: env.aud,
      scopes: this.config.scopes,
      nowSeconds: nowMs / 1000,
    });
    return this.transport.request({
      method: 'POST',
      url: `${env.oauthBase}/oauth/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: `grant_type=${encodeURIComponent(JWT_GRANT)}&assertion=${assertion}`,
      // A token request has no side effects: safe to send again.
      idempotent: true,
    });
  }

  /** Turns an OAuth error answer into one line of cause and one of next step. */
  tokenError(res: HttpResponse, key: LoadedKey): EsignError {
    const env = this.config.environment;
    const body = parseOAuthError(res);
    const where = env.name === 'custom' ? env.oauthBase : `${env.name} (${env.aud})`;
    const err = body.error ?? '';
    const desc = body.error_description ?? '';
    if (res.status >= 500 || (!err && res.status !== 400)) {
      return new ApiError(`the OAuth service at ${env.oauthBase} answered HTTP ${res.status}`, {
        status: res.status,
        hint: 'DocuSign may be having trouble; try again. Check --env if this persists.',
      });
    }
    if (err === 'consent_required') {
      const url = this.consentUrl() ?? '';
      // Consent is per environment (BR-04): say so wherever it is not the demo environment.
      const perEnv = env.name === 'demo' ? '' : '; consent given in another environment (such as demo) does not carry over';
      const message = `user ${this.config.userId} has not granted consent to integration key ${this.config.integrationKey} for scopes "${this.config.scopes.join(' ')}" in ${where}${perEnv}`;
      const adminNote = env.name === 'demo' ? '' : ' If your organization blocks individual consent, an org admin can grant it for all users: `esign consent --admin`.';
      const hint = url
        ? `Open ${url} as that user and click Allow (or run \`esign consent --open --wait\`).${adminNote}`
        : 'Set --redirect-uri / ESIGN_REDIRECT_URI (a redirect URI registered on the integration key), then run `esign consent --open --wait`.' + adminNote;
      return new ConsentRequiredError(message, url, { hint, details: { scopes: this.config.scopes, environment: env.name } });
    }
    if (desc === 'no_valid_keys_or_signatures') {
      return new AuthError(
        `the private key (${key.source}) does not match any RSA public key registered for integration key ${this.config.integrationKey} in ${where}`,
        {
          hint: `Its public-key fingerprint is ${key.fingerprint}; compare it with the key pairs in Apps and Keys (to get the public key to upload: openssl rsa -in KEY -pubout). Also check that the key belongs to this environment and was not truncated.`,
          details: { error: err, error_description: desc, fingerprint: key.fingerprint },
        },
      );
    }
    if (desc === 'issuer_not_found') {
      return new AuthError(`integration key ${this.config.integrationKey} is not known to ${where}`, {
        hint:
          env.name === 'production'
            ? 'Keys are per environment: is this the demo key, or has the key not been promoted to production (go-live) yet? Use --env demo for a demo key.'
            : 'Check the value (a typo, a truncated copy, or the secret key instead of the integration key), and that --env is the environment the key belongs to.',
        details: { error: err, error_description: desc },
      });
    }
    if (desc === 'user_not_found' || desc === 'invalid_subject') {
      return new AuthError(`user ${this.config.userId} was not found in ${where}`, {
        hint: 'The user id must be the "User ID" GUID (not the "API Account ID") of a user in this environment.',
        details: { error: err, error_description: desc },
      });
    }
    if (desc === 'expired_grant') {
      return new AuthError(`the token service says the assertion has expired (${desc})`, {
        hint: `Check this machine's clock${this.skewMs !== undefined ? ` (it differs from the server by ${Math.round(this.skewMs / 1000)} s)` : ''}; run \`esign doctor\`.`,
        details: { error: err, error_description: desc },
      });
    }
    return new AuthError(`the token request was refused: ${err || `HTTP ${res.status}`}${desc ? ` (${desc})` : ''}`, {
      hint: 'Check the integration key, user id, key and --env; run `esign doctor` for a checklist.',
      details: { error: err, error_description: desc, status: res.status },
    });
  }

  /** GET /oauth/userinfo. */
  async fetchUserInfo(accessToken: string): Promise<UserInfo> {
    const env = this.config.environment;
    const res = await this.transport.request({
      method: 'GET',
      url: `${env.oauthBase}/oauth/userinfo`,
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    if (res.status === 401) {
      this.invalidate();
      throw new TokenRefusedError('the access token was refused by userinfo (expired or revoked)', { hint: 'Run the command again; esign will get a new token.' });
    }
    if (res.status !== 200) throw new ApiError(`userinfo at ${env.oauthBase} answered HTTP ${res.status}`, { status: res.status });
    return userInfoFromResponse(res, env.oauthBase);
  }

  /** The account to use: --account-id / ESIGN_ACCOUNT_ID, else the user's is_default account. */
  chooseAccount(info: UserInfo): UserAccount & { restBase: string } {
    const list = info.accounts.map((a) => `${a.accountId} (${a.name}${a.isDefault ? ', default' : ''})`).join('; ');
    let acct: UserAccount | undefined;
    if (this.config.accountId) {
      const want = this.config.accountId.toLowerCase();
      acct = info.accounts.find((a) => a.accountId.toLowerCase() === want);
      if (!acct) {
        throw new AuthError(`user ${info.userId} has no account ${this.config.accountId}`, {
          code: 'CONFIG',
          hint:
            `The user's accounts: ${list || 'none'}. Fix --account-id / ESIGN_ACCOUNT_ID, or unset it to use the default account.` +
            (/^\d+$/.test(this.config.accountId) ? ' Give the API Account ID (a GUID), not the account number.' : ''),
          details: { accounts: info.accounts.map((a) => a.accountId) },
        });
      }
    } else {
      acct = info.accounts.find((a) => a.isDefault);
      if (!acct) {
        throw new AuthError(`user ${info.userId} has no default account`, {
          code: 'CONFIG',
          hint: `Choose one with --account-id / ESIGN_ACCOUNT_ID. The user's accounts: ${list || 'none'}.`,
        });
      }
    }
    let base: URL;
    try {
      base = assertSecureUrl(acct.baseUri, `the base_uri of account ${acct.accountId}`);
    } catch (e) {
      throw new AuthError((e as Error).message, { code: 'CONFIG', hint: 'userinfo gave an unusable REST host for this account; check --env.' });
    }
    return { ...acct, restBase: `${base.origin}${base.pathname.replace(/\/+$/, '')}/restapi` };
  }
}

/** userinfo refused the access token (revoked or expired early). */
class TokenRefusedError extends AuthError {}

function parseOAuthError(res: HttpResponse): OAuthErrorBody {
  try {
    const j = res.json<OAuthErrorBody>();
    return j && typeof j === 'object' ? j : {};
  } catch {
    return {};
  }
}

/** True when an OAuth error may be caused by iat/exp (clock skew). */
function pointsAtTime(b: OAuthErrorBody): boolean {
  return b.error_description === 'expired_grant' || b.error === 'invalid_grant' && /time|iat|exp|nbf|not.?yet/i.test(b.error_description ?? '') || b.error_description === 'no_valid_keys_or_signatures';
}

/**
 * The user of a 200 userinfo answer. Anything else — an HTML page (a wrong --env, a captive portal
 * or proxy), JSON without a user or with accounts that are not a list of objects — is an ApiError
 * (exit 5) saying what came back, never a parse error.
 */
export function userInfoFromResponse(res: HttpResponse, oauthBase: string): UserInfo {
  const hint =
    "That is not DocuSign's userinfo answer: check --env / ESIGN_ENV (demo is account-d.docusign.com, production account.docusign.com; not a REST host such as demo.docusign.net), and any proxy in between.";
  let j: unknown;
  try {
    j = res.json();
  } catch {
    const type = res.headers.get('content-type')?.split(';')[0]?.trim();
    throw new ApiError(`userinfo at ${oauthBase} answered HTTP ${res.status} with something that is not JSON${type ? ` (${type})` : ''}`, { status: res.status, hint });
  }
  const o = j as { sub?: unknown; accounts?: unknown } | null;
  const accountsOk = o?.accounts === undefined || (Array.isArray(o.accounts) && o.accounts.every((a) => a !== null && typeof a === 'object' && !Array.isArray(a)));
  if (!o || typeof o !== 'object' || Array.isArray(o) || typeof o.sub !== 'string' || !accountsOk) {
    throw new ApiError(`userinfo at ${oauthBase} answered JSON that is not a userinfo document (no user "sub", or "accounts" is not a list of accounts)`, { status: res.status, hint });
  }
  return parseUserInfo(j as Parameters<typeof parseUserInfo>[0]);
}

/** The userinfo answer (reference §4) in esign's shape; `is_default` may be a boolean or a string. */
export function parseUserInfo(j: {
  sub: string;
  name?: string;
  email?: string;
  accounts?: { account_id: string; account_name?: string; base_uri: string; is_default?: boolean | string }[];
}): UserInfo {
  return {
    userId: j.sub,
    name: j.name ?? '',
    email: j.email ?? '',
    accounts: (j.accounts ?? []).map((a) => ({
      accountId: a.account_id,
      name: a.account_name ?? '',
      baseUri: a.base_uri,
      isDefault: a.is_default === true || a.is_default === 'true',
    })),
  };
}
