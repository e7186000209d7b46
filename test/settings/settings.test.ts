import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/settings/resolve.js';
import { ProfileStore } from '../../src/settings/profiles.js';
import { parseEnvironment } from '../../src/settings/environment.js';
import { ENV_VARS } from '../../src/settings/env.js';
import { EsignError } from '../../src/errors.js';
import { tmpDir } from '../auth/fixtures.js';

const IK = '11111111-2222-3333-4444-555555555555';

function catchErr(f: () => unknown): EsignError {
  try {
    f();
  } catch (e) {
    return e as EsignError;
  }
  throw new Error('expected an error');
}

describe('settings precedence', () => {
  it('flag > env > profile > default, each with its source', async () => {
    const dir = tmpDir();
    await new ProfileStore(dir).write('default', { integrationKey: 'from-profile', userId: 'user-profile', accountId: 'acct-profile', env: 'production' });
    const env = { ESIGN_CONFIG_DIR: dir, ESIGN_INTEGRATION_KEY: 'from-env', ESIGN_USER_ID: 'user-env' };
    const s = resolveSettings({ integrationKey: 'from-flag' }, env);
    expect(s.values.integrationKey).toMatchObject({ value: 'from-flag', source: 'flag', origin: '--integration-key' });
    expect(s.values.userId).toMatchObject({ value: 'user-env', source: 'env', origin: 'ESIGN_USER_ID' });
    expect(s.values.accountId).toMatchObject({ value: 'acct-profile', source: 'profile', origin: 'profile "default"' });
    expect(s.values.env).toMatchObject({ value: 'production', source: 'profile' });
    expect(s.values.scopes).toMatchObject({ value: 'signature impersonation', source: 'default' });
    expect(s.values.timeout).toMatchObject({ value: '30', source: 'default' });
    expect(s.values.redirectUri).toMatchObject({ value: undefined, source: 'unset' });
    // An empty flag or variable does not hide the next level.
    const s2 = resolveSettings({ integrationKey: '' }, { ...env, ESIGN_INTEGRATION_KEY: '' });
    expect(s2.values.integrationKey).toMatchObject({ value: 'from-profile', source: 'profile' });
  });

  it('selects the profile by --profile, then ESIGN_PROFILE; an unknown named profile is an error listing the known ones', async () => {
    const dir = tmpDir();
    const store = new ProfileStore(dir);
    await store.write('default', { integrationKey: 'ik-default' });
    await store.write('prod', { integrationKey: 'ik-prod' });
    await store.write('emu', { integrationKey: 'ik-emu' });
    expect(resolveSettings({}, { ESIGN_CONFIG_DIR: dir }).values.integrationKey.value).toBe('ik-default');
    expect(resolveSettings({}, { ESIGN_CONFIG_DIR: dir, ESIGN_PROFILE: 'prod' }).values.integrationKey.value).toBe('ik-prod');
    const s = resolveSettings({ profile: 'emu' }, { ESIGN_CONFIG_DIR: dir, ESIGN_PROFILE: 'prod' });
    expect(s.values.integrationKey.value).toBe('ik-emu');
    expect(s.profileName).toMatchObject({ value: 'emu', source: 'flag' });
    const e = catchErr(() => resolveSettings({ profile: 'prdo' }, { ESIGN_CONFIG_DIR: dir }));
    expect(e.message).toContain('profile "prdo" does not exist');
    expect(e.hint).toContain('default, prod, emu');
  });

  it('every ESIGN_* variable is declared once', () => {
    const names = ENV_VARS.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    const src = fs.readdirSync(path.resolve('src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith('emulator'))
      .map((f) => fs.readFileSync(path.join('src', f), 'utf8'))
      .join('\n');
    const used = new Set([...src.matchAll(/\bESIGN_[A-Z_]+[A-Z]\b/g)].map((m) => m[0]));
    const undeclared = [...used].filter((n) => !names.includes(n) && n !== 'ESIGN_DEBUG_STACK' && n !== 'ESIGN_REQUIRE_BROWSER');
    expect(undeclared).toEqual([]);
  });
});

describe('profile files', () => {
  it('are 0600 in a 0700 folder, and never hold key text', async () => {
    const dir = path.join(tmpDir(), 'nested', 'esign');
    const store = new ProfileStore(dir);
    await store.write('default', { integrationKey: IK, privateKeyFile: '/k.pem', ...({ privateKey: 'SECRET' } as object) });
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(store.file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(store.file, 'utf8')).not.toContain('SECRET');
    // A second write keeps the other profiles, and a looser folder gets tightened.
    fs.chmodSync(dir, 0o755);
    await store.write('other', { userId: 'u' });
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(Object.keys(store.readAll()).sort()).toEqual(['default', 'other']);
    expect(await store.remove('other')).toBe(true);
    expect(await store.remove('other')).toBe(false);
    expect(Object.keys(store.readAll())).toEqual(['default']);
  });

  it('a corrupt config file is an error naming the file', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'config.json'), '{not json');
    const e = catchErr(() => resolveSettings({}, { ESIGN_CONFIG_DIR: dir }));
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain(path.join(dir, 'config.json'));
  });
});

describe('--env forms', () => {
  it.each([
    ['demo', 'https://account-d.docusign.com', 'account-d.docusign.com', 'demo'],
    ['production', 'https://account.docusign.com', 'account.docusign.com', 'production'],
    ['account-d.docusign.com', 'https://account-d.docusign.com', 'account-d.docusign.com', 'demo'],
    ['https://account.docusign.com/', 'https://account.docusign.com', 'account.docusign.com', 'production'],
    ['https://account-d.docusign.com:443', 'https://account-d.docusign.com', 'account-d.docusign.com', 'demo'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080', '127.0.0.1:8080', 'custom'],
    ['http://localhost:9/', 'http://localhost:9', 'localhost:9', 'custom'],
    ['http://[::1]:8080', 'http://[::1]:8080', '[::1]:8080', 'custom'],
    ['auth.example.test:8443', 'https://auth.example.test:8443', 'auth.example.test:8443', 'custom'],
    ['127.0.0.1:8080', 'http://127.0.0.1:8080', '127.0.0.1:8080', 'custom'],
    ['localhost:8080/', 'http://localhost:8080', 'localhost:8080', 'custom'],
  ])('%s → %s, aud %s', (input, base, aud, name) => {
    expect(parseEnvironment(input)).toEqual({ name, oauthBase: base, aud });
  });

  it('refuses plain http off loopback (exit 4, with the https form as hint)', () => {
    const e = catchErr(() => parseEnvironment('http://account-d.docusign.com', 'ESIGN_ENV'));
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain('ESIGN_ENV');
    expect(e.message).toContain('not loopback');
    expect(e.hint).toContain('https://account-d.docusign.com');
  });

  it('refuses /oauth/token baked in, with the host-only hint (BR-09)', () => {
    const e = catchErr(() => parseEnvironment('https://account-d.docusign.com/oauth/token'));
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain('/oauth/token');
    expect(e.hint).toContain('https://account-d.docusign.com');
    expect(e.hint).toContain('adds /oauth/token itself');
    expect(catchErr(() => parseEnvironment('https://x.test/some/path')).message).toContain('has a path');
    expect(catchErr(() => parseEnvironment('ftp://x.test')).exitCode).toBe(4);
    expect(catchErr(() => parseEnvironment('https://x.test/?a=1')).exitCode).toBe(4);
    expect(catchErr(() => parseEnvironment('  ')).exitCode).toBe(4);
  });
});
