import { AuthError } from '../errors.js';
import { assertSecureUrl } from '../settings/environment.js';
import { KNOWN_SCOPES } from './scopes.js';

/** A bad setting value is a configuration error (exit 4), like the other settings. */
const configError = (message: string, opts: { hint?: string } = {}) => new AuthError(message, { ...opts, code: 'CONFIG' });

/**
 * Parses and checks the one scope list that feeds both the consent URL and the JWT (BR-02):
 * space (or comma) separated, must contain `signature` and `impersonation`, no unknown scopes.
 */
export function parseScopes(value: string | undefined, origin = 'ESIGN_SCOPES'): string[] {
  const scopes = [...new Set((value ?? '').split(/[\s,+]+/).filter(Boolean))];
  const missing = ['signature', 'impersonation'].filter((s) => !scopes.includes(s));
  if (missing.length) {
    throw configError(`the scope list (${origin}) lacks ${missing.map((s) => `"${s}"`).join(' and ')}`, {
      hint: 'JWT impersonation for eSignature needs both "signature" and "impersonation", in the consent and in the token request. Use: signature impersonation',
    });
  }
  const unknown = scopes.filter((s) => !KNOWN_SCOPES.has(s));
  if (unknown.length) {
    throw configError(`unknown scope${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `"${s}"`).join(', ')} in ${origin}`, {
      hint: 'Check the spelling; for eSignature use: signature impersonation',
    });
  }
  return scopes;
}

/** Checks a consent redirect URI before it goes into a URL (BR-05). */
export function checkRedirectUri(value: string | undefined, origin: string): string {
  const v = (value ?? '').trim();
  if (!v) {
    throw configError('no consent redirect URI is set', {
      hint: 'Set --redirect-uri or ESIGN_REDIRECT_URI to a redirect URI registered on the integration key (Apps and Keys). The page it points at only needs to exist.',
    });
  }
  // `https://app/login` + an empty value gives `.../loginnull` (BR-05): look at segment ends too.
  if (/\b(null|undefined)\b|(null|undefined)(?=$|[/?#&=])/i.test(v)) {
    throw configError(`the consent redirect URI (${origin}) contains "${/null/i.test(v) ? 'null' : 'undefined'}": ${v}`, {
      hint: 'A configuration value was probably empty when the URI was built. Set the exact URI registered on the integration key.',
    });
  }
  try {
    assertSecureUrl(v, `the redirect URI (${origin})`);
  } catch (e) {
    throw configError((e as Error).message, { hint: 'Set the exact redirect URI registered on the integration key (https, or http on 127.0.0.1/localhost).' });
  }
  return v;
}

export interface ConsentUrlInput {
  oauthBase: string;
  integrationKey: string;
  redirectUri: string;
  scopes: string[];
  admin?: boolean;
  state?: string;
}

/**
 * Builds the consent URL. Scopes are space-separated and each space is encoded as %20 — never `+`
 * joined and then encoded (BR-01). Admin consent uses `scope=openid` plus `admin_consent_scope`.
 */
export function buildConsentUrl(i: ConsentUrlInput): string {
  const enc = encodeURIComponent;
  const params: [string, string][] = [['response_type', 'code']];
  if (i.admin) {
    params.push(['scope', 'openid']);
    params.push(['admin_consent_scope', i.scopes.filter((s) => s !== 'openid').join(' ')]);
  } else {
    params.push(['scope', i.scopes.join(' ')]);
  }
  params.push(['client_id', i.integrationKey], ['redirect_uri', i.redirectUri]);
  if (i.state) params.push(['state', i.state]);
  return `${i.oauthBase}/oauth/auth?${params.map(([k, v]) => `${k}=${enc(v)}`).join('&')}`;
}
