import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIo } from '../../src/output/io.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-emucmd-'));
const env = { PATH: process.env.PATH, HOME: root, CI: 'true', NO_COLOR: '1', ESIGN_CONFIG_DIR: path.join(root, 'config') };
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A free port whose next port is free too (the emulator's REST host takes it). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    if (port >= 65534) continue;
    const t = net.createServer();
    const ok = await new Promise<boolean>((r) => {
      t.once('error', () => r(false));
      t.listen(port + 1, '127.0.0.1', () => r(true));
    });
    if (ok) {
      await new Promise<void>((r) => t.close(() => r()));
      return port;
    }
  }
}

/** Runs `esign emulator` in-process until stop() (Ctrl-C). */
async function runEmulator(args: string[]) {
  const ac = new AbortController();
  const io = memoryIo();
  const done = main(['emulator', '--json', ...args], io, env, { signal: ac.signal });
  for (let i = 0; i < 200 && !io.out().trim().endsWith('}'); i++) await new Promise((r) => setTimeout(r, 25));
  return { info: JSON.parse(io.out()), io, stop: async () => (ac.abort(), done) };
}

async function cli(args: string[]) {
  const io = memoryIo();
  const code = await main(args, io, env);
  return { code, out: io.out(), err: io.err() };
}

it('with a fixed --port the integration, user, key and consent survive a restart, so the profile keeps working', async () => {
  const port = await freePortPair();
  const first = await runEmulator(['--port', String(port)]);
  expect(first.info.restored).toBe(false);
  const i = first.info;
  expect((await cli(['init', '--profile', 'emu', '--env', i.oauthUrl, '--integration-key', i.integrationKey, '--user-id', i.userId, '--private-key-file', i.privateKeyFile, '--redirect-uri', i.redirectUri])).code).toBe(0);
  expect((await cli(['consent', '--check', '--profile', 'emu'])).code).toBe(3);
  // Grant consent through the consent page, as the user would.
  const url = JSON.parse((await cli(['consent', '--profile', 'emu', '--json'])).out).consentUrl;
  const { driveConsentPage } = await import('../../src/emulator/pages.js');
  await driveConsentPage(url, i.email, 'allow');
  expect((await cli(['consent', '--check', '--profile', 'emu'])).code).toBe(0);
  expect(await first.stop()).toBe(0);

  const second = await runEmulator(['--port', String(port)]);
  expect(second.info).toMatchObject({ restored: true, integrationKey: i.integrationKey, userId: i.userId, privateKeyFile: i.privateKeyFile });
  const who = await cli(['whoami', '--profile', 'emu', '--no-cache', '--json']);
  expect(who.code).toBe(0);
  expect(JSON.parse(who.out).userId).toBe(i.userId);
  expect(await second.stop()).toBe(0);
  expect(fs.statSync(i.privateKeyFile).mode & 0o777).toBe(0o600);
});

it('a port already in use is a usage error (exit 2) with a hint, not an internal error', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const r = await cli(['emulator', '--port', String(port)]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`port ${port} is already in use`);
    expect(r.err).toContain('--port 0');
    expect(r.err).not.toMatch(/internal error|bug/);
  } finally {
    await new Promise<void>((r) => blocker.close(() => r()));
  }
});
