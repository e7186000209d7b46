import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

it('the emulator reached as localhost:PORT accepts aud "localhost:PORT" (aud = the host the request went to)', async () => {
  const port = new URL(h.emu.oauthUrl).port;
  const r = await h.run(['whoami', '--no-cache', '--json'], { env: { ESIGN_ENV: `http://localhost:${port}` } });
  expect(r.code).toBe(0);
  expect(h.emu.state.lastAssertionClaims()?.aud).toBe(`localhost:${port}`);
});

it('an aud naming another host than the one called is refused as DocuSign does', async () => {
  const port = new URL(h.emu.oauthUrl).port;
  const res = await fetch(`${h.emu.oauthUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=x.y.z',
  });
  expect(res.status).toBe(400);
  // Through the CLI: an assertion for localhost sent to 127.0.0.1 is not this host's.
  const { signAssertion } = await import('../../src/auth/jwt.js');
  const { createPrivateKey } = await import('node:crypto');
  const jwt = await signAssertion(createPrivateKey(h.seed.privateKeyPem), {
    iss: h.seed.integrationKey,
    sub: h.seed.userId,
    aud: `localhost:${port}`,
    scopes: ['signature', 'impersonation'],
    nowSeconds: Date.now() / 1000,
  });
  const wrong = await fetch(`${h.emu.oauthUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=${jwt}`,
  });
  expect(wrong.status).toBe(400);
  expect(await wrong.json()).toMatchObject({ error: 'invalid_grant', error_description: 'issuer_not_found' });
});
