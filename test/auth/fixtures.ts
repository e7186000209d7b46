/** Shared fixtures for the auth tests: key pairs in every format, temp folders, in-process runs. */
import fs from 'node:fs';
import { afterEach } from 'vitest';
import path from 'node:path';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { main } from '../../src/cli.js';
import { memoryIo } from '../../src/output/io.js';
import type { Overrides } from '../../src/context.js';
import { startEmulator, seedDemo, type Emulator, type EmulatorOptions, type DemoSeed } from '../../src/emulator/index.js';
import { tempDir } from '../helpers/tmp.js';
import { seedEnv } from '../helpers/cli.js';
import { emulatorTokens, recordOutput, recordSecrets } from '../helpers/leak-log.js';

export interface RsaPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  pkcs1: string;
  pkcs8: string;
  publicPem: string;
}

/** A fresh RSA-2048 pair with its PEM forms. */
export function rsaPair(): RsaPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    publicKey,
    pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A temp folder, removed after the test file (test/helpers/tmp.ts). */
export function tmpDir(prefix = 'esign-auth-'): string {
  return tempDir(prefix);
}

/** Writes a file with the given mode and returns its path. */
export function writeFile(dir: string, name: string, text: string, mode = 0o600): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text, { mode });
  fs.chmodSync(p, mode);
  return p;
}

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

/** Runs esign in-process with a memory io. */
export async function run(argv: string[], env: NodeJS.ProcessEnv, overrides: Overrides = {}, tty = false): Promise<RunResult> {
  const io = memoryIo({ tty });
  const code = await main(argv, io, env, overrides);
  recordOutput(argv, io.out(), io.err());
  return { code, out: io.out(), err: io.err() };
}

/** Every line of key material in a PEM (base64 body lines), to assert none is printed. */
export function keyLines(pem: string): string[] {
  return pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
}


export interface EmuSetup {
  emu: Emulator;
  seed: DemoSeed;
  dir: string;
  keyFile: string;
  configDir: string;
  /** A complete CI environment pointing esign at this emulator. */
  env: NodeJS.ProcessEnv;
}

/** Starts an emulator with the demo seed, a key file (0600) and an env for esign; consent granted unless told. */
export async function emuSetup(opts: EmulatorOptions = {}, o: { consent?: boolean } = {}): Promise<EmuSetup> {
  const emu = await startEmulator({ quiet: true, ...opts });
  const seed = await seedDemo(emu);
  if (o.consent !== false) emu.grantConsent(seed.integrationKey, seed.userId, ['signature', 'impersonation']);
  const dir = tmpDir();
  const keyFile = writeFile(dir, 'private.pem', seed.privateKeyPem);
  const configDir = path.join(dir, 'cfg');
  const env = seedEnv(emu, seed, configDir, keyFile);
  recordSecrets([seed.privateKeyPem]);
  return { emu, seed, dir, keyFile, configDir, env };
}

/** Requests the emulator saw to one path since `from` (an index into emu.requests). */
export function callsTo(emu: Emulator, p: string, from = 0): number {
  return emu.requests.slice(from).filter((r) => r.path === p).length;
}

/**
 * `emuSetup` for a test file: every emulator it starts (and any other one given to `track`) is
 * closed after each test.
 */
export function emuSetupPerTest(): typeof emuSetup & { track(e: Emulator): void } {
  const started: Emulator[] = [];
  afterEach(async () => {
    while (started.length) {
      const e = started.pop()!;
      recordSecrets(emulatorTokens(e));
      await e.close();
    }
  });
  const setup = async (...a: Parameters<typeof emuSetup>) => {
    const s = await emuSetup(...a);
    started.push(s.emu);
    return s;
  };
  return Object.assign(setup, { track: (e: Emulator) => void started.push(e) });
}
