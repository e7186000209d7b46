import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

it('a per-request timeout over an hour is a usage error (exit 2) naming where it came from, with nothing sent', async () => {
  const flag = await h.run(['whoami', '--no-cache', '--request-timeout', '99999999']);
  expect(flag.code, flag.err).toBe(2);
  expect(flag.err).toMatch(/the timeout "99999999" \(--request-timeout\) is too long: at most 3600 seconds/);
  expect(flag.err).not.toMatch(/internal error|out of range/);
  expect(flag.requests).toEqual([]);

  const env = await h.run(['whoami', '--no-cache', '--json'], { env: { ESIGN_TIMEOUT: '2592000' } });
  expect(env.code, env.err).toBe(2);
  expect((JSON.parse(env.err) as { error: { message: string } }).error.message).toMatch(/"2592000" \(ESIGN_TIMEOUT\) is too long/);
  expect(env.requests).toEqual([]);
});

it('the bound itself (3600 s) is accepted', async () => {
  const r = await h.run(['whoami', '--no-cache', '--request-timeout', '3600']);
  expect(r.code, r.err).toBe(0);
});
