import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

it('a token cached with one key is not reused after switching to another key (the mismatch shows at once)', async () => {
  expect((await h.run(['token', '--quiet'])).code).toBe(0);
  const warm = await h.run(['token', '--quiet']);
  expect(warm.requests).toHaveLength(0);

  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const otherFile = path.join(path.dirname(h.keyFile), 'other.pem');
  fs.writeFileSync(otherFile, other, { mode: 0o600 });
  const r = await h.run(['token'], { env: { ESIGN_PRIVATE_KEY_FILE: otherFile } });
  expect(r.requests.map((q) => q.path)).toEqual(['/oauth/token']);
  expect(r.code).toBe(4);
  expect(r.err).toMatch(/does not match any RSA public key/);
  expect(r.out).toBe('');
});

it('after `consent --check`, the next command makes no OAuth call (the accounts are cached with the token)', async () => {
  const check = await h.run(['consent', '--check']);
  expect(check.code).toBe(0);
  expect(check.requests.map((q) => q.path)).toEqual(['/oauth/token', '/oauth/userinfo']);
  const who = await h.run(['whoami', '--quiet']);
  expect(who.code).toBe(0);
  expect(who.requests).toHaveLength(0);
});

it('init warns about a redirect URI ending in "/" (BR-05: matching is exact)', async () => {
  const r = await h.run(['init', '--profile', 'slash', '--redirect-uri', 'https://app.example.test/ds/callback/']);
  expect(r.code).toBe(0);
  expect(r.err).toMatch(/warning: the redirect URI ends with "\/"/);
  const ok = await h.run(['init', '--profile', 'noslash', '--redirect-uri', 'https://app.example.test/ds/callback']);
  expect(ok.err).not.toMatch(/ends with/);
});

it('consent --check without a redirect URI still exits 3 when consent is missing, and says why there is no URL', async () => {
  h.emu.revokeConsent(h.seed.integrationKey, h.seed.userId);
  const r = await h.run(['consent', '--check', '--json'], { env: { ESIGN_REDIRECT_URI: '' } });
  expect(r.code).toBe(3);
  expect(JSON.parse(r.out).granted).toBe(false);
  expect(r.err).toContain('set ESIGN_REDIRECT_URI');
  h.emu.grantConsent(h.seed.integrationKey, h.seed.userId);
});
