/**
 * Spawns the real binary (`node bin/esign.js`, built dist/) against an emulator running in this
 * test process. Always asynchronous: a synchronous spawn would block the emulator's event loop.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, seedDemo, type Emulator, type DemoSeed, type EmulatorOptions } from '../../src/emulator/index.js';
import { seedEnv } from '../helpers/cli.js';
import { emulatorTokens, recordOutput, recordSecrets } from '../helpers/leak-log.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'esign.js');

/** Builds dist/ when it is missing (npm test builds first; this covers running one file alone). */
export function ensureBuilt(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
  }
}

export interface SpawnResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Runs the binary to completion. */
export function esign(args: string[], env: NodeJS.ProcessEnv, o: { cwd?: string; onStart?: (c: ChildProcess) => void } = {}): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: o.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      recordOutput(args, out, err);
      resolve({ code, signal, out, err });
    });
    o.onStart?.(child);
  });
}

export interface SpawnHarness {
  emu: Emulator;
  seed: DemoSeed;
  root: string;
  keyFile: string;
  /** The ESIGN_* environment a CI job would set (key as a file). */
  env: NodeJS.ProcessEnv;
  run(args: string[], env?: NodeJS.ProcessEnv, o?: { cwd?: string; onStart?: (c: ChildProcess) => void }): Promise<SpawnResult>;
  close(): Promise<void>;
}

/** An emulator with the demo seed and consent, a temp config folder, and a runner for the binary. */
export async function spawnHarness(o: { consent?: boolean; emulator?: EmulatorOptions } = {}): Promise<SpawnHarness> {
  ensureBuilt();
  const emu = await startEmulator({ quiet: true, ...(o.emulator ?? {}) });
  const seed = await seedDemo(emu);
  if (o.consent !== false) emu.grantConsent(seed.integrationKey, seed.userId);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-spawn-'));
  const keyFile = path.join(root, 'key.pem');
  fs.writeFileSync(keyFile, seed.privateKeyPem, { mode: 0o600 });
  recordSecrets([seed.privateKeyPem]);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: root, NO_COLOR: '1', ...seedEnv(emu, seed, path.join(root, 'config'), keyFile) };
  return {
    emu,
    seed,
    root,
    keyFile,
    env,
    run: (args, extra = {}, ro = {}) => esign(args, { ...env, ...extra }, ro),
    async close() {
      recordSecrets(emulatorTokens(emu));
      await emu.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
