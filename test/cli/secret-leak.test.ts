import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHarness, type SpawnHarness, type SpawnResult } from './spawn.js';

const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/;

let h: SpawnHarness;
beforeAll(async () => {
  h = await spawnHarness();
});
afterAll(() => h?.close());

/** Every access token the emulator ever issued (the emulator's own table). */
function issuedTokens(): string[] {
  return [...((h.emu as unknown as { tokens: Map<string, unknown> }).tokens.keys())];
}

/** Every token in the cache folder. */
function cachedTokens(): string[] {
  const dir = path.join(h.env.ESIGN_CONFIG_DIR!, 'tokens');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).accessToken as string);
}

describe('secret leak: no key line, token or JWT in any output with --verbose', () => {
  it('holds for every command, human and --json, success and failure', async () => {
    const pdf = path.join(h.root, 'out.pdf');
    const NDA = ['send', 'templates/nda.yaml', '--var', 'counterparty.name=Pat Example', '--var', 'counterparty.email=pat@example.test', '--var', 'company=Acme', '--role', 'Legal=Lee Legal <legal@example.test>'];
    const runs: { label: string; r: SpawnResult; tokenCmd?: boolean }[] = [];
    const go = async (args: string[], env: NodeJS.ProcessEnv = {}, tokenCmd = false) => {
      // Human and --json side by side (halves the time; both orders of a race are fine here).
      await Promise.all(
        [[], ['--json']].map(async (mode) => {
          const r = await h.run([...args, '--verbose', ...mode], env);
          runs.push({ label: [...args, ...mode].join(' '), r, tokenCmd });
        }),
      );
    };
    // The one command that may print a token (on stdout, as its result).
    const tok = await h.run(['token', '--quiet']);
    expect(tok.code).toBe(0);
    const token = tok.out.trim();
    expect(token.length).toBeGreaterThan(20);

    await go(['consent']);
    await go(['consent', '--check', '--no-cache']);
    await go(['whoami', '--no-cache']);
    await go(['token', '--no-cache'], {}, true);
    await go(['doctor']);
    await go(['list']);
    const sent = await h.run([...NDA, '--sign-url', '--json']);
    expect(sent.code, sent.err).toBe(0);
    const id = JSON.parse(sent.out).envelopeId as string;
    await go([...NDA, '--dry-run']);
    await go([...NDA]);
    await go(['sign-url', id]);
    await go(['status', id]);
    await go(['download', id, '--output', pdf, '--force']);
    await go(['void', id, '--reason', 'leak test']);
    // Failures: key as text in the environment, a key that does not match, consent missing, DocuSign errors.
    const pem = fs.readFileSync(h.keyFile, 'utf8');
    await go(['whoami', '--no-cache'], { ESIGN_PRIVATE_KEY_FILE: '', ESIGN_PRIVATE_KEY: pem.replace(/\n/g, '\\n') });
    await go(['doctor'], { ESIGN_PRIVATE_KEY_FILE: '', ESIGN_PRIVATE_KEY: pem.split('\n').slice(0, 8).join('\n') });
    await go(['status', '00000000-0000-4000-8000-000000000000']);
    h.emu.revokeConsent(h.seed.integrationKey, h.seed.userId);
    await go(['whoami', '--no-cache']);
    await go(['doctor']);
    h.emu.grantConsent(h.seed.integrationKey, h.seed.userId);
    const seen = new Set(issuedTokens());
    h.emu.revokeTokens(); // a cached token now answers 401: esign renews it
    await go(['status', id]);
    await go(['logout']);

    const keyLines = h.seed.privateKeyPem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
    const tokens = [...new Set([token, ...seen, ...issuedTokens(), ...cachedTokens()])];
    expect(keyLines.length).toBeGreaterThan(10);
    expect(tokens.length).toBeGreaterThan(3);
    // The detector does see a token where one is printed on purpose.
    expect(tokens.some((t) => tok.out.includes(t))).toBe(true);
    const problems: string[] = [];
    for (const { label, r, tokenCmd } of runs) {
      const streams: [string, string][] = [['stderr', r.err]];
      if (!tokenCmd) streams.push(['stdout', r.out]);
      else {
        // esign token's stdout is the token itself and nothing else.
        expect(r.out.replace(/"accessToken": "[^"]+"/, '').includes('eyJ')).toBe(false);
      }
      for (const [name, text] of streams) {
        for (const l of keyLines) if (text.includes(l)) problems.push(`${label}: a private key line on ${name}`);
        for (const t of tokens) if (text.includes(t)) problems.push(`${label}: an access token on ${name}`);
        if (JWT.test(text)) problems.push(`${label}: a JWT on ${name}: ${text.match(JWT)![0].slice(0, 20)}…`);
        if (/BEGIN [A-Z ]*PRIVATE KEY-----\s*\\?n?[A-Za-z0-9+/]{16}/.test(text)) problems.push(`${label}: PEM material on ${name}`);
      }
    }
    expect(problems).toEqual([]);
    // The verbose trace was really on (the test would pass vacuously otherwise).
    expect(runs.find((x) => x.label === 'whoami --no-cache')!.r.err).toMatch(/→ POST .*\/oauth\/token/);
    expect(runs.find((x) => x.label === 'status 00000000-0000-4000-8000-000000000000')!.r.err).toMatch(/errorCode=ENVELOPE_DOES_NOT_EXIST/);
  });
});
