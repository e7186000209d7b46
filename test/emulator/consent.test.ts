import { describe, expect, it } from 'vitest';
import { makeAssertion, requestToken, withEmulator } from '../helpers/emulator.js';

const fx = withEmulator();

function consentUrl(params: Record<string, string>, raw = ''): string {
  const { emu } = fx;
  return `${emu.oauthUrl}/oauth/auth?${new URLSearchParams(params).toString().replace(/\+/g, '%20')}${raw}`;
}

describe('consent page /oauth/auth', () => {
  it('individual consent: login + Allow records both scopes and redirects with code and state; token then works', async () => {
    const { emu, seed } = fx;
    emu.revokeConsent(seed.integrationKey, seed.userId);
    const url = consentUrl({ response_type: 'code', scope: 'signature impersonation', client_id: seed.integrationKey, redirect_uri: seed.redirectUri, state: 'xyz' });
    expect(url).toContain('scope=signature%20impersonation');
    const page = await fetch(url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('id="allow"');
    expect(html).toContain('id="deny"');
    expect(html).toContain('name="email"');
    const { redirect } = await emu.consentPage.allow(url, seed.email);
    const r = new URL(redirect);
    expect(r.origin + r.pathname).toBe(seed.redirectUri);
    expect(r.searchParams.get('code')).toBeTruthy();
    expect(r.searchParams.get('state')).toBe('xyz');
    const c = emu.state.consents().find((x) => x.userId === seed.userId && x.integrationKey === seed.integrationKey);
    expect(c?.scopes.sort()).toEqual(['impersonation', 'signature']);
    expect((await requestToken(emu, makeAssertion(emu, seed))).status).toBe(200);
  });

  it('BR-01: a literal plus (%2B) is one unrecognised scope token: consent lacks impersonation, token stays consent_required', async () => {
    const { emu, seed } = fx;
    emu.revokeConsent(seed.integrationKey, seed.userId);
    const base = consentUrl({ response_type: 'code', client_id: seed.integrationKey, redirect_uri: seed.redirectUri });
    await emu.consentPage.allow(`${base}&scope=signature%2Bimpersonation`, seed.email);
    const c = emu.state.consents().find((x) => x.userId === seed.userId);
    expect(c?.scopes ?? []).not.toContain('impersonation');
    expect((await requestToken(emu, makeAssertion(emu, seed))).body).toEqual({ error: 'consent_required' });
    // A raw "+" in a query string is form-encoding for a space: both scopes.
    await emu.consentPage.allow(`${base}&scope=signature+impersonation`, seed.email);
    expect((await requestToken(emu, makeAssertion(emu, seed))).status).toBe(200);
  });

  it('Deny redirects with error=access_denied and records nothing', async () => {
    const { emu, seed } = fx;
    emu.revokeConsent(seed.integrationKey, seed.userId);
    const url = consentUrl({ response_type: 'code', scope: 'signature impersonation', client_id: seed.integrationKey, redirect_uri: seed.redirectUri, state: 's1' });
    const html = await (await fetch(url)).text();
    const hidden = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&#(\d+);/g, (_, d) => String.fromCharCode(Number(d)))]);
    const res = await fetch(`${emu.oauthUrl}/oauth/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([...hidden, ['email', seed.email], ['decision', 'deny']] as [string, string][]).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.searchParams.get('error')).toBe('access_denied');
    expect(loc.searchParams.get('state')).toBe('s1');
    expect(emu.state.consents().some((x) => x.userId === seed.userId)).toBe(false);
  });

  it('unregistered redirect_uri (trailing slash, other port, other scheme) → 400 error page, never a redirect (BR-05)', async () => {
    const { emu, seed } = fx;
    const u = new URL(seed.redirectUri);
    for (const bad of [`${seed.redirectUri}/`, `http://127.0.0.1:1${u.port}/consent-done`, seed.redirectUri.replace('http:', 'https:'), `${seed.redirectUri}?x=1`, '']) {
      const res = await fetch(consentUrl({ response_type: 'code', scope: 'signature impersonation', client_id: seed.integrationKey, redirect_uri: bad }), { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('redirect URI is not registered');
    }
    await expect(emu.consentPage.allow(consentUrl({ response_type: 'code', scope: 'signature', client_id: seed.integrationKey, redirect_uri: `${seed.redirectUri}/` }), seed.email)).rejects.toThrow(/not registered/);
  });

  it('unknown client_id → 400 error page', async () => {
    const { seed } = fx;
    const res = await fetch(consentUrl({ response_type: 'code', scope: 'signature', client_id: 'nope', redirect_uri: seed.redirectUri }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('client id');
  });

  it('unknown login email is refused on the page (no consent recorded)', async () => {
    const { emu, seed } = fx;
    const url = consentUrl({ response_type: 'code', scope: 'signature impersonation', client_id: seed.integrationKey, redirect_uri: seed.redirectUri });
    await expect(emu.consentPage.allow(url, 'nobody@example.test')).rejects.toThrow(/no user/);
  });

  it('admin consent (scope=openid + admin_consent_scope) grants org-wide for every user', async () => {
    const { emu, seed } = fx;
    const other = emu.addUser({ name: 'Other User', email: 'other@example.test', accounts: [{}] });
    const url = `${emu.oauthUrl}/oauth/auth?response_type=code&scope=openid&admin_consent_scope=signature+impersonation&client_id=${seed.integrationKey}&redirect_uri=${encodeURIComponent(seed.redirectUri)}&state=adm`;
    const html = await (await fetch(url)).text();
    expect(html).toContain('data-admin="true"');
    const { redirect } = await emu.consentPage.allow(url, seed.email);
    expect(new URL(redirect).searchParams.get('state')).toBe('adm');
    const c = emu.state.consents().find((x) => x.userId === other.userId && x.integrationKey === seed.integrationKey);
    expect(c?.scopes.sort()).toEqual(['impersonation', 'signature']);
    const r = await requestToken(emu, makeAssertion(emu, { ...seed, userId: other.userId }));
    expect(r.status).toBe(200);
  });
});
