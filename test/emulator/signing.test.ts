import { beforeAll, describe, expect, it } from 'vitest';
import { makePdf } from '../../src/emulator/pdf.js';
import { startEmulator } from '../../src/emulator/index.js';
import { seedDemo } from '../../src/emulator/seed.js';
import { type RestClient, restClient, withEmulator } from '../helpers/emulator.js';

const fx = withEmulator();
let api: RestClient;
beforeAll(async () => {
  api = await restClient(fx.emu, fx.seed);
});

const pdf = makePdf([['Sign: /sn1/']]).toString('base64');
const signer = (id: string, order: string, cuid: string, name = `Signer ${id}`) => ({
  recipientId: id,
  name,
  email: `s${id}@example.test`,
  routingOrder: order,
  clientUserId: cuid,
  tabs: { signHereTabs: [{ anchorString: '/sn1/' }] },
});

async function send(signers: object[], extra: Record<string, unknown> = {}, status = 'sent'): Promise<string> {
  const r = await api.call('POST', '/envelopes', {
    emailSubject: 'Sign it',
    status,
    documents: [{ documentId: '1', name: 'Doc.pdf', fileExtension: 'pdf', documentBase64: pdf }],
    recipients: { signers, ...extra },
  });
  expect(r.status, r.text).toBe(201);
  return r.body.envelopeId;
}

const view = (id: string, body: Record<string, unknown>) =>
  api.call('POST', `/envelopes/${id}/views/recipient`, { returnUrl: 'https://app.example.test/done?x=1', authenticationMethod: 'none', ...body });

describe('recipient view matching (§7)', () => {
  it('userName + email + clientUserId must match; email compare is case-insensitive (U), name exact', async () => {
    const id = await send([signer('1', '1', '1001', 'Pat Example')]);
    const ok = await view(id, { userName: 'Pat Example', email: 'S1@example.test', clientUserId: '1001' });
    expect(ok.status).toBe(201);
    expect(ok.body.url).toMatch(new RegExp(`^${fx.emu.restUrls[0]}/Signing/MTRedeem/v1/`));
    const unknown = { errorCode: 'UNKNOWN_ENVELOPE_RECIPIENT', message: 'The recipient you have identified is not a valid recipient of the specified envelope.' };
    expect((await view(id, { userName: 'Pat  Example', email: 's1@example.test', clientUserId: '1001' })).body).toEqual(unknown);
    expect((await view(id, { userName: 'Pat Example', email: 's1@example.test', clientUserId: '1002' })).body).toEqual(unknown);
    expect((await view(id, { userName: 'Pat Example', email: 's1@example.test' })).body).toEqual(unknown);
    expect((await view(id, { recipientId: '1' })).status).toBe(201);
    expect((await view(id, { recipientId: '9' })).body).toEqual(unknown);
  });

  it('a remote (non-embedded) signer cannot get a view', async () => {
    const id = await send([{ ...signer('1', '1', ''), clientUserId: undefined }]);
    expect((await view(id, { recipientId: '1' })).body.errorCode).toBe('UNKNOWN_ENVELOPE_RECIPIENT');
  });

  it('missing body → INVALID_REQUEST_BODY; missing returnUrl → error', async () => {
    const id = await send([signer('1', '1', '1001')]);
    const r = await api.call('POST', `/envelopes/${id}/views/recipient`, '');
    expect(r.body).toEqual({ errorCode: 'INVALID_REQUEST_BODY', message: 'The request body is missing or improperly formatted.' });
    const r2 = await api.call('POST', `/envelopes/${id}/views/recipient`, { authenticationMethod: 'none', recipientId: '1' });
    expect(r2.status).toBe(400);
    expect(r2.body.message).toContain('returnUrl');
  });

  it('RECIPIENT_NOT_IN_SEQUENCE for a later routing order; (U) ENVELOPE_INVALID_STATUS for a draft', async () => {
    const id = await send([signer('1', '1', '1001'), signer('2', '2', '1002')]);
    const r = await view(id, { recipientId: '2' });
    expect(r.body).toEqual({ errorCode: 'RECIPIENT_NOT_IN_SEQUENCE', message: 'The token for an out of sequence recipient cannot be generated.' });
    const draft = await send([signer('1', '1', '1001')], {}, 'created');
    expect((await view(draft, { recipientId: '1' })).body.errorCode).toBe('ENVELOPE_INVALID_STATUS');
  });
});

describe('signing page', () => {
  it('Finish signs, redirects with event=signing_complete keeping the query; routing moves on; envelope completes', async () => {
    const id = await send([signer('1', '1', '1001'), signer('2', '2', '1002')], { carbonCopies: [{ recipientId: '3', name: 'Cc', email: 'cc@example.test', routingOrder: '3' }] });
    const v1 = await view(id, { recipientId: '1' });
    const page = await fetch(v1.body.url);
    const html = await page.text();
    for (const b of ['id="finish"', 'id="decline"', 'id="finish-later"', 'method="post"']) expect(html).toContain(b);
    // The GET consumed the URL: drive the form it rendered.
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
    const post = await fetch(new URL(action, v1.body.url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=finish', redirect: 'manual' });
    expect(post.status).toBe(302);
    expect(post.headers.get('location')).toBe('https://app.example.test/done?x=1&event=signing_complete');
    let env = fx.emu.state.envelope(id)!;
    expect(env.recipients.signers![0]!.status).toBe('signed');
    expect(env.recipients.signers![0]!.signedDateTime).toMatch(/\.\d{7}Z$/);
    expect(env.recipients.signers![1]!.status).toBe('sent');
    expect(env.status).toBe('delivered');
    const v2 = await view(id, { recipientId: '2' });
    expect((await fx.emu.signingPage.sign(v2.body.url, 'finish')).redirect).toContain('event=signing_complete');
    env = fx.emu.state.envelope(id)!;
    expect(env.status).toBe('completed');
    expect(env.completedDateTime).toMatch(/\.\d{7}Z$/);
    expect(env.recipients.carbonCopies![0]!.status).toBe('completed');
    const g = await api.call('GET', `/envelopes/${id}`);
    expect(g.body.status).toBe('completed');
  });

  it('single use: a second open redirects with event=ttl_expired', async () => {
    const id = await send([signer('1', '1', '1001')]);
    const v = await view(id, { recipientId: '1' });
    await fx.emu.signingPage.sign(v.body.url, 'later');
    const again = await fetch(v.body.url, { redirect: 'manual' });
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe('https://app.example.test/done?x=1&event=ttl_expired');
  });

  it('expires after viewTtlSeconds → ttl_expired', async () => {
    let now = Date.now();
    const emu = await startEmulator({ now: () => now, viewTtlSeconds: 5, quiet: true });
    try {
      const seed = await seedDemo(emu);
      const local = await restClient(emu, seed);
      const c = await local.call('POST', '/envelopes', { emailSubject: 's', status: 'sent', documents: [{ documentId: '1', name: 'D.pdf', fileExtension: 'pdf', documentBase64: pdf }], recipients: { signers: [signer('1', '1', '1001')] } });
      const v = await local.call('POST', `/envelopes/${c.body.envelopeId}/views/recipient`, { returnUrl: 'http://127.0.0.1:9/cb', authenticationMethod: 'none', recipientId: '1' });
      now += 6000;
      expect((await emu.signingPage.sign(v.body.url)).redirect).toBe('http://127.0.0.1:9/cb?event=ttl_expired');
      expect(emu.state.envelope(c.body.envelopeId)!.recipients.signers![0]!.status).toBe('sent');
    } finally {
      await emu.close();
    }
  });

  it('Decline → event=decline, recipient and envelope declined; Finish Later → event=cancel, still delivered', async () => {
    const a = await send([signer('1', '1', '1001')]);
    const va = await view(a, { recipientId: '1' });
    expect((await fx.emu.signingPage.sign(va.body.url, 'decline')).redirect).toContain('event=decline');
    expect(fx.emu.state.envelope(a)!.status).toBe('declined');
    expect(fx.emu.state.envelope(a)!.recipients.signers![0]!.status).toBe('declined');
    const b = await send([signer('1', '1', '1001')]);
    const vb = await view(b, { recipientId: '1' });
    expect((await fx.emu.signingPage.sign(vb.body.url, 'later')).redirect).toContain('event=cancel');
    expect(fx.emu.state.envelope(b)!.recipients.signers![0]!.status).toBe('delivered');
    // A fresh URL after Finish Later still works.
    const vb2 = await view(b, { recipientId: '1' });
    expect((await fx.emu.signingPage.sign(vb2.body.url)).redirect).toContain('event=signing_complete');
  });

  it('a completed envelope gives a read-only view ending with viewing_complete', async () => {
    const id = await send([signer('1', '1', '1001')]);
    await fx.emu.signingPage.sign((await view(id, { recipientId: '1' })).body.url);
    const v = await view(id, { recipientId: '1' });
    expect(v.status).toBe(201);
    expect((await fx.emu.signingPage.sign(v.body.url)).redirect).toContain('event=viewing_complete');
  });
});
