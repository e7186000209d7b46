/** BR-28: rate limits (429 with Retry-After, DocuSign's 400 limit codes, the hourly budget) end to end. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness, envelopeCreates, type CliHarness } from '../helpers/cli.js';
import { Transport, type HttpRequest } from '../../src/http/transport.js';

const NDA = path.resolve(__dirname, '../../templates/nda.yaml');
const SEND = ['send', NDA, '--var', 'counterparty.name=Pat Example', '--var', 'counterparty.email=pat@example.test', '--var', 'company=Acme', '--role', 'Legal=Lee Legal <legal@example.test>'];
let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(async () => {
  await h.close();
});

describe('BR-28 rate limits against the emulator', () => {
  it('(a) two 429s with Retry-After: 1, then 201: succeeds after ~2 s with two retries in --verbose', async () => {
    await h.run(['whoami', '--quiet']); // warm the token cache so only the creates are timed
    h.emu.injectFault({ method: 'POST', path: /\/envelopes$/, kind: 'status', status: 429, headers: { 'Retry-After': '1' }, body: { errorCode: 'TOO_MANY_REQUESTS', message: 'slow down' }, times: 2 });
    const t0 = Date.now();
    const r = await h.run([...SEND, '--verbose', '--quiet']);
    const ms = Date.now() - t0;
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^[0-9a-f-]{36}/);
    expect(envelopeCreates(r).map((q) => q.status)).toEqual([429, 429, 201]);
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(6000);
    const retries = r.err.split('\n').filter((l) => /retrying in 1000 ms .*got 429/.test(l));
    expect(retries).toHaveLength(2);
    expect(r.err).toMatch(/rate=\d+\/\d+/); // X-RateLimit-Remaining reported in --verbose
  }, 15_000);

  it('(b) 400 Burst_Envelope_Polling_Limit_Exceeded on a GET: says polling limit, no retry', async () => {
    const sent = await h.run([...SEND, '--quiet']);
    const id = sent.out.trim().split('\n')[0]!;
    h.emu.injectFault({
      method: 'GET',
      path: new RegExp(`/envelopes/${id}(\\?|$)`),
      kind: 'status',
      status: 400,
      body: { errorCode: 'Burst_Envelope_Polling_Limit_Exceeded', message: 'The polling limit for this envelope has been exceeded.' },
      times: 5,
    });
    const r = await h.run(['status', id]);
    h.emu.clearFaults();
    expect(r.code).toBe(6); // a rate limit, not a rejected request
    expect(r.err).toMatch(/polling limit/i);
    expect(r.err).toMatch(/15 minutes|webhook/i);
    const gets = r.requests.filter((q) => q.host === 'rest' && q.method === 'GET' && q.path.endsWith(`/envelopes/${id}`));
    expect(gets).toHaveLength(1);
  });

  for (const status of [429, 400] as const) {
    it(`(c) ${status} hourly limit with X-RateLimit-Reset an hour ahead: stops quickly with the reset time, exit 6`, async () => {
      const reset = Math.floor(Date.now() / 1000) + 3600;
      h.emu.injectFault({
        method: 'POST',
        path: /\/envelopes$/,
        kind: 'status',
        status,
        headers: { 'X-RateLimit-Reset': String(reset), 'X-RateLimit-Remaining': '0' },
        body: status === 400
          ? { errorCode: 'HOURLY_APIINVOCATION_LIMIT_EXCEEDED', message: 'The maximum number of hourly API invocations has been exceeded. The hourly limit is 3000.' }
          : { errorCode: 'TOO_MANY_REQUESTS', message: 'rate limit' },
        times: 10,
      });
      const t0 = Date.now();
      const r = await h.run([...SEND, '--json']);
      h.emu.clearFaults();
      expect(r.code).toBe(6);
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(envelopeCreates(r)).toHaveLength(1); // no retry into a closed hour
      const err = JSON.parse(r.err.slice(r.err.indexOf('{\n  "error"')));
      expect(err.error.code).toBe('RATE_LIMITED');
      expect(err.error.message).toContain(new Date(reset * 1000).toISOString());
      expect(err.error.message).toMatch(/in about (59|60) min/);
    });
  }

  it('--data stops at the hourly limit, reports what was not sent and suggests --resume', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-rl-'));
    const file = path.join(dir, 'rows.csv');
    fs.writeFileSync(file, 'counterparty.name,counterparty.email,company\n' + Array.from({ length: 6 }, (_, i) => `P ${i},p${i}@example.test,RL`).join('\n') + '\n');
    await h.run(['whoami', '--quiet']);
    h.emu.injectFault({ method: 'POST', path: /\/envelopes$/, kind: 'status', status: 400, body: { errorCode: 'HOURLY_APIINVOCATION_LIMIT_EXCEEDED', message: 'The hourly limit is 3000.' }, times: 100 });
    const r = await h.run(['send', NDA, '--data', file, '--role', 'Legal=L <l@example.test>', '--concurrency', '1']);
    h.emu.clearFaults();
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(6);
    expect(envelopeCreates(r)).toHaveLength(1); // the first refusal stops the run
    expect(r.err).toMatch(/6 rows: 0 sent, 6 not attempted/);
    expect(r.err).toMatch(/--resume/);
  });
});

describe('burst limit (400 BURST_APIINVOCATION_LIMIT_EXCEEDED)', () => {
  it('is retried with a backoff meant to outlast the 30 s window; success after it clears', async () => {
    await h.run(['whoami', '--quiet']);
    h.emu.injectFault({ method: 'POST', path: /\/envelopes$/, kind: 'status', status: 400, body: { errorCode: 'BURST_APIINVOCATION_LIMIT_EXCEEDED', message: 'burst' }, times: 2 });
    const r = await h.run([...SEND, '--verbose', '--quiet']);
    expect(r.code).toBe(0);
    expect(envelopeCreates(r).map((q) => q.status)).toEqual([400, 400, 201]);
    // harness backoff 5 ms → burst base 20 ms: 20–25 ms, then 40–50 ms (default 2 s, 4 s, 8 s, 16 s).
    const waits = [...r.err.matchAll(/retrying in (\d+) ms .*BURST_APIINVOCATION_LIMIT_EXCEEDED/g)].map((m) => Number(m[1]));
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(20);
    expect(waits[1]).toBeGreaterThanOrEqual(40);
  });

  it('still exceeded after the retries: exit 6, says burst (not the hourly reset time)', async () => {
    h.emu.injectFault({ method: 'POST', path: /\/envelopes$/, kind: 'status', status: 400, body: { errorCode: 'BURST_APIINVOCATION_LIMIT_EXCEEDED', message: 'burst' }, times: 10 });
    const r = await h.run([...SEND], { env: { ESIGN_MAX_RETRIES: '1' } });
    h.emu.clearFaults();
    expect(r.code).toBe(6);
    expect(r.err).toMatch(/burst limit counts calls per 30 s/);
    expect(r.err).not.toMatch(/resets at/);
  });
});

describe('Transport pacing (unit, fake fetch)', () => {
  const sink = { lines: [] as string[], trace(m: string) { this.lines.push(m); }, warn(m: string) { this.lines.push(m); } };
  const req: HttpRequest = { method: 'GET', url: 'https://demo.docusign.net/restapi/v2.1/accounts/x/envelopes' };

  it('slows down before the burst limit, not after', async () => {
    let remaining = 12;
    const fetchImpl = (async () => {
      remaining--;
      return new Response('{}', { status: 200, headers: { 'X-BurstLimit-Limit': '200', 'X-BurstLimit-Remaining': String(remaining) } });
    }) as unknown as typeof fetch;
    const t = new Transport({ timeoutMs: 1000, maxRetries: 0, env: {}, sink, fetchImpl });
    for (let i = 0; i < 4; i++) await t.request(req);
    expect(sink.lines.some((l) => /pacing \d+ ms: burst limit nearly used/.test(l))).toBe(true);
  });

  it('a 429 with calls remaining is a burst: backs off and retries instead of stopping', async () => {
    let n = 0;
    const fetchImpl = (async () => {
      n++;
      if (n === 1) return new Response('{}', { status: 429, headers: { 'X-RateLimit-Remaining': '1500', 'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 3000) } });
      return new Response('{}', { status: 200 });
    }) as unknown as typeof fetch;
    const t = new Transport({ timeoutMs: 1000, maxRetries: 2, env: {}, sink, fetchImpl, backoffMs: 1 });
    const res = await t.request(req);
    expect(res.status).toBe(200);
    expect(n).toBe(2);
  });
});
