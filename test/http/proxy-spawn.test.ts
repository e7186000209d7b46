import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closedPort, ensureBuilt, esign } from '../cli/spawn.js';

let root: string;
beforeAll(() => {
  ensureBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-proxy-spawn-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('a proxied run prints no Node warning: --json stderr is exactly one JSON document', async () => {
  // A key is needed to get as far as the token request; any RSA key will do (the proxy is dead).
  const { generateKeyPairSync } = await import('node:crypto');
  const keyFile = path.join(root, 'key.pem');
  fs.writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const port = await closedPort();
  const r = await esign(['whoami', '--json', '--no-cache'], {
    PATH: process.env.PATH,
    HOME: root,
    CI: 'true',
    ESIGN_CONFIG_DIR: path.join(root, 'config'),
    ESIGN_ENV: 'demo',
    ESIGN_INTEGRATION_KEY: '00000000-0000-4000-8000-000000000001',
    ESIGN_USER_ID: '00000000-0000-4000-8000-000000000002',
    ESIGN_PRIVATE_KEY_FILE: keyFile,
    ESIGN_MAX_RETRIES: '0',
    HTTPS_PROXY: `http://127.0.0.1:${port}`,
  });
  expect(r.code, r.err).toBe(6);
  expect(r.err).not.toMatch(/Warning|UNDICI|experimental/);
  const j = JSON.parse(r.err) as { error: { code: string; message: string } };
  expect(j.error.code).toBe('NETWORK');
  expect(j.error.message).toContain(`127.0.0.1:${port}`);
});
