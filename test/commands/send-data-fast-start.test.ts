/**
 * Fast start: `esign --help`, `--version`, `consent` (URL only) and `send --dry-run` (also with --data)
 * load no heavy module. The real binary runs with an ESM loader hook (registered with --import) that
 * records every resolved module URL to a file; the test reads that list.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/esign.js');
const HEAVY = ['docusign-esign', 'conf', 'undici', 'jose', '@inquirer/prompts', '@inquirer/core', 'open', 'cli-progress'];

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist/cli.js'))) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-fast-'));
  fs.writeFileSync(
    path.join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(spec, ctx, next) { const r = await next(spec, ctx); appendFileSync(file, r.url + '\\n'); return r; }
`,
  );
  fs.writeFileSync(
    path.join(dir, 'register.mjs'),
    `import { register } from 'node:module';
register(new URL('./hooks.mjs', import.meta.url), { data: { file: process.env.ESIGN_TEST_MODULE_LOG } });
`,
  );
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  fs.writeFileSync(path.join(dir, 'key.pem'), privateKey, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'rows.csv'), 'counterparty.name,counterparty.email,company\nAnn,ann@example.test,A\nBob,bob@example.test,B\n');
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    CI: 'true',
    NO_COLOR: '1',
    ESIGN_CONFIG_DIR: path.join(dir, 'config'),
    ESIGN_ENV: 'demo',
    ESIGN_INTEGRATION_KEY: '11111111-2222-4333-8444-555555555555',
    ESIGN_USER_ID: '11111111-2222-4333-8444-666666666666',
    ESIGN_PRIVATE_KEY_FILE: path.join(dir, 'key.pem'),
    ESIGN_REDIRECT_URI: 'https://example.com/callback',
  };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the binary; returns its exit code and the packages it resolved. */
function loaded(args: string[], extraEnv: NodeJS.ProcessEnv = {}): { code: number | null; packages: string[]; out: string; err: string } {
  const log = path.join(dir, `modules-${Math.random().toString(36).slice(2)}.log`);
  fs.writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', path.join(dir, 'register.mjs'), BIN, ...args], {
    cwd: ROOT,
    env: { ...env, ...extraEnv, ESIGN_TEST_MODULE_LOG: log },
    encoding: 'utf8',
    timeout: 20_000,
  });
  const urls = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const packages = new Set<string>();
  for (const u of urls) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
    if (m) packages.add(m[1]!);
  }
  return { code: r.status, packages: [...packages].sort(), out: r.stdout, err: r.stderr };
}

const NDA = ['send', 'templates/nda.yaml', '--role', 'Legal=Lee Legal <legal@example.test>'];
const CASES: [string, string[]][] = [
  ['--help', ['--help']],
  ['--version', ['--version']],
  ['send --help', ['send', '--help']],
  ['consent (URL only)', ['consent']],
  ['send --dry-run', [...NDA, '--var', 'counterparty.name=Pat', '--var', 'counterparty.email=pat@example.test', '--var', 'company=Acme', '--dry-run']],
  ['send --data --dry-run', [...NDA, '--data', '__ROWS__', '--dry-run']],
];

describe('fast start: no heavy module on the light paths', () => {
  for (const [name, args] of CASES) {
    it(name, () => {
      const r = loaded(args.map((a) => (a === '__ROWS__' ? path.join(dir, 'rows.csv') : a)));
      expect(r.err).not.toMatch(/error/i);
      expect(r.code).toBe(0);
      const heavy = r.packages.filter((p) => HEAVY.includes(p));
      expect(heavy, `loaded: ${r.packages.join(', ')}`).toEqual([]);
      if (name.startsWith('consent')) expect(r.out).toMatch(/https:\/\/account-d\.docusign\.com\/oauth\/auth\?/);
    });
  }

  it('the hook does see heavy modules when they load (the check can fail)', () => {
    // `esign token` against an unreachable host mints a JWT (jose) before the network fails.
    const r = loaded(['token', '--env', 'http://127.0.0.1:9', '--request-timeout', '2'], { ESIGN_MAX_RETRIES: '0' });
    expect(r.code).not.toBe(0);
    expect(r.packages.some((p) => HEAVY.includes(p))).toBe(true);
  });
});
