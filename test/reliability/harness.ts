/**
 * Shared harness of the reliability, security and bad-input tests: an emulator on loopback seeded
 * with one integration, one user (consent granted) and an RSA key; in-process CLI runs that record
 * every output so a final test can scan them all for secrets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, expect } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { emulatorTokens, recordOutput, recordSecrets } from '../helpers/leak-log.js';
import { main } from '../../src/cli.js';
import { memoryIo } from '../../src/output/io.js';
import type { Overrides } from '../../src/context.js';
import { EmulatorImpl } from '../../src/emulator/core.js';
import type { EmulatorOptions } from '../../src/emulator/types.js';

export interface Seeded {
  emu: EmulatorImpl;
  integrationKey: string;
  userId: string;
  accountId: string;
  keyPem: string;
  keyFile: string;
  configDir: string;
  redirectUri: string;
  /** A base environment for main(): CI, the emulator, the key, an empty config folder. */
  env: NodeJS.ProcessEnv;
}

let keyPemMemo: string | undefined;
/** Every emulator started by this test file (the final scan reads the tokens they issued). */
const emulators: EmulatorImpl[] = [];
/** One RSA key per test file (generation costs ~100 ms). */
export function testKeyPem(): string {
  if (!keyPemMemo) {
    keyPemMemo = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    recordSecrets([keyPemMemo]);
  }
  return keyPemMemo;
}

/** A temp folder, removed after the test file (test/helpers/tmp.ts). */
export function tmpDir(prefix = 'esign-rel-'): string {
  return tempDir(prefix);
}

/** Starts the emulator (loopback) and seeds it. The emulator's index.ts is not used, only its core. */
export async function startSeeded(opts: EmulatorOptions = {}): Promise<Seeded> {
  const emu = new EmulatorImpl({ quiet: true, ...opts });
  await emu.listen(opts);
  emulators.push(emu);
  const keyPem = testKeyPem();
  const redirectUri = 'http://127.0.0.1:9/callback';
  const { integrationKey } = emu.addIntegration({ publicKeys: [keyPem], redirectUris: [redirectUri] });
  const user = emu.addUser({ name: 'Pat Sender', email: 'pat.sender@example.test', accounts: [{ name: 'Main', isDefault: true }] });
  emu.grantConsent(integrationKey, user.userId);
  const dir = tmpDir();
  const keyFile = path.join(dir, 'key.pem');
  fs.writeFileSync(keyFile, keyPem, { mode: 0o600 });
  const configDir = path.join(dir, 'config');
  return {
    emu,
    integrationKey,
    userId: user.userId,
    accountId: user.accounts[0]!.accountId,
    keyPem,
    keyFile,
    configDir,
    redirectUri,
    env: {
      CI: 'true',
      ESIGN_CONFIG_DIR: configDir,
      ESIGN_ENV: emu.oauthUrl,
      ESIGN_INTEGRATION_KEY: integrationKey,
      ESIGN_USER_ID: user.userId,
      ESIGN_PRIVATE_KEY_FILE: keyFile,
      ESIGN_REDIRECT_URI: redirectUri,
      PATH: process.env.PATH,
    },
  };
}

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

/** Every output of every run in this process (the secret scan reads it). */
export const recorded: { argv: string[]; out: string; err: string }[] = [];


/** Runs esign in-process (fast backoff), recording its output. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, overrides: Overrides & { signal?: AbortSignal } = {}): Promise<RunResult> {
  const io = memoryIo();
  const code = await main(argv, io, env, { backoffMs: 5, ...overrides });
  const r = { code, out: io.out(), err: io.err() };
  recorded.push({ argv, out: r.out, err: r.err });
  recordOutput(argv, r.out, r.err);
  for (const e of emulators) recordSecrets(emulatorTokens(e));
  return r;
}

/** Requests that created (or tried to create) an envelope. */
export function createRequests(emu: EmulatorImpl) {
  return emu.requests.filter((r) => r.host === 'rest' && r.method === 'POST' && /\/envelopes$/.test(r.path));
}

/** Key, token and JWT material that must never appear in output. */
export function secretPatterns(keyPem?: string): RegExp[] {
  const pats = [/-----BEGIN [A-Z ]*PRIVATE KEY-----(?:\s|\\[nr])*[A-Za-z0-9+/=]{16}/, /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/, /Bearer\s+(?!\[REDACTED)[A-Za-z0-9._~+/=-]{12,}/i, /assertion=(?!\[REDACTED)[^&\s"]{12,}/];
  if (keyPem) {
    for (const line of keyPem.split('\n')) if (line.length > 40 && !line.startsWith('-----')) pats.push(new RegExp(line.replace(/[+/]/g, '\\$&')));
  }
  return pats;
}

export const STACK = /\n\s+at /;

/**
 * Leaks found in the outputs recorded so far: private-key material, JWTs (assertions), bearer
 * values, and every access token the file's emulators issued. `esign token`'s stdout is its
 * result (a token, on purpose) and is not scanned.
 */
export function scanRecorded(): string[] {
  const issued = emulators.flatMap((e) => [...(e as unknown as { tokens: Map<string, unknown> }).tokens.keys()]).filter((x) => x.length >= 12);
  const pats = secretPatterns(keyPemMemo);
  const leaks: string[] = [];
  for (const r of recorded) {
    const texts = r.argv[0] === 'token' ? [r.err] : [r.out, r.err];
    for (const text of texts) {
      for (const p of pats) if (p.test(text)) leaks.push(`esign ${r.argv.join(' ')}: matches ${p}`);
      for (const tok of issued) if (text.includes(tok)) leaks.push(`esign ${r.argv.join(' ')}: prints an access token`);
    }
  }
  return leaks;
}

// Every test file that runs esign through this harness ends by scanning all its runs' outputs.
afterAll(() => {
  if (recorded.length === 0) return;
  expect(scanRecorded(), `secret material in the output of ${recorded.length} runs`).toEqual([]);
});
