/**
 * Which proxy (if any) a request goes through: HTTPS_PROXY / HTTP_PROXY / NO_PROXY, read the way
 * curl reads them, plus one rule of esign's own: loopback targets (127.0.0.0/8, localhost, ::1)
 * always go direct — a proxy elsewhere cannot reach this machine's loopback, and the emulator and
 * `esign demo` live there.
 */
import net from 'node:net';
import { AuthError } from '../errors.js';
import { registerSecret } from '../output/redact.js';
import { isLoopbackHost } from '../settings/environment.js';

/** The proxy chosen for one request. */
export interface ProxyRoute {
  /** scheme://host:port of the proxy, without credentials (what undici connects to). */
  origin: string;
  /** The environment variable that named it (HTTPS_PROXY, http_proxy, …). */
  variable: string;
  /** The proxy as shown to the user: `http://user:***@host:port` (never the password). */
  shown: string;
  /** `Basic …` for Proxy-Authorization when the URL carries a user name. */
  token?: string;
  hasCredentials: boolean;
}

/** One NO_PROXY entry. */
interface NoProxyRule {
  all?: boolean;
  /** A domain: matches itself and every sub-domain. */
  domain?: string;
  /** An IP address or CIDR range. */
  ips?: net.BlockList;
  port?: number;
}

const HTTPS_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;
const HTTP_VARS = ['HTTP_PROXY', 'http_proxy'] as const;

/** The proxy settings of one run (parsed lazily; a malformed value only matters when it is used). */
export class ProxySettings {
  private readonly noProxy: NoProxyRule[];
  private readonly parsed = new Map<string, ProxyRoute>();

  constructor(private readonly env: NodeJS.ProcessEnv) {
    this.noProxy = parseNoProxy(env.NO_PROXY || env.no_proxy || '');
  }

  /** True when any proxy variable is set. */
  get configured(): boolean {
    return HTTPS_VARS.some((v) => Boolean(this.env[v]?.trim()));
  }

  /**
   * The proxy for a URL, or undefined to go direct (no proxy set, a loopback target, or NO_PROXY
   * names the host). Throws a configuration error (exit 4) when the variable that applies is malformed.
   */
  routeFor(target: string | URL): ProxyRoute | undefined {
    let u: URL;
    try {
      u = typeof target === 'string' ? new URL(target) : target;
    } catch {
      return undefined; // not a URL: fetch will say so
    }
    const vars = u.protocol === 'https:' ? HTTPS_VARS : u.protocol === 'http:' ? HTTP_VARS : [];
    const variable = vars.find((v) => Boolean(this.env[v]?.trim()));
    if (!variable) return undefined;
    const host = bareHost(u.hostname);
    if (isLoopbackHost(host)) return undefined;
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    if (this.noProxy.some((r) => matches(r, host, port))) return undefined;
    let route = this.parsed.get(variable);
    if (!route) {
      route = parseProxyUrl(this.env[variable]!, variable);
      this.parsed.set(variable, route);
    }
    return route;
  }
}

/** `[::1]` → `::1`, lower case, no trailing dot. */
function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/**
 * Parses a proxy variable. A value without a scheme is taken as http:// (as curl does); only http
 * and https proxies are supported. Errors name the variable and never show a password.
 */
export function parseProxyUrl(raw: string, variable: string): ProxyRoute {
  const value = raw.trim();
  const bad = (why: string) =>
    new AuthError(`${variable} is not a usable proxy URL: "${maskCredentials(value)}" (${why})`, {
      code: 'CONFIG',
      hint: `Set ${variable} to http://HOST:PORT, or http://USER:PASSWORD@HOST:PORT when the proxy needs a login (a value without a scheme is taken as http://); or unset it.`,
      details: { variable },
    });
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw bad('it does not parse as scheme://host:port');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw bad(`${u.protocol}// proxies are not supported; use an http:// or https:// proxy`);
  }
  if (!u.hostname) throw bad('it has no host');
  let user: string;
  let pass: string;
  try {
    user = decodeURIComponent(u.username);
    pass = decodeURIComponent(u.password);
  } catch {
    throw bad('the user name or password is not valid percent-encoding');
  }
  registerSecret(pass);
  registerSecret(u.password);
  const hasCredentials = Boolean(user || pass);
  let token: string | undefined;
  if (hasCredentials) {
    const b64 = Buffer.from(`${user}:${pass}`).toString('base64');
    registerSecret(b64);
    token = `Basic ${b64}`;
  }
  const shownUser = u.username ? `${u.username}${u.password ? ':***' : ''}@` : '';
  return { origin: u.origin, variable, shown: `${u.protocol}//${shownUser}${u.host}`, token, hasCredentials };
}

/** `http://user:secret@host` → `http://user:***@host` (also for values that do not parse). */
export function maskCredentials(value: string): string {
  // Up to the last @: a password may itself hold / or @ that a URL parser would stop at.
  const m = /^([a-z][a-z0-9+.-]*:\/\/)?(.*)@([^@]*)$/is.exec(value);
  if (!m) return value;
  const userinfo = m[2]!;
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const shownUser = /[/?#]/.test(user) ? '***' : user;
  return `${m[1] ?? ''}${shownUser}${colon < 0 ? '' : ':***'}@${m[3]}`;
}

/**
 * NO_PROXY as curl reads it: entries separated by commas (or spaces); `*` alone matches every
 * host; a name matches itself and its sub-domains, with or without a leading dot (`*.` too); an
 * IP address matches itself, `10.0.0.0/8` a range; `host:port` (`[v6]:port`) only that port.
 * Unusable entries are ignored, as curl does.
 */
export function parseNoProxy(value: string): NoProxyRule[] {
  const rules: NoProxyRule[] = [];
  for (const raw of value.split(/[\s,]+/)) {
    const e = raw.trim().toLowerCase();
    if (!e) continue;
    if (e === '*') {
      rules.push({ all: true });
      continue;
    }
    let host = e;
    let portText: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(e);
    if (bracketed) {
      host = bracketed[1]!;
      portText = bracketed[2];
    } else if ((e.match(/:/g) ?? []).length === 1) {
      [host, portText] = e.split(':') as [string, string];
    }
    let port: number | undefined;
    if (portText !== undefined) {
      port = Number(portText);
      if (!Number.isInteger(port) || port < 1 || port > 65535) continue;
    }
    const slash = host.indexOf('/');
    const addr = slash < 0 ? host : host.slice(0, slash);
    const family = net.isIP(addr);
    if (family) {
      const ips = new net.BlockList();
      const type = family === 6 ? 'ipv6' : 'ipv4';
      try {
        if (slash < 0) ips.addAddress(addr, type);
        else {
          const bits = Number(host.slice(slash + 1));
          if (!Number.isInteger(bits)) continue;
          ips.addSubnet(addr, bits, type);
        }
      } catch {
        continue;
      }
      rules.push({ ips, port });
      continue;
    }
    const domain = host.replace(/^\*?\./, '').replace(/\.$/, '');
    if (!domain || domain.includes('/')) continue;
    rules.push({ domain, port });
  }
  return rules;
}

function matches(r: NoProxyRule, host: string, port: number): boolean {
  if (r.all) return true;
  if (r.port !== undefined && r.port !== port) return false;
  if (r.ips) {
    const family = net.isIP(host);
    return family !== 0 && r.ips.check(host, family === 6 ? 'ipv6' : 'ipv4');
  }
  return r.domain !== undefined && (host === r.domain || host.endsWith(`.${r.domain}`));
}

