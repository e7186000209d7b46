/**
 * Retries, backoff, Retry-After, bounds and timeouts, end to end against the emulator's faults
 * (issue 8), plus BR-28 (rate limits).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSeeded, runCli, createRequests, STACK, type Seeded } from './harness.js';

let s: Seeded;
beforeAll(async () => {
  s = await startSeeded();
});
afterAll(async () => {
  await s.emu.close();
});
beforeEach(() => {
  s.emu.clearFaults();
  s.emu.clearLog();
});

const SEND = [
  'send', 'templates/offer-letter.yaml',
  '--var', 'company=Acme', '--var', 'candidate.name=Pat Example', '--var', 'candidate.email=pat@example.test',
  '--var', 'job.title=Engineer', '--var', 'job.start=2025-03-01', '--var', 'job.salary=1',
];
const userinfoCalls = () => s.emu.requests.filter((r) => r.path === '/oauth/userinfo');

describe('retried: 429, 502, 503, 504 and network resets', () => {
  for (const status of [429, 502, 503, 504]) {
    test(`GET answered ${status} twice is retried and succeeds`, async () => {
      s.emu.injectFault({ host: 'oauth', method: 'GET', path: '/oauth/userinfo', kind: 'status', status, times: 2, headers: { 'Retry-After': '0' } });
      const r = await runCli(['whoami', '--json', '--no-cache', '--verbose'], s.env);
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out).userId).toBe(s.userId);
      expect(userinfoCalls().map((x) => x.status)).toEqual([status, status, 200]);
      expect(r.err).toMatch(/retrying in \d+ ms \(attempt 2 of 5; got \d{3}/);
    });
  }

  test('a connection reset is retried', async () => {
    s.emu.injectFault({ host: 'oauth', path: '/oauth/userinfo', kind: 'reset', times: 1 });
    const r = await runCli(['whoami', '--no-cache'], s.env);
    expect(r.code, r.err).toBe(0);
    expect(userinfoCalls().map((x) => x.status)).toEqual([-1, 200]);
  });

  test('a token request (POST, no side effect) answered 503 is retried', async () => {
    s.emu.injectFault({ host: 'oauth', path: '/oauth/token', kind: 'status', status: 503, times: 1 });
    const r = await runCli(['token', '--no-cache', '--quiet'], s.env);
    expect(r.code, r.err).toBe(0);
    expect(s.emu.requests.filter((x) => x.path === '/oauth/token').map((x) => x.status)).toEqual([503, 200]);
  });

  test('backoff grows exponentially (with jitter)', async () => {
    s.emu.injectFault({ host: 'oauth', path: '/oauth/userinfo', kind: 'status', status: 503, times: 3 });
    const r = await runCli(['whoami', '--no-cache', '--verbose'], { ...s.env }, { backoffMs: 40 });
    expect(r.code, r.err).toBe(0);
    const waits = [...r.err.matchAll(/retrying in (\d+) ms/g)].map((m) => Number(m[1]));
    expect(waits).toHaveLength(3);
    // equal jitter: attempt n waits between base*2^n/2 and base*2^n
    waits.forEach((w, n) => {
      expect(w).toBeGreaterThanOrEqual((40 * 2 ** n) / 2);
      expect(w).toBeLessThanOrEqual(40 * 2 ** n);
    });
  });
});

describe('Retry-After', () => {
  test('BR-28 (a): two 429s with Retry-After: 1 on create, then 201: one envelope after ~2 s, two retries logged', async () => {
    const before = s.emu.state.envelopes().length;
    s.emu.injectFault({
      host: 'rest', method: 'POST', path: '/envelopes', kind: 'status', status: 429, times: 2,
      headers: { 'Retry-After': '1' }, body: { errorCode: 'TOO_MANY_REQUESTS', message: 'throttled' },
    });
    const t0 = Date.now();
    const r = await runCli([...SEND, '--verbose', '--json'], s.env);
    const took = Date.now() - t0;
    expect(r.code, r.err).toBe(0);
    expect(took).toBeGreaterThanOrEqual(1900); // backoffMs is 5: only Retry-After explains the wait
    expect(s.emu.state.envelopes().length).toBe(before + 1);
    expect(createRequests(s.emu).map((x) => x.status)).toEqual([429, 429, 201]);
    expect(r.err.match(/retrying in 1000 ms/g)).toHaveLength(2);
  });

  test('BR-28 (c): 429 with a reset an hour ahead stops quickly with the reset time', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    s.emu.injectFault({
      host: 'rest', method: 'POST', path: '/envelopes', kind: 'status', status: 429, times: 5,
      headers: { 'Retry-After': '3600', 'X-RateLimit-Reset': String(reset), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Limit': '1000' },
      body: { errorCode: 'HOURLY_APIINVOCATION_LIMIT_EXCEEDED', message: 'The maximum number of hourly API invocations has been exceeded.' },
    });
    const t0 = Date.now();
    const r = await runCli(SEND, s.env);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.code).toBe(6);
    expect(r.err).toMatch(/resets at \d{4}-\d\d-\d\dT/);
    expect(r.err).not.toMatch(STACK);
    expect(createRequests(s.emu)).toHaveLength(1);
  });

  test('a date-form Retry-After is honoured too', async () => {
    s.emu.injectFault({ host: 'oauth', path: '/oauth/userinfo', kind: 'status', status: 503, times: 1, headers: { 'Retry-After': new Date(Date.now() + 1500).toUTCString() } });
    const t0 = Date.now();
    const r = await runCli(['whoami', '--no-cache'], s.env);
    expect(r.code, r.err).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400); // HTTP dates have 1 s resolution
  });
});

describe('bounded and configurable (ESIGN_MAX_RETRIES)', () => {
  test('429 forever: 1 + ESIGN_MAX_RETRIES attempts, then exit 6 with a clear message', async () => {
    s.emu.injectFault({ host: 'oauth', path: '/oauth/userinfo', kind: 'status', status: 429, times: 100, headers: { 'Retry-After': '0' } });
    const r = await runCli(['whoami', '--no-cache'], { ...s.env, ESIGN_MAX_RETRIES: '2' });
    expect(r.code).toBe(6);
    expect(userinfoCalls()).toHaveLength(3);
    expect(r.err).toMatch(/rate limit is still exceeded after 2 retries/);
    expect(r.err).not.toMatch(STACK);
  });

  test('ESIGN_MAX_RETRIES=0 disables retries', async () => {
    s.emu.injectFault({ host: 'oauth', path: '/oauth/userinfo', kind: 'reset', times: 100 });
    const r = await runCli(['whoami', '--no-cache'], { ...s.env, ESIGN_MAX_RETRIES: '0' });
    expect(r.code).toBe(6);
    expect(userinfoCalls()).toHaveLength(1);
    expect(r.err).toMatch(/cannot reach 127\.0\.0\.1:\d+/);
  });

  test('resets forever: default bound of 4 retries (5 attempts), exit 6', async () => {
    s.emu.injectFault({ host: 'oauth', path: '/oauth/userinfo', kind: 'reset', times: 100 });
    const r = await runCli(['whoami', '--no-cache'], s.env);
    expect(r.code).toBe(6);
    expect(userinfoCalls()).toHaveLength(5);
  });

  test('an out-of-range ESIGN_MAX_RETRIES is a usage error before any call', async () => {
    const r = await runCli(['whoami', '--no-cache'], { ...s.env, ESIGN_MAX_RETRIES: '-1' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ESIGN_MAX_RETRIES must be a whole number/);
    expect(s.emu.requests).toHaveLength(0);
  });
});

describe('other 4xx are never retried', () => {
  for (const status of [400, 403, 404, 409, 413]) {
    test(`create answered ${status}: one request, exit 5`, async () => {
      s.emu.injectFault({
        host: 'rest', method: 'POST', path: '/envelopes', kind: 'status', status, times: 5,
        body: { errorCode: 'INVALID_REQUEST_BODY', message: `rejected with ${status}` },
      });
      const r = await runCli(SEND, s.env);
      expect(r.code).toBe(5);
      expect(createRequests(s.emu)).toHaveLength(1);
      expect(r.err).toMatch(status === 413 ? /too large \(HTTP 413\)/ : /INVALID_REQUEST_BODY/);
      // a definite refusal: no lookup by transactionId either
      expect(s.emu.requests.filter((x) => x.query.transaction_ids)).toHaveLength(0);
    });
  }

  test('a 401 from the REST API is retried once with a new token, not more', async () => {
    s.emu.injectFault({ host: 'rest', method: 'GET', path: '/envelopes', kind: 'status', status: 401, times: 5, body: { errorCode: 'USER_AUTHENTICATION_FAILED', message: 'nope' } });
    s.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'status', status: 401, times: 5, body: { errorCode: 'USER_AUTHENTICATION_FAILED', message: 'nope' } });
    const r = await runCli(SEND, s.env);
    expect(r.code).toBe(4);
    expect(createRequests(s.emu)).toHaveLength(2);
  });
});

describe('timeouts on every call', () => {
  test("--request-timeout: a hanging token endpoint ends with exit 6 and 'timed out'", async () => {
    s.emu.injectFault({ host: 'oauth', path: '/oauth/token', kind: 'hang', times: 100 });
    const t0 = Date.now();
    const r = await runCli(['token', '--no-cache', '--request-timeout', '0.3'], { ...s.env, ESIGN_MAX_RETRIES: '1' });
    expect(r.code).toBe(6);
    expect(r.err).toMatch(/POST 127\.0\.0\.1:\d+ timed out after/);
    expect(r.err).toMatch(/--request-timeout \/ ESIGN_TIMEOUT/);
    expect(r.err).not.toMatch(STACK);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  test('ESIGN_TIMEOUT applies to userinfo', async () => {
    s.emu.injectFault({ host: 'oauth', path: '/oauth/userinfo', kind: 'hang', times: 100 });
    const r = await runCli(['whoami', '--no-cache', '--json'], { ...s.env, ESIGN_TIMEOUT: '0.3', ESIGN_MAX_RETRIES: '0' });
    expect(r.code).toBe(6);
    expect(JSON.parse(r.err).error).toMatchObject({ code: 'TIMEOUT', exitCode: 6 });
  });

  test('a hanging REST read (lookup) times out with exit 6', async () => {
    // warm the token and userinfo
    expect((await runCli(['whoami'], s.env)).code).toBe(0);
    s.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'hang', times: 100 });
    s.emu.injectFault({ host: 'rest', method: 'GET', path: '/envelopes', kind: 'hang', times: 100 });
    const r = await runCli(SEND, { ...s.env, ESIGN_TIMEOUT: '0.3', ESIGN_MAX_RETRIES: '1' });
    expect(r.code).toBe(6);
    expect(r.err).toMatch(/timed out after/);
  });

  test('a create whose answer is lost AND whose lookup fails: exit 6, says the outcome is unknown, gives the transactionId', async () => {
    expect((await runCli(['whoami'], s.env)).code).toBe(0);
    s.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'reset', when: 'after', times: 1 });
    s.emu.injectFault({ host: 'rest', method: 'GET', path: '/envelopes', kind: 'reset', times: 100 });
    const r = await runCli([...SEND, '--json'], { ...s.env, ESIGN_MAX_RETRIES: '1' });
    expect(r.code).toBe(6);
    const err = JSON.parse(r.err).error;
    expect(err.message).toMatch(/may or may not have been created \(transactionId [0-9a-f-]{36}\)/);
    expect(err.hint).toContain(`esign list --transaction-id ${err.details.transactionId}`);
    expect(err.details.outcome).toBe('unknown');
    // and it really was created once, with that transactionId: the user can find it
    expect(s.emu.state.envelopes().filter((e) => e.transactionId === err.details.transactionId)).toHaveLength(1);
    expect(createRequests(s.emu)).toHaveLength(1);
  });

  test('a create that fails before anything is sent says nothing about an unknown outcome', async () => {
    s.emu.injectFault({ host: 'oauth', path: '/oauth/userinfo', kind: 'reset', times: 100 });
    const r = await runCli([...SEND, '--no-cache'], { ...s.env, ESIGN_MAX_RETRIES: '0' });
    expect(r.code).toBe(6);
    expect(r.err).not.toMatch(/may or may not/);
    expect(createRequests(s.emu)).toHaveLength(0);
  });

  test('a create whose answer hangs once is looked up and not sent twice', async () => {
    expect((await runCli(['whoami'], s.env)).code).toBe(0);
    const before = s.emu.state.envelopes().length;
    s.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'hang', when: 'after', times: 1 });
    const r = await runCli([...SEND, '--json'], { ...s.env, ESIGN_TIMEOUT: '0.5' });
    expect(r.code, r.err).toBe(0);
    expect(s.emu.state.envelopes().length).toBe(before + 1);
    expect(JSON.parse(r.out).envelopeId).toBe(s.emu.state.envelopes().at(-1)!.envelopeId);
    expect(createRequests(s.emu)).toHaveLength(1);
  });
});
