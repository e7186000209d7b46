import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Prompter } from '../../src/context.js';
import { callsTo, emuSetupPerTest, keyLines, rsaPair, run, tmpDir, writeFile, type EmuSetup } from '../auth/fixtures.js';

const setup = emuSetupPerTest();

/** Only what a newcomer's shell has: no ESIGN_* settings, just a config folder. */
const bare = (s: EmuSetup, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ CI: 'true', ESIGN_CONFIG_DIR: s.configDir, ...extra });

function initFlags(s: EmuSetup, keyFile = s.keyFile): string[] {
  return [
    '--env', s.emu.oauthUrl,
    '--integration-key', s.seed.integrationKey,
    '--user-id', s.seed.userId,
    '--private-key-file', keyFile,
    '--redirect-uri', s.seed.redirectUri,
  ];
}

describe('esign init', () => {
  it('in CI without flags fails fast (exit 4) naming each missing flag and variable, and writes nothing', async () => {
    const dir = tmpDir();
    const r = await run(['init'], { CI: 'true', ESIGN_CONFIG_DIR: dir });
    expect(r.code).toBe(4);
    expect(r.err).toContain('--integration-key or ESIGN_INTEGRATION_KEY');
    expect(r.err).toContain('--user-id or ESIGN_USER_ID');
    expect(r.err).toContain('--private-key-file or ESIGN_PRIVATE_KEY_FILE');
    expect(r.err).toContain('No prompts');
    expect(fs.existsSync(path.join(dir, 'config.json'))).toBe(false);
    const one = await run(['init', '--integration-key', '11111111-2222-3333-4444-555555555555'], {
      CI: 'true',
      ESIGN_CONFIG_DIR: dir,
    });
    expect(one.code).toBe(4);
    expect(one.err).toContain('--user-id or ESIGN_USER_ID');
    expect(one.err).not.toContain('--integration-key or');
    // A bad value is reported before the missing ones are counted: the key file that does not exist.
    const nokey = await run(['init', '--private-key-file', '/nope.pem'], { CI: 'true', ESIGN_CONFIG_DIR: dir });
    expect(nokey.code).toBe(4);
    expect(nokey.err).toContain('/nope.pem does not exist');
  });

  it('with flags writes the profile (0600 in 0700) and later commands use it', async () => {
    const s = await setup();
    const r = await run(['init', '--json', ...initFlags(s)], bare(s));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.profile).toBe('default');
    expect(j.settings).toEqual({
      env: s.emu.oauthUrl,
      integrationKey: s.seed.integrationKey,
      userId: s.seed.userId,
      privateKeyFile: s.keyFile,
      redirectUri: s.seed.redirectUri,
    });
    expect(j.keyFingerprint).toMatch(/^SHA256:/);
    const file = path.join(s.configDir, 'config.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(s.configDir).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('PRIVATE KEY');
    expect((await run(['whoami', '--quiet'], bare(s))).out.trim()).toBe(s.seed.userId);
    // A named profile, selected by --profile or ESIGN_PROFILE; an update keeps what it is not given.
    expect((await run(['init', '--profile', 'emu', ...initFlags(s)], bare(s))).code).toBe(0);
    expect((await run(['init', '--profile', 'emu', '--account-id', s.seed.otherAccountId], bare(s))).code).toBe(0);
    const who = JSON.parse((await run(['whoami', '--json'], bare(s, { ESIGN_PROFILE: 'emu' }))).out);
    expect(who.account.accountId).toBe(s.seed.otherAccountId);
    const unknown = await run(['whoami', '--profile', 'nope'], bare(s));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Known profiles: default, emu');
  });

  it('refuses a bad key (exit 4, naming the file, no key material) and bad values, writing nothing', async () => {
    const s = await setup();
    const pub = writeFile(s.dir, 'public.pem', s.seed.publicKeyPem);
    const r = await run(['init', ...initFlags(s, pub)], bare(s));
    expect(r.code).toBe(4);
    expect(r.err).toContain(`file ${pub}`);
    expect(r.err).toContain('public key');
    for (const l of keyLines(s.seed.publicKeyPem)) expect(r.err).not.toContain(l.slice(0, 16));
    const email = await run(['init', ...initFlags(s).map((v) => (v === s.seed.userId ? 'pat@example.test' : v))], bare(s));
    expect(email.code).toBe(4);
    expect(email.err).toContain('email');
    const http = await run(['init', ...initFlags(s).map((v) => (v === s.emu.oauthUrl ? 'http://account-d.docusign.com' : v))], bare(s));
    expect(http.code).toBe(4);
    expect(http.err).toContain('not loopback');
    expect(fs.existsSync(path.join(s.configDir, 'config.json'))).toBe(false);
    expect(s.emu.requests).toHaveLength(0);
  });

  it('on a TTY asks with the injected prompter for what flags did not give', async () => {
    const s = await setup();
    const asked: { message: string; def?: string }[] = [];
    const answers: Record<string, string> = {
      Environment: s.emu.oauthUrl,
      'User ID': s.seed.userId,
      'Private key file': s.keyFile,
      'Consent redirect URI': s.seed.redirectUri,
      'Account id': '',
    };
    const prompter: Prompter = {
      async input(message, o) {
        asked.push({ message, def: o?.default });
        const key = Object.keys(answers).find((k) => message.startsWith(k));
        if (!key) throw new Error(`unexpected prompt ${message}`);
        // The prompter validates like inquirer would: a bad answer is caught before it is saved.
        if (key === 'User ID') expect(o?.validate?.('pat@example.test')).toMatch(/email/);
        return answers[key]!;
      },
      async confirm() {
        return true;
      },
    };
    const env = { ESIGN_CONFIG_DIR: s.configDir };
    const r = await run(['init', '--integration-key', s.seed.integrationKey], env, { prompter }, true);
    expect(r.code).toBe(0);
    expect(asked.map((a) => a.message.split(' (')[0])).toEqual([
      'Environment',
      'User ID to impersonate',
      'Private key file',
      'Consent redirect URI',
      "Account id",
    ]);
    expect(asked[0]!.def).toBe('demo');
    expect((await run(['whoami', '--quiet'], bare(s))).out.trim()).toBe(s.seed.userId);
  });
});

describe('done when (issue 3)', () => {
  it('a newcomer: init, token before consent (exit 3 + URL), consent --open --wait, whoami, warm token, mismatched key', async () => {
    const s = await setup({}, { consent: false });
    const env = bare(s);
    // 1. init with flags.
    const init = await run(['init', ...initFlags(s)], env);
    expect(init.code).toBe(0);
    expect(init.out).toContain('esign consent --open --wait');
    // 2. before consent: exit 3 and the consent URL.
    const before = await run(['token'], env);
    expect(before.code).toBe(3);
    expect(before.out).toBe('');
    expect(before.err).toContain(`${s.emu.oauthUrl}/oauth/auth?response_type=code&scope=signature%20impersonation`);
    // 3. consent --open --wait: the "browser" is the emulator's consent page.
    const opened: string[] = [];
    const consent = await run(['consent', '--open', '--wait', '--timeout', '20'], env, {
      opener: async (url) => {
        opened.push(url);
        setTimeout(() => void s.emu.consentPage.allow(url, s.seed.email), 200);
      },
    });
    expect(consent.code).toBe(0);
    expect(opened).toHaveLength(1);
    expect(consent.out.trim()).toBe('consent: granted');
    // 4. whoami: the default account, although userinfo lists it second.
    const who = await run(['whoami', '--json'], env);
    expect(who.code).toBe(0);
    const j = JSON.parse(who.out);
    expect(j.accounts.map((a: { accountId: string }) => a.accountId)).toEqual([s.seed.otherAccountId, s.seed.accountId]);
    expect(j.account).toEqual({ accountId: s.seed.accountId, name: 'esign Demo Account', baseUri: s.emu.restUrls[0] });
    // 5. token twice: the second makes no HTTP call.
    const t1 = await run(['token'], env);
    const n = s.emu.requests.length;
    const t2 = await run(['token'], env);
    expect(t2.code).toBe(0);
    expect(t2.out).toBe(t1.out);
    expect(s.emu.requests.length).toBe(n);
    expect(callsTo(s.emu, '/oauth/userinfo')).toBe(1);
    // 6. a mismatched key: exit 4, its fingerprint, no key material.
    const k2 = rsaPair();
    const wrong = writeFile(s.dir, 'wrong.pem', k2.pkcs8);
    const bad = await run(['token', '--no-cache', '--private-key-file', wrong], env);
    expect(bad.code).toBe(4);
    expect(bad.err).toContain('does not match any RSA public key');
    expect(bad.err).toMatch(/fingerprint is SHA256:/);
    for (const l of keyLines(k2.pkcs8)) expect(bad.err + bad.out).not.toContain(l.slice(0, 16));
    expect(bad.err).not.toContain('PRIVATE KEY-----');
  });
});
