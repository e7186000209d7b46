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

describe('limits the reference gives (§6, §13)', () => {
  const post = (body: unknown) => api.call('POST', '/envelopes', body);

  it('(U code) tabLabel over 500 characters → 400 INVALID_REQUEST_PARAMETER naming tabLabel; 500 is fine', async () => {
    const ok = await post(envelope({ recipients: { signers: [signer({ tabs: { textTabs: [signHere({ tabLabel: 'a'.repeat(500) })] } })] } }));
    expect(ok.status).toBe(201);
    const r = await post(envelope({ recipients: { signers: [signer({ tabs: { textTabs: [signHere({ tabLabel: 'a'.repeat(501) })] } })] } }));
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('INVALID_REQUEST_PARAMETER');
    expect(r.body.message).toMatch(/tabLabel/);
  });

  it('(U code) envelope custom field name or value over 100 characters → 400 INVALID_REQUEST_PARAMETER; 100 is fine', async () => {
    const text = (name: string, value: string) => ({ customFields: { textCustomFields: [{ name, value }] } });
    expect((await post(envelope(text('n'.repeat(100), 'v'.repeat(100))))).status).toBe(201);
    for (const body of [
      envelope(text('n'.repeat(101), 'v')),
      envelope(text('n', 'v'.repeat(101))),
      envelope({ customFields: { listCustomFields: [{ name: 'n'.repeat(101), value: 'a', listItems: ['a'] }] } }),
      envelope({ customFields: { listCustomFields: [{ name: 'n', value: 'v'.repeat(101), listItems: ['a'] }] } }),
    ]) {
      const r = await post(body);
      expect(r.status).toBe(400);
      expect(r.body.errorCode).toBe('INVALID_REQUEST_PARAMETER');
      expect(r.body.message).toMatch(/custom field/i);
    }
  });

  it('(U code) scaleValue outside 0.5–2.0 (or not a number) → 400 INVALID_REQUEST_PARAMETER naming scaleValue; the bounds are fine', async () => {
    for (const v of ['0.5', 2, '1']) {
      expect((await post(envelope({ recipients: { signers: [signer({ tabs: { signHereTabs: [signHere({ scaleValue: v })] } })] } }))).status, String(v)).toBe(201);
    }
    for (const v of ['0.4', 2.01, 'big']) {
      const r = await post(envelope({ recipients: { signers: [signer({ tabs: { signHereTabs: [signHere({ scaleValue: v })] } })] } }));
      expect(r.status, String(v)).toBe(400);
      expect(r.body.errorCode).toBe('INVALID_REQUEST_PARAMETER');
      expect(r.body.message).toMatch(/scaleValue/);
    }
  });

  it('a tab whose documentId names no document → 400 TAB_REFERS_TO_MISSING_DOCUMENT (DocuSign\'s text)', async () => {
    const r = await post(envelope({ recipients: { signers: [signer({ tabs: { signHereTabs: [signHere({ documentId: '2' })] } })] } }));
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      errorCode: 'TAB_REFERS_TO_MISSING_DOCUMENT',
      message: 'The DocumentId specified in the tab element does not refer to a document in this envelope. Tab refers to DocumentId 2 which is not present.',
    });
    // Also for a draft and for an anchor tab that names a document.
    const d = await post(envelope({ status: 'created', recipients: { signers: [signer({ tabs: { signHereTabs: [{ anchorString: '/sn1/', documentId: '7' }] } })] } }));
    expect(d.body.errorCode).toBe('TAB_REFERS_TO_MISSING_DOCUMENT');
  });

  it('(U code) two documents with the same documentId in one documents list → 400 INVALID_REQUEST_PARAMETER naming it; across composite templates it is fine', async () => {
    const r = await post(envelope({ documents: [doc(), doc({ name: 'Other.pdf' })] }));
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('INVALID_REQUEST_PARAMETER');
    expect(r.body.message).toMatch(/documentId 1\b/);
    const inline = await post({
      emailSubject: 's',
      status: 'sent',
      compositeTemplates: [{ compositeTemplateId: '1', inlineTemplates: [{ sequence: '1', documents: [doc(), doc()], recipients: { signers: [signer()] } }] }],
    });
    expect(inline.status).toBe(400);
    expect(inline.body.errorCode).toBe('INVALID_REQUEST_PARAMETER');
    // DocuSign's own example eg013 adds a document "1" in a second composite beside a server
    // template whose document is also "1": each composite has its own documents.
    const comp = await post({
      emailSubject: 's',
      status: 'sent',
      compositeTemplates: [1, 2].map((n) => ({
        compositeTemplateId: String(n),
        document: doc({ name: `D${n}.pdf` }),
        inlineTemplates: [{ sequence: '1', recipients: { signers: [signer()] } }],
      })),
    });
    expect(comp.status).toBe(201);
  });

  it('(U code) more than 100 recipients → 400 INVALID_REQUEST_PARAMETER; 100 is fine (signers and carbon copies count together)', async () => {
    const people = (n: number) => Array.from({ length: n }, (_, i) => ({ recipientId: String(i + 2), name: `CC ${i}`, email: `cc${i}@example.test`, routingOrder: '2' }));
    expect((await post(envelope({ recipients: { signers: [signer()], carbonCopies: people(99) } }))).status).toBe(201);
    const r = await post(envelope({ recipients: { signers: [signer()], carbonCopies: people(100) } }));
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('INVALID_REQUEST_PARAMETER');
    expect(r.body.message).toMatch(/100 recipients/);
  });

  it('(U) uncertainErrorCodes changes the errorCode of the unsourced limits', async () => {
    fx.emu.setConfig({ uncertainErrorCodes: { tabLabelTooLong: 'TAB_LABEL_TOO_LONG', duplicateDocumentId: 'DUPLICATE_DOCUMENT_ID' } });
    try {
      const r = await post(envelope({ recipients: { signers: [signer({ tabs: { textTabs: [signHere({ tabLabel: 'a'.repeat(501) })] } })] } }));
      expect(r.body.errorCode).toBe('TAB_LABEL_TOO_LONG');
      const d = await post(envelope({ documents: [doc(), doc()] }));
      expect(d.body.errorCode).toBe('DUPLICATE_DOCUMENT_ID');
    } finally {
      fx.emu.setConfig({ uncertainErrorCodes: {} });
    }
  });
});
