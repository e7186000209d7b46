import { generateKeyPairSync, createPublicKey, createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPrivateKey, normaliseKeyText } from '../../src/auth/keys.js';
import type { EsignError } from '../../src/errors.js';
import { keyLines, rsaPair, tmpDir, writeFile, type RsaPair } from './fixtures.js';

let k: RsaPair;
let dir: string;
beforeAll(() => {
  k = rsaPair();
  dir = tmpDir();
});

function fails(input: Parameters<typeof loadPrivateKey>[0]): EsignError {
  try {
    loadPrivateKey(input);
  } catch (e) {
    return e as EsignError;
  }
  throw new Error('expected loadPrivateKey to fail');
}

/** The error names the source and carries no key material. */
function expectClean(e: EsignError, source: string, pem: string) {
  expect(e.exitCode).toBe(4);
  const text = `${e.message}\n${e.hint ?? ''}\n${JSON.stringify(e.details ?? {})}`;
  expect(text).toContain(source);
  for (const l of keyLines(pem)) expect(text).not.toContain(l.slice(0, 16));
  expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY-----\n/);
}

describe('private keys (BR-06)', () => {
  it('BR-06: PKCS#1 and PKCS#8 files load to the same key and fingerprint', () => {
    const a = loadPrivateKey({ file: writeFile(dir, 'k1-pkcs1.pem', k.pkcs1) });
    const b = loadPrivateKey({ file: writeFile(dir, 'k1-pkcs8.pem', k.pkcs8) });
    expect(a.format).toBe('pkcs1');
    expect(b.format).toBe('pkcs8');
    expect(a.fingerprint).toBe(b.fingerprint);
    const der = createPublicKey(k.privateKey).export({ type: 'spki', format: 'der' });
    expect(a.fingerprint).toBe(`SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`);
    expect(a.bits).toBe(2048);
    expect(a.permissionWarning).toBeUndefined();
  });

  it.each([
    ['CRLF line ends', (p: string) => p.replace(/\n/g, '\r\n')],
    ['literal \\n sequences', (p: string) => p.trim().replace(/\n/g, '\\n')],
    ['literal \\r\\n sequences', (p: string) => p.trim().replace(/\n/g, '\\r\\n')],
    ['base64 of the whole PEM', (p: string) => Buffer.from(p).toString('base64')],
    ['double quotes and whitespace', (p: string) => `  "${p.trim()}"\n\n`],
    ['single quotes with literal \\n', (p: string) => `'${p.trim().replace(/\n/g, '\\n')}'`],
  ])('ESIGN_PRIVATE_KEY with %s (PKCS#1 and PKCS#8)', (_n, mangle) => {
    const ref = loadPrivateKey({ text: k.pkcs1 }).fingerprint;
    for (const pem of [k.pkcs1, k.pkcs8]) {
      const got = loadPrivateKey({ text: mangle(pem) });
      expect(got.source).toBe('ESIGN_PRIVATE_KEY');
      expect(got.fingerprint).toBe(ref);
    }
  });

  it('BR-06: a public key is refused before any network call, naming the source', () => {
    const e = fails({ file: writeFile(dir, 'k1-public.pem', k.publicPem) });
    expect(e.message).toContain('is a public key');
    expectClean(e, 'k1-public.pem', k.publicPem);
    const rsaPub = k.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(fails({ text: rsaPub }).message).toMatch(/ESIGN_PRIVATE_KEY is a public key/);
  });

  it('BR-06: an encrypted key is refused (PKCS#8 and legacy PKCS#1)', () => {
    const enc8 = k.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    const e = fails({ file: writeFile(dir, 'k1-enc.pem', enc8) });
    expect(e.message).toContain('is encrypted');
    expect(e.hint).toContain('openssl');
    expectClean(e, 'k1-enc.pem', enc8);
    const enc1 = k.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }).toString();
    expect(fails({ text: enc1 }).message).toContain('is encrypted');
  });

  it('BR-06: an EC key is refused as "not an RSA key" (SEC1 and PKCS#8)', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const sec1 = ec.export({ type: 'sec1', format: 'pem' }).toString();
    const pk8 = ec.export({ type: 'pkcs8', format: 'pem' }).toString();
    const e = fails({ file: writeFile(dir, 'ec.pem', sec1) });
    expect(e.message).toContain('not an RSA key');
    expectClean(e, 'ec.pem', sec1);
    const e2 = fails({ text: pk8 });
    expect(e2.message).toContain('not an RSA key');
    expectClean(e2, 'ESIGN_PRIVATE_KEY', pk8);
  });

  it('garbage, truncated and short keys fail with the reason and the source, never the key', () => {
    expect(fails({ text: 'not a key at all, just some words here' }).message).toContain('-----BEGIN');
    const noEnd = k.pkcs1.split('\n').slice(0, 10).join('\n');
    const e = fails({ file: writeFile(dir, 'trunc.pem', noEnd) });
    expect(e.message).toContain('incomplete');
    expectClean(e, 'trunc.pem', k.pkcs1);
    const lines = k.pkcs8.trim().split('\n');
    const middleCut = [...lines.slice(0, 8), lines[lines.length - 1]].join('\n');
    const e2 = fails({ text: middleCut });
    expect(e2.message).toContain('cannot be parsed');
    expectClean(e2, 'ESIGN_PRIVATE_KEY', k.pkcs8);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(fails({ text: small }).message).toContain('1024 bits');
    const missing = fails({ file: `${dir}/nope.pem` });
    expect(missing.message).toContain('nope.pem does not exist');
    expect(fails({ file: dir }).message).toContain('is a folder');
  });

  it('a key file path given in ESIGN_PRIVATE_KEY gets a hint towards ESIGN_PRIVATE_KEY_FILE', () => {
    const e = fails({ text: './private.key' });
    expect(e.hint).toContain('ESIGN_PRIVATE_KEY_FILE');
  });

  it('warns when a key file is readable by group or others', () => {
    const f = writeFile(dir, 'loose.pem', k.pkcs1, 0o640);
    const got = loadPrivateKey({ file: f });
    expect(got.permissionWarning).toContain('readable by group or others');
    expect(got.permissionWarning).toContain(`chmod 600 ${f}`);
  });

  it('normaliseKeyText leaves a clean PEM unchanged', () => {
    expect(normaliseKeyText(k.pkcs1)).toBe(k.pkcs1.trim() + '\n');
  });
});

describe('token reuse margin', () => {
  it('is 5 minutes for normal tokens and a quarter of the lifetime for short ones', async () => {
    const { reuseMarginMs, isFresh } = await import('../../src/auth/token.js');
    const now = 1_000_000_000;
    expect(reuseMarginMs({ accessToken: 'x', issuedAt: now, expiresAt: now + 3600_000 })).toBe(300_000);
    expect(reuseMarginMs({ accessToken: 'x', issuedAt: now, expiresAt: now + 60_000 })).toBe(15_000);
    expect(reuseMarginMs({ accessToken: 'x', expiresAt: now + 60_000 })).toBe(300_000); // older cache entries
    const hour = { accessToken: 'x', issuedAt: now, expiresAt: now + 3600_000 };
    expect(isFresh(hour, now + 3600_000 - 300_001)).toBe(true);
    expect(isFresh(hour, now + 3600_000 - 299_999)).toBe(false);
  });
});
