import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { closedPort, spawnHarness, type SpawnHarness } from './spawn.js';

let h: SpawnHarness;
beforeAll(async () => {
  h = await spawnHarness();
});
afterAll(() => h?.close());

const errorOf = (err: string) => JSON.parse(err).error as { code: string; exitCode: number; message: string; hint?: string };

describe('exit codes through the real binary', () => {
  it('0: success', async () => {
    const r = await h.run(['whoami', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).userId).toBe(h.seed.userId);
  });

  it('2: usage error, nothing sent', async () => {
    const before = h.emu.requests.length;
    const r = await h.run(['status', 'nope', '--json']);
    expect(r.code).toBe(2);
    expect(errorOf(r.err)).toMatchObject({ code: 'USAGE', exitCode: 2 });
    const u = await h.run(['no-such-command']);
    expect(u.code).toBe(2);
    expect(h.emu.requests.length).toBe(before);
  });

  it('3: consent required, the message carries the consent URL', async () => {
    h.emu.revokeConsent(h.seed.integrationKey, h.seed.userId);
    try {
      const c = await h.run(['consent', '--check', '--json', '--no-cache']);
      expect(c.code).toBe(3);
      expect(JSON.parse(c.out).granted).toBe(false);
      const w = await h.run(['whoami', '--json', '--no-cache']);
      expect(w.code).toBe(3);
      const e = errorOf(w.err);
      expect(e).toMatchObject({ code: 'CONSENT_REQUIRED', exitCode: 3 });
      expect(e.hint).toContain('/oauth/auth?');
    } finally {
      h.emu.grantConsent(h.seed.integrationKey, h.seed.userId);
    }
  });

  it('4: a key that does not match the integration', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const r = await h.run(['whoami', '--json', '--no-cache'], { ESIGN_PRIVATE_KEY_FILE: '', ESIGN_PRIVATE_KEY: other });
    expect(r.code).toBe(4);
    expect(errorOf(r.err)).toMatchObject({ code: 'AUTH', exitCode: 4 });
    const m = await h.run(['whoami'], { ESIGN_USER_ID: '' });
    expect(m.code).toBe(4);
    expect(m.err).toMatch(/--user-id or ESIGN_USER_ID/);
  });

  it('5: DocuSign rejects the request', async () => {
    const r = await h.run(['status', '00000000-0000-4000-8000-000000000000', '--json']);
    expect(r.code).toBe(5);
    expect(errorOf(r.err)).toMatchObject({ code: 'API', exitCode: 5 });
  });

  it('6: nothing listens at --env', async () => {
    const port = await closedPort();
    const r = await h.run(['whoami', '--json', '--env', `http://127.0.0.1:${port}`], { ESIGN_MAX_RETRIES: '0' });
    expect(r.code).toBe(6);
    expect(errorOf(r.err)).toMatchObject({ code: 'NETWORK', exitCode: 6 });
  });

  it('130: Ctrl-C during consent --wait', async () => {
    h.emu.revokeConsent(h.seed.integrationKey, h.seed.userId);
    try {
      const r = await h.run(['consent', '--wait', '--timeout', '60', '--no-cache'], {}, {
        onStart: (child) => {
          child.stderr!.on('data', (d: Buffer) => {
            if (String(d).includes('Waiting up to')) setTimeout(() => child.kill('SIGINT'), 100);
          });
        },
      });
      expect(r.code).toBe(130);
      expect(r.err).toMatch(/interrupted/);
      expect(r.out).toBe('');
    } finally {
      h.emu.grantConsent(h.seed.integrationKey, h.seed.userId);
    }
  });
});
