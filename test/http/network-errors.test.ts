import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

it('nothing listening: exit 6, "connection refused", not a bare "fetch failed"', async () => {
  const port = await closedPort();
  const r = await h.run(['token', '--no-cache'], { env: { ESIGN_ENV: `http://127.0.0.1:${port}`, ESIGN_MAX_RETRIES: '0' } });
  expect(r.code).toBe(6);
  expect(r.err).toContain(`cannot reach 127.0.0.1:${port}: connection refused`);
  expect(r.err).not.toContain('fetch failed');
});

it("a port fetch refuses outright is named as such", async () => {
  const r = await h.run(['token', '--no-cache'], { env: { ESIGN_ENV: 'http://127.0.0.1:1', ESIGN_MAX_RETRIES: '0' } });
  expect(r.code).toBe(6);
  expect(r.err).toContain("port 1 is on fetch's list of blocked ports");
});
