import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Transport } from '../../src/http/transport.js';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

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
  });
});

it('HTTP_PROXY carries every call: token, userinfo and REST', async () => {
  const r = await h.run(['status', '00000000-0000-4000-8000-000000000000', '--no-cache'], { env: { HTTP_PROXY: proxy.url, NO_PROXY: '' } });
  // The envelope does not exist (exit 5), but all three calls went through the proxy.
  expect(r.code).toBe(5);
  expect(r.requests.map((q) => q.path)).toEqual(['/oauth/token', '/oauth/userinfo', expect.stringMatching(/\/envelopes\/0{8}-/)]);
  const oauthPort = new URL(h.emu.oauthUrl).port;
  const restPort = new URL(h.emu.restUrls[0]!).port;
  expect(proxy.seen.some((s) => s.includes(`:${oauthPort}`))).toBe(true);
  expect(proxy.seen.some((s) => s.includes(`:${restPort}`))).toBe(true);
});

it('NO_PROXY bypasses the proxy for the hosts it names', async () => {
  const before = proxy.seen.length;
  const r = await h.run(['whoami', '--no-cache'], { env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
  expect(r.code).toBe(0);
  expect(proxy.seen.length).toBe(before);
});

it('a dead proxy is a network error (exit 6) naming no secret', async () => {
  const r = await h.run(['whoami', '--no-cache'], { env: { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '', ESIGN_MAX_RETRIES: '0' } });
  expect(r.code).toBe(6);
  expect(r.err).toMatch(/cannot reach|proxy/i);
  expect(r.err).not.toMatch(/eyJ|BEGIN|emu\./);
});
