import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIo } from '../../src/output/io.js';
import { startFixture, type Fixture } from '../browser/fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
  expect((await fx.run(['token', '--quiet'])).code).toBe(0);
});
afterAll(async () => {
  await fx?.close();
});

/** Starts `esign sign-url --wait` and resolves once it has printed the URL and is listening. */
async function startWait(args: string[]) {
  const io = memoryIo();
  const ac = new AbortController();
  const done = main(['sign-url', ...args, '--wait'], io, fx.env, { signal: ac.signal });
  for (let i = 0; i < 200 && !/come back to (\S+) /.test(io.err()); i++) await new Promise((r) => setTimeout(r, 25));
  const returnUrl = /come back to (\S+) /.exec(io.err())?.[1];
  expect(returnUrl, io.err()).toBeTruthy();
  const url = /^(http:\/\/\S+\/Signing\/\S+)$/m.exec(io.out() + io.err())?.[1];
  expect(url, io.out()).toBeTruthy();
  return { io, ac, done, returnUrl: returnUrl!, url: url! };
}

/** The browser following DocuSign's redirect back to the return URL. */
const follow = (redirect: string) => fetch(redirect).then((r) => r.text());
const forge = (returnUrl: string, event: string) => follow(`${returnUrl}${returnUrl.includes('?') ? '&' : '?'}event=${event}`);

describe('esign sign-url --wait (BR-27)', () => {
  it('signing_complete confirmed by the recipient status: exit 0, "signed"', async () => {
    const id = await fx.createEnvelope();
    const w = await startWait([id]);
    expect(w.returnUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/esign\/return$/);
    const { redirect } = await fx.emu.signingPage.sign(w.url);
    expect(await follow(redirect)).toMatch(/close this window/);
    expect(await w.done).toBe(0);
    expect(w.io.out()).toMatch(/^signed \(confirmed by the recipient status\)$/m);
  });

  it('a forged signing_complete (recipient still "sent") is not trusted: exit 5', async () => {
    const id = await fx.createEnvelope();
    const w = await startWait([id]);
    await forge(w.returnUrl, 'signing_complete');
    expect(await w.done).toBe(5);
    expect(w.io.err()).toMatch(/reports the recipient as "sent": not trusted/);
    expect(fx.emu.state.envelope(id)?.status).toBe('sent');
  });

  it('viewing_complete is not an error; cancel (Finish Later) and unknown events are reported, not crashes', async () => {
    const id = await fx.createEnvelope();
    const v = await startWait([id]);
    await forge(v.returnUrl, 'viewing_complete');
    expect(await v.done).toBe(0);
    expect(v.io.out()).toMatch(/^the signer viewed the envelope/m);

    const c = await startWait([id]);
    const { redirect } = await fx.emu.signingPage.sign(c.url, 'later');
    expect(redirect).toContain('event=cancel');
    await follow(redirect);
    expect(await c.done).toBe(5);
    expect(c.io.err()).toMatch(/left without signing.*event=cancel/);

    const u = await startWait([id, '--json']);
    await forge(u.returnUrl, 'weird_value');
    expect(await u.done).toBe(5);
    const err = JSON.parse(u.io.err().slice(u.io.err().indexOf('{'))) as { error: { exitCode: number; details: { outcome: string; event: string } } };
    expect(err.error.details).toMatchObject({ outcome: 'unknown', event: 'weird_value' });

    const f = await startWait([id]);
    await forge(f.returnUrl, 'fax_pending');
    expect(await f.done).toBe(5);
    expect(f.io.err()).toMatch(/fax/);
  });

  it('listens on the port and path of a loopback --return-url and keeps its query', async () => {
    const port = await new Promise<number>((r) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => r(p));
      });
    });
    const id = await fx.createEnvelope();
    const w = await startWait([id, '--return-url', `http://127.0.0.1:${port}/done?order=7`, '--json']);
    expect(w.returnUrl).toBe(`http://127.0.0.1:${port}/done?order=7`);
    const { redirect } = await fx.emu.signingPage.sign(w.url);
    expect(redirect).toBe(`http://127.0.0.1:${port}/done?order=7&event=signing_complete`);
    await follow(redirect);
    expect(await w.done).toBe(0);
    expect(JSON.parse(w.io.out())).toMatchObject({ envelopeId: id, recipientId: '1', event: 'signing_complete', outcome: 'signed', recipientStatus: expect.stringMatching(/signed|completed/) });
  });

  it('refuses a return URL it cannot listen on, before any HTTP call; Ctrl-C ends the wait with 130', async () => {
    const id = await fx.createEnvelope();
    fx.emu.clearLog();
    const r = await fx.run(['sign-url', id, '--wait', '--return-url', 'https://app.example.com/done']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--wait listens on this machine/);
    expect(fx.emu.requests).toHaveLength(0);

    const w = await startWait([id]);
    w.ac.abort();
    expect(await w.done).toBe(130);
  });
});
