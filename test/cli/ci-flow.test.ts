import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, spawnHarness, type SpawnHarness } from './spawn.js';

let h: SpawnHarness;
beforeAll(async () => {
  h = await spawnHarness({ consent: false });
});
afterAll(() => h?.close());

/** Runs test/cli/ci-flow.sh with only environment variables (key as PEM text, no profile, no key file). */
function ciRun(): Promise<{ code: number | null; out: string; err: string }> {
  const work = fs.mkdtempSync(path.join(h.root, 'job-'));
  fs.symlinkSync(path.join(ROOT, 'templates'), path.join(work, 'templates'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: h.root,
    CI: 'true',
    ESIGN: `${process.execPath} ${BIN}`,
    ESIGN_CONFIG_DIR: path.join(work, 'config'),
    ESIGN_ENV: h.env.ESIGN_ENV,
    ESIGN_INTEGRATION_KEY: h.seed.integrationKey,
    ESIGN_USER_ID: h.seed.userId,
    ESIGN_PRIVATE_KEY: h.seed.privateKeyPem,
    ESIGN_REDIRECT_URI: h.seed.redirectUri,
  };
  return new Promise((resolve) => {
    const c = spawn('bash', [path.join(ROOT, 'test', 'cli', 'ci-flow.sh')], { cwd: work, env });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('CI script: consent check, send, sign-url, status, void with env vars and --json only', () => {
  it('stops with 3 and the consent URL before consent, then runs through once consent is granted', async () => {
    const before = await ciRun();
    expect(before.code).toBe(3);
    expect(before.err).toMatch(/consent missing: open http:\/\/127\.0\.0\.1:\d+\/oauth\/auth\?/);
    expect(h.emu.state.envelopes()).toHaveLength(0);

    h.emu.grantConsent(h.seed.integrationKey, h.seed.userId);
    const r = await ciRun();
    expect(r.code, r.err).toBe(0);
    const [id, status, voided] = r.out.trim().split(' ');
    expect(status).toBe('sent');
    expect(voided).toBe('voided');
    expect(h.emu.state.envelope(id!)).toMatchObject({ status: 'voided', voidedReason: 'CI smoke test' });
  });
});
