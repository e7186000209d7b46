import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
  skipped?: boolean;
}
const byName = (checks: Check[], n: string) => checks.find((c) => c.name === n)!;

describe('esign doctor', () => {
  it('passes on a good setup, listing where each setting came from', async () => {
    const r = await h.run(['doctor', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { ok: boolean; checks: Check[] };
    expect(j.ok).toBe(true);
    expect(j.checks.map((c) => c.name)).toEqual([
      'settings',
      'environment',
      'integration key',
      'user id',
      'private key',
      'key file permissions',
      'key matches integration',
      'clock',
      'consent',
      'account access',
    ]);
    expect(j.checks.every((c) => c.ok)).toBe(true);
    expect(byName(j.checks, 'settings').detail).toMatch(/integration key: .* \(ESIGN_INTEGRATION_KEY\)/);
    expect(byName(j.checks, 'private key').detail).toMatch(/SHA256:[A-Za-z0-9+/]{43}/);
    expect(byName(j.checks, 'private key').detail).not.toMatch(/BEGIN/);
    expect(byName(j.checks, 'account access').detail).toContain(h.seed.accountId);
    // one cheap REST call for account access
    expect(r.requests.filter((q) => q.host === 'rest').map((q) => q.path)).toEqual([expect.stringMatching(/\/envelopes$/)]);
  });

  it('human output is a checklist', async () => {
    const r = await h.run(['doctor']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/✓ key matches integration/);
    expect(r.out).toMatch(/All checks passed/);
  });

  it('names the problem on a key that does not match the integration (exit 4)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const r = await h.run(['doctor', '--json'], { env: { ESIGN_PRIVATE_KEY_FILE: '', ESIGN_PRIVATE_KEY: other } });
    expect(r.code).toBe(4);
    const j = JSON.parse(r.out) as { ok: boolean; checks: Check[] };
    expect(j.ok).toBe(false);
    const c = byName(j.checks, 'key matches integration');
    expect(c.ok).toBe(false);
    expect(c.detail).toMatch(/does not match/);
    expect(c.hint).toMatch(/Apps and Keys/);
    expect(byName(j.checks, 'private key').ok).toBe(true);
    expect(r.out + r.err).not.toContain(other.split('\n')[1]);
  });

  it('names a broken key file (exit 4) and skips the network checks', async () => {
    const bad = path.join(h.configDir, '..', 'bad.pem');
    fs.writeFileSync(bad, '-----BEGIN PRIVATE KEY-----\nnot a key\n', { mode: 0o600 });
    const r = await h.run(['doctor', '--json'], { env: { ESIGN_PRIVATE_KEY_FILE: bad } });
    expect(r.code).toBe(4);
    const j = JSON.parse(r.out) as { checks: Check[] };
    expect(byName(j.checks, 'private key')).toMatchObject({ ok: false });
    expect(byName(j.checks, 'private key').detail).toMatch(/incomplete|cannot be parsed/);
    expect(byName(j.checks, 'consent').skipped).toBe(true);
    expect(r.requests).toHaveLength(0);
  });

  it('flags a key file readable by others', async () => {
    const loose = path.join(h.configDir, '..', 'loose.pem');
    fs.writeFileSync(loose, fs.readFileSync(h.keyFile));
    fs.chmodSync(loose, 0o644);
    const r = await h.run(['doctor', '--json'], { env: { ESIGN_PRIVATE_KEY_FILE: loose } });
    expect(r.code).toBe(4);
    const c = byName(JSON.parse(r.out).checks, 'key file permissions');
    expect(c.ok).toBe(false);
    expect(c.hint).toMatch(/chmod 600/);
  });

  it('missing consent is exit 3 with the consent URL in the hint', async () => {
    h.emu.revokeConsent(h.seed.integrationKey, h.seed.userId);
    try {
      const r = await h.run(['doctor', '--json']);
      expect(r.code).toBe(3);
      const checks = JSON.parse(r.out).checks as Check[];
      expect(byName(checks, 'key matches integration').ok).toBe(true);
      expect(byName(checks, 'consent').ok).toBe(false);
      expect(byName(checks, 'consent').hint).toMatch(/oauth\/auth\?/);
    } finally {
      h.emu.grantConsent(h.seed.integrationKey, h.seed.userId);
    }
  });

  it('a clock far off is a failed check', async () => {
    const far = await cliHarness({ emulator: { now: () => Date.now() + 10 * 60_000 } });
    try {
      const r = await far.run(['doctor', '--json']);
      const c = byName(JSON.parse(r.out).checks, 'clock');
      expect(c.ok).toBe(false);
      expect(c.detail).toMatch(/behind/);
      expect(r.code).not.toBe(0);
    } finally {
      await far.close();
    }
  });

  it('a missing setting names the flag and the variable', async () => {
    const r = await h.run(['doctor', '--json'], { env: { ESIGN_USER_ID: '' } });
    expect(r.code).toBe(4);
    const c = byName(JSON.parse(r.out).checks, 'user id');
    expect(c.ok).toBe(false);
    expect(c.hint).toMatch(/--user-id or ESIGN_USER_ID/);
  });

  it('an unreachable OAuth host is exit 6', async () => {
    const r = await h.run(['doctor', '--json'], { env: { ESIGN_ENV: 'http://127.0.0.1:9', ESIGN_MAX_RETRIES: '0' } });
    expect(r.code).toBe(6);
    expect(byName(JSON.parse(r.out).checks, 'key matches integration').detail).toMatch(/cannot reach/);
  });
});
