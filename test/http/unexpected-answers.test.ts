import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

/** A fetch that answers /oauth/userinfo itself (a captive portal, a web page at a wrong --env) and passes the rest on. */
function userinfoAnswers(body: string, contentType: string): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (new URL(url).pathname === '/oauth/userinfo') return new Response(body, { status: 200, headers: { 'content-type': contentType } });
    return fetch(input, init);
  }) as typeof fetch;
}

it('userinfo answering 200 with HTML: exit 5 saying the OAuth host answered something that is not JSON, check --env', async () => {
  const r = await h.run(['whoami', '--no-cache', '--json'], { overrides: { fetchImpl: userinfoAnswers('<!DOCTYPE html><html><body>Sign in</body></html>', 'text/html; charset=utf-8') } });
  expect(r.code, r.err).toBe(5);
  const j = JSON.parse(r.err) as { error: { message: string; hint: string } };
  expect(j.error.message).toBe(`userinfo at ${h.emu.oauthUrl} answered HTTP 200 with something that is not JSON (text/html)`);
  expect(j.error.hint).toMatch(/--env/);
  expect(r.err).not.toMatch(/internal error|Unexpected token/);
});

it('userinfo answering JSON that is not a userinfo document: exit 5, never a crash', async () => {
  for (const body of ['null', '[]', '{"accounts": {"account_id": "x"}}', '{"sub": "u", "accounts": [null]}']) {
    const r = await h.run(['whoami', '--no-cache'], { overrides: { fetchImpl: userinfoAnswers(body, 'application/json') } });
    expect(r.code, `${body}: ${r.err}`).toBe(5);
    expect(r.err).toContain(`userinfo at ${h.emu.oauthUrl} answered JSON that is not a userinfo document`);
    expect(r.err).not.toMatch(/internal error|TypeError|Cannot read/);
  }
});

it('doctor reports the same (exit 5), not an internal error', async () => {
  const r = await h.run(['doctor', '--no-cache'], { overrides: { fetchImpl: userinfoAnswers('<html>portal</html>', 'text/html') } });
  expect(r.code, r.out + r.err).toBe(5);
  expect(r.out + r.err).toContain('answered HTTP 200 with something that is not JSON (text/html)');
});

it('the token endpoint answering 200 with JSON null: the documented "without an access_token" (exit 4), not a crash', async () => {
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (new URL(url).pathname === '/oauth/token') return new Response('null', { status: 200, headers: { 'content-type': 'application/json' } });
    return fetch(input, init);
  }) as typeof fetch;
  const r = await h.run(['whoami', '--no-cache'], { overrides: { fetchImpl } });
  expect(r.code, r.err).toBe(4);
  expect(r.err).toContain('answered without an access_token');
});

it('a REST answer that is JSON but not an object (null, a list): exit 5 naming the call, not a crash in the command', async () => {
  for (const body of ['null', '[1,2]', '"ok"']) {
    const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (/\/envelopes$/.test(new URL(url).pathname)) return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
      return fetch(input, init);
    }) as typeof fetch;
    const r = await h.run(['list', '--no-cache'], { overrides: { fetchImpl } });
    expect(r.code, `${body}: ${r.err}`).toBe(5);
    expect(r.err).toMatch(/DocuSign answered GET \/envelopes\S* with JSON that is not an object/);
    expect(r.err).not.toMatch(/internal error|TypeError|Cannot read/);
  }
});
