/**
 * The OAuth host (account-d.docusign.com): consent page, JWT grant token endpoint, userinfo.
 * Error bodies follow reference §2–§4; uncertain choices are options in EmulatorOptions.
 */
import { randomUUID, verify as cryptoVerify } from 'node:crypto';
import type { Ctx, EmulatorImpl, Integration } from './core.js';
import { KNOWN_SCOPES } from '../auth/scopes.js';
import { esc, htmlReply, jsonReply, OAuthError, readBody, redirectReply, type Reply, token } from './util.js';

export { KNOWN_SCOPES };

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Dispatches a request to the OAuth host. */
export async function handleOAuth(emu: EmulatorImpl, ctx: Ctx): Promise<Reply> {
  const { url } = ctx;
  const method = ctx.req.method ?? 'GET';
  if (url.pathname === '/oauth/auth' && method === 'GET') return authPage(emu, url.searchParams);
  if (url.pathname === '/oauth/auth' && method === 'POST') {
    const body = await readBody(ctx.req, emu.cfg.maxRequestBytes);
    ctx.bodyBytes = body.length;
    return authSubmit(emu, new URLSearchParams(body.toString('utf8')));
  }
  if (url.pathname === '/oauth/token' && method === 'POST') return tokenEndpoint(emu, ctx);
  if (url.pathname === '/oauth/userinfo' && method === 'GET') return userinfo(emu, ctx);
  if (url.pathname === '/consent-done' || url.pathname === '/') {
    return htmlReply(200, '<html><body><p>Consent recorded. You can close this window.</p></body></html>');
  }
  if (url.pathname === '/esign/signing-complete' && method === 'GET') {
    // esign's default return URL against the emulator: shows the event DocuSign appended.
    const event = url.searchParams.get('event') ?? '(none)';
    return htmlReply(200, `<html><head><title>esign: signing finished</title></head><body><p id="event">event=${esc(event)}</p><p>You can close this window; check the envelope with <code>esign status</code>.</p></body></html>`);
  }
  return { ...jsonReply(404, { error: 'not_found', error_description: `no route ${method} ${url.pathname}` }), errorCode: 'not_found' };
}

// ------------------------------------------------------------------ consent page

interface AuthParams {
  integration: Integration;
  redirectUri: string;
  responseType: string;
  admin: boolean;
  scopes: string[];
  state: string | null;
}

function errorPage(title: string, detail: string): Reply {
  return {
    ...htmlReply(
      400,
      `<!doctype html><html><head><title>DocuSign: Error</title></head><body><main id="error">` +
        `<h1>${esc(title)}</h1><p class="error-detail">${esc(detail)}</p></main></body></html>`,
    ),
    errorCode: title,
  };
}

/** Validates the authorization request the way DocuSign does before showing a login. */
function checkAuthParams(emu: EmulatorImpl, p: URLSearchParams): AuthParams | Reply {
  const clientId = p.get('client_id') ?? '';
  const integration = emu.integrations.get(clientId);
  if (!integration) return errorPage('invalid_request', 'The client id provided is not registered with DocuSign.');
  const redirectUri = p.get('redirect_uri') ?? '';
  if (!integration.redirectUris.length) {
    return errorPage('invalid_request', 'There are no redirect URIs registered with DocuSign.');
  }
  // Exact match: scheme, host, port, path, trailing slash, query.
  if (!integration.redirectUris.includes(redirectUri)) {
    return errorPage('invalid_request', 'The redirect URI is not registered properly with DocuSign.');
  }
  const scopeParam = p.get('scope') ?? '';
  const adminScope = p.get('admin_consent_scope');
  const scopeTokens = scopeParam.split(' ').filter(Boolean);
  const admin = adminScope !== null && scopeTokens.includes('openid');
  const responseType = p.get('response_type') ?? '';
  const okTypes = admin ? ['code', 'token'] : ['code', 'token'];
  if (!okTypes.includes(responseType)) {
    return errorPage('unsupported_response_type', 'The response type is not supported.');
  }
  // Split on spaces only: a literal "+" (sent as %2B) stays inside one unrecognised token (BR-01).
  const scopes = (admin ? adminScope! : scopeParam).split(' ').filter(Boolean);
  if (!scopes.length) return errorPage('invalid_scope', 'The scope parameter is missing.');
  return { integration, redirectUri, responseType, admin, scopes, state: p.get('state') };
}

function authPage(emu: EmulatorImpl, p: URLSearchParams, message?: string): Reply {
  const a = checkAuthParams(emu, p);
  if ('status' in a) return a;
  const hidden = [...p.entries()]
    .filter(([k]) => k !== 'email' && k !== 'decision')
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('\n');
  const recognised = a.scopes.filter((s) => KNOWN_SCOPES.has(s));
  const items = recognised.map((s) => `<li class="scope" data-scope="${esc(s)}">${esc(s)}</li>`).join('');
  const html = `<!doctype html><html><head><title>DocuSign: ${a.admin ? 'Admin consent' : 'Allow access'}</title></head><body>
<main id="consent" data-admin="${a.admin}">
<h1>${esc(a.integration.name)} is requesting access${a.admin ? ' for your whole organization' : ''}</h1>
${message ? `<p id="message" class="error">${esc(message)}</p>` : ''}
<p>This app would like to:</p><ul id="scopes">${items}</ul>
<form method="post" action="/oauth/auth">
${hidden}
<label>Email <input type="email" name="email" id="email" autocomplete="username" list="emulator-users"></label>
<datalist id="emulator-users">${[...emu.users.values()].map((u) => `<option value="${esc(u.email)}">`).join('')}</datalist>
<p class="emulator-note">(esign emulator: log in as one of its users — ${[...emu.users.values()].map((u) => esc(u.email)).join(', ') || 'none registered'})</p>
<button type="submit" id="allow" name="decision" value="allow">Allow</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button>
</form></main></body></html>`;
  return htmlReply(200, html);
}

function withParams(redirectUri: string, params: Record<string, string | null>, fragment = false): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) qs.set(k, v);
  if (fragment) return `${redirectUri}#${qs.toString()}`;
  return redirectUri + (redirectUri.includes('?') ? '&' : '?') + qs.toString();
}

function authSubmit(emu: EmulatorImpl, p: URLSearchParams): Reply {
  const a = checkAuthParams(emu, p);
  if ('status' in a) return a;
  if (p.get('decision') === 'deny') {
    return redirectReply(withParams(a.redirectUri, { error: 'access_denied', error_message: 'The user canceled the request.', state: a.state }));
  }
  const email = (p.get('email') ?? '').trim().toLowerCase();
  const user = [...emu.users.values()].find((u) => u.email.toLowerCase() === email);
  if (!user) return authPage(emu, p, 'Unable to log in: no user with this email address.');
  const recognised = a.scopes.filter((s) => KNOWN_SCOPES.has(s));
  const ik = a.integration.integrationKey;
  if (a.admin) {
    const set = emu.adminConsents.get(ik) ?? new Set<string>();
    for (const s of recognised) set.add(s);
    emu.adminConsents.set(ik, set);
  } else {
    emu.grantConsent(ik, user.userId, recognised);
  }
  if (a.responseType === 'token') {
    const t = issueToken(emu, ik, user.userId, recognised);
    return redirectReply(
      withParams(a.redirectUri, { access_token: t.token, token_type: 'Bearer', expires_in: String(emu.cfg.tokenTtlSeconds), state: a.state }, true),
    );
  }
  const code = token(24);
  emu.codes.add(code);
  return redirectReply(withParams(a.redirectUri, { code, state: a.state }));
}

// ------------------------------------------------------------------ token

function issueToken(emu: EmulatorImpl, integrationKey: string, userId: string, scopes: string[]) {
  const t = {
    token: `emu.${emu.instanceId}.${token(32)}`,
    userId,
    integrationKey,
    scopes,
    expiresAt: emu.now() + emu.cfg.tokenTtlSeconds * 1000,
  };
  emu.tokens.set(t.token, t);
  return t;
}

function b64json(part: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const invalidGrant = (d?: string) => new OAuthError(400, 'invalid_grant', d);

async function tokenEndpoint(emu: EmulatorImpl, ctx: Ctx): Promise<Reply> {
  emu.tokenRequestCount++;
  const raw = await readBody(ctx.req, emu.cfg.maxRequestBytes);
  ctx.bodyBytes = raw.length;
  const ctype = String(ctx.req.headers['content-type'] ?? '').toLowerCase();
  // A body DocuSign cannot parse answers a bare invalid_grant (reference §2, weak evidence).
  if (!ctype.startsWith('application/x-www-form-urlencoded')) throw invalidGrant();
  const form = new URLSearchParams(raw.toString('utf8'));
  const grantType = form.get('grant_type');
  if (!grantType) throw new OAuthError(400, 'invalid_request'); // (U)
  if (grantType !== JWT_GRANT) throw new OAuthError(400, 'unsupported_grant_type'); // (U)
  const assertion = form.get('assertion');
  if (!assertion) throw new OAuthError(400, 'invalid_request'); // (U)

  const parts = assertion.split('.');
  if (parts.length !== 3) throw invalidGrant('no_valid_keys_or_signatures');
  const header = b64json(parts[0]!);
  const claims = b64json(parts[1]!);
  if (!header || !claims) throw invalidGrant('no_valid_keys_or_signatures');
  emu.lastClaims = claims;
  if (header.alg !== 'RS256') throw invalidGrant('no_valid_keys_or_signatures');

  const iss = typeof claims.iss === 'string' ? claims.iss : '';
  const integration = emu.integrations.get(iss);
  if (!integration) throw invalidGrant('issuer_not_found');

  const aud = typeof claims.aud === 'string' ? claims.aud : Array.isArray(claims.aud) ? String(claims.aud[0] ?? '') : '';
  // DocuSign's rule: aud is the bare name of the OAuth host the request went to. The emulator is
  // reachable as 127.0.0.1:PORT and as localhost:PORT, so the Host header decides which is right.
  const hostHeader = String(ctx.req.headers.host ?? '').toLowerCase();
  const own = new Set([emu.oauthHost, ...(/^(localhost|127\.0\.0\.1|\[::1\]):\d+$/.test(hostHeader) ? [hostHeader] : [])]);
  if (!own.has(aud)) {
    const bare = aud.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
    // The right host dressed with a scheme or slash: signature context fails. Another host: unknown issuer there.
    throw invalidGrant(own.has(bare) ? 'no_valid_keys_or_signatures' : 'issuer_not_found');
  }

  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const sig = Buffer.from(parts[2]!, 'base64url');
  const ok = integration.publicKeys.some((k) => {
    try {
      return cryptoVerify('RSA-SHA256', data, k, sig);
    } catch {
      return false;
    }
  });
  if (!ok) throw invalidGrant('no_valid_keys_or_signatures');

  const nowS = Math.floor(emu.now() / 1000);
  if (typeof claims.exp !== 'number') throw invalidGrant('no_valid_keys_or_signatures');
  if (claims.exp <= nowS) throw invalidGrant('expired_grant');
  if (typeof claims.nbf === 'number' && claims.nbf > nowS) throw invalidGrant('no_valid_keys_or_signatures');
  if (typeof claims.iat === 'number') {
    if (emu.cfg.rejectFutureIat && claims.iat > nowS + 30) throw invalidGrant('no_valid_keys_or_signatures');
    if (emu.cfg.rejectExpBeyondOneHour && claims.exp - claims.iat > 3600) throw invalidGrant('no_valid_keys_or_signatures');
  }

  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  const user = emu.users.get(sub);
  if (!user) throw invalidGrant('user_not_found');

  const requested = (typeof claims.scope === 'string' ? claims.scope : 'signature').split(' ').filter(Boolean);
  const needed = [...new Set([...requested, 'impersonation'])];
  if (emu.cfg.autoConsent) emu.grantConsent(iss, sub, needed.filter((s) => KNOWN_SCOPES.has(s)));
  const consented = emu.consentedScopes(iss, sub);
  if (!needed.every((s) => consented.has(s))) throw new OAuthError(400, 'consent_required');

  const t = issueToken(emu, iss, sub, requested);
  return jsonReply(200, { access_token: t.token, token_type: 'Bearer', expires_in: emu.cfg.tokenTtlSeconds });
}

// ------------------------------------------------------------------ userinfo

/** Resolves a Bearer token; undefined when missing, unknown, revoked or expired. */
export function bearer(emu: EmulatorImpl, ctx: Ctx): { kind: 'ok'; userId: string } | { kind: 'missing' | 'invalid' | 'foreign' } {
  const h = String(ctx.req.headers.authorization ?? '');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  if (!m) return { kind: 'missing' };
  const t = emu.tokens.get(m[1]!);
  if (!t) return { kind: /^emu\.[^.]+\./.test(m[1]!) && !m[1]!.startsWith(`emu.${emu.instanceId}.`) ? 'foreign' : 'invalid' };
  if (t.expiresAt <= emu.now()) {
    emu.tokens.delete(t.token);
    return { kind: 'invalid' };
  }
  return { kind: 'ok', userId: t.userId };
}

function userinfo(emu: EmulatorImpl, ctx: Ctx): Reply {
  const b = bearer(emu, ctx);
  const user = b.kind === 'ok' ? emu.users.get(b.userId) : undefined;
  if (!user) {
    // Observed answer for a bad token (reference §4, U).
    throw new OAuthError(401, 'internal_server_error', undefined, { reference_id: randomUUID() });
  }
  const [given, ...rest] = user.name.split(' ');
  return jsonReply(200, {
    sub: user.userId,
    name: user.name,
    given_name: given ?? '',
    family_name: rest.join(' '),
    created: new Date(user.created).toISOString(),
    email: user.email,
    accounts: user.accounts.map((a) => ({
      account_id: a.accountId,
      is_default: a.isDefault,
      account_name: a.name,
      base_uri: emu.restUrls[a.restIndex],
    })),
  });
}
