import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

it('--verbose says where each setting came from, and never shows the key text', async () => {
  const pem = fs.readFileSync(h.keyFile, 'utf8');
  const r = await h.run(['whoami', '--verbose', '--account-id', h.seed.accountId], {
    env: { ESIGN_PRIVATE_KEY_FILE: '', ESIGN_PRIVATE_KEY: pem },
  });
  expect(r.code).toBe(0);
  const line = r.err.split('\n').find((l) => l.startsWith('settings:'))!;
  expect(line).toContain(`integrationKey=${h.seed.integrationKey} (ESIGN_INTEGRATION_KEY)`);
  expect(line).toContain(`accountId=${h.seed.accountId} (--account-id)`);
  expect(line).toContain('privateKey=(set) (ESIGN_PRIVATE_KEY)');
  expect(line).toContain('scopes=signature impersonation (default)');
  for (const keyLine of pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(r.err).not.toContain(keyLine);
});
