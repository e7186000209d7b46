import { beforeAll, describe, expect, it } from 'vitest';
import { makePdf } from '../../src/emulator/pdf.js';
import { type RestClient, restClient, withEmulator } from '../helpers/emulator.js';

const fx = withEmulator();
let api: RestClient;
beforeAll(async () => {
  api = await restClient(fx.emu, fx.seed);
});

const pdf = makePdf([['Sign: /sn1/']]).toString('base64');
const doc = (over: Record<string, unknown> = {}) => ({ documentId: '1', name: 'NDA.pdf', fileExtension: 'pdf', documentBase64: pdf, ...over });
const signHere = (over: Record<string, unknown> = {}) => ({ documentId: '1', pageNumber: '1', xPosition: '100', yPosition: '100', ...over });
const signer = (over: Record<string, unknown> = {}) => ({
  recipientId: '1',
  name: 'Pat Example',
  email: 'pat@example.test',
  routingOrder: '1',
  tabs: { signHereTabs: [signHere()] },
  ...over,
});
const envelope = (over: Record<string, unknown> = {}) => ({ emailSubject: 'Please sign', status: 'sent', documents: [doc()], recipients: { signers: [signer()] }, ...over });

async function byTransaction(tx: string): Promise<any[]> {
  const r = await api.call('GET', `/envelopes?transaction_ids=${tx}`);
  expect(r.status).toBe(200);
  return r.body.envelopes ?? [];
}

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('asynchronous create (reference §6)', () => {
  it('answers status Processing without an envelopeId; the envelope shows as processing, then is sent in the background', async () => {
    fx.emu.setConfig({ asyncProcessingMs: 300 });
    const before = fx.emu.state.envelopes().length;
    const c = await api.call('POST', '/envelopes', envelope({ asynchronous: true, transactionId: 'async-1' }));
    expect(c.status).toBe(201);
    expect(c.body.status).toBe('Processing');
    expect(c.body.envelopeId).toBeUndefined();
    expect(c.body.uri).toBeUndefined();
    expect(c.text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    // Queued: visible by transactionId as processing, nobody invited yet.
    const [queued] = await byTransaction('async-1');
    expect(queued.status).toBe('processing');
    const id = queued.envelopeId as string;
    expect(fx.emu.state.envelope(id)?.emails).toEqual([]);
    const g = await api.call('GET', `/envelopes/${id}`);
    expect(g.body.status).toBe('processing');
    // A processing envelope cannot be acted on yet.
    const put = await api.call('PUT', `/envelopes/${id}`, { status: 'sent' });
    expect(put.status).toBe(400);
    expect(put.body.errorCode).toBe('ENVELOPE_INVALID_STATUS');
    // Then it is created and sent as asked.
    const sent = await waitFor(async () => (await byTransaction('async-1')).find((e) => e.status === 'sent'));
    expect(sent.envelopeId).toBe(id);
    expect(fx.emu.state.envelope(id)?.emails.map((m) => m.kind)).toEqual(['invitation']);
    expect(fx.emu.state.envelopes().length).toBe(before + 1);
  });

  it('a draft stays a draft; asynchronous "false" is an ordinary create', async () => {
    fx.emu.setConfig({ asyncProcessingMs: 0 });
    const c = await api.call('POST', '/envelopes', envelope({ asynchronous: 'true', status: 'created', transactionId: 'async-2' }));
    expect(c.body).toMatchObject({ status: 'Processing' });
    const draft = await waitFor(async () => (await byTransaction('async-2')).find((e) => e.status === 'created'));
    expect(draft.envelopeId).toBeTruthy();
    const sync = await api.call('POST', '/envelopes', envelope({ asynchronous: 'false' }));
    expect(sync.status).toBe(201);
    expect(sync.body).toMatchObject({ status: 'sent', envelopeId: expect.any(String) });
  });

  it('(U) a request DocuSign would refuse is refused at once; asyncFailuresInBackground: true answers Processing and creates nothing', async () => {
    const bad = envelope({ asynchronous: true, emailSubject: '', transactionId: 'async-3' });
    const r = await api.call('POST', '/envelopes', bad);
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('ENVELOPE_IS_INCOMPLETE');
    fx.emu.setConfig({ asyncFailuresInBackground: true, asyncProcessingMs: 0 });
    try {
      const q = await api.call('POST', '/envelopes', bad);
      expect(q.status).toBe(201);
      expect(q.body).toEqual({ status: 'Processing', statusDateTime: expect.any(String) });
      await new Promise((res) => setTimeout(res, 50));
      expect(await byTransaction('async-3')).toEqual([]);
    } finally {
      fx.emu.setConfig({ asyncFailuresInBackground: false });
    }
  });
});
