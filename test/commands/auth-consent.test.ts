import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { callsTo, emuSetupPerTest, run, type EmuSetup } from '../auth/fixtures.js';

const setup = emuSetupPerTest();

const consentsOf = (s: EmuSetup) =>
  s.emu.state.consents().filter((c) => c.integrationKey === s.seed.integrationKey && c.userId === s.seed.userId);

describe('esign consent', () => {
  it('prints the individual consent URL (scope=signature%20impersonation) and makes no HTTP call', async () => {
    const s = await setup({}, { consent: false });
    let transports = 0;
    const r = await run(['consent'], s.env, { onTransport: () => transports++ });
    expect(r.code).toBe(0);
    const url = r.out.split('\n')[0]!;
    expect(url).toBe(
      `${s.emu.oauthUrl}/oauth/auth?response_type=code&scope=signature%20impersonation&client_id=${s.seed.integrationKey}&redirect_uri=${encodeURIComponent(s.seed.redirectUri)}`,
    );
    expect(r.out).toContain('Scopes asked for: signature impersonation');
    expect(s.emu.requests).toHaveLength(0);
    expect(transports).toBe(0);
    const j = JSON.parse((await run(['consent', '--json'], s.env)).out);
    expect(j).toEqual({ consentUrl: url, scopes: ['signature', 'impersonation'], admin: false });
    expect((await run(['consent', '--quiet'], s.env)).out).toBe(url + '\n');
  });

  it('--admin gives the organization admin consent URL', async () => {
    const s = await setup({}, { consent: false });
    const j = JSON.parse((await run(['consent', '--admin', '--json'], s.env)).out);
    expect(j.admin).toBe(true);
    expect(j.consentUrl).toContain('scope=openid&admin_consent_scope=signature%20impersonation');
    expect(s.emu.requests).toHaveLength(0);
  });

  it('--check: exit 3 and "missing" without consent, exit 0 and "granted" with it', async () => {
    const s = await setup({}, { consent: false });
    const miss = await run(['consent', '--check'], s.env);
    expect(miss.code).toBe(3);
    expect(miss.out.trim()).toBe('consent: missing');
    expect(miss.err).toContain('/oauth/auth?');
    const j = JSON.parse((await run(['consent', '--check', '--json'], s.env)).out);
    expect(j.granted).toBe(false);
    s.emu.grantConsent(s.seed.integrationKey, s.seed.userId, ['signature', 'impersonation']);
    const ok = await run(['consent', '--check'], s.env);
    expect(ok.code).toBe(0);
    expect(ok.out.trim()).toBe('consent: granted');
    // --check is for a missing consent only: a mismatched key is still exit 4.
    const bad = await run(['consent', '--check', '--integration-key', '12345678-1234-1234-1234-123456789abc'], s.env);
    expect(bad.code).toBe(4);
  });

  it('--wait --timeout: exit 0 when consent is granted meanwhile', async () => {
    const s = await setup({}, { consent: false });
    const t = setTimeout(() => s.emu.grantConsent(s.seed.integrationKey, s.seed.userId, ['signature', 'impersonation']), 400);
    const started = Date.now();
    const r = await run(['consent', '--wait', '--timeout', '10', '--json'], s.env);
    clearTimeout(t);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ granted: true, admin: false });
    expect(callsTo(s.emu, '/oauth/token')).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('--wait --timeout: exit 3 with the consent URL when time runs out', async () => {
    const s = await setup({}, { consent: false });
    const started = Date.now();
    const r = await run(['consent', '--wait', '--timeout', '1'], s.env);
    expect(r.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(r.err).toContain('consent was not granted within 1 s');
    expect(r.err).toContain('/oauth/auth?response_type=code&scope=signature%20impersonation');
    const j = await run(['consent', '--wait', '--timeout', '0.5', '--json'], s.env);
    expect(j.code).toBe(3);
    expect(JSON.parse(j.out).granted).toBe(false);
    const bad = await run(['consent', '--wait', '--timeout', 'soon'], s.env);
    expect(bad.code).toBe(2);
  });

  it('--open uses the injected opener with the consent URL', async () => {
    const s = await setup({}, { consent: false });
    const opened: string[] = [];
    const r = await run(['consent', '--open'], s.env, { opener: async (u) => void opened.push(u) });
    expect(r.code).toBe(0);
    expect(opened).toEqual([r.out.split('\n')[0]]);
    expect(s.emu.requests).toHaveLength(0);
  });

  it('BR-01: the consent URL records both signature and impersonation, and a token follows', async () => {
    const s = await setup({}, { consent: false });
    const url = (await run(['consent', '--quiet'], s.env)).out.trim();
    expect(url).toContain('scope=signature%20impersonation');
    expect(url).not.toContain('%2B');
    await s.emu.consentPage.allow(url, s.seed.email);
    expect(consentsOf(s)[0]!.scopes.sort()).toEqual(['impersonation', 'signature']);
    expect((await run(['token'], s.env)).code).toBe(0);
  });

  it('BR-01: (contrast) a "+"-joined, then encoded scope would consent to neither — the token stays refused', async () => {
    const s = await setup({}, { consent: false });
    const url = (await run(['consent', '--quiet'], s.env)).out.trim().replace('signature%20impersonation', 'signature%2Bimpersonation');
    await s.emu.consentPage.allow(url, s.seed.email);
    const r = await run(['token'], s.env);
    expect(r.code).toBe(3);
    expect(r.err).toContain('scopes "signature impersonation"');
  });

  it('BR-02: a scope list without "signature" is refused locally (exit 4, no request); typos too', async () => {
    const s = await setup();
    const r = await run(['token'], { ...s.env, ESIGN_SCOPES: 'impersonation' });
    expect(r.code).toBe(4);
    expect(r.err).toContain('lacks "signature"');
    expect(r.err).toContain('ESIGN_SCOPES');
    const t = await run(['consent'], { ...s.env, ESIGN_SCOPES: 'signature impersonation signatrue' });
    expect(t.code).toBe(4);
    expect(t.err).toContain('unknown scope "signatrue"');
    expect(s.emu.requests).toHaveLength(0);
  });

  it('BR-02: consent for "signature" only → consent_required (exit 3) listing the requested scopes and a URL for both', async () => {
    const s = await setup({}, { consent: false });
    s.emu.grantConsent(s.seed.integrationKey, s.seed.userId, ['signature']);
    const r = await run(['token', '--json'], s.env);
    expect(r.code).toBe(3);
    const e = JSON.parse(r.err).error;
    expect(e.message).toContain('for scopes "signature impersonation"');
    expect(e.details.scopes).toEqual(['signature', 'impersonation']);
    expect(e.details.consentUrl).toContain('scope=signature%20impersonation');
  });

  it('BR-04: consent given on "demo" does not carry over to another environment: exit 3, URL on that host, admin hint', async () => {
    const demo = await setup();
    const prod = await startEmulator({ quiet: true });
    setup.track(prod);
    prod.addIntegration({ integrationKey: demo.seed.integrationKey, publicKeys: [demo.seed.publicKeyPem], redirectUris: [`${prod.oauthUrl}/consent-done`] });
    prod.addUser({ userId: demo.seed.userId, name: demo.seed.name, email: demo.seed.email, accounts: [{ isDefault: true }] });
    expect((await run(['token'], demo.env)).code).toBe(0);
    const env = { ...demo.env, ESIGN_ENV: prod.oauthUrl, ESIGN_REDIRECT_URI: `${prod.oauthUrl}/consent-done` };
    const r = await run(['token'], env);
    expect(r.code).toBe(3);
    expect(r.err).toContain(`in ${prod.oauthUrl}`);
    expect(r.err).toContain('does not carry over');
    expect(r.err).toContain(`Open ${prod.oauthUrl}/oauth/auth?`);
    expect(r.err).not.toContain(`${demo.emu.oauthUrl}/oauth/auth`);
    expect(r.err).toContain('esign consent --admin');
    // Admin consent on that host fixes it for the user.
    const adminUrl = JSON.parse((await run(['consent', '--admin', '--json'], env)).out).consentUrl as string;
    expect(adminUrl.startsWith(`${prod.oauthUrl}/oauth/auth?`)).toBe(true);
    await prod.consentPage.allow(adminUrl, demo.seed.email);
    expect((await run(['token'], env)).code).toBe(0);
  });

  it('BR-05: an empty redirect URI, or one containing "null", is refused before printing a URL', async () => {
    const s = await setup({}, { consent: false });
    const { ESIGN_REDIRECT_URI: _r, ...noRedirect } = s.env;
    const e = await run(['consent'], noRedirect);
    expect(e.code).toBe(4);
    expect(e.out).toBe('');
    expect(e.err).toContain('no consent redirect URI is set');
    expect(e.err).toContain('--redirect-uri or ESIGN_REDIRECT_URI');
    const n = await run(['consent'], { ...s.env, ESIGN_REDIRECT_URI: 'https://app.example.test/loginnull' });
    expect(n.code).toBe(4);
    expect(n.err).toContain('contains "null"');
    expect(n.out).toBe('');
  });

  it('BR-05: a trailing slash gets a warning that matching is exact; the exact URI works with --wait and no listener', async () => {
    const s = await setup({}, { consent: false });
    s.emu.addIntegration({ integrationKey: '0b0b0b0b-1111-2222-3333-444444444444', publicKeys: [s.seed.publicKeyPem], redirectUris: ['https://app.example.test/ds/callback'] });
    const env = { ...s.env, ESIGN_INTEGRATION_KEY: '0b0b0b0b-1111-2222-3333-444444444444' };
    const w = await run(['consent'], { ...env, ESIGN_REDIRECT_URI: 'https://app.example.test/ds/callback/' });
    expect(w.code).toBe(0);
    expect(w.err).toContain('warning: the redirect URI ends with "/"');
    expect(w.err).toContain('exactly');
    const good = { ...env, ESIGN_REDIRECT_URI: 'https://app.example.test/ds/callback' };
    const r = await run(['consent', '--open', '--wait', '--timeout', '10'], good, {
      opener: async (u) => void (await s.emu.consentPage.allow(u, s.seed.email)),
    });
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe('consent: granted');
  });
});

describe('esign consent without a key', () => {
  it('the URL needs only the environment, integration key and redirect URI (an org admin may have no key); --check needs the key', async () => {
    const s = await setup({}, { consent: false });
    const { ESIGN_PRIVATE_KEY_FILE: _k, ESIGN_USER_ID: _u, ...env } = s.env;
    const r = await run(['consent', '--admin'], env);
    expect(r.code).toBe(0);
    expect(r.out).toContain('admin_consent_scope=signature%20impersonation');
    const c = await run(['consent', '--check'], env);
    expect(c.code).toBe(4);
    expect(c.err).toContain('--user-id or ESIGN_USER_ID');
  });
});
