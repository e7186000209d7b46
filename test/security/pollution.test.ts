import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

const NDA = path.resolve(__dirname, '../../templates/nda.yaml');
const SEND = ['send', NDA, '--var', 'company=Acme', '--var', 'counterparty.name=Pat Example', '--var', 'counterparty.email=pat@example.test', '--role', 'Legal=Lee Legal <legal@example.test>'];
let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

it('--var __proto__.x / constructor.prototype.x is refused (exit 2) and pollutes nothing', async () => {
  for (const v of ['__proto__.clientUserId=99', '__proto__.draft=true', 'constructor.prototype.status=created', 'a..b=1']) {
    const r = await h.run([...SEND, '--var', v, '--dry-run']);
    expect(r.code, v).toBe(2);
    expect(r.err).toContain('is not allowed in a variable name');
    expect(r.requests).toHaveLength(0);
  }
  expect(({} as Record<string, unknown>).clientUserId).toBeUndefined();
  expect(({} as Record<string, unknown>).draft).toBeUndefined();
});

it('odd profile names are refused instead of silently doing nothing', async () => {
  for (const name of ['__proto__', 'constructor', 'a.b', '../x']) {
    const r = await h.run(['init', '--profile', name]);
    expect(r.code, name).toBe(2);
    expect(r.err).toContain('is not a valid profile name');
  }
  const r = await h.run(['whoami', '--profile', 'hasOwnProperty']);
  expect(r.code).toBe(2);
  expect(r.err).toContain('profile "hasOwnProperty" does not exist');
});

it.skipIf(process.platform === 'win32')('a shared config folder (sticky, world-writable like /tmp) is refused, never chmod-ed', async () => {
  const fs = await import('node:fs');
  const shared = path.join(h.configDir, '..', 'shared-tmp');
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o1777);
  const r = await h.run(['init', '--profile', 'p'], { env: { ESIGN_CONFIG_DIR: shared } });
  expect(r.code).toBe(4);
  expect(r.err).toContain('is shared (mode 1777)');
  expect(fs.statSync(shared).mode & 0o7777).toBe(0o1777);
  // A command that only caches a token still works; the cache is skipped with a warning.
  const t = await h.run(['token', '--quiet'], { env: { ESIGN_CONFIG_DIR: shared } });
  expect(t.code).toBe(0);
  expect(t.err).toMatch(/warning: .*token cache/i);
  expect(fs.statSync(shared).mode & 0o7777).toBe(0o1777);
});
