/**
 * Security promises (issue 8): secrets never printed (output, --verbose trace, errors, crash
 * reports), private file modes, plain http refused off loopback, key-file permission warning,
 * emulator on loopback only. The last test scans every output this file's runs produced.
 */
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSeeded, runCli as run, createRequests, tmpDir, secretPatterns, STACK, type Seeded, type RunResult } from '../reliability/harness.js';
import { clearSecrets, redact, registerSecret } from '../../src/output/redact.js';
import { TokenProvider } from '../../src/auth/token.js';
import { parseEnvironment } from '../../src/settings/environment.js';
import type { Overrides } from '../../src/context.js';

let s: Seeded;
/** Assertions and bearer tokens esign actually sent (captured on the wire). */
const sentSecrets = new Set<string>();
let lastBearer = '';
let lastAssertion = '';
/** Outputs to scan at the end; `esign token`'s stdout is its result (a token, on purpose) and is left out. */
const outputs: { what: string; text: string }[] = [];

const spyFetch: typeof fetch = async (input, init) => {
  const body = typeof init?.body === 'string' ? init.body : '';
  const m = /assertion=([^&]+)/.exec(body);
  if (m) sentSecrets.add(decodeURIComponent(m[1]!));
  const auth = (init?.headers as Record<string, string> | undefined)?.authorization;
  if (auth) {
    lastBearer = auth.replace(/^Bearer\s+/i, '');
    sentSecrets.add(lastBearer);
  }
  if (m) lastAssertion = decodeURIComponent(m[1]!);
  return fetch(input, init);
};

/** A run with no secret registered beforehand: only what this run registers itself protects it. */
async function runCli(argv: string[], env: NodeJS.ProcessEnv, o: Overrides = {}): Promise<RunResult> {
  clearSecrets();
  const r = await run(argv, env, { fetchImpl: spyFetch, ...o });
  const isToken = argv[0] === 'token';
  outputs.push({ what: `${argv.join(' ')} (stderr)`, text: r.err });
  if (!isToken) outputs.push({ what: `${argv.join(' ')} (stdout)`, text: r.out });
  return r;
}

const SEND = ['send', 'templates/offer-letter.yaml', '--var', 'company=Acme', '--var', 'candidate.name=Pat Example', '--var', 'candidate.email=pat@example.test', '--var', 'job.title=E', '--var', 'job.start=x', '--var', 'job.salary=1'];

beforeAll(async () => {
  s = await startSeeded();
});
afterAll(async () => {
  await s.emu.close();
});

describe('redaction', () => {
  test('patterns: PEM blocks, JWTs, bearer values, form and JSON secrets', () => {
    clearSecrets();
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const text = [
      s.keyPem,
      `Authorization: Bearer abcdefghijklmnop.qrstuv`,
      `grant_type=x&assertion=${jwt}`,
      `{"access_token":"tok-123456789012","accessToken":"t2-123456789012"}`,
      `jwt ${jwt}`,
    ].join('\n');
    const out = redact(text);
    expect(out).not.toContain('PRIVATE KEY-----\n');
    for (const line of s.keyPem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(out).not.toContain(line);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('abcdefghijklmnop');
    expect(out).not.toContain('tok-123456789012');
    expect(out).not.toContain('t2-123456789012');
    expect(out).toContain('[REDACTED');
  });

  test('registered secrets are masked wherever they appear (e.g. an opaque token in a URL)', () => {
    clearSecrets();
    registerSecret('opaque.token.value.1234');
    expect(redact('GET /x?t=opaque.token.value.1234 done')).toBe('GET /x?t=[REDACTED] done');
    registerSecret('short'); // too short to register: ordinary words must survive
    expect(redact('a short word')).toBe('a short word');
  });

  test('a crash (internal error, exit 1) carrying the key, the token and the assertion is redacted, without a stack', async () => {
    // The crash happens inside a run that minted a token and signed an assertion (send --open):
    // the opener throws an error quoting all three, as a careless library might.
    let token = '';
    let jwt = '';
    const crash: Overrides = {
      opener: async () => {
        token = lastBearer;
        jwt = lastAssertion;
        throw new TypeError(`cannot open: key=${s.keyPem} token=${token} assertion=${jwt}`);
      },
    };
    const args = [...SEND, '--embedded', '--open', '--no-cache'];
    for (const extra of [[], ['--json'], ['--verbose']]) {
      const r = await runCli([...args, ...extra], { ...s.env, CI: '' }, crash);
      expect(r.code, r.err).toBe(1);
      expect(token.length).toBeGreaterThan(12);
      expect(jwt).toMatch(/^eyJ/);
      expect(r.err).toMatch(/internal error: cannot open/);
      expect(r.err).not.toMatch(STACK);
      expect(r.err).not.toContain(token);
      expect(r.err).not.toContain(jwt);
      expect(r.err).not.toMatch(/-----BEGIN/);
      if (extra[0] === '--json') expect(JSON.parse(r.err).error.exitCode).toBe(1);
    }
    // ESIGN_DEBUG_STACK=1 prints the stack, still redacted
    const r = await runCli(args, { ...s.env, CI: '', ESIGN_DEBUG_STACK: '1' }, crash);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(STACK);
    expect(r.err).not.toContain(token);
    expect(r.err).not.toContain(jwt);
    for (const line of s.keyPem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(r.err).not.toContain(line);
  });

  test('a network error whose message echoes the request body (assertion) is redacted', async () => {
    const leaky: typeof fetch = async (input, init) => {
      throw new Error(`proxy refused body ${String(init?.body)}`);
    };
    const r = await runCli(['token', '--no-cache'], { ...s.env, ESIGN_MAX_RETRIES: '0' }, { fetchImpl: leaky });
    expect(r.code).toBe(6);
    expect(r.err).toMatch(/assertion=\[REDACTED/);
    expect(r.err).not.toMatch(/eyJ[\w-]{5,}\.[\w-]{5,}\./);
  });
});

describe('file modes', () => {
  test('init writes config 0600 in a 0700 folder, and tightens a loose existing folder', async () => {
    const dir = path.join(tmpDir(), 'cfg');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const env = { ...s.env, ESIGN_CONFIG_DIR: dir };
    const r = await runCli(['init', '--profile', 'ci', '--env', s.emu.oauthUrl, '--integration-key', s.integrationKey, '--user-id', s.userId, '--private-key-file', s.keyFile, '--redirect-uri', s.redirectUri], env);
    expect(r.code, r.err).toBe(0);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(fs.statSync(path.join(f.parentPath ?? f.path, f.name)).mode & 0o777, f.name).toBe(0o600);
    // the profile never stores the key itself
    const cfg = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    expect(cfg).not.toMatch(/BEGIN/);
  });

  test('token cache: 0600 files in 0700 folders', async () => {
    const dir = path.join(tmpDir(), 'cfg');
    const r = await runCli(['whoami'], { ...s.env, ESIGN_CONFIG_DIR: dir });
    expect(r.code, r.err).toBe(0);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'tokens')).mode & 0o777).toBe(0o700);
    const files = fs.readdirSync(path.join(dir, 'tokens'));
    expect(files).toHaveLength(1);
    expect(fs.statSync(path.join(dir, 'tokens', files[0]!)).mode & 0o777).toBe(0o600);
  });

  test('a group- or world-readable key file is warned about (and still works)', async () => {
    const dir = tmpDir();
    const loose = path.join(dir, 'loose.pem');
    fs.writeFileSync(loose, s.keyPem);
    fs.chmodSync(loose, 0o644);
    const r = await runCli(['token', '--no-cache', '--quiet'], { ...s.env, ESIGN_PRIVATE_KEY_FILE: loose });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: .*readable by group or others \(mode 644\); run: chmod 600/);
    const tight = await runCli(['token', '--no-cache', '--quiet'], s.env);
    expect(tight.err).not.toMatch(/readable by group/);
  });
});

describe('plain http refused off loopback', () => {
  test('OAuth: --env http://example.com → exit 4, nothing sent', async () => {
    s.emu.clearLog();
    const before = sentSecrets.size;
    const r = await runCli(['token', '--env', 'http://example.com'], s.env);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/plain http to a host that is not loopback/);
    expect(r.err).toMatch(/https:\/\/example\.com/);
    expect(sentSecrets.size).toBe(before);
    expect(s.emu.requests).toHaveLength(0);
  });

  test('OAuth: loopback forms are accepted, https elsewhere too', () => {
    for (const u of ['http://127.0.0.1:8080', 'http://localhost:1', 'http://[::1]:9']) expect(parseEnvironment(u).oauthBase).toBe(u);
    expect(parseEnvironment('https://example.com').aud).toBe('example.com');
    expect(() => parseEnvironment('http://10.0.0.1:8080')).toThrow(/not loopback/);
    expect(() => parseEnvironment('http://127.0.0.1.evil.com')).toThrow(/not loopback/);
  });

  test('REST: an account base_uri on plain http off loopback (from userinfo) is refused before any REST call', async () => {
    const hosts: string[] = [];
    const tamper: typeof fetch = async (input, init) => {
      const url = String(input);
      hosts.push(new URL(url).host);
      const res = await spyFetch(input, init);
      if (!url.endsWith('/oauth/userinfo')) return res;
      const j = (await res.json()) as { accounts: { base_uri: string }[] };
      for (const a of j.accounts) a.base_uri = 'http://docusign.example.com';
      return new Response(JSON.stringify(j), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const r = await runCli([...SEND, '--no-cache'], s.env, { fetchImpl: tamper });
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/base_uri of account .* uses plain http to a host that is not loopback/);
    expect(hosts).not.toContain('docusign.example.com');
    expect(r.err).not.toMatch(STACK);
  });

  test('REST: chooseAccount refuses http off loopback and accepts https / loopback', () => {
    const p = Object.create(TokenProvider.prototype) as TokenProvider;
    Object.assign(p, { config: { accountId: undefined } });
    const info = (baseUri: string) => ({ userId: 'u', name: 'n', email: 'e', accounts: [{ accountId: 'a', name: 'A', baseUri, isDefault: true }] });
    expect(() => p.chooseAccount(info('http://eu.docusign.net'))).toThrow(/plain http/);
    expect(p.chooseAccount(info('https://eu.docusign.net')).restBase).toBe('https://eu.docusign.net/restapi');
    expect(p.chooseAccount(info('http://127.0.0.1:4000')).restBase).toBe('http://127.0.0.1:4000/restapi');
  });

  test('return URLs: --return-url http://example.com/x → exit 2, nothing sent', async () => {
    s.emu.clearLog();
    const r = await runCli([...SEND, '--embedded', '--sign-url', '--return-url', 'http://example.com/x'], s.env);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--return-url "http:\/\/example\.com\/x" uses plain http/);
    expect(s.emu.requests).toHaveLength(0);
    const ok = await runCli([...SEND, '--embedded', '--sign-url', '--return-url', 'https://example.com/x', '--json'], s.env);
    expect(ok.code, ok.err).toBe(0);
  });
});

describe('the emulator binds to loopback only', () => {
  test('its hosts are 127.0.0.1 and a non-loopback address of this machine is refused', async () => {
    expect(new URL(s.emu.oauthUrl).hostname).toBe('127.0.0.1');
    for (const u of s.emu.restUrls) expect(new URL(u).hostname).toBe('127.0.0.1');
    const servers = (s.emu as unknown as { servers: import('node:http').Server[] }).servers;
    expect(servers.length).toBeGreaterThanOrEqual(2);
    for (const srv of servers) expect((srv.address() as net.AddressInfo).address).toBe('127.0.0.1');
    const external = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const port = Number(new URL(s.emu.oauthUrl).port);
      const err = await new Promise<string>((resolve) => {
        const c = net.connect({ host: external.address, port, timeout: 2000 });
        c.on('connect', () => {
          c.destroy();
          resolve('connected');
        });
        c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        c.on('timeout', () => {
          c.destroy();
          resolve('timeout');
        });
      });
      expect(err).not.toBe('connected');
    }
  });
});

describe('no key, token or JWT material in any output', () => {
  test('a representative set of runs (--verbose/--json, successes and failures) prints none', async () => {
    const truncated = s.keyPem.slice(0, Math.floor(s.keyPem.length / 2));
    const runs: [string[], NodeJS.ProcessEnv][] = [
      [['whoami', '--verbose'], s.env],
      [['whoami', '--json', '--verbose', '--no-cache'], s.env],
      [[...SEND, '--verbose'], s.env],
      [[...SEND, '--json', '--verbose', '--embedded', '--sign-url'], s.env],
      [[...SEND, '--dry-run', '--verbose'], s.env],
      [['token', '--verbose', '--no-cache'], s.env],
      [['token', '--json', '--verbose'], s.env],
      [['consent', '--check', '--verbose'], s.env],
      [['consent', '--verbose', '--json'], s.env],
      // failures
      [['whoami', '--verbose', '--no-cache'], { ...s.env, ESIGN_PRIVATE_KEY_FILE: '', ESIGN_PRIVATE_KEY: truncated }],
      [['whoami', '--verbose', '--json', '--no-cache'], { ...s.env, ESIGN_PRIVATE_KEY_FILE: '', ESIGN_PRIVATE_KEY: s.keyPem.replace(/-----END[^\n]*/, '') }],
      [['whoami', '--verbose', '--no-cache'], { ...s.env, ESIGN_PRIVATE_KEY_FILE: '', ESIGN_PRIVATE_KEY: s.keyPem.split('\n').slice(1, -2).join('\n') }],
      [['whoami', '--verbose', '--no-cache'], { ...s.env, ESIGN_INTEGRATION_KEY: '11111111-2222-3333-4444-555555555555' }],
      [[...SEND, '--verbose', '--json'], { ...s.env, ESIGN_ACCOUNT_ID: '99999999-2222-3333-4444-555555555555' }],
      [['send', 'nope.yaml', '--verbose'], s.env],
    ];
    s.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'status', status: 400, body: { errorCode: 'INVALID_REQUEST_BODY', message: 'bad' }, times: 1 });
    const before = outputs.length;
    for (const [argv, env] of runs) await runCli(argv, env);
    // a revoked token mid-run: 401 → renew → success, traced
    s.emu.revokeTokens();
    await runCli([...SEND, '--verbose'], s.env);
    expect(outputs.length - before).toBeGreaterThan(runs.length);
    expect(sentSecrets.size).toBeGreaterThan(3);
  });

  test('scan: every output of this file contains no private key, assertion, access token or JWT', () => {
    const issued = [...(s.emu as unknown as { tokens: Map<string, unknown> }).tokens.keys()];
    const secrets = [...sentSecrets, ...issued].filter((x) => x.length >= 12);
    const pats = secretPatterns(s.keyPem);
    expect(outputs.length).toBeGreaterThan(30);
    const leaks: string[] = [];
    for (const o of outputs) {
      for (const p of pats) if (p.test(o.text)) leaks.push(`${o.what}: matches ${p}`);
      for (const sec of secrets) if (o.text.includes(sec)) leaks.push(`${o.what}: contains ${sec.slice(0, 8)}…`);
    }
    expect(leaks).toEqual([]);
  });

  test('the scan would catch a leak (self-check)', () => {
    const pats = secretPatterns(s.keyPem);
    expect(pats.some((p) => p.test(s.keyPem))).toBe(true);
    expect(pats.some((p) => p.test('x eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl y'))).toBe(true);
    expect(pats.some((p) => p.test('authorization: Bearer emu.abcdefgh.ijklmnopqrstu'))).toBe(true);
  });
});
