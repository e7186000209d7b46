import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { seedDemo } from '../../src/emulator/seed.js';
import { makeAssertion, requestToken, restClient, withEmulator } from '../helpers/emulator.js';

const fx = withEmulator();
const LIST = '/envelopes?from_date=2020-01-01';

describe('rate limits', () => {
  it('headers count down per account; burst window and hourly limit give the DocuSign codes (400 by default)', async () => {
    const hourStart = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    let now = hourStart;
    const emu = await startEmulator({ now: () => now, tokenTtlSeconds: 7200, rateLimit: { hourly: 5, burst: 3, burstWindowSeconds: 30 }, quiet: true });
    try {
      const seed = await seedDemo(emu);
      const api = await restClient(emu, seed);
      const r1 = await api.call('GET', LIST);
      expect(r1.headers.get('x-ratelimit-limit')).toBe('5');
      expect(r1.headers.get('x-ratelimit-remaining')).toBe('4');
      expect(r1.headers.get('x-ratelimit-reset')).toBe(String(hourStart / 1000 + 3600));
      expect(r1.headers.get('x-burstlimit-limit')).toBe('3');
      expect(r1.headers.get('x-burstlimit-remaining')).toBe('2');
      await api.call('GET', LIST);
      await api.call('GET', LIST);
      const burst = await api.call('GET', LIST);
      expect(burst.status).toBe(400);
      expect(burst.body.errorCode).toBe('BURST_APIINVOCATION_LIMIT_EXCEEDED');
      now += 31_000; // new burst window
      const ok = await api.call('GET', LIST);
      expect(ok.status).toBe(200);
      const hourly = await api.call('GET', LIST);
      expect(hourly.status).toBe(400);
      expect(hourly.body).toEqual({
        errorCode: 'HOURLY_APIINVOCATION_LIMIT_EXCEEDED',
        message: 'The maximum number of hourly API invocations has been exceeded. The hourly limit is 5.',
      });
      expect(hourly.headers.get('x-ratelimit-remaining')).toBe('0');
      // The other account has its own counters.
      const other = await restClient(emu, seed, seed.otherAccountId);
      expect((await other.call('GET', LIST)).status).toBe(200);
      // Resets on the clock hour.
      now = hourStart + 3_601_000;
      expect((await api.call('GET', LIST)).status).toBe(200);
    } finally {
      await emu.close();
    }
  });

  it('(U) hourlyLimitStatus 429 option answers 429 with Retry-After', async () => {
    const emu = await startEmulator({ rateLimit: { hourly: 1 }, hourlyLimitStatus: 429, quiet: true });
    try {
      const seed = await seedDemo(emu);
      const api = await restClient(emu, seed);
      await api.call('GET', LIST);
      const r = await api.call('GET', LIST);
      expect(r.status).toBe(429);
      expect(r.body.errorCode).toBe('HOURLY_APIINVOCATION_LIMIT_EXCEEDED');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await emu.close();
    }
  });
});

describe('faults', () => {
  it('status fault before: the request is not carried out; times counts down; log marks the fault', async () => {
    const api = await restClient(fx.emu, fx.seed);
    fx.emu.clearLog();
    fx.emu.injectFault({ method: 'POST', path: '/envelopes', kind: 'status', status: 429, headers: { 'Retry-After': '1' }, times: 2 });
    const before = fx.emu.state.envelopes().length;
    const body = { emailSubject: 's', status: 'created', documents: [], recipients: {} };
    const r1 = await api.call('POST', '/envelopes', body);
    const r2 = await api.call('POST', '/envelopes', body);
    const r3 = await api.call('POST', '/envelopes', body);
    expect([r1.status, r2.status, r3.status]).toEqual([429, 429, 201]);
    expect(r1.headers.get('retry-after')).toBe('1');
    expect(fx.emu.state.envelopes().length).toBe(before + 1);
    const posts = fx.emu.requests.filter((e) => e.method === 'POST');
    expect(posts.map((e) => e.fault ?? '')).toEqual(['status:429:before', 'status:429:before', '']);
    expect(posts[0]!.requestHeaders.authorization).toBe('Bearer [REDACTED]');
  });

  it('fault after: the envelope is created but the answer is replaced (503) or lost (reset)', async () => {
    const api = await restClient(fx.emu, fx.seed);
    const body = { emailSubject: 's', status: 'created', documents: [], recipients: {}, transactionId: 'after-1' };
    const before = fx.emu.state.envelopes().length;
    fx.emu.injectFault({ method: 'POST', path: /\/envelopes$/, kind: 'status', status: 503, when: 'after' });
    const r = await api.call('POST', '/envelopes', body);
    expect(r.status).toBe(503);
    expect(fx.emu.state.envelopes().length).toBe(before + 1);
    fx.emu.injectFault({ method: 'POST', path: '/envelopes', kind: 'reset', when: 'after' });
    await expect(api.call('POST', '/envelopes', { ...body, transactionId: 'after-2' })).rejects.toThrow();
    expect(fx.emu.state.envelopes().some((e) => e.transactionId === 'after-2')).toBe(true);
  });

  it('reset before and hang; oauth host faults; custom JSON body; clearFaults', async () => {
    const { emu, seed } = fx;
    emu.injectFault({ host: 'oauth', path: '/oauth/token', kind: 'reset' });
    await expect(requestToken(emu, makeAssertion(emu, seed))).rejects.toThrow();
    emu.injectFault({ host: 'oauth', path: '/oauth/userinfo', kind: 'hang' });
    const ac = new AbortController();
    const t = setTimeout(() => ac.abort(), 300);
    await expect(fetch(`${emu.oauthUrl}/oauth/userinfo`, { signal: ac.signal })).rejects.toThrow();
    clearTimeout(t);
    emu.injectFault({ host: 'rest', kind: 'status', status: 400, body: { errorCode: 'Burst_Envelope_Polling_Limit_Exceeded', message: 'polling' } });
    const api = await restClient(emu, seed);
    const r = await api.call('GET', LIST);
    expect(r.body.errorCode).toBe('Burst_Envelope_Polling_Limit_Exceeded');
    emu.injectFault({ kind: 'status', status: 500, times: 5 });
    emu.clearFaults();
    expect((await api.call('GET', LIST)).status).toBe(200);
  });

  it('faultRate injects random 503/429/reset faults on REST only; latencyMs delays answers', async () => {
    const api = await restClient(fx.emu, fx.seed);
    fx.emu.setConfig({ faultRate: 1 });
    try {
      const outcomes = new Set<string>();
      for (let i = 0; i < 20; i++) {
        try {
          outcomes.add(String((await api.call('GET', LIST)).status));
        } catch {
          outcomes.add('reset');
        }
      }
      expect([...outcomes].every((o) => ['503', '429', 'reset'].includes(o))).toBe(true);
      expect(outcomes.size).toBeGreaterThan(1);
      expect((await requestToken(fx.emu, makeAssertion(fx.emu, fx.seed))).status).toBe(200);
    } finally {
      fx.emu.setConfig({ faultRate: 0 });
    }
    fx.emu.setConfig({ latencyMs: 150 });
    try {
      const t0 = Date.now();
      await api.call('GET', LIST);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    } finally {
      fx.emu.setConfig({ latencyMs: 0 });
    }
  });
});

describe('multiple REST hosts (BR-13)', () => {
  it('an account on REST host B answers USER_DOES_NOT_BELONG_TO_SPECIFIED_ACCOUNT on host A; userinfo names B', async () => {
    const emu = await startEmulator({ restPorts: [0, 0], quiet: true });
    try {
      const seed = await seedDemo(emu);
      const user = emu.addUser({ name: 'EU User', email: 'eu@example.test', accounts: [{ name: 'EU', restIndex: 1 }] });
      emu.grantConsent(seed.integrationKey, user.userId);
      expect(user.accounts[0]!.baseUri).toBe(emu.restUrls[1]);
      const tok = (await requestToken(emu, makeAssertion(emu, { ...seed, userId: user.userId }))).body.access_token as string;
      const path = `/restapi/v2.1/accounts/${user.accounts[0]!.accountId}/envelopes?from_date=2020-01-01`;
      const a = await fetch(emu.restUrls[0] + path, { headers: { authorization: `Bearer ${tok}` } });
      expect(a.status).toBe(400);
      expect(((await a.json()) as any).errorCode).toBe('USER_DOES_NOT_BELONG_TO_SPECIFIED_ACCOUNT');
      const b = await fetch(emu.restUrls[1] + path, { headers: { authorization: `Bearer ${tok}` } });
      expect(b.status).toBe(200);
    } finally {
      await emu.close();
    }
  });
});
