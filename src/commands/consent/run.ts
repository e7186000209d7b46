import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from '../../context.js';
import { buildConsentUrl, checkRedirectUri, parseScopes } from '../../auth/consent.js';
import { checkIntegrationKey, environmentOf } from '../../auth/config.js';
import type { OAuthEnvironment } from '../../settings/environment.js';
import { ConsentRequiredError, InterruptedError, UsageError } from '../../errors.js';

interface ConsentOptions {
  admin?: boolean;
  open?: boolean;
  wait?: boolean;
  check?: boolean;
  timeout: string;
}

/** `esign consent`: build the URL locally; only --check and --wait talk to DocuSign. */
export async function runConsent(ctx: Context, o: ConsentOptions): Promise<number> {
  // The URL alone needs no key and no user (an org admin may have neither); checking needs both.
  const cfg = o.check || o.wait ? ctx.authConfig : urlConfig(ctx);
  const p = ctx.printer;
  const scopes = cfg.scopes;
  const timeoutS = Number(o.timeout);
  if (o.wait && (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 86_400)) {
    throw new UsageError(`--timeout must be a number of seconds from 1 to 86400 (got ${JSON.stringify(o.timeout)})`);
  }

  if (o.check && !o.wait) {
    const granted = await hasConsent(ctx);
    p.result({
      human: granted ? 'consent: granted' : 'consent: missing',
      json: { consentUrl: safeUrl(ctx, o.admin), scopes, admin: Boolean(o.admin), granted },
      quiet: granted ? 'granted' : 'missing',
    });
    if (granted) return 0;
    const url = safeUrl(ctx, o.admin);
    if (url) p.info(`Grant it by opening: ${url}`);
    // Without a redirect URI there is no URL to show: say so even with --json/--quiet (stderr).
    else p.warn('no consent URL: set ESIGN_REDIRECT_URI (or --redirect-uri) to a redirect URI registered on the integration key to get one');
    return 3;
  }

  const redirectV = ctx.settings.values.redirectUri;
  const redirectUri = checkRedirectUri(redirectV.value, redirectV.origin ?? '--redirect-uri');
  const url = buildConsentUrl({
    oauthBase: cfg.environment.oauthBase,
    integrationKey: cfg.integrationKey,
    redirectUri,
    scopes,
    admin: o.admin,
  });
  if (/\/$/.test(new URL(redirectUri).pathname) && new URL(redirectUri).pathname !== '/') {
    p.warn(`the redirect URI ends with "/": it must equal a URI registered on the integration key exactly (${redirectUri})`);
  }

  if (!o.wait) {
    p.result({
      human: () =>
        [
          url,
          '',
          p.c.dim(`Scopes asked for: ${scopes.join(' ')}${o.admin ? ' (admin consent: for every user of your organization)' : ''}`),
          p.c.dim(`Redirect URI: ${redirectUri} (must be registered on the integration key; the page only needs to exist)`),
          p.c.dim(o.admin ? 'An organization admin opens this URL and approves once.' : `Open it as ${cfg.userId ? `user ${cfg.userId}` : 'the user to impersonate'} and click Allow; then \`esign consent --check\`.`),
        ].join('\n'),
      json: { consentUrl: url, scopes, admin: Boolean(o.admin) },
      quiet: url,
    });
    if (o.open) await ctx.open(url);
    return 0;
  }

  // --wait: show the URL on stderr (stdout gets the verdict), open it if asked, then poll.
  p.info(`Open this URL and grant consent:\n  ${url}\nScopes: ${scopes.join(' ')}`);
  if (o.open) await ctx.open(url);
  const deadline = Date.now() + timeoutS * 1000;
  let delay = 1000;
  p.info(`Waiting up to ${timeoutS} s for consent…`);
  for (;;) {
    if (await hasConsent(ctx)) {
      p.result({ human: 'consent: granted', json: { consentUrl: url, scopes, admin: Boolean(o.admin), granted: true }, quiet: 'granted' });
      return 0;
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    try {
      await sleep(Math.min(delay, left), undefined, { signal: ctx.signal });
    } catch {
      throw new InterruptedError();
    }
    delay = Math.min(delay * 1.5, 10_000);
  }
  if (ctx.flags.json) {
    p.result({ human: '', json: { consentUrl: url, scopes, admin: Boolean(o.admin), granted: false } });
    return 3;
  }
  throw new ConsentRequiredError(`consent was not granted within ${timeoutS} s`, url, {
    hint: `Open the URL as user ${cfg.userId} and click Allow, then run \`esign consent --check\`.`,
  });
}

/** True when a token can be had now. Never uses the cache: consent may have been revoked. */
async function hasConsent(ctx: Context): Promise<boolean> {
  try {
    // A fresh grant (consent may have been revoked since a token was cached); the token is cached.
    await ctx.auth.token({ forceNew: true });
    // Cache the user's accounts with the new token, so the next command makes no OAuth call.
    await ctx.auth.tokenWithUser();
    return true;
  } catch (e) {
    if (e instanceof ConsentRequiredError) return false;
    throw e;
  }
}

/** What the consent URL needs: environment, integration key, scopes (and the user id, if set, for the message). */
function urlConfig(ctx: Context): { environment: OAuthEnvironment; integrationKey: string; scopes: string[]; userId: string } {
  const s = ctx.settings;
  const environment = environmentOf(s);
  const integrationKey = checkIntegrationKey(s);
  const scopes = parseScopes(s.values.scopes.value, s.values.scopes.origin ?? 'scopes');
  return { environment, integrationKey, scopes, userId: s.values.userId.value?.trim() ?? '' };
}

function safeUrl(ctx: Context, admin?: boolean): string | undefined {
  try {
    const cfg = ctx.authConfig;
    const r = ctx.settings.values.redirectUri;
    if (!r.value) return undefined;
    return buildConsentUrl({ oauthBase: cfg.environment.oauthBase, integrationKey: cfg.integrationKey, redirectUri: checkRedirectUri(r.value, r.origin ?? ''), scopes: cfg.scopes, admin });
  } catch {
    return undefined;
  }
}
