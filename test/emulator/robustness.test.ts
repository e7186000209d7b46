import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { getToken, restClient, withEmulator } from '../helpers/emulator.js';

const fx = withEmulator();
let token: string;
beforeAll(async () => {
  token = await getToken(fx.emu, fx.seed);
});

/** What a stack trace leaks: "at fn (file:line:col)" frames, source paths, node internals. */
const STACK = /\n\s*at\s|\bat\s+\S+\s+\(|\.(?:ts|js):\d+:\d+|node:internal|src\/emulator/;

/** Sends raw bytes and returns the status line and the body (for request targets fetch refuses). */
function raw(port: number, request: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    let buf = '';
    s.setEncoding('latin1');
    s.on('data', (d) => (buf += d));
    s.on('error', reject);
    s.on('end', () => {
      const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(buf)?.[1] ?? 0);
      resolve({ status, text: buf.slice(buf.indexOf('\r\n\r\n') + 4) });
    });
    s.setTimeout(3000, () => s.destroy(new Error('timeout')));
  });
}

describe('malformed paths and internal errors (no stack traces in answers)', () => {
  it('(U) a malformed %-escape in the account id or a later segment is 400 INVALID_REQUEST_PARAMETER, not a 500', async () => {
    const rest = fx.emu.restUrls[0]!;
    for (const path of [
      '/restapi/v2.1/accounts/%E0%A4%A/envelopes',
      `/restapi/v2.1/accounts/${fx.seed.accountId}/envelopes/%E0%A4%A`,
      `/restapi/v2.1/accounts/${fx.seed.accountId}/templates/%ZZ`,
      `/restapi/v2.1/accounts/${fx.seed.accountId}/bulk_send_batch/%`,
    ]) {
      const res = await fetch(rest + path, { headers: { authorization: `Bearer ${token}` } });
      const text = await res.text();
      expect(res.status, path).toBe(400);
      expect(JSON.parse(text).errorCode, path).toBe('INVALID_REQUEST_PARAMETER');
      expect(text, path).not.toMatch(STACK);
    }
  });

  it('(U) malformedPathStatus: 404 answers RESOURCE_NOT_FOUND instead', async () => {
    fx.emu.setConfig({ malformedPathStatus: 404 });
    try {
      const res = await fetch(`${fx.emu.restUrls[0]}/restapi/v2.1/accounts/%E0%A4%A/envelopes`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { errorCode: string }).errorCode).toBe('RESOURCE_NOT_FOUND');
    } finally {
      fx.emu.setConfig({ malformedPathStatus: 400 });
    }
  });

  it('a request target URL() cannot parse ("//[") gets an answer, and the emulator keeps serving', async () => {
    const port = Number(new URL(fx.emu.restUrls[0]!).port);
    const r = await raw(port, `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect([400, 404]).toContain(r.status);
    expect(r.text).not.toMatch(STACK);
    const oauthPort = Number(new URL(fx.emu.oauthUrl).port);
    const o = await raw(oauthPort, `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${oauthPort}\r\nConnection: close\r\n\r\n`);
    expect([400, 404]).toContain(o.status);
    const api = await restClient(fx.emu, fx.seed);
    expect((await api.call('GET', '/envelopes?from_date=2020-01-01')).status).toBe(200);
  });

  it('a bug inside a handler answers 500 UNSPECIFIED_ERROR without a stack or the error text; the stack goes to the request log only', async () => {
    const accounts = (fx.emu as unknown as { accounts: Map<string, unknown> }).accounts;
    const original = accounts.get;
    accounts.get = () => {
      throw new TypeError('secret internal detail');
    };
    let res: Response;
    try {
      fx.emu.clearLog();
      res = await fetch(`${fx.emu.restUrls[0]}/restapi/v2.1/accounts/${fx.seed.accountId}/envelopes?from_date=2020-01-01`, {
        headers: { authorization: `Bearer ${token}` },
      });
    } finally {
      accounts.get = original;
    }
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ errorCode: 'UNSPECIFIED_ERROR', message: expect.any(String) });
    expect(text).not.toMatch(STACK);
    expect(text).not.toContain('secret internal detail');
    const entry = fx.emu.requests.at(-1)!;
    expect(entry.errorCode).toBe('UNSPECIFIED_ERROR');
    expect(entry.internalError).toContain('secret internal detail');
    expect(entry.internalError).toMatch(STACK);
  });
});

describe('Host header (DNS rebinding): a loopback-only service answers only to loopback names', () => {
  const get = (port: number, path: string, hostLine: string | null, version = '1.1') =>
    raw(port, `GET ${path} HTTP/${version}\r\n${hostLine === null ? '' : `Host: ${hostLine}\r\n`}Connection: close\r\n\r\n`);

  it('refuses a foreign name, a wrong port, a missing Host and a foreign absolute-form target with 421, on both hosts', async () => {
    const oauthPort = Number(new URL(fx.emu.oauthUrl).port);
    const restPort = Number(new URL(fx.emu.restUrls[0]!).port);
    for (const port of [oauthPort, restPort]) {
      for (const [target, host, version] of [
        ['/oauth/userinfo', `evil.example:${port}`, '1.1'],
        ['/oauth/userinfo', `127.0.0.1.evil.example:${port}`, '1.1'],
        ['/oauth/userinfo', `localhost:${port + 1}`, '1.1'],
        ['/oauth/userinfo', '127.0.0.1', '1.1'],
        ['/oauth/userinfo', null, '1.0'],
        [`http://evil.example:${port}/oauth/userinfo`, `127.0.0.1:${port}`, '1.1'],
      ] as const) {
        const r = await get(port, target, host, version);
        expect(r.status, `${port} ${target} Host ${host}`).toBe(421);
        expect(r.text).toMatch(/127\.0\.0\.1/);
      }
    }
  });

  it('accepts 127.0.0.1, localhost (any case) and [::1] with the right port', async () => {
    const oauthPort = Number(new URL(fx.emu.oauthUrl).port);
    for (const host of ['127.0.0.1', 'localhost', 'LocalHost', '[::1]']) {
      const r = await get(oauthPort, '/oauth/userinfo', `${host}:${oauthPort}`);
      expect(r.status, host).toBe(401); // reached userinfo: no token
    }
    const restPort = Number(new URL(fx.emu.restUrls[0]!).port);
    expect((await get(restPort, `http://localhost:${restPort}/restapi/v2.1/accounts/x/envelopes`, `localhost:${restPort}`)).status).toBe(401);
  });

  it('a refused request is not carried out (no envelope) and is logged as MISDIRECTED_REQUEST', async () => {
    const restPort = Number(new URL(fx.emu.restUrls[0]!).port);
    const before = fx.emu.state.envelopes().length;
    const json = JSON.stringify({ emailSubject: 's', status: 'created' });
    const r = await raw(
      restPort,
      `POST /restapi/v2.1/accounts/${fx.seed.accountId}/envelopes HTTP/1.1\r\nHost: attacker.example:${restPort}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
    expect(r.status).toBe(421);
    expect(fx.emu.state.envelopes().length).toBe(before);
    expect(fx.emu.requests.at(-1)).toMatchObject({ method: 'POST', status: 421, errorCode: 'MISDIRECTED_REQUEST' });
  });
});
