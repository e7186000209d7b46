import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from '../browser/fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
  // Warm the token cache once, so request counts below are REST calls only.
  expect((await fx.run(['token', '--quiet'])).code).toBe(0);
});
afterAll(async () => {
  await fx?.close();
});
beforeEach(() => {
  fx.emu.setConfig({ viewTtlSeconds: 300 });
});

const viewCalls = () => fx.emu.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/views/recipient'));

/** Captures the JSON bodies of view requests as the CLI sent them. */
function capture() {
  const bodies: Record<string, unknown>[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.includes('/views/recipient') && init?.body) {
      const b = init.body;
      const text = typeof b === 'string' ? b : Buffer.isBuffer(b) || b instanceof Uint8Array ? Buffer.from(b).toString('utf8') : '';
      if (text) bodies.push(JSON.parse(text) as Record<string, unknown>);
    }
    return fetch(input, init);
  };
  return { bodies, fetchImpl };
}

describe('esign sign-url: finding the recipient (BR-24)', () => {
  it('uses the one embedded signer, prints only the URL on stdout and warns on stderr', async () => {
    const id = await fx.createEnvelope();
    fx.emu.clearLog();
    const r = await fx.run(['sign-url', id]);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/Signing\/\S+$/);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/expires in ~5 minutes/);
    expect(r.err).toMatch(/works once/);
    // One read (envelope + recipients) and one view request.
    expect(fx.emu.requests.filter((x) => x.host === 'rest').map((x) => x.method)).toEqual(['GET', 'POST']);
    // The URL is real: signing through it completes the envelope.
    const done = await fx.emu.signingPage.sign(r.out.trim());
    expect(done.redirect).toContain('event=signing_complete');
    expect(fx.emu.state.envelope(id)?.status).toBe('completed');
  });

  it('sends the stored name/email/clientUserId in a full body even when --recipient differs in case', async () => {
    const id = await fx.createEnvelope({ signers: [{ name: 'Pat  Example', email: 'Pat@Example.test', clientUserId: 'c-1001', roleName: 'Signer' }] });
    const { bodies, fetchImpl } = capture();
    const r = await fx.run(['sign-url', id, '--recipient', 'pat@EXAMPLE.test', '--json'], { fetchImpl });
    expect(r.code).toBe(0);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({
      userName: 'Pat  Example',
      email: 'Pat@Example.test',
      clientUserId: 'c-1001',
      recipientId: '1',
      authenticationMethod: 'none',
    });
    expect(typeof bodies[0]!.returnUrl).toBe('string');
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(j).sort()).toEqual(['envelopeId', 'expiresAt', 'recipientId', 'url']);
    expect(j.envelopeId).toBe(id);
    expect(j.recipientId).toBe('1');
  });

  it('chooses among several embedded signers by id, email or role, and asks when not told', async () => {
    const id = await fx.createEnvelope({
      signers: [
        { name: 'Ann One', email: 'ann@example.test', clientUserId: '1001', roleName: 'Buyer' },
        { name: 'Bob Two', email: 'bob@example.test', clientUserId: '1002', roleName: 'Seller' },
      ],
    });
    const none = await fx.run(['sign-url', id]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/2 embedded signers; say which one with --recipient/);
    expect(none.err).toMatch(/Ann One/);
    expect(none.err).toMatch(/Bob Two/);

    for (const who of ['2', 'bob@example.test', 'seller']) {
      const r = await fx.run(['sign-url', id, '--recipient', who, '--json']);
      expect(r.code, who).toBe(0);
      expect((JSON.parse(r.out) as { recipientId: string }).recipientId).toBe('2');
    }
  });

  it('reports an unknown recipient with the list of embedded recipients, and sends no view request', async () => {
    const id = await fx.createEnvelope();
    fx.emu.clearLog();
    const a = await fx.run(['sign-url', id, '--client-user-id', '1002']);
    expect(a.code).toBe(2);
    expect(a.err).toContain('no recipient with clientUserId 1002');
    expect(a.err).toContain('embedded recipients: 1 (1001)');
    const b = await fx.run(['sign-url', id, '--recipient', 'nobody@example.test']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/has no recipient with --recipient "nobody@example.test"; embedded recipients: 1 \(1001\)/);
    expect(viewCalls()).toHaveLength(0);
  });

  it('names the field that differs when typed values do not match the envelope', async () => {
    const id = await fx.createEnvelope();
    fx.emu.clearLog();
    const r = await fx.run(['sign-url', id, '--recipient', '1', '--name', 'pat example', '--email', 'pat@example.test']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--name "pat example" differs from the stored name "Pat Example"');
    expect(r.err).not.toMatch(/--email .* differs/);
    expect(viewCalls()).toHaveLength(0);
  });

  it('explains a signer who is not embedded (no clientUserId) and how to send embedded', async () => {
    const id = await fx.createEnvelope({ signers: [{ name: 'Pat Example', email: 'pat@example.test' }] });
    fx.emu.clearLog();
    const r = await fx.run(['sign-url', id]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is not an embedded signer: it has no clientUserId/);
    expect(r.err).toContain('esign send <template> --embedded');
    expect(viewCalls()).toHaveLength(0);
    const j = await fx.run(['sign-url', id, '--recipient', 'pat@example.test', '--json']);
    expect(j.code).toBe(2);
    expect((JSON.parse(j.err) as { error: { code: string; exitCode: number } }).error).toMatchObject({ code: 'USAGE', exitCode: 2 });
  });

  it('refuses a carbon copy by role', async () => {
    const id = await fx.createEnvelope({ carbonCopies: [{ name: 'Carl Copy', email: 'carl@example.test', roleName: 'Legal' }] });
    const r = await fx.run(['sign-url', id, '--recipient', 'Legal']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/does not sign/);
  });
});

describe('esign sign-url: envelope state', () => {
  it('refuses a draft, a voided and a completed envelope with the reason', async () => {
    const draft = await fx.createEnvelope({ status: 'created' });
    const d = await fx.run(['sign-url', draft]);
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/is a draft/);

    const voided = await fx.createEnvelope();
    const acc = JSON.parse((await fx.run(['token', '--json'])).out) as { accessToken: string };
    const who = JSON.parse((await fx.run(['whoami', '--json'])).out) as { account: { accountId: string; baseUri: string } };
    const put = await fetch(`${who.account.baseUri}/restapi/v2.1/accounts/${who.account.accountId}/envelopes/${voided}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${acc.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'voided', voidedReason: 'test' }),
    });
    expect(put.status).toBe(200);
    const v = await fx.run(['sign-url', voided]);
    expect(v.code).toBe(2);
    expect(v.err).toMatch(/is voided/);

    const done = await fx.createEnvelope();
    const first = await fx.run(['sign-url', done, '--quiet']);
    await fx.emu.signingPage.sign(first.out.trim());
    const c = await fx.run(['sign-url', done]);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/already completed/);
    expect(c.err).toContain('esign download');
  });

  it('rejects a malformed envelope id before any HTTP call', async () => {
    fx.emu.clearLog();
    const r = await fx.run(['sign-url', 'not-a-guid']);
    expect(r.code).toBe(2);
    expect(fx.emu.requests).toHaveLength(0);
  });
});

describe('esign sign-url: fast path', () => {
  it('makes exactly one HTTP call with name, email and clientUserId given and a warm token cache', async () => {
    const id = await fx.createEnvelope();
    fx.emu.clearLog();
    const r = await fx.run(['sign-url', id, '--name', 'Pat Example', '--email', 'pat@example.test', '--client-user-id', '1001', '--json']);
    expect(r.code).toBe(0);
    expect(fx.emu.requests.map((x) => `${x.method} ${x.path.replace(/.*\/envelopes\//, '')}`)).toEqual([`POST ${id}/views/recipient`]);
    expect((JSON.parse(r.out) as { recipientId: unknown }).recipientId).toBeNull();
  });

  it('explains a fast-path mismatch by reading the envelope once', async () => {
    const id = await fx.createEnvelope();
    const r = await fx.run(['sign-url', id, '--name', 'Pat Example', '--email', 'pat@example.test', '--client-user-id', '1002']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no recipient with clientUserId 1002; embedded recipients: 1 (1001)');
    const n = await fx.run(['sign-url', id, '--name', 'Pat Exampel', '--email', 'pat@example.test', '--client-user-id', '1001']);
    expect(n.code).toBe(2);
    expect(n.err).toContain('--name "Pat Exampel" differs from the stored name "Pat Example"');
  });
});

describe('esign sign-url: expiry and single use (BR-26)', () => {
  it('creates a new URL every time, with expiresAt about 5 minutes ahead; a used URL does not work again', async () => {
    const id = await fx.createEnvelope();
    const before = Date.now();
    const a = JSON.parse((await fx.run(['sign-url', id, '--json'])).out) as { url: string; expiresAt: string };
    const b = JSON.parse((await fx.run(['sign-url', id, '--json'])).out) as { url: string; expiresAt: string };
    expect(a.url).not.toBe(b.url);
    const ttl = Date.parse(a.expiresAt) - before;
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThan(310_000);
    await fx.emu.signingPage.sign(a.url, 'later');
    const again = await fx.emu.signingPage.sign(a.url);
    expect(again.redirect).toMatch(/event=(ttl_expired|session_timeout)/);
    expect(fx.emu.state.envelope(id)?.status).not.toBe('completed');
    const fresh = (await fx.run(['sign-url', id, '--quiet'])).out.trim();
    expect((await fx.emu.signingPage.sign(fresh)).redirect).toContain('event=signing_complete');
  });

  it('an expired URL is refused, and a new sign-url works', async () => {
    const id = await fx.createEnvelope();
    fx.emu.setConfig({ viewTtlSeconds: 1 });
    const old = (await fx.run(['sign-url', id, '--quiet'])).out.trim();
    await new Promise((r) => setTimeout(r, 1100));
    expect((await fx.emu.signingPage.sign(old)).redirect).toContain('event=ttl_expired');
    fx.emu.setConfig({ viewTtlSeconds: 300 });
    const fresh = (await fx.run(['sign-url', id, '--quiet'])).out.trim();
    expect(fresh).not.toBe(old);
    expect((await fx.emu.signingPage.sign(fresh)).redirect).toContain('event=signing_complete');
  });
});

describe('esign sign-url: return URL (BR-27) and focused view', () => {
  it.each([
    ['/done', /is relative/],
    ['', /is empty/],
    ['javascript:alert(1)', /must be an http\(s\) URL/],
    ['http://example.com/done', /plain http to a host that is not loopback/],
    [`https://example.com/${'x'.repeat(480)}`, /cuts return URLs at 470/],
  ])('refuses --return-url %j before any HTTP call', async (url, msg) => {
    const id = await fx.createEnvelope();
    fx.emu.clearLog();
    const r = await fx.run(['sign-url', id, '--return-url', url]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(fx.emu.requests).toHaveLength(0);
  });

  it('keeps the return URL\'s own query and gets event=signing_complete appended', async () => {
    const id = await fx.createEnvelope();
    const url = (await fx.run(['sign-url', id, '--return-url', 'http://127.0.0.1:9/back?order=42', '--quiet'])).out.trim();
    const { redirect } = await fx.emu.signingPage.sign(url);
    const back = new URL(redirect);
    expect(back.origin + back.pathname).toBe('http://127.0.0.1:9/back');
    expect(back.searchParams.get('order')).toBe('42');
    expect(back.searchParams.get('event')).toBe('signing_complete');
  });

  it('focused view: frameAncestors carry the app origin and DocuSign\'s apps host; messageOrigins the apps host', async () => {
    const id = await fx.createEnvelope();
    const { bodies, fetchImpl } = capture();
    const r = await fx.run(['sign-url', id, '--frame-ancestor', 'https://app.example.com/some/page', '--frame-ancestor', 'http://localhost:3000'], { fetchImpl });
    expect(r.code).toBe(0);
    expect(bodies[0]!.frameAncestors).toEqual(['https://app.example.com', 'http://localhost:3000', 'https://apps-d.docusign.com']);
    expect(bodies[0]!.messageOrigins).toEqual(['https://apps-d.docusign.com']);
    const bad = await fx.run(['sign-url', id, '--frame-ancestor', 'http://app.example.com']);
    expect(bad.code).toBe(2);
  });

  it('--open hands the URL to the browser opener', async () => {
    const id = await fx.createEnvelope();
    const opened: string[] = [];
    const r = await fx.run(['sign-url', id, '--open'], { opener: async (u) => void opened.push(u) });
    expect(r.code).toBe(0);
    expect(opened).toEqual([r.out.trim()]);
  });
});
