import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

/** A minimal forward proxy on loopback (CONNECT tunnels and absolute-form requests), counting what it carried. */
function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url!);
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  server.on('connect', (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = req.url!.split(':');
    const up = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        seen,
        close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
      }),
    ),
  );
}

let h: CliHarness;
let proxy: Awaited<ReturnType<typeof startProxy>>;
beforeAll(async () => {
  h = await cliHarness();
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy.close();
  await h.close();
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
