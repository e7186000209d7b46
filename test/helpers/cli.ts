/**
 * Runs esign in-process against a seeded emulator: `const h = await cliHarness(); await h.run(['whoami'])`.
 * Each harness has its own emulator, key, consent and temporary config folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli.js';
import { memoryIo } from '../../src/output/io.js';
import { clearSecrets } from '../../src/output/redact.js';
import { startEmulator, seedDemo, type Emulator, type EmulatorOptions, type DemoSeed, type RequestLogEntry } from '../../src/emulator/index.js';
import type { Overrides } from '../../src/context.js';
import { emulatorTokens, recordOutput, recordSecrets } from './leak-log.js';

export interface RunResult {
  code: number;
  out: string;
  err: string;
  /** HTTP requests the emulator saw during this run. */
  requests: Emulator['requests'];
}

export interface CliHarness {
  emu: Emulator;
  seed: DemoSeed;
  configDir: string;
  keyFile: string;
  /** Environment for a run: the seed's settings as ESIGN_* variables, CI=true, a private config dir. */
  env: NodeJS.ProcessEnv;
  run(args: string[], opts?: { env?: NodeJS.ProcessEnv; overrides?: Overrides; tty?: boolean }): Promise<RunResult>;
  close(): Promise<void>;
}

/** The environment that points esign at a seeded emulator: ESIGN_* settings, CI=true, a config folder. */
export function seedEnv(emu: Emulator, seed: DemoSeed, configDir: string, keyFile: string): NodeJS.ProcessEnv {
  return {
    CI: 'true',
    ESIGN_CONFIG_DIR: configDir,
    ESIGN_ENV: emu.oauthUrl,
    ESIGN_INTEGRATION_KEY: seed.integrationKey,
    ESIGN_USER_ID: seed.userId,
    ESIGN_PRIVATE_KEY_FILE: keyFile,
    ESIGN_REDIRECT_URI: seed.redirectUri,
  };
}

/** Starts an emulator, seeds it, grants consent (unless told not to) and returns a runner. */
export async function cliHarness(o: { consent?: boolean; emulator?: EmulatorOptions } = {}): Promise<CliHarness> {
  const emu = await startEmulator(o.emulator ?? {});
  const seed = await seedDemo(emu);
  if (o.consent !== false) emu.grantConsent(seed.integrationKey, seed.userId);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-test-'));
  const configDir = path.join(root, 'config');
  const keyFile = path.join(root, 'key.pem');
  fs.writeFileSync(keyFile, seed.privateKeyPem, { mode: 0o600 });
  recordSecrets([seed.privateKeyPem]);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: root, NO_COLOR: '1', ...seedEnv(emu, seed, configDir, keyFile) };
  return {
    emu,
    seed,
    configDir,
    keyFile,
    env,
    async run(args, r = {}) {
      const io = memoryIo({ tty: r.tty });
      const before = emu.requests.length;
      const code = await main(args, io, { ...env, ...(r.env ?? {}) }, { backoffMs: 5, ...(r.overrides ?? {}) });
      clearSecrets();
      recordOutput(args, io.out(), io.err());
      recordSecrets(emulatorTokens(emu));
      return { code, out: io.out(), err: io.err(), requests: emu.requests.slice(before) };
    },
    async close() {
      await emu.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The envelope-create requests (POST …/envelopes) among a run's requests. */
export function envelopeCreates(r: { requests: RequestLogEntry[] }): RequestLogEntry[] {
  return r.requests.filter((q) => q.host === 'rest' && q.method === 'POST' && /\/envelopes$/.test(q.path));
}

/** The lookups by transactionId (GET …/envelopes?transaction_ids=) among a run's requests. */
export function transactionLookups(r: { requests: RequestLogEntry[] }): RequestLogEntry[] {
  return r.requests.filter((q) => q.host === 'rest' && q.method === 'GET' && Boolean(q.query.transaction_ids));
}
