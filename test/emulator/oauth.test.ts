import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { makeAssertion, requestToken, withEmulator } from '../helpers/emulator.js';

const fx = withEmulator();

describe('JWT grant /oauth/token', () => {
  it('answers consent_required (400) before consent, a Bearer token after', async () => {
    const { emu, seed } = fx;
    emu.revokeConsent(seed.integrationKey, seed.userId);
    const r = await requestToken(emu, makeAssertion(emu, seed));
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'consent_required' });
    emu.grantConsent(seed.integrationKey, seed.userId);
    const ok = await requestToken(emu, makeAssertion(emu, seed));
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe('Bearer');
    expect(ok.body.expires_in).toBe(3600);
    expect(typeof ok.body.access_token).toBe('string');
    expect(ok.body.refresh_token).toBeUndefined();
  });

  it('needs impersonation consented and scopes ⊆ consent (BR-02)', async () => {
    const { emu, seed } = fx;
    emu.revokeConsent(seed.integrationKey, seed.userId);
    emu.grantConsent(seed.integrationKey, seed.userId, ['signature']);
    expect((await requestToken(emu, makeAssertion(emu, seed))).body.error).toBe('consent_required');
    emu.grantConsent(seed.integrationKey, seed.userId, ['impersonation']);
    expect((await requestToken(emu, makeAssertion(emu, seed))).status).toBe(200);
    const extra = await requestToken(emu, makeAssertion(emu, seed, { scope: 'signature impersonation extended' }));
    expect(extra.body).toEqual({ error: 'consent_required' });
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ['unknown iss → issuer_not_found', { iss: '00000000-0000-0000-0000-000000000000' }, 'issuer_not_found'],
    ['unknown sub → user_not_found', { sub: '11111111-1111-1111-1111-111111111111' }, 'user_not_found'],
    ['exp in the past → expired_grant', { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 60 }, 'expired_grant'],
    ['missing exp → no_valid_keys_or_signatures', { exp: undefined }, 'no_valid_keys_or_signatures'],
    ['nbf in the future → no_valid_keys_or_signatures', { nbf: Math.floor(Date.now() / 1000) + 600 }, 'no_valid_keys_or_signatures'],
  ];
  for (const [name, claims, desc] of cases) {
    it(name, async () => {
      const { emu, seed } = fx;
      emu.grantConsent(seed.integrationKey, seed.userId);
      const r = await requestToken(emu, makeAssertion(emu, seed, claims));
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'invalid_grant', error_description: desc });
    });
  }

  it('aud must be the bare host: scheme or slash → no_valid_keys_or_signatures, other host → issuer_not_found (BR-09)', async () => {
    const { emu, seed } = fx;
    emu.grantConsent(seed.integrationKey, seed.userId);
    for (const aud of [`https://${emu.oauthHost}`, `${emu.oauthHost}/`, `http://${emu.oauthHost}/`]) {
      const r = await requestToken(emu, makeAssertion(emu, seed, { aud }));
      expect(r.body).toEqual({ error: 'invalid_grant', error_description: 'no_valid_keys_or_signatures' });
    }
    const other = await requestToken(emu, makeAssertion(emu, seed, { aud: 'account.docusign.com' }));
    expect(other.body.error_description).toBe('issuer_not_found');
    expect(emu.state.lastAssertionClaims()?.aud).toBe('account.docusign.com');
  });

  it('a key that is not registered → no_valid_keys_or_signatures (BR-08)', async () => {
    const { emu, seed } = fx;
    emu.grantConsent(seed.integrationKey, seed.userId);
    const k2 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const r = await requestToken(emu, makeAssertion(emu, seed, {}, { privateKeyPem: k2 }));
    expect(r.body).toEqual({ error: 'invalid_grant', error_description: 'no_valid_keys_or_signatures' });
  });

  it('garbage assertion → 400 OAuth error body', async () => {
    const r = await requestToken(fx.emu, 'not-a-jwt');
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_grant');
  });

  it('(U) wrong grant_type → unsupported_grant_type; missing assertion → invalid_request; non-form body → bare invalid_grant', async () => {
    const { emu } = fx;
    const post = (body: string, ct = 'application/x-www-form-urlencoded') =>
      fetch(`${emu.oauthUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': ct }, body }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await post('grant_type=client_credentials&assertion=x')).toEqual({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(await post('grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer')).toEqual({ status: 400, body: { error: 'invalid_request' } });
    expect(await post('{"grant_type":"x"}', 'application/json')).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('(U) exp more than 1 h after iat is accepted and capped by default; rejected with the toggle', async () => {
    const { emu, seed } = fx;
    emu.grantConsent(seed.integrationKey, seed.userId);
    const now = Math.floor(Date.now() / 1000);
    const long = makeAssertion(emu, seed, { iat: now, exp: now + 7200 });
    const r = await requestToken(emu, long);
    expect(r.status).toBe(200);
    expect(r.body.expires_in).toBe(3600);
    emu.setConfig({ rejectExpBeyondOneHour: true });
    try {
      expect((await requestToken(emu, long)).body.error).toBe('invalid_grant');
    } finally {
      emu.setConfig({ rejectExpBeyondOneHour: false });
    }
  });

  it('every response carries a Date header driven by the now option (clock skew)', async () => {
    const skewed = await startEmulator({ now: () => Date.now() + 3_600_000 * 2, quiet: true });
    try {
      const res = await fetch(`${skewed.oauthUrl}/oauth/userinfo`);
      const date = Date.parse(res.headers.get('date')!);
      expect(date - Date.now()).toBeGreaterThan(3_600_000);
    } finally {
      await skewed.close();
    }
  });

  it('tokenRequests() counts token calls; autoConsent records consent itself', async () => {
    const emu = await startEmulator({ autoConsent: true, quiet: true });
    try {
      const { seedDemo } = await import('../../src/emulator/seed.js');
      const seed = await seedDemo(emu);
      const r = await requestToken(emu, makeAssertion(emu, seed));
      expect(r.status).toBe(200);
      expect(emu.state.tokenRequests()).toBe(1);
      expect(emu.state.consents()).toEqual([{ integrationKey: seed.integrationKey, userId: seed.userId, scopes: ['signature', 'impersonation'] }]);
    } finally {
      await emu.close();
    }
  });
});

describe('userinfo', () => {
  it('returns the user with both accounts; the default one is listed second', async () => {
    const { emu, seed } = fx;
    emu.grantConsent(seed.integrationKey, seed.userId);
    const t = (await requestToken(emu, makeAssertion(emu, seed))).body.access_token as string;
    const res = await fetch(`${emu.oauthUrl}/oauth/userinfo`, { headers: { authorization: `Bearer ${t}` } });
    expect(res.status).toBe(200);
    const u = (await res.json()) as any;
    expect(u.sub).toBe(seed.userId);
    expect(u.name).toBe('Service Account');
    expect(u.accounts).toHaveLength(2);
    expect(u.accounts[0].is_default).toBe(false);
    expect(u.accounts[1].is_default).toBe(true);
    expect(u.accounts[1].account_id).toBe(seed.accountId);
    expect(u.accounts[1].base_uri).toBe(emu.restUrls[0]);
  });

  it('missing, bad or revoked token → 401 (U body internal_server_error)', async () => {
    const { emu, seed } = fx;
    const none = await fetch(`${emu.oauthUrl}/oauth/userinfo`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error).toBe('internal_server_error');
    emu.grantConsent(seed.integrationKey, seed.userId);
    const t = (await requestToken(emu, makeAssertion(emu, seed))).body.access_token as string;
    emu.revokeTokens();
    const revoked = await fetch(`${emu.oauthUrl}/oauth/userinfo`, { headers: { authorization: `Bearer ${t}` } });
    expect(revoked.status).toBe(401);
  });

  it('tokens expire after tokenTtlSeconds (clock-driven)', async () => {
    let now = Date.now();
    const emu = await startEmulator({ now: () => now, tokenTtlSeconds: 60, quiet: true });
    try {
      const { seedDemo } = await import('../../src/emulator/seed.js');
      const seed = await seedDemo(emu);
      emu.grantConsent(seed.integrationKey, seed.userId);
      const r = await requestToken(emu, makeAssertion(emu, seed, {}, { nowMs: now }));
      expect(r.body.expires_in).toBe(60);
      const get = () => fetch(`${emu.oauthUrl}/oauth/userinfo`, { headers: { authorization: `Bearer ${r.body.access_token}` } });
      expect((await get()).status).toBe(200);
      now += 61_000;
      expect((await get()).status).toBe(401);
    } finally {
      await emu.close();
    }
  });
});
