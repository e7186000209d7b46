import { AuthError, UsageError } from '../errors.js';

/** Settings errors are configuration errors (exit 4), whichever flag, variable or profile gave them. */
const configError = (message: string, opts: { hint?: string } = {}) => new AuthError(message, { ...opts, code: 'CONFIG' });

/** A resolved OAuth environment: where tokens come from and what the JWT `aud` must be. */
export interface OAuthEnvironment {
  /** `demo`, `production`, or `custom` (an explicit URL such as the emulator). */
  name: 'demo' | 'production' | 'custom';
  /** scheme://host[:port], no trailing slash. */
  oauthBase: string;
  /** The JWT audience: bare host, with :port when the URL has one. */
  aud: string;
}

const KNOWN: Record<string, { name: 'demo' | 'production'; host: string }> = {
  demo: { name: 'demo', host: 'account-d.docusign.com' },
  production: { name: 'production', host: 'account.docusign.com' },
};

/** True for hosts that never leave this machine (plain http is allowed only for these). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Parses `--env`: `demo`, `production`, a bare host, or a URL. Accepts `https://host/` and a bare
 * host alike (BR-09); refuses paths such as `/oauth/token`, and plain http off loopback.
 */
export function parseEnvironment(value: string, source = '--env'): OAuthEnvironment {
  const raw = value.trim();
  const known = KNOWN[raw.toLowerCase()];
  if (known) return { name: known.name, oauthBase: `https://${known.host}`, aud: known.host };
  if (!raw) throw configError(`${source} is empty`, { hint: 'Use demo, production, or an OAuth base URL.' });

  // A bare host means https, except on loopback, where only the emulator (plain http) listens.
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  const bareHost = raw.replace(/[/?#].*$/, '').replace(/:\d+$/, '');
  const withScheme = hasScheme ? raw : `${isLoopbackHost(bareHost) ? 'http' : 'https'}://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw configError(`${source} "${raw}" is not demo, production or a URL`, {
      hint: 'Examples: --env demo, --env production, --env http://127.0.0.1:8080',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw configError(`${source} "${raw}" must use https (or http on loopback)`);
  }
  if (url.pathname.replace(/\/+$/, '') !== '') {
    const hint = /\/oauth/.test(url.pathname)
      ? `Give the OAuth host only: ${url.protocol}//${url.host} (esign adds /oauth/token itself).`
      : `Give the OAuth host only, without a path: ${url.protocol}//${url.host}`;
    throw configError(`${source} "${raw}" has a path (${url.pathname})`, { hint });
  }
  if (url.search || url.hash || url.username || url.password) {
    throw configError(`${source} "${raw}" must not contain a query, fragment or credentials`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw configError(`${source} "${raw}" uses plain http to a host that is not loopback`, {
      hint: `Use https://${url.host}. Plain http is only allowed for 127.0.0.1/localhost (the emulator).`,
    });
  }
  const host = url.host.toLowerCase(); // includes :port when given
  for (const k of Object.values(KNOWN)) {
    if (host === k.host) return { name: k.name, oauthBase: `https://${k.host}`, aud: k.host };
  }
  return { name: 'custom', oauthBase: `${url.protocol}//${host}`, aud: host };
}

/** Refuses plain-http URLs off loopback (REST base URIs from userinfo, return URLs). */
export function assertSecureUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what} "${value}" is not an absolute URL`, {
      hint: 'Give an absolute https:// URL (http:// only for 127.0.0.1/localhost).',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${what} "${value}" must be an http(s) URL`, {
      hint: 'Give an absolute https:// URL (http:// only for 127.0.0.1/localhost).',
    });
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UsageError(`${what} "${value}" uses plain http to a host that is not loopback`, {
      hint: 'Use https. Plain http is only allowed for 127.0.0.1/localhost.',
    });
  }
  return url;
}
