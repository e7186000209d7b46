import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

const keyLines = (pem: string) => pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));

it('key text put in ESIGN_PRIVATE_KEY_FILE by mistake is refused without echoing it (token, --verbose, doctor, init)', async () => {
  const pem = fs.readFileSync(h.keyFile, 'utf8');
  const b64 = Buffer.from(pem).toString('base64');
  for (const value of [b64, pem]) {
    for (const argv of [['token', '--verbose', '--no-cache'], ['doctor', '--verbose'], ['init', '--profile', 'x']]) {
      const r = await h.run(argv, { env: { ESIGN_PRIVATE_KEY_FILE: value } });
      expect(r.code, `${argv.join(' ')}\n${r.err}`).not.toBe(0);
      const all = r.out + r.err;
      expect(all).not.toContain(b64.slice(0, 60));
      for (const l of keyLines(pem)) expect(all).not.toContain(l);
    }
  }
  const r = await h.run(['token'], { env: { ESIGN_PRIVATE_KEY_FILE: b64 } });
  expect(r.code).toBe(4);
  expect(r.err).toContain('holds key text, not a file path');
});

it.skipIf(process.platform === 'win32')('a FIFO as key file is refused at once instead of blocking', async () => {
  const fifo = `${h.keyFile}.fifo`;
  execFileSync('mkfifo', [fifo]);
  const t0 = Date.now();
  const r = await h.run(['token', '--no-cache'], { env: { ESIGN_PRIVATE_KEY_FILE: fifo } });
  expect(r.code).toBe(4);
  expect(r.err).toContain('is not a regular file');
  expect(Date.now() - t0).toBeLessThan(5000);
});
