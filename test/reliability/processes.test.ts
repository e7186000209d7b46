/**
 * Real processes (`node bin/esign.js`, built by `npm test`): Ctrl-C exits 130 and leaves nothing
 * half-written; concurrent processes sharing one token cache do not corrupt it; atomic writes
 * survive a crash mid-write.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSeeded, tmpDir, STACK, type Seeded } from './harness.js';
import { writeFileAtomic, writeStreamAtomic } from '../../src/settings/paths.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/esign.js');
const built = fs.existsSync(path.join(ROOT, 'dist/cli.js'));

interface Proc {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Spawns esign; `until` is awaited on stderr before `then` runs (e.g. send SIGINT). */
function esign(args: string[], env: NodeJS.ProcessEnv, hooks: { until?: RegExp; then?: (p: ReturnType<typeof spawn>) => void } = {}): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let fired = false;
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => {
      err += d;
      if (!fired && hooks.until && hooks.until.test(err)) {
        fired = true;
        hooks.then?.(p);
      }
    });
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

/** Every file under dir (relative paths). */
function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath ?? d.path, d.name));
}
const mode = (p: string) => fs.statSync(p).mode & 0o777;

let s: Seeded;
beforeAll(async () => {
  s = await startSeeded();
});
afterAll(async () => {
  await s.emu.close();
});

describe.skipIf(!built)('Ctrl-C', () => {
  test('consent --wait: SIGINT exits 130 with "interrupted", no stack, no temp file left', async () => {
    s.emu.revokeConsent(s.integrationKey, s.userId);
    try {
      const r = await esign(['consent', '--wait', '--timeout', '60'], s.env, { until: /Waiting up to/, then: (p) => p.kill('SIGINT') });
      expect(r.code).toBe(130);
      expect(r.err).toMatch(/interrupted/);
      expect(r.err).not.toMatch(STACK);
      expect(walk(s.configDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      s.emu.grantConsent(s.integrationKey, s.userId);
    }
  });

  test('send with a hanging create: SIGINT aborts the request at once, exit 130', async () => {
    s.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'hang', times: 1 });
    const args = ['send', 'templates/offer-letter.yaml', '--verbose', '--var', 'company=A', '--var', 'candidate.name=P Q', '--var', 'candidate.email=p@example.test', '--var', 'job.title=E', '--var', 'job.start=x', '--var', 'job.salary=1'];
    const t0 = Date.now();
    const r = await esign(args, { ...s.env, ESIGN_TIMEOUT: '60' }, { until: /→ POST .*\/envelopes/, then: (p) => setTimeout(() => p.kill('SIGINT'), 100) });
    expect(r.code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.err).toMatch(/interrupted while the envelope was being created/);
    expect(r.err).toMatch(/esign list --transaction-id [0-9a-f-]{36}/);
    expect(r.err).not.toMatch(STACK);
    s.emu.clearFaults();
  });
});

describe.skipIf(!built)('concurrent processes sharing one token cache', () => {
  test('8 concurrent `esign token` runs on an empty cache: all succeed, cache valid JSON, 0600 files in 0700 folders', async () => {
    const configDir = path.join(tmpDir(), 'shared-config');
    const env = { ...s.env, ESIGN_CONFIG_DIR: configDir };
    const runs = await Promise.all(Array.from({ length: 8 }, () => esign(['token', '--quiet', '--no-color'], env)));
    for (const r of runs) {
      expect(r.code, r.err).toBe(0);
      expect(r.out.trim()).toMatch(/^\S{20,}$/);
    }
    const files = walk(configDir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const cache = files.filter((f) => f.includes(`${path.sep}tokens${path.sep}`));
    expect(cache.length).toBeGreaterThanOrEqual(1);
    for (const f of cache) {
      const j = JSON.parse(fs.readFileSync(f, 'utf8'));
      expect(typeof j.accessToken).toBe('string');
      expect(j.userinfo?.userId).toBe(s.userId);
      expect(mode(f)).toBe(0o600);
    }
    expect(mode(configDir)).toBe(0o700);
    expect(mode(path.join(configDir, 'tokens'))).toBe(0o700);
    // and the cache is usable: a warm run makes no OAuth call
    s.emu.clearLog();
    const warm = await esign(['token', '--quiet'], env);
    expect(warm.code).toBe(0);
    expect(s.emu.requests.filter((x) => x.host === 'oauth')).toHaveLength(0);
  }, 30_000);
});

describe('atomic writes', () => {
  test('a process killed while rewriting a file leaves the old or the new content, never a mix', async () => {
    const dir = tmpDir();
    const target = path.join(dir, 'cache.json');
    const A = JSON.stringify({ v: 'a'.repeat(2_000_000) });
    writeFileAtomic(target, A);
    // a child rewrites the file in a loop with writeFileAtomic (from the TypeScript source via the built dist)
    const script = `import { writeFileAtomic } from ${JSON.stringify(path.join(ROOT, 'dist/settings/paths.js'))};
      const B = JSON.stringify({ v: 'b'.repeat(2_000_000) });
      process.stdout.write('go\\n');
      for (;;) writeFileAtomic(${JSON.stringify(target)}, B);`;
    if (!built) return;
    await new Promise<void>((resolve) => {
      const p = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      p.stdout.once('data', () => setTimeout(() => p.kill('SIGKILL'), 150));
      p.on('close', () => resolve());
    });
    const text = fs.readFileSync(target, 'utf8');
    const v = JSON.parse(text).v as string;
    expect(v.length).toBe(2_000_000);
    expect(new Set(v).size).toBe(1);
    expect(mode(target)).toBe(0o600);
  });

  test('writeStreamAtomic (downloads): an aborted stream leaves no temp file and the old file intact', async () => {
    const dir = tmpDir();
    const target = path.join(dir, 'contract.pdf');
    fs.writeFileSync(target, 'OLD');
    const ac = new AbortController();
    async function* chunks() {
      yield Buffer.from('%PDF-1.7 part one');
      ac.abort(new Error('interrupted'));
      yield Buffer.from('part two');
    }
    await expect(writeStreamAtomic(target, chunks(), { signal: ac.signal })).rejects.toThrow(/interrupted/);
    expect(fs.readFileSync(target, 'utf8')).toBe('OLD');
    expect(fs.readdirSync(dir)).toEqual(['contract.pdf']);

    async function* failing() {
      yield Buffer.from('x');
      throw new Error('socket hang up');
    }
    await expect(writeStreamAtomic(path.join(dir, 'new.pdf'), failing())).rejects.toThrow(/hang up/);
    expect(fs.readdirSync(dir)).toEqual(['contract.pdf']);

    async function* ok() {
      yield Buffer.from('%PDF-1.7 ');
      yield Buffer.from('complete');
    }
    expect(await writeStreamAtomic(target, ok())).toBe(17);
    expect(fs.readFileSync(target, 'utf8')).toBe('%PDF-1.7 complete');
    expect(mode(target)).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['contract.pdf']);
  });
});
