/**
 * Output that cannot be written — a full disk (ENOSPC), a closed pipe (`esign … | head`: EPIPE) —
 * ends the run quietly: no stack trace, and a non-zero exit, since the output was not delivered.
 */
import { spawn, type StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BIN, ROOT, ensureBuilt } from '../cli/spawn.js';

const hasDevFull = fs.existsSync('/dev/full');
let root: string;
beforeAll(() => {
  ensureBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-stdio-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function run(args: string[], stdio: StdioOptions, onStart?: (c: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; err: string }> {
  const env = { PATH: process.env.PATH, HOME: root, CI: 'true', NO_COLOR: '1', ESIGN_CONFIG_DIR: path.join(root, 'config') };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: ROOT, stdio });
    let err = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, err }));
    onStart?.(child);
  });
}

const noStack = (err: string) => {
  expect(err).not.toMatch(/^\s+at /m);
  expect(err).not.toMatch(/node:internal|Node\.js v\d/);
};

it.skipIf(!hasDevFull)('`esign --help > /dev/full`: exit 1 with one line saying stdout could not be written, no stack', async () => {
  const full = fs.openSync('/dev/full', 'w');
  try {
    const r = await run(['--help'], ['ignore', full, 'pipe']);
    expect(r.code).toBe(1);
    noStack(r.err);
    expect(r.err).toBe('esign: cannot write to standard output (ENOSPC: no space left on device); the output is incomplete.\n');
    const v = await run(['--version'], ['ignore', full, 'pipe']);
    expect(v.code).toBe(1);
    expect(v.err).toContain('ENOSPC');
  } finally {
    fs.closeSync(full);
  }
});

it.skipIf(!hasDevFull)('stderr that cannot be written: the command keeps its own exit code, nothing crashes', async () => {
  const full = fs.openSync('/dev/full', 'w');
  try {
    // A missing setting is exit 4; its message goes to stderr, which is full.
    const r = await run(['whoami'], ['ignore', 'pipe', full]);
    expect(r.code).toBe(4);
  } finally {
    fs.closeSync(full);
  }
});

it('a closed pipe (`esign --help | head -0`): exit 141 like other tools killed by SIGPIPE, silently', async () => {
  const r = await run(['--help'], ['ignore', 'pipe', 'pipe'], (c) => c.stdout!.destroy());
  expect(r.code).toBe(141);
  expect(r.err).toBe('');
});
