/**
 * Runs every case of the bad-input corpus (cases.ts): expected exit code and message, no stack
 * trace, nothing sent (the emulator saw no envelope create — and, for local checks, no request).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSeeded, runCli, createRequests, tmpDir, STACK, type Seeded } from '../reliability/harness.js';
import { CASES } from './cases.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

let s: Seeded;
const keyFiles: Record<string, string> = {};

function makeKeys(): void {
  const dir = tmpDir('esign-badkeys-');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const texts: Record<string, string> = {
    public: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    encrypted: rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString(),
    ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
    garbage: 'this is not a key at all\n',
    truncated: pkcs8.slice(0, Math.floor(pkcs8.length / 2)),
    rsa1024: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
  for (const [k, t] of Object.entries(texts)) {
    const f = path.join(dir, `${k}.pem`);
    fs.writeFileSync(f, t, { mode: 0o600 });
    keyFiles[k] = f;
  }
}

function expand(v: string): string {
  return v
    .replace(/\$F(?=\/|$)/g, FIXTURES)
    .replace(/\$KEYTEXT\((\w+)\)/g, (_, k: string) => fs.readFileSync(keyFiles[k]!, 'utf8'))
    .replace(/\$KEY\((\w+)\)/g, (_, k: string) => keyFiles[k]!)
    .replace(/\$USERID/g, s.userId);
}

beforeAll(async () => {
  s = await startSeeded();
  makeKeys();
});
afterAll(async () => {
  await s.emu.close();
});

describe('bad-input corpus', () => {
  test('has at least 40 cases covering every group, with unique names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    for (const g of ['template', 'variables', 'data', 'key', 'settings', 'flags']) expect(CASES.some((c) => c.group === g), g).toBe(true);
  });

  for (const c of CASES) {
    for (const json of [false, true]) {
      test(`${c.name}${json ? ' (--json)' : ''}`, async () => {
        s.emu.clearLog();
        const env: NodeJS.ProcessEnv = { ...s.env };
        for (const [k, v] of Object.entries(c.env ?? {})) {
          if (v === '') delete env[k];
          else env[k] = expand(v);
        }
        const argv = c.argv.map(expand);
        const r = await runCli(json ? [...argv, '--json'] : argv, env);
        if (process.env.DUMP_CORPUS && !json) console.log(`[${c.name}] ${r.code} ${r.err.split("\n").slice(0, 2).join(" | ")}`);
        const ctx = `exit ${r.code}\nstderr: ${r.err}\nstdout: ${r.out}`;
        expect(r.code, ctx).toBe(c.exit);
        if (json) {
          const doc = JSON.parse(r.err) as { error: { exitCode: number; message: string; code: string } };
          expect(doc.error.exitCode).toBe(c.exit);
          expect(doc.error.code).toMatch(/^[A-Z_]+$/);
        } else if (typeof c.message === 'string') {
          expect(r.err.toLowerCase(), ctx).toContain(c.message.toLowerCase());
        } else {
          expect(r.err, ctx).toMatch(c.message);
        }
        expect(r.err, ctx).toMatch(/error/i);
        expect(r.err + r.out, 'stack trace').not.toMatch(STACK);
        expect(r.out, 'nothing on stdout').toBe('');
        expect(createRequests(s.emu), 'nothing sent').toHaveLength(0);
        if (c.noNetwork !== false) expect(s.emu.requests.map((x) => `${x.method} ${x.path}`), 'no request at all').toEqual([]);
      });
    }
  }
});
