import fs from 'node:fs';
import type { Context } from '../../context.js';
import { ApiError, AuthError, ConsentRequiredError, EsignError, ExitCode, NetworkError } from '../../errors.js';
import { checkIntegrationKey, checkUserId, environmentOf, authConfig } from '../../auth/config.js';
import { loadPrivateKey, type LoadedKey } from '../../auth/keys.js';
import { clockSkewMs, userInfoFromResponse, type UserInfo } from '../../auth/token.js';
import type { Settings } from '../../settings/resolve.js';

/** One line of the checklist (the `--json` shape). */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
  /** Not run because an earlier check failed. */
  skipped?: boolean;
}

/** Largest clock difference doctor accepts; beyond it JWT iat/exp checks start failing. */
export const MAX_SKEW_MS = 30_000;

/** Settings doctor lists, with how to show each value (keys never shown). */
const SHOWN: [keyof Settings['values'], string][] = [
  ['env', 'environment'],
  ['integrationKey', 'integration key'],
  ['userId', 'user id'],
  ['privateKeyFile', 'private key file'],
  ['privateKey', 'private key text'],
  ['accountId', 'account id'],
  ['redirectUri', 'redirect URI'],
  ['scopes', 'scopes'],
  ['timeout', 'timeout (s)'],
  ['maxRetries', 'max retries'],
];

/** `esign doctor`: each check in dependency order; the first failure decides the exit code. */
export async function runDoctor(ctx: Context): Promise<number> {
  const checks: Check[] = [];
  let firstFailure: number | undefined;
  const pass = (name: string, detail: string) => checks.push({ name, ok: true, detail });
  const fail = (name: string, detail: string, hint: string | undefined, code: number) => {
    checks.push({ name, ok: false, detail, ...(hint ? { hint } : {}) });
    firstFailure ??= code;
  };
  const failWith = (name: string, e: unknown) => {
    if (e instanceof EsignError) fail(name, e.message, e.hint, e.exitCode);
    else fail(name, e instanceof Error ? e.message : String(e), undefined, ExitCode.internal);
  };
  const skip = (names: string[], why: string) => {
    for (const name of names) checks.push({ name, ok: false, skipped: true, detail: `not checked: ${why}` });
  };
  const LATER = ['key matches integration', 'clock', 'consent', 'account access'];

  // 1. Settings and where each came from.
  let settings: Settings;
  try {
    settings = ctx.settings;
  } catch (e) {
    failWith('settings', e);
    skip(['environment', 'integration key', 'user id', 'private key', ...LATER], 'the settings cannot be read');
    return report(ctx, checks, firstFailure);
  }
  const profile = settings.profileName;
  const lines = [`profile "${profile.value}" (${profile.origin ?? profile.source})${settings.profileExists ? '' : ' — not saved yet'}; config folder ${settings.configDir}`];
  for (const [k, label] of SHOWN) {
    const v = settings.values[k];
    if (v.value === undefined) continue;
    const shown = k === 'privateKey' ? `(PEM text, ${v.value.length} characters)` : v.value;
    lines.push(`${label}: ${shown} (${v.origin ?? v.source})`);
  }
  pass('settings', lines.join('\n'));

  // 2. Local checks of each value (no network).
  let envOk = true;
  try {
    const env = environmentOf(settings);
    pass('environment', `${env.name === 'custom' ? env.oauthBase : env.name} (OAuth ${env.oauthBase}, aud ${env.aud})`);
  } catch (e) {
    envOk = false;
    failWith('environment', e);
  }
  let ikOk = true;
  try {
    pass('integration key', checkIntegrationKey(settings));
  } catch (e) {
    ikOk = false;
    failWith('integration key', e);
  }
  let userOk = true;
  try {
    pass('user id', checkUserId(settings));
  } catch (e) {
    userOk = false;
    failWith('user id', e);
  }

  // 3. The key: format, size, fingerprint, file permissions.
  let key: LoadedKey | undefined;
  const file = settings.values.privateKeyFile.value;
  const text = settings.values.privateKey.value;
  if (!file && !text) {
    fail('private key', 'no private key is configured', 'Set --private-key-file or ESIGN_PRIVATE_KEY_FILE (a PEM file), or ESIGN_PRIVATE_KEY (the PEM text) in CI.', ExitCode.auth);
  } else {
    try {
      key = loadPrivateKey({ file, text });
      pass('private key', `${key.source}: RSA ${key.bits} bits, ${key.format === 'pkcs1' ? 'PKCS#1' : 'PKCS#8'}; public key fingerprint ${key.fingerprint}`);
      if (key.permissionWarning) {
        fail('key file permissions', key.permissionWarning, `Only you should be able to read the key: chmod 600 ${file}`, ExitCode.auth);
      } else if (!text && file) {
        const mode = (fs.statSync(file).mode & 0o777).toString(8);
        pass('key file permissions', process.platform === 'win32' ? 'not checked on Windows' : `mode ${mode}`);
      }
    } catch (e) {
      failWith('private key', e);
    }
  }
  if (!envOk || !ikOk || !userOk || !key) {
    skip(LATER, 'fix the problems above first');
    return report(ctx, checks, firstFailure);
  }

  // 4. A fresh JWT grant: proves the key matches the integration and consent is in place.
  let accessToken: string | undefined;
  let consentDone = false;
  try {
    void authConfig(settings);
    const t = await ctx.auth.token({ forceNew: true });
    accessToken = t.accessToken;
    pass('key matches integration', `DocuSign accepted an assertion signed with ${key.fingerprint} for integration key ${ctx.auth.config.integrationKey}`);
  } catch (e) {
    if (e instanceof ConsentRequiredError) {
      // DocuSign checks the signature before consent: a consent answer means the key matched.
      pass('key matches integration', `DocuSign accepted the assertion's signature (${key.fingerprint})`);
      fail('consent', e.message, e.hint, e.exitCode);
      consentDone = true;
    } else if (e instanceof NetworkError) {
      failWith('key matches integration', e);
    } else if (e instanceof AuthError && e.details?.error_description === 'no_valid_keys_or_signatures') {
      fail(
        'key matches integration',
        e.message,
        `Add the public key with fingerprint ${key.fingerprint} to the integration key in Apps and Keys, or use the private key of a pair listed there.`,
        e.exitCode,
      );
    } else {
      failWith('key matches integration', e);
    }
  }

  // 5. Clock: the Date header of the token (or userinfo) answer against this machine's clock.
  let skew = ctx.auth.skewMs;
  let info: UserInfo | undefined;
  let userinfoError: unknown;
  if (accessToken) {
    try {
      const res = await ctx.transport.request({
        method: 'GET',
        url: `${ctx.auth.config.environment.oauthBase}/oauth/userinfo`,
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      });
      skew = clockSkewMs(res) ?? skew;
      if (res.status !== 200) throw new ApiError(`userinfo answered HTTP ${res.status}`, { status: res.status, hint: 'Run esign whoami --verbose for details.' });
      info = userInfoFromResponse(res, ctx.auth.config.environment.oauthBase);
    } catch (e) {
      userinfoError = e;
    }
  }
  if (skew === undefined) {
    if (accessToken || consentDone) pass('clock', 'DocuSign sent no Date header to compare with (not checked)');
    else skip(['clock'], 'no answer from the OAuth service');
  } else {
    const secs = Math.round(skew / 1000);
    const what = `this machine's clock is ${Math.abs(secs)} s ${skew > 0 ? 'behind' : 'ahead of'} DocuSign's`;
    if (Math.abs(skew) > MAX_SKEW_MS) {
      fail('clock', what, 'Sync the clock (NTP: timedatectl set-ntp true, or w32tm /resync). esign corrects its own token requests, other tools will not.', ExitCode.auth);
    } else pass('clock', `${what} (within ${MAX_SKEW_MS / 1000} s)`);
  }

  // 6. Consent (settled by the grant above).
  if (accessToken) pass('consent', `user ${ctx.auth.config.userId} has granted "${ctx.auth.config.scopes.join(' ')}"`);
  else if (!consentDone) skip(['consent'], 'no token could be had');

  // 7. Account access: userinfo, the chosen account, and one cheap REST call.
  if (!accessToken) {
    skip(['account access'], 'no token could be had');
  } else if (userinfoError || !info) {
    failWith('account access', userinfoError ?? new ApiError('userinfo gave no answer', { status: 0 }));
  } else {
    try {
      const acct = ctx.auth.chooseAccount(info);
      await ctx.rest.json({ method: 'GET', path: '/envelopes', query: { from_date: new Date().toISOString(), count: 1 } });
      pass('account access', `${acct.name} (${acct.accountId}) at ${acct.baseUri}${ctx.auth.config.accountId ? '' : ' (the default account)'}; listing envelopes works`);
    } catch (e) {
      failWith('account access', e);
    }
  }
  return report(ctx, checks, firstFailure);
}


function report(ctx: Context, checks: Check[], firstFailure: number | undefined): number {
  const ok = checks.every((c) => c.ok);
  const p = ctx.printer;
  p.result({
    json: { ok, checks },
    quiet: ok ? 'ok' : checks.filter((c) => !c.ok && !c.skipped).map((c) => c.name).join(', '),
    human: () => {
      const out: string[] = [];
      for (const c of checks) {
        const mark = c.ok ? p.c.green('✓') : c.skipped ? p.c.dim('-') : p.c.red('✗');
        const [first, ...rest] = c.detail.split('\n');
        out.push(`${mark} ${p.c.bold(c.name)}: ${c.skipped ? p.c.dim(first ?? '') : first}`);
        for (const r of rest) out.push(`    ${r}`);
        if (c.hint) out.push(`    ${p.c.dim('hint:')} ${c.hint.split('\n').join('\n    ')}`);
      }
      const failed = checks.filter((c) => !c.ok && !c.skipped).length;
      out.push('', ok ? 'All checks passed.' : `${failed} check${failed === 1 ? '' : 's'} failed.`);
      return out.join('\n');
    },
  });
  return ok ? ExitCode.ok : (firstFailure ?? ExitCode.auth);
}
