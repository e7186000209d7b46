/**
 * Test fixture for the DocuSign emulator: `withEmulator()` starts one on random ports, seeds the demo
 * integration/user, and closes it after the file's tests. Also small helpers to mint assertions,
 * get tokens and call the REST API directly.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import { type DemoSeed, seedDemo } from '../../src/emulator/seed.js';

export interface EmulatorFixture {
  emu: Emulator;
  seed: DemoSeed;
}

/** Starts an emulator (port 0) seeded with the demo data for the current test file. */
export function withEmulator(opts: EmulatorOptions = {}): EmulatorFixture {
  const fx = {} as EmulatorFixture;
  beforeAll(async () => {
    fx.emu = await startEmulator({ quiet: true, ...opts, seed: 'none' });
    fx.seed = await seedDemo(fx.emu);
  });
  afterAll(async () => {
    await fx.emu?.close();
  });
  return fx;
}

/** Signs a JWT (RS256) with claims for the seed, overridable; `header` overrides the JOSE header. */
export function makeAssertion(
  emu: Emulator,
  seed: DemoSeed,
  overrides: Record<string, unknown> = {},
  opts: { privateKeyPem?: string; header?: Record<string, unknown>; nowMs?: number } = {},
): string {
  const now = Math.floor((opts.nowMs ?? Date.now()) / 1000);
  const claims: Record<string, unknown> = {
    iss: seed.integrationKey,
    sub: seed.userId,
    aud: emu.oauthHost,
    iat: now,
    exp: now + 3600,
    scope: 'signature impersonation',
    ...overrides,
  };
  for (const k of Object.keys(claims)) if (claims[k] === undefined) delete claims[k];
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = enc({ alg: 'RS256', typ: 'JWT', ...(opts.header ?? {}) });
  const body = enc(claims);
  const sig = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), createPrivateKey(opts.privateKeyPem ?? seed.privateKeyPem));
  return `${head}.${body}.${sig.toString('base64url')}`;
}

/** POSTs an assertion to /oauth/token; returns status and parsed JSON. */
export async function requestToken(emu: Emulator, assertion: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emu.oauthUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Grants consent for the seed user and returns a fresh access token. */
export async function getToken(emu: Emulator, seed: DemoSeed): Promise<string> {
  emu.grantConsent(seed.integrationKey, seed.userId);
  const r = await requestToken(emu, makeAssertion(emu, seed));
  if (r.status !== 200) throw new Error(`token request failed: ${JSON.stringify(r.body)}`);
  return r.body.access_token as string;
}

/** A REST client bound to one account of the seed user. */
export interface RestClient {
  base: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers; text: string }>;
}

/** Makes a REST client for the seed's default account (or `accountId`). */
export async function restClient(emu: Emulator, seed: DemoSeed, accountId = seed.accountId): Promise<RestClient> {
  const token = await getToken(emu, seed);
  const base = `${emu.restUrls[0]}/restapi/v2.1/accounts/${accountId}`;
  return {
    base,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${token}`, ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
          (init.headers as Record<string, string>)['content-type'] = 'application/json';
        }
      }
      const res = await fetch(base + path, init);
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, headers: res.headers, text };
    },
  };
}

/** A one-page PDF with the given lines of text (for envelopes in tests). */
export { makePdf } from '../../src/emulator/pdf.js';

/** base64 of a small PDF showing `lines`. */
export async function pdfBase64(...lines: string[]): Promise<string> {
  const { makePdf } = await import('../../src/emulator/pdf.js');
  return makePdf([lines.length ? lines : ['Please sign here: /sn1/']]).toString('base64');
}
