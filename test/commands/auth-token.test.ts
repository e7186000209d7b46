import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Context } from '../../src/context.js';
import { memoryIo } from '../../src/output/io.js';
import { TokenCache } from '../../src/auth/token.js';
import { startEmulator } from '../../src/emulator/index.js';
import { callsTo, emuSetupPerTest, keyLines, rsaPair, run, writeFile, type EmuSetup } from '../auth/fixtures.js';

const setup = emuSetupPerTest();

function cacheFiles(configDir: string): string[] {
  try {
    return fs.readdirSync(path.join(configDir, 'tokens')).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
}

/** A Context like main() builds, for calling ctx.rest directly. */
function context(env: NodeJS.ProcessEnv, flags: Record<string, unknown> = {}) {
  const io = memoryIo();
  return { io, ctx: new Context(io, env, flags, new AbortController().signal, { backoffMs: 1 }) };
}

describe('esign token', () => {
  it('mints with the JWT grant: aud is the bare host:port, scopes "signature impersonation", exp ≤ 1 h', async () => {
    const { emu, env } = await setup();
    const r = await run(['token'], env);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toMatch(/^emu\./);
    const c = emu.state.lastAssertionClaims()!;
    expect(c.aud).toBe(emu.oauthHost);
    expect(c.aud).not.toMatch(/^http|\/$/);
    expect(c.scope).toBe('signature impersonation');
    expect((c.exp as number) - (c.iat as number)).toBeLessThanOrEqual(3600);
    // A fresh mint under --verbose: the trace shows the normalised values but no token or assertion.
    const v = await run(['whoami', '--verbose', '--no-cache'], env);
    expect(v.code).toBe(0);
    expect(v.err).toContain(`aud=${emu.oauthHost}`);
    expect(v.err).toContain('POST');
    expect(v.err).not.toMatch(/emu\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{10,}/);
    expect(v.err).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  it('BR-16: a second `esign token` makes no HTTP call at all (token and userinfo from the cache)', async () => {
    const { emu, env, configDir } = await setup();
    const first = await run(['token', '--json'], env);
    expect(first.code).toBe(0);
    const j = JSON.parse(first.out) as { accessToken: string; expiresAt: string };
    expect(Date.parse(j.expiresAt)).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(callsTo(emu, '/oauth/token')).toBe(1);
    expect(callsTo(emu, '/oauth/userinfo')).toBe(1);
    const n = emu.requests.length;
    const second = await run(['token', '--json'], env);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out).accessToken).toBe(j.accessToken);
    expect(emu.requests.length).toBe(n);
    // whoami is warm too: userinfo was cached with the token; it never prints the token, even --verbose.
    const who = await run(['whoami', '--json', '--verbose'], env);
    expect(who.code).toBe(0);
    expect(emu.requests.length).toBe(n);
    expect(who.out + who.err).not.toContain(j.accessToken);
    // The cache: 0600 files in a 0700 folder, holding the userinfo.
    const files = cacheFiles(configDir);
    expect(files).toHaveLength(1);
    const f = path.join(configDir, 'tokens', files[0]!);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(f)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(configDir).mode & 0o777).toBe(0o700);
    expect(JSON.parse(fs.readFileSync(f, 'utf8')).userinfo.accounts).toHaveLength(2);
  });

  it('BR-16: the cache is keyed by host, integration key, user and scopes', async () => {
    const s = await setup();
    await run(['token'], s.env);
    // Same IK and user on another OAuth host: its own entry.
    const other = await startEmulator({ quiet: true });
    setup.track(other);
    other.addIntegration({ integrationKey: s.seed.integrationKey, publicKeys: [s.seed.publicKeyPem], redirectUris: [s.seed.redirectUri] });
    other.addUser({ userId: s.seed.userId, name: 'Other Host', email: 'o@example.test', accounts: [{ isDefault: true }] });
    other.grantConsent(s.seed.integrationKey, s.seed.userId, ['signature', 'impersonation']);
    expect((await run(['token'], { ...s.env, ESIGN_ENV: other.oauthUrl })).code).toBe(0);
    expect(callsTo(other, '/oauth/token')).toBe(1);
    // Another scope list: another entry.
    s.emu.grantConsent(s.seed.integrationKey, s.seed.userId, ['signature', 'impersonation', 'extended']);
    expect((await run(['token'], { ...s.env, ESIGN_SCOPES: 'signature impersonation extended' })).code).toBe(0);
    expect(callsTo(s.emu, '/oauth/token')).toBe(2);
    expect(cacheFiles(s.configDir)).toHaveLength(3);
    const base = { environment: { name: 'custom' as const, oauthBase: 'http://h:1', aud: 'h:1' }, integrationKey: 'A', userId: 'B', scopes: ['signature', 'impersonation'] };
    const k = TokenCache.keyOf(base);
    expect(TokenCache.keyOf({ ...base, scopes: ['impersonation', 'signature'] })).toBe(k);
    expect(TokenCache.keyOf({ ...base, userId: 'C' })).not.toBe(k);
    expect(TokenCache.keyOf({ ...base, integrationKey: 'C' })).not.toBe(k);
    // --no-cache neither reads nor writes it.
    const n = callsTo(s.emu, '/oauth/token');
    expect((await run(['token', '--no-cache'], s.env)).code).toBe(0);
    expect(callsTo(s.emu, '/oauth/token')).toBe(n + 1);
    // logout empties it.
    const out = await run(['logout', '--json'], s.env);
    expect(JSON.parse(out.out)).toEqual({ removed: 3 });
    expect(cacheFiles(s.configDir)).toHaveLength(0);
  });

  it('BR-16: a cached token is reused until 5 minutes before expiry, then renewed', async () => {
    const { emu, env, configDir } = await setup();
    await run(['token'], env);
    const [file] = cacheFiles(configDir);
    const f = path.join(configDir, 'tokens', file!);
    const entry = JSON.parse(fs.readFileSync(f, 'utf8'));
    fs.writeFileSync(f, JSON.stringify({ ...entry, issuedAt: Date.now() - 54 * 60_000, expiresAt: Date.now() + 6 * 60_000 }));
    expect((await run(['token'], env)).out.trim()).toBe(entry.accessToken);
    expect(callsTo(emu, '/oauth/token')).toBe(1);
    fs.writeFileSync(f, JSON.stringify({ ...entry, issuedAt: Date.now() - 56 * 60_000, expiresAt: Date.now() + 4 * 60_000 }));
    const r = await run(['token'], env);
    expect(r.out.trim()).not.toBe(entry.accessToken);
    expect(callsTo(emu, '/oauth/token')).toBe(2);
    // A corrupt entry is only a miss.
    fs.writeFileSync(f, '{"accessToken": 4');
    expect((await run(['token'], env)).code).toBe(0);
    expect(callsTo(emu, '/oauth/token')).toBe(3);
  });

  it('BR-16: 60 s tokens: three quick runs mint once; near expiry, one more; after revocation one more with one retried REST call', async () => {
    const { emu, env, configDir } = await setup({ tokenTtlSeconds: 60 });
    for (let i = 0; i < 3; i++) expect((await run(['whoami'], env)).code).toBe(0);
    expect(callsTo(emu, '/oauth/token')).toBe(1);
    // 10 s left of a 60 s token: under its margin (a quarter of its life), so renewed, never reused stale.
    const f = path.join(configDir, 'tokens', cacheFiles(configDir)[0]!);
    const entry = JSON.parse(fs.readFileSync(f, 'utf8'));
    expect(entry.expiresAt - entry.issuedAt).toBe(60_000);
    fs.writeFileSync(f, JSON.stringify({ ...entry, issuedAt: Date.now() - 50_000, expiresAt: Date.now() + 10_000 }));
    expect((await run(['whoami'], env)).code).toBe(0);
    expect(callsTo(emu, '/oauth/token')).toBe(2);
    emu.revokeTokens();
    const from = emu.requests.length;
    const { ctx } = context(env);
    await ctx.rest.json({ method: 'GET', path: '' });
    expect(callsTo(emu, '/oauth/token')).toBe(3);
    expect(emu.requests.slice(from).filter((r) => r.host === 'rest').map((r) => r.status)).toEqual([401, 200]);
  });

  it('BR-16: one re-mint on a 401 from REST (revoked token), with exactly one retried REST call', async () => {
    const { emu, env, seed } = await setup();
    expect((await run(['whoami'], env)).code).toBe(0);
    emu.revokeTokens();
    const from = emu.requests.length;
    const { ctx } = context(env);
    const acct = await ctx.rest.json<{ accountIdGuid: string }>({ method: 'GET', path: '' });
    expect(acct.accountIdGuid).toBe(seed.accountId);
    const log = emu.requests.slice(from).map((r) => `${r.host} ${r.status}`);
    // REST 401 → token → REST 200 (userinfo came from the cache, nothing else).
    expect(log).toEqual(['rest 401', 'oauth 200', 'rest 200']);
  });

  it('BR-16: a revoked cached token makes userinfo answer 401; esign re-mints once and goes on', async () => {
    const { emu, env, configDir } = await setup();
    await run(['token', '--no-cache'], env); // nothing cached
    expect(cacheFiles(configDir)).toHaveLength(0);
    // Cache a token without userinfo, then revoke it.
    const { ctx } = context(env);
    await ctx.auth.token();
    emu.revokeTokens();
    const from = emu.requests.length;
    const r = await run(['whoami', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).userId).toBeTruthy();
    expect(emu.requests.slice(from).map((q) => `${q.path} ${q.status}`)).toEqual([
      '/oauth/userinfo 401',
      '/oauth/token 200',
      '/oauth/userinfo 200',
    ]);
  });

  it('a REST 401 that persists after renewing is an auth error (exit 4), not a loop', async () => {
    const { emu, env } = await setup();
    await run(['whoami'], env);
    emu.injectFault({ host: 'rest', kind: 'status', status: 401, body: { errorCode: 'AUTHORIZATION_INVALID_TOKEN', message: 'x' }, times: 5 });
    const from = emu.requests.length;
    const { ctx } = context(env);
    await expect(ctx.rest.json({ method: 'GET', path: '' })).rejects.toMatchObject({ exitCode: 4 });
    expect(emu.requests.slice(from).filter((r) => r.host === 'rest')).toHaveLength(2);
  });
});

describe('account choice', () => {
  it('whoami shows the is_default account even when it is listed second, REST base from its base_uri', async () => {
    const { emu, env, seed } = await setup();
    const r = await run(['whoami', '--json'], env);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.accounts[0].accountId).toBe(seed.otherAccountId);
    expect(j.account.accountId).toBe(seed.accountId);
    expect(j).toMatchObject({ userId: seed.userId, name: seed.name, email: seed.email });
    expect(j.account.baseUri).toBe(emu.restUrls[0]);
    const human = await run(['whoami'], env);
    expect(human.out).toContain(`* ${seed.accountId}`);
    const { ctx } = context(env);
    expect((await ctx.rest.account()).restBase).toBe(`${emu.restUrls[0]}/restapi`);
  });

  it('--account-id / ESIGN_ACCOUNT_ID picks another account; one the user lacks is exit 4 listing the accounts', async () => {
    const { env, seed } = await setup();
    const r = await run(['whoami', '--json', '--account-id', seed.otherAccountId], env);
    expect(JSON.parse(r.out).account.accountId).toBe(seed.otherAccountId);
    const bad = '99999999-9999-9999-9999-999999999999';
    const e = await run(['whoami', '--account-id', bad], env);
    expect(e.code).toBe(4);
    expect(e.err).toContain(`has no account ${bad}`);
    expect(e.err).toContain(seed.accountId);
    expect(e.err).toContain(seed.otherAccountId);
    const e2 = await run(['whoami'], { ...env, ESIGN_ACCOUNT_ID: bad });
    expect(e2.code).toBe(4);
    const num = await run(['whoami', '--account-id', '18675309'], env);
    expect(num.code).toBe(4);
    expect(num.err).toContain('API Account ID (a GUID), not the account number');
  });

  it('BR-13: the REST host comes from userinfo base_uri (account on the second REST host)', async () => {
    const s = await setup({ restPorts: [0, 0] });
    const { userId, accounts } = s.emu.addUser({ name: 'EU User', email: 'eu@example.test', accounts: [{ name: 'EU', isDefault: true, restIndex: 1 }] });
    s.emu.grantConsent(s.seed.integrationKey, userId, ['signature', 'impersonation']);
    const env = { ...s.env, ESIGN_USER_ID: userId };
    const who = JSON.parse((await run(['whoami', '--json'], env)).out);
    expect(who.account.baseUri).toBe(s.emu.restUrls[1]);
    const from = s.emu.requests.length;
    const { ctx } = context(env);
    const acct = await ctx.rest.json<{ accountIdGuid: string }>({ method: 'GET', path: '' });
    expect(acct.accountIdGuid).toBe(accounts[0]!.accountId);
    const rest = s.emu.requests.slice(from).filter((r) => r.host === 'rest');
    expect(rest).toHaveLength(1);
    expect(rest[0]!.status).toBe(200);
    // The first REST host would have refused this account.
    const res = await fetch(`${s.emu.restUrls[0]}/restapi/v2.1/accounts/${accounts[0]!.accountId}`, {
      headers: { authorization: `Bearer ${(await ctx.auth.token()).accessToken}` },
    });
    expect(res.status).toBe(400);
  });
});

describe('clock skew', () => {
  it('server clock 10 min behind (iat in its future): the call fails, esign retries once with the Date header time, --verbose says so', async () => {
    const { emu, env } = await setup({ now: () => Date.now() - 10 * 60_000, rejectFutureIat: true });
    const r = await run(['token', '--verbose'], env);
    expect(r.code).toBe(0);
    expect(callsTo(emu, '/oauth/token')).toBe(2);
    expect(r.err).toMatch(/clock skew.*ahead of the OAuth server/);
    expect(r.err).toContain('retrying once with corrected iat/exp');
    const c = emu.state.lastAssertionClaims()!;
    expect(Math.abs((c.iat as number) - (Date.now() - 10 * 60_000) / 1000)).toBeLessThan(15);
  });

  it('server clock 10 min ahead: the assertion is still valid, no retry needed', async () => {
    const { emu, env } = await setup({ now: () => Date.now() + 10 * 60_000, rejectFutureIat: true });
    expect((await run(['token'], env)).code).toBe(0);
    expect(callsTo(emu, '/oauth/token')).toBe(1);
  });

  it('server clock 2 h ahead (expired_grant): corrected once and succeeds', async () => {
    const { emu, env } = await setup({ now: () => Date.now() + 2 * 3600_000 });
    const r = await run(['token', '--verbose'], env);
    expect(r.code).toBe(0);
    expect(callsTo(emu, '/oauth/token')).toBe(2);
    expect(r.err).toMatch(/clock skew.*behind the OAuth server/);
  });
});

describe('token endpoint errors: one line of cause, one of next step', () => {
  function twoLines(err: string) {
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[1]).toMatch(/^hint: /);
    return lines;
  }

  it('consent_required → exit 3 with the consent URL', async () => {
    const { env, seed, emu } = await setup({}, { consent: false });
    const r = await run(['token'], env);
    expect(r.code).toBe(3);
    expect(r.out).toBe('');
    const [cause, next] = twoLines(r.err);
    expect(cause).toContain('has not granted consent');
    expect(cause).toContain('"signature impersonation"');
    expect(next).toContain(`${emu.oauthUrl}/oauth/auth?response_type=code&scope=signature%20impersonation&client_id=${seed.integrationKey}`);
    const j = await run(['token', '--json'], env);
    expect(JSON.parse(j.err).error).toMatchObject({ code: 'CONSENT_REQUIRED', exitCode: 3 });
    expect(JSON.parse(j.err).error.details.consentUrl).toContain('/oauth/auth?');
  });

  it('BR-08: no_valid_keys_or_signatures → exit 4 with the key fingerprint, one token request, no key material', async () => {
    const { emu, env, dir } = await setup();
    const k2 = rsaPair();
    const other = writeFile(dir, 'k2.pem', k2.pkcs1);
    const { loadPrivateKey } = await import('../../src/auth/keys.js');
    const fp = loadPrivateKey({ file: other }).fingerprint;
    const r = await run(['token', '--private-key-file', other], env);
    expect(r.code).toBe(4);
    const [cause, next] = twoLines(r.err);
    expect(cause).toContain('does not match any RSA public key registered for integration key');
    expect(cause).toContain('k2.pem');
    expect(next).toContain(fp);
    expect(callsTo(emu, '/oauth/token')).toBe(1);
    for (const l of keyLines(k2.pkcs1)) expect(r.err).not.toContain(l.slice(0, 16));
    const v = await run(['token', '--verbose', '--private-key-file', other], env);
    expect(v.err).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    for (const l of keyLines(k2.pkcs1)) expect(v.err).not.toContain(l.slice(0, 16));
  });

  it('BR-10: issuer_not_found → exit 4 naming the host; a truncated key is refused locally', async () => {
    const { emu, env } = await setup();
    const unknown = '12345678-1234-1234-1234-123456789abc';
    const r = await run(['token', '--integration-key', unknown], env);
    expect(r.code).toBe(4);
    const [cause, next] = twoLines(r.err);
    expect(cause).toContain(`integration key ${unknown} is not known to ${emu.oauthUrl}`);
    expect(next).toMatch(/typo|truncated/);
    const n = emu.requests.length;
    const t = await run(['token', '--integration-key', unknown.slice(0, -1)], env);
    expect(t.code).toBe(4);
    expect(t.err).toContain('is not a GUID');
    expect(emu.requests.length).toBe(n);
  });

  it('BR-10: the integration key of the other environment (key known only on "demo") → issuer_not_found on the other host', async () => {
    const demo = await setup();
    const prod = await startEmulator({ quiet: true });
    setup.track(prod);
    const r = await run(['token', '--env', prod.oauthUrl], demo.env);
    expect(r.code).toBe(4);
    expect(r.err).toContain(`is not known to ${prod.oauthUrl}`);
    expect(callsTo(prod, '/oauth/token')).toBe(1);
    expect(callsTo(demo.emu, '/oauth/token')).toBe(0);
  });

  it('BR-12: user_not_found (the account id given as user id) → exit 4 mentioning User ID vs API Account ID; an email is refused locally', async () => {
    const { emu, env, seed } = await setup();
    const r = await run(['token', '--user-id', seed.otherAccountId], env);
    expect(r.code).toBe(4);
    const [cause, next] = twoLines(r.err);
    expect(cause).toContain(`user ${seed.otherAccountId} was not found`);
    expect(next).toContain('"User ID" GUID (not the "API Account ID")');
    const n = emu.requests.length;
    const e = await run(['token', '--user-id', 'pat@example.test'], env);
    expect(e.code).toBe(4);
    expect(e.err).toContain('is an email address');
    expect(e.err).toContain('User ID');
    const same = await run(['token', '--user-id', seed.accountId, '--account-id', seed.accountId], env);
    expect(same.code).toBe(4);
    expect(same.err).toContain('the user id and the account id are the same GUID');
    expect(emu.requests.length).toBe(n);
  });

  it('expired_grant (a 2 h skew that still fails after correction) → exit 4 pointing at the clock', async () => {
    const { emu, env } = await setup({ now: () => Date.now() + 2 * 3600_000 });
    emu.injectFault({ host: 'oauth', path: '/oauth/token', kind: 'status', status: 400, body: { error: 'invalid_grant', error_description: 'expired_grant' }, times: 2 });
    const r = await run(['token'], env);
    expect(r.code).toBe(4);
    const [cause, next] = twoLines(r.err);
    expect(cause).toContain('expired');
    expect(next).toContain('clock');
    expect(next).toMatch(/differs from the server by \d+ s/);
  });

  it('an unknown OAuth error and a 5xx are still one cause + one next step', async () => {
    const { emu, env } = await setup({}, {});
    emu.injectFault({ host: 'oauth', path: '/oauth/token', kind: 'status', status: 400, body: { error: 'invalid_request' } });
    const r = await run(['token'], env);
    expect(r.code).toBe(4);
    twoLines(r.err);
    emu.injectFault({ host: 'oauth', path: '/oauth/token', kind: 'status', status: 500, body: 'oops', times: 10 });
    const r5 = await run(['token'], { ...env, ESIGN_MAX_RETRIES: '0' });
    expect(r5.code).toBe(5);
    twoLines(r5.err);
  });
});

describe('keys at run time', () => {
  it('ESIGN_PRIVATE_KEY (literal \\n, quoted) works; a --private-key-file flag beats it', async () => {
    const { env, seed, emu } = await setup();
    const { ESIGN_PRIVATE_KEY_FILE: _f, ...rest } = env;
    const text = `"${seed.privateKeyPem.trim().replace(/\n/g, '\\n')}"`;
    expect((await run(['token', '--no-cache'], { ...rest, ESIGN_PRIVATE_KEY: text })).code).toBe(0);
    // Garbage in the variable but a good file on the flag: the flag wins.
    const r = await run(['token', '--no-cache', '--private-key-file', env.ESIGN_PRIVATE_KEY_FILE!], { ...rest, ESIGN_PRIVATE_KEY: 'garbage garbage garbage' });
    expect(r.code).toBe(0);
    // Garbage in the variable: exit 4 naming ESIGN_PRIVATE_KEY, nothing sent.
    const n = emu.requests.length;
    const g = await run(['token', '--no-cache'], { ...env, ESIGN_PRIVATE_KEY: 'garbage garbage garbage' });
    expect(g.code).toBe(4);
    expect(g.err).toContain('ESIGN_PRIVATE_KEY');
    expect(g.err).not.toContain('garbage');
    expect(emu.requests.length).toBe(n);
  });

  it('warns on stderr when the key file is group-readable (and still works)', async () => {
    const { env, keyFile } = await setup();
    fs.chmodSync(keyFile, 0o644);
    const r = await run(['token', '--quiet'], env);
    expect(r.code).toBe(0);
    expect(r.err).toContain('readable by group or others');
    expect(r.err).toContain(`chmod 600 ${keyFile}`);
  });

  it('no private key configured → exit 4 naming the flag and both variables', async () => {
    const { env } = await setup();
    const { ESIGN_PRIVATE_KEY_FILE: _f, ...rest } = env;
    const r = await run(['token'], rest);
    expect(r.code).toBe(4);
    expect(r.err).toContain('missing setting: private key');
    expect(r.err).toContain('--private-key-file or ESIGN_PRIVATE_KEY_FILE');
    expect(r.err).toContain('ESIGN_PRIVATE_KEY');
  });
});

describe('BR-09: the OAuth host with a scheme, a trailing slash or a path', () => {
  it('BR-09: "http://host:port/" and a bare "host:port" both work with the same bare aud; /oauth/token is refused locally', async () => {
    const { emu, env } = await setup();
    const a = await run(['token', '--no-cache', '--verbose', '--env', `${emu.oauthUrl}/`], env);
    expect(a.code).toBe(0);
    expect(emu.state.lastAssertionClaims()!.aud).toBe(emu.oauthHost);
    expect(a.err).toContain(`aud=${emu.oauthHost}`);
    expect(a.err).toContain(`${emu.oauthUrl}/oauth/token`);
    const b = await run(['token', '--no-cache', '--env', emu.oauthHost], env);
    expect(b.code).toBe(0);
    expect(emu.state.lastAssertionClaims()!.aud).toBe(emu.oauthHost);
    const n = emu.requests.length;
    const c = await run(['token', '--env', `${emu.oauthUrl}/oauth/token`], env);
    expect(c.code).toBe(4);
    expect(c.err).toContain('has a path (/oauth/token)');
    expect(c.err).toContain(`hint: Give the OAuth host only: ${emu.oauthUrl}`);
    expect(emu.requests.length).toBe(n);
  });
});

describe('token cache folder', () => {
  it('an unwritable config folder costs a warning, not the command', async () => {
    if (process.getuid?.() === 0) {
      // root ignores file modes: block the cache with a file where its folder should be.
      const { env, configDir } = await setup();
      fs.mkdirSync(configDir, { mode: 0o700 });
      fs.writeFileSync(path.join(configDir, 'tokens'), 'not a folder');
      const r = await run(['token'], env);
      expect(r.code).toBe(0);
      expect(r.err).toContain('cannot write the token cache');
      expect(r.err.match(/cannot write/g)).toHaveLength(1);
      return;
    }
    const { env, configDir } = await setup();
    fs.mkdirSync(configDir, { mode: 0o500 });
    const r = await run(['token'], env);
    expect(r.code).toBe(0);
    expect(r.err).toContain('cannot write the token cache');
  });
});

describe('BR-06 against the emulator', () => {
  it('BR-06: the PKCS#1 and PKCS#8 forms of the registered key both get a token; public, encrypted and EC keys fail before any request', async () => {
    const { emu, env, seed, dir } = await setup();
    const { createPrivateKey, generateKeyPairSync } = await import('node:crypto');
    const key = createPrivateKey(seed.privateKeyPem);
    const pkcs1 = writeFile(dir, 'k1-pkcs1.pem', key.export({ type: 'pkcs1', format: 'pem' }).toString());
    const pkcs8 = writeFile(dir, 'k1-pkcs8.pem', key.export({ type: 'pkcs8', format: 'pem' }).toString());
    for (const f of [pkcs1, pkcs8]) expect((await run(['token', '--no-cache', '--private-key-file', f], env)).code).toBe(0);
    expect(callsTo(emu, '/oauth/token')).toBe(2);
    const n = emu.requests.length;
    const bad: [string, string, RegExp][] = [
      ['k1-public.pem', seed.publicKeyPem, /public key/],
      ['k1-enc.pem', key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }).toString(), /encrypted/],
      ['ec.pem', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString(), /not an RSA key/],
    ];
    for (const [name, pem, why] of bad) {
      const r = await run(['token', '--no-cache', '--private-key-file', writeFile(dir, name, pem)], env);
      expect(r.code).toBe(4);
      expect(r.err).toMatch(why);
      expect(r.err).toContain(name);
      for (const l of keyLines(pem)) expect(r.err).not.toContain(l.slice(0, 16));
    }
    expect(emu.requests.length).toBe(n);
  });
});
