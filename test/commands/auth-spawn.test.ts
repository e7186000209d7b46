/** The real binary: several `esign token` processes at once share one token cache safely. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emuSetup, type EmuSetup } from '../auth/fixtures.js';

const BIN = path.resolve('bin/esign.js');

function esign(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (/^(ESIGN_|HTTPS?_PROXY$|NO_PROXY$)/i.test(k)) delete base[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

let s: EmuSetup;
beforeAll(async () => {
  if (!fs.existsSync(path.resolve('dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  s = await emuSetup();
});
afterAll(async () => {
  await s?.emu.close();
});

describe('esign token (spawned)', () => {
  it('concurrent processes sharing one cache all succeed and leave valid JSON behind', async () => {
    const runs = await Promise.all(Array.from({ length: 4 }, () => esign(['token', '--json'], s.env)));
    for (const r of runs) {
      expect(r.err).not.toContain('error');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).accessToken).toMatch(/^emu\./);
    }
    const dir = path.join(s.configDir, 'tokens');
    const files = fs.readdirSync(dir);
    // One entry, no temporary files left behind.
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const entry = JSON.parse(fs.readFileSync(path.join(dir, files.find((f) => f.endsWith('.json'))!), 'utf8'));
    expect(runs.map((r) => JSON.parse(r.out).accessToken)).toContain(entry.accessToken);
    expect(fs.statSync(path.join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    // Afterwards the cache serves everyone: no HTTP call.
    const n = s.emu.requests.length;
    const warm = await esign(['token'], s.env);
    expect(warm.code).toBe(0);
    expect(warm.out.trim()).toBe(entry.accessToken);
    expect(s.emu.requests.length).toBe(n);
  });
});
