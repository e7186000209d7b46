import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIo } from '../../src/output/io.js';
import { Transport } from '../../src/http/transport.js';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import { closedPort } from '../cli/spawn.js';

interface ProxyOptions {
  /** Required Proxy-Authorization value; anything else gets 407. */
  auth?: string;
  /** Host names the proxy resolves to loopback; every other target gets 502 (the tests never leave this machine). */
  reachable?: string[];
}

interface TestProxy {
  url: string;
  port: number;
  seen: string[];
  /** Proxy-Authorization headers received. */
  auths: (string | undefined)[];
  close(): Promise<void>;
}

/**
 * A minimal forward proxy on loopback (CONNECT tunnels and absolute-form requests), recording
 * what it was asked for. It reaches only loopback and the names in `reachable` (mapped to 127.0.0.1).
 */
function startProxy(o: ProxyOptions = {}): Promise<TestProxy> {
  const seen: string[] = [];
  const auths: (string | undefined)[] = [];
  const local = (host: string) => host === '127.0.0.1' || host === 'localhost' || (o.reachable ?? []).includes(host);
  const authorized = (h: http.IncomingHttpHeaders) => {
    auths.push(h['proxy-authorization']);
    return !o.auth || h['proxy-authorization'] === o.auth;
  };
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (!authorized(req.headers)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const target = new URL(req.url!);
    if (!local(target.hostname)) {
      res.writeHead(502).end();
      return;
    }
    const up = http.request({ host: '127.0.0.1', port: target.port, method: req.method, path: target.pathname + target.search, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  server.on('connect', (req, socket: net.Socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    socket.on('error', () => undefined);
    if (!authorized(req.headers)) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = req.url!.split(':') as [string, string];
    if (!local(host)) {
      socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const up = net.connect(Number(port), '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        seen,
        auths,
        close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
      });
    }),
  );
}

function transport(env: NodeJS.ProcessEnv): { t: Transport; traces: string[] } {
  const traces: string[] = [];
  const t = new Transport({ timeoutMs: 5000, maxRetries: 0, env, sink: { trace: (m) => traces.push(m), warn: () => undefined }, backoffMs: 1 });
  return { t, traces };
}

/** Runs esign against DocuSign's demo environment: through a proxy, which the test proxies never let out. */
const demoEnv = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ESIGN_ENV: 'demo', ESIGN_MAX_RETRIES: '0', NO_PROXY: '', ...extra });

let h: CliHarness;
let proxy: TestProxy;
let upstream: http.Server;
let upstreamPort: number;
beforeAll(async () => {
  h = await cliHarness();
  proxy = await startProxy({ reachable: ['esign-upstream.test'] });
  upstream = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url })));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  upstreamPort = (upstream.address() as AddressInfo).port;
});
afterAll(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise<void>((r) => upstream.close(() => r()));
  await h.close();
});

describe('which requests use the proxy', () => {
  it('HTTP_PROXY carries a request to a host that is not loopback', async () => {
    const before = proxy.seen.length;
    const { t, traces } = transport({ HTTP_PROXY: proxy.url });
    const res = await t.request({ method: 'GET', url: `http://esign-upstream.test:${upstreamPort}/v2.1/accounts` });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ path: '/v2.1/accounts' });
    expect(proxy.seen.slice(before)).toEqual([`CONNECT esign-upstream.test:${upstreamPort}`]);
    expect(traces.join('\n')).toContain(`(via proxy ${proxy.url})`);
  });

  it('loopback targets always go direct: the emulator works with any proxy set, even a dead one', async () => {
    const before = proxy.seen.length;
    const live = await h.run(['whoami', '--no-cache'], { env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '' } });
    expect(live.code, live.err).toBe(0);
    expect(live.requests.map((q) => q.path)).toEqual(['/oauth/token', '/oauth/userinfo']);
    expect(proxy.seen.length).toBe(before);
    // localhost too (the emulator accepts either name).
    const port = new URL(h.emu.oauthUrl).port;
    const dead = await h.run(['whoami', '--no-cache'], {
      env: { ESIGN_ENV: `http://localhost:${port}`, HTTP_PROXY: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', NO_PROXY: '', ESIGN_MAX_RETRIES: '0' },
    });
    expect(dead.code, dead.err).toBe(0);
  });

  it('`esign demo` completes behind a corporate proxy (HTTP_PROXY/HTTPS_PROXY pointing nowhere)', async () => {
    const io = memoryIo();
    const dead = 'http://127.0.0.1:9';
    const code = await main(['demo', '--json'], io, { PATH: process.env.PATH, CI: 'true', HTTP_PROXY: dead, HTTPS_PROXY: dead });
    expect(code, io.err()).toBe(0);
    expect((JSON.parse(io.out()) as { status: string }).status).toBe('completed');
  });

  it('NO_PROXY as curl reads it: list, *, domain suffixes with or without a dot, host:port, IPs and ranges', async () => {
    const { ProxySettings } = await import('../../src/http/proxy.js');
    const via = (noProxy: string, url: string) => new ProxySettings({ HTTPS_PROXY: 'http://proxy.corp:3128', HTTP_PROXY: 'http://proxy.corp:3128', NO_PROXY: noProxy }).routeFor(url) !== undefined;
    expect(via('', 'https://account-d.docusign.com/oauth/token')).toBe(true);
    expect(via('*', 'https://account-d.docusign.com/')).toBe(false);
    expect(via('example.org, docusign.com', 'https://account-d.docusign.com/')).toBe(false);
    expect(via('.docusign.com', 'https://account-d.docusign.com/')).toBe(false);
    expect(via('*.docusign.com', 'https://demo.docusign.net/')).toBe(true);
    expect(via('docusign.com', 'https://docusign.com/')).toBe(false);
    expect(via('docusign.com', 'https://notdocusign.com/')).toBe(true);
    expect(via('DOCUSIGN.COM.', 'https://Account-D.DocuSign.com/')).toBe(false);
    expect(via('account-d.docusign.com:443', 'https://account-d.docusign.com/')).toBe(false);
    expect(via('account-d.docusign.com:8443', 'https://account-d.docusign.com/')).toBe(true);
    expect(via('10.1.2.3', 'https://10.1.2.3/')).toBe(false);
    expect(via('10.0.0.0/8', 'https://10.200.0.1:8443/')).toBe(false);
    expect(via('10.0.0.0/8', 'https://11.0.0.1/')).toBe(true);
    expect(via('[fd00::1]:443', 'https://[fd00::1]/')).toBe(false);
    expect(via('fd00::/8', 'https://[fd12::5]/')).toBe(false);
    expect(via('intranet  docusign.net', 'https://demo.docusign.net/')).toBe(false);
    // Loopback needs no NO_PROXY entry.
    for (const u of ['http://127.0.0.1:8080/', 'http://127.9.8.7/', 'http://localhost:1234/', 'http://[::1]:8080/']) expect(via('', u), u).toBe(false);
  });
});

describe('proxy values', () => {
  it('a proxy without a scheme (as curl accepts) is taken as http://', async () => {
    const { t } = transport({ HTTP_PROXY: `127.0.0.1:${proxy.port}` });
    const before = proxy.seen.length;
    const res = await t.request({ method: 'GET', url: `http://esign-upstream.test:${upstreamPort}/x` });
    expect(res.status).toBe(200);
    expect(proxy.seen.length).toBe(before + 1);
    // The same through the CLI: HTTPS_PROXY=host:port reaches the proxy (which refuses to leave this machine).
    const r = await h.run(['whoami', '--no-cache'], { env: demoEnv({ HTTPS_PROXY: `127.0.0.1:${proxy.port}` }) });
    expect(r.code, r.err).toBe(6);
    expect(proxy.seen.at(-1)).toBe('CONNECT account-d.docusign.com:443');
    expect(r.err).toContain(`the proxy http://127.0.0.1:${proxy.port} (HTTPS_PROXY) would not connect to account-d.docusign.com (it answered HTTP 502)`);
    expect(r.err).not.toMatch(/internal error|Invalid URL/);
  });

  it('a malformed proxy is a configuration error (exit 4) naming the variable, never its password, with nothing sent', async () => {
    for (const [value, why] of [
      ['http://user:Secret-Pa55word@:3128', /does not parse/],
      ['socks5://proxy.corp:1080', /socks5:\/\/ proxies are not supported/],
      ['http://proxy.corp:99999', /does not parse/],
      ['http://us%er:Secret-Pa55word@proxy.corp:3128', /percent-encoding/],
    ] as const) {
      const r = await h.run(['whoami', '--no-cache', '--json'], { env: demoEnv({ HTTPS_PROXY: value }) });
      expect(r.code, `${value}: ${r.err}`).toBe(4);
      const j = JSON.parse(r.err) as { error: { message: string; hint: string } };
      expect(j.error.message).toMatch(/^HTTPS_PROXY is not a usable proxy URL/);
      expect(j.error.message).toMatch(why);
      expect(r.err).not.toContain('Secret-Pa55word');
      if (value.includes('Secret')) expect(j.error.message).toContain(':***@');
    }
    // Not retried, and nothing is sent.
    const { t } = transport({ HTTPS_PROXY: 'socks5://proxy.corp:1080' });
    await expect(t.request({ method: 'GET', url: 'https://account-d.docusign.com/oauth/userinfo' })).rejects.toMatchObject({ exitCode: 4 });
    expect(t.calls).toBe(0);
  });
});

describe('proxy failures name the proxy', () => {
  it('a proxy that cannot be reached is named (without its password), not the target host', async () => {
    const port = await closedPort();
    const r = await h.run(['whoami', '--no-cache'], { env: demoEnv({ HTTPS_PROXY: `http://ops:Hunter2-Secret@127.0.0.1:${port}` }) });
    expect(r.code, r.err).toBe(6);
    expect(r.err).toContain(`cannot reach the proxy http://ops:***@127.0.0.1:${port} (HTTPS_PROXY) for POST account-d.docusign.com: connection refused`);
    expect(r.err).toMatch(/hint: Check HTTPS_PROXY/);
    expect(r.err).not.toContain('Hunter2-Secret');
    expect(r.err).not.toMatch(/cannot reach account-d\.docusign\.com/);
  });

  it('a proxy answering 407 is "requires authentication", with a hint about user:password in the URL', async () => {
    const locked = await startProxy({ auth: `Basic ${Buffer.from('ops:s3cret pass').toString('base64')}` });
    try {
      const before = locked.auths.length;
      const none = await h.run(['whoami', '--no-cache'], { env: demoEnv({ HTTPS_PROXY: locked.url, ESIGN_MAX_RETRIES: '3' }) });
      expect(none.code, none.err).toBe(6);
      // Another try cannot fix a missing login: one tunnel request, no retries.
      expect(locked.auths.length - before).toBe(1);
      expect(none.err).toContain(`the proxy ${locked.url} (HTTPS_PROXY) requires authentication (HTTP 407)`);
      expect(none.err).toContain('HTTPS_PROXY=http://USER:PASSWORD@HOST:PORT');
      expect(none.err).not.toMatch(/cancelled|aborted/i);

      const wrong = await h.run(['whoami', '--no-cache'], { env: demoEnv({ HTTPS_PROXY: `http://ops:Wrong-Password1@127.0.0.1:${locked.port}` }) });
      expect(wrong.code).toBe(6);
      expect(wrong.err).toContain('requires authentication (HTTP 407) and refused the user name and password in HTTPS_PROXY');
      expect(wrong.err).not.toContain('Wrong-Password1');

      // Percent-encoded credentials are decoded and sent: the proxy lets the tunnel request through
      // (and, being a test proxy, refuses to leave this machine).
      const right = await h.run(['whoami', '--no-cache'], { env: demoEnv({ HTTPS_PROXY: `http://ops:s3cret%20pass@127.0.0.1:${locked.port}` }) });
      expect(right.code).toBe(6);
      expect(right.err).toContain('would not connect to account-d.docusign.com (it answered HTTP 502)');
      expect(locked.auths.at(-1)).toBe(`Basic ${Buffer.from('ops:s3cret pass').toString('base64')}`);
    } finally {
      await locked.close();
    }
  });
});
