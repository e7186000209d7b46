import { beforeAll, describe, expect, it } from 'vitest';
import { makePdf } from '../../src/emulator/pdf.js';
import { getToken, type RestClient, restClient, withEmulator } from '../helpers/emulator.js';

const fx = withEmulator();
let api: RestClient;
beforeAll(async () => {
  api = await restClient(fx.emu, fx.seed);
});

const pdf = (...lines: string[]) => makePdf([lines.length ? lines : ['Sign: /sn1/']]).toString('base64');
const doc = (over: Record<string, unknown> = {}) => ({ documentId: '1', name: 'NDA.pdf', fileExtension: 'pdf', documentBase64: pdf(), ...over });
const signer = (over: Record<string, unknown> = {}) => ({
  recipientId: '1',
  name: 'Pat Example',
  email: 'pat@example.test',
  routingOrder: '1',
  tabs: { signHereTabs: [{ documentId: '1', pageNumber: '1', xPosition: '100', yPosition: '100' }] },
  ...over,
});
const envelope = (over: Record<string, unknown> = {}) => ({ emailSubject: 'Please sign', status: 'sent', documents: [doc()], recipients: { signers: [signer()] }, ...over });

describe('REST auth and account', () => {
  it('401 USER_AUTHENTICATION_FAILED without a Bearer; AUTHORIZATION_INVALID_TOKEN for Bearer undefined / revoked; CRLF pretty JSON', async () => {
    const { emu, seed } = fx;
    const url = `${emu.restUrls[0]}/restapi/v2.1/accounts/${seed.accountId}/envelopes?from_date=2020-01-01`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await none.text();
    expect(text).toContain('{\r\n  "errorCode": "USER_AUTHENTICATION_FAILED"');
    const undef = await fetch(url, { headers: { authorization: 'Bearer undefined' } });
    expect(undef.status).toBe(401);
    expect(((await undef.json()) as any).errorCode).toBe('AUTHORIZATION_INVALID_TOKEN');
  });

  it('revokeTokens() makes live tokens fail with 401', async () => {
    const local = await restClient(fx.emu, fx.seed);
    expect((await local.call('GET', '/envelopes?from_date=2020-01-01')).status).toBe(200);
    fx.emu.revokeTokens();
    const r = await local.call('GET', '/envelopes?from_date=2020-01-01');
    expect(r.status).toBe(401);
    api = await restClient(fx.emu, fx.seed);
  });

  it('an account the user lacks → 400 USER_DOES_NOT_BELONG_TO_SPECIFIED_ACCOUNT (U status)', async () => {
    const other = await restClient(fx.emu, fx.seed, '99999999-9999-9999-9999-999999999999');
    const r = await other.call('GET', '/envelopes?from_date=2020-01-01');
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('USER_DOES_NOT_BELONG_TO_SPECIFIED_ACCOUNT');
  });

  it('every REST answer carries rate-limit headers and a trace token', async () => {
    const r = await api.call('GET', '/envelopes?from_date=2020-01-01');
    for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-burstlimit-limit', 'x-burstlimit-remaining', 'x-docusign-tracetoken']) {
      expect(r.headers.get(h), h).toBeTruthy();
    }
  });
});

describe('create envelope', () => {
  it('201 envelopeSummary; GET returns it with include=recipients,documents; 7-digit timestamps', async () => {
    const c = await api.call('POST', '/envelopes', envelope({ transactionId: 'tx-1' }));
    expect(c.status).toBe(201);
    expect(c.body.status).toBe('sent');
    expect(c.body.uri).toBe(`/envelopes/${c.body.envelopeId}`);
    expect(c.body.statusDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    const g = await api.call('GET', `/envelopes/${c.body.envelopeId}?include=recipients,documents`);
    expect(g.status).toBe(200);
    expect(g.body.emailSubject).toBe('Please sign');
    expect(g.body.sentDateTime).toMatch(/\.\d{7}Z$/);
    expect(g.body.recipients.signers[0]).toMatchObject({ name: 'Pat Example', email: 'pat@example.test', status: 'sent', recipientId: '1' });
    expect(g.body.recipients.signers[0].tabs).toBeUndefined();
    expect(g.body.envelopeDocuments[0]).toMatchObject({ documentId: '1', name: 'NDA.pdf' });
    expect(fx.emu.state.envelope(c.body.envelopeId)?.transactionId).toBe('tx-1');
  });

  it('accepts numbers and booleans for scalars, status in any case, and ignores unknown fields', async () => {
    const c = await api.call('POST', '/envelopes', envelope({
      status: 'Sent',
      someFutureField: { a: 1 },
      recipients: { signers: [signer({ recipientId: 1, routingOrder: 1, tabs: { signHereTabs: [{ documentId: 1, pageNumber: 1, xPosition: 10, yPosition: 10, optional: false }] } })] },
    }));
    expect(c.status).toBe(201);
    expect(c.body.status).toBe('sent');
    expect(fx.emu.state.envelope(c.body.envelopeId)!.recipients.signers![0]!.recipientId).toBe('1');
  });

  it('draft (status created or omitted) needs no subject; records no email', async () => {
    const c = await api.call('POST', '/envelopes', { documents: [doc()], recipients: { signers: [signer()] } });
    expect(c.status).toBe(201);
    expect(c.body.status).toBe('created');
    expect(fx.emu.state.envelope(c.body.envelopeId)!.emails).toEqual([]);
  });

  it('ENVELOPE_IS_INCOMPLETE when sending without subject, documents or recipients', async () => {
    for (const e of [envelope({ emailSubject: '' }), envelope({ documents: [] }), envelope({ recipients: {} })]) {
      const r = await api.call('POST', '/envelopes', e);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({
        errorCode: 'ENVELOPE_IS_INCOMPLETE',
        message: 'The Envelope is not Complete. A Complete Envelope Requires Documents, Recipients, Tabs, and a Subject Line.',
      });
    }
  });

  it('emailSubject over 100 characters is an error, not truncated (U code)', async () => {
    const r = await api.call('POST', '/envelopes', envelope({ emailSubject: 'x'.repeat(101) }));
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('INVALID_REQUEST_PARAMETER');
    expect((await api.call('POST', '/envelopes', envelope({ emailSubject: 'x'.repeat(100) }))).status).toBe(201);
  });

  it('INVALID_EMAIL_ADDRESS_FOR_RECIPIENT with the recipient id in the message', async () => {
    const r = await api.call('POST', '/envelopes', envelope({ recipients: { signers: [signer(), signer({ recipientId: '2', email: 'not-an-email' })] } }));
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ errorCode: 'INVALID_EMAIL_ADDRESS_FOR_RECIPIENT', message: 'The email address for the recipient is invalid. The recipient Id follows. Recipient Id: 2' });
  });

  it('duplicate recipientId → ENVELOPE_HAS_DUPLICATE_RECIPIENTS (quoted from a real answer); missing name on send → INVALID_USERNAME_FOR_RECIPIENT', async () => {
    const dup = await api.call('POST', '/envelopes', envelope({ recipients: { signers: [signer()], carbonCopies: [{ recipientId: '1', name: 'C', email: 'c@example.test' }] } }));
    expect(dup.body.errorCode).toBe('ENVELOPE_HAS_DUPLICATE_RECIPIENTS');
    const noName = await api.call('POST', '/envelopes', envelope({ recipients: { signers: [signer({ name: '' })] } }));
    expect(noName.body.errorCode).toBe('INVALID_USERNAME_FOR_RECIPIENT');
  });

  it('(U) a non-PDF document without fileExtension → UNABLE_TO_LOAD_DOCUMENT; PDF bytes without it are fine', async () => {
    const html = Buffer.from('<html><body>Sign here /sn1/</body></html>').toString('base64');
    const r = await api.call('POST', '/envelopes', envelope({ documents: [{ documentId: '1', name: 'a.html', documentBase64: html }] }));
    expect(r.body.errorCode).toBe('UNABLE_TO_LOAD_DOCUMENT');
    const ok = await api.call('POST', '/envelopes', envelope({ documents: [{ documentId: '1', name: 'looks.docx', documentBase64: pdf() }] }));
    expect(ok.status).toBe(201);
    const withExt = await api.call('POST', '/envelopes', envelope({ documents: [{ documentId: '1', name: 'a.html', fileExtension: 'html', documentBase64: html }], recipients: { signers: [signer({ tabs: { signHereTabs: [{ anchorString: '/sn1/' }] } })] } }));
    expect(withExt.status).toBe(201);
  });

  it('TAB_PAGENUMBER_IS_NOT_IN_DOCUMENT for a page beyond the document', async () => {
    const r = await api.call('POST', '/envelopes', envelope({ recipients: { signers: [signer({ tabs: { signHereTabs: [{ documentId: '1', pageNumber: '3', xPosition: '1', yPosition: '1' }] } })] } }));
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('TAB_PAGENUMBER_IS_NOT_IN_DOCUMENT');
  });

  it('anchors: found in the text layer; missing → ANCHOR_TAB_STRING_NOT_FOUND unless anchorIgnoreIfNotPresent; checkAnchors option', async () => {
    const tabs = (anchor: string, extra = {}) => ({ recipients: { signers: [signer({ tabs: { signHereTabs: [{ anchorString: anchor, anchorUnits: 'pixels', ...extra }] } })] } });
    expect((await api.call('POST', '/envelopes', envelope(tabs('/sn1/')))).status).toBe(201);
    const miss = await api.call('POST', '/envelopes', envelope(tabs('/sn9/')));
    expect(miss.status).toBe(400);
    expect(miss.body.errorCode).toBe('ANCHOR_TAB_STRING_NOT_FOUND');
    expect((await api.call('POST', '/envelopes', envelope(tabs('/sn9/', { anchorIgnoreIfNotPresent: 'true' })))).status).toBe(201);
    fx.emu.setConfig({ checkAnchors: false });
    try {
      expect((await api.call('POST', '/envelopes', envelope(tabs('/sn9/')))).status).toBe(201);
    } finally {
      fx.emu.setConfig({ checkAnchors: true });
    }
  });

  it('missing or unparsable body → INVALID_REQUEST_BODY', async () => {
    const r = await api.call('POST', '/envelopes', '');
    expect(r.body.errorCode).toBe('INVALID_REQUEST_BODY');
    const r2 = await api.call('POST', '/envelopes', '{"emailSubject": ');
    expect(r2.body.errorCode).toBe('INVALID_REQUEST_BODY');
    expect(r2.body.message).toMatch(/^The request body is missing or improperly formatted\./);
  });

  it('OpenAPI shapes: object where an array is expected (and vice versa) → INVALID_REQUEST_BODY naming the path', async () => {
    const r = await api.call('POST', '/envelopes', envelope({ recipients: { signers: signer() } }));
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('INVALID_REQUEST_BODY');
    expect(r.body.message).toContain("Path 'recipients.signers'");
    expect(r.body.message).toContain('requires a JSON array');
    const r2 = await api.call('POST', '/envelopes', envelope({ recipients: [signer()] }));
    expect(r2.body.message).toContain('requires a JSON object');
    const r3 = await api.call('POST', '/envelopes', envelope({ emailSubject: { text: 'x' } }));
    expect(r3.body.errorCode).toBe('INVALID_REQUEST_BODY');
    expect(r3.body.message).toContain("Path 'emailSubject'");
    const r4 = await api.call('POST', '/envelopes', envelope({ recipients: { signers: [signer({ tabs: { signHereTabs: { anchorString: 'x' } } })] } }));
    expect(r4.body.message).toContain("Path 'recipients.signers[0].tabs.signHereTabs'");
  });

  it('requests over maxRequestBytes → 413', async () => {
    fx.emu.setConfig({ maxRequestBytes: 10_000 });
    try {
      const r = await api.call('POST', '/envelopes', envelope({ emailBlurb: 'x'.repeat(20_000) }));
      expect(r.status).toBe(413);
    } finally {
      fx.emu.setConfig({ maxRequestBytes: 35_651_584 });
    }
  });

  it('records an invitation email for remote signers but none for embedded ones (BR-17)', async () => {
    const remote = await api.call('POST', '/envelopes', envelope());
    const embedded = await api.call('POST', '/envelopes', envelope({ recipients: { signers: [signer({ clientUserId: '1001' })] } }));
    expect(fx.emu.state.envelope(remote.body.envelopeId)!.emails).toHaveLength(1);
    expect(fx.emu.state.envelope(embedded.body.envelopeId)!.emails).toHaveLength(0);
  });
});

describe('multipart create', () => {
  it('accepts a JSON part plus binary document parts (CRLF, documentid in Content-Disposition)', async () => {
    const B = 'multipartboundary_v1';
    const def = { emailSubject: 'Binary', status: 'sent', documents: [{ documentId: '1', name: 'A.pdf', fileExtension: 'pdf' }, { documentId: '2', name: 'B.html', fileExtension: 'html' }], recipients: { signers: [signer({ tabs: { signHereTabs: [{ anchorString: 'Sign at /b1/' }] } })] } };
    const pdfBytes = makePdf([['Page one'], ['Page two']]);
    const body = Buffer.concat([
      Buffer.from(`--${B}\r\nContent-Type: application/json\r\nContent-Disposition: form-data\r\n\r\n${JSON.stringify(def)}\r\n`),
      Buffer.from(`--${B}\r\nContent-Type: application/pdf\r\nContent-Disposition: file; filename="A.pdf";documentid=1\r\n\r\n`),
      pdfBytes,
      Buffer.from(`\r\n--${B}\r\nContent-Type: text/html\r\nContent-Disposition: file; filename="B.html";documentid=2\r\n\r\n<p>Sign at /b1/</p>\r\n--${B}--\r\n`),
    ]);
    const r = await api.call('POST', '/envelopes', body, { 'content-type': `multipart/form-data; boundary=${B}` });
    expect(r.status, r.text).toBe(201);
    const env = fx.emu.state.envelope(r.body.envelopeId)!;
    expect(env.documents[0]!.bytes.equals(pdfBytes)).toBe(true);
    expect(env.documents[0]!.pages).toBe(2);
    expect(env.documents[1]!.bytes.toString()).toBe('<p>Sign at /b1/</p>');
  });

  it('a truncated multipart body → INVALID_REQUEST_BODY', async () => {
    const B = 'xyz';
    const r = await api.call('POST', '/envelopes', `--${B}\r\nContent-Type: application/json\r\n\r\n{}`, { 'content-type': `multipart/form-data; boundary=${B}` });
    expect(r.body.errorCode).toBe('INVALID_REQUEST_BODY');
  });
});

describe('list, update, void, documents', () => {
  it('list needs from_date, envelope_ids or transaction_ids (exact message)', async () => {
    const r = await api.call('GET', '/envelopes');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      errorCode: 'INVALID_REQUEST_PARAMETER',
      message: "The request contained at least one invalid parameter. Query parameter 'from_date' must be set to a valid DateTime, or 'envelope_ids' or 'transaction_ids' must be specified.",
    });
    expect((await api.call('GET', '/envelopes?from_date=yesterday')).status).toBe(400);
  });

  it('filters by transaction_ids, envelope_ids, status; pages with count/start_position', async () => {
    const a = await api.call('POST', '/envelopes', envelope({ transactionId: 'tx-a' }));
    const b = await api.call('POST', '/envelopes', envelope({ transactionId: 'tx-b', status: 'created' }));
    const byTx = await api.call('GET', '/envelopes?transaction_ids=tx-a,tx-b');
    expect(byTx.body.envelopes.map((e: any) => e.envelopeId).sort()).toEqual([a.body.envelopeId, b.body.envelopeId].sort());
    const byId = await api.call('GET', `/envelopes?envelope_ids=${a.body.envelopeId}`);
    expect(byId.body.totalSetSize).toBe('1');
    const drafts = await api.call('GET', `/envelopes?from_date=2000-01-01&status=created`);
    expect(drafts.body.envelopes.every((e: any) => e.status === 'created')).toBe(true);
    const page = await api.call('GET', '/envelopes?from_date=2000-01-01&count=2&start_position=1');
    expect(page.body.resultSetSize).toBe('2');
    expect(page.body.startPosition).toBe('1');
    expect(page.body.endPosition).toBe('2');
    expect(Number(page.body.totalSetSize)).toBeGreaterThan(3);
    expect(page.body.nextUri).toContain('start_position=3');
  });

  it('PUT status sent sends a draft; void needs voidedReason; only sent/delivered can be voided', async () => {
    const d = await api.call('POST', '/envelopes', envelope({ status: 'created' }));
    const id = d.body.envelopeId;
    const voidDraft = await api.call('PUT', `/envelopes/${id}`, { status: 'voided', voidedReason: 'x' });
    expect(voidDraft.body).toEqual({ errorCode: 'ENVELOPE_CANNOT_VOID_INVALID_STATE', message: "Only envelopes in the 'Sent' or 'Delivered' states may be voided." });
    const send = await api.call('PUT', `/envelopes/${id}`, { status: 'sent' });
    expect(send.status).toBe(200);
    expect(send.body).toEqual({ envelopeId: id });
    expect(fx.emu.state.envelope(id)!.status).toBe('sent');
    const noReason = await api.call('PUT', `/envelopes/${id}`, { status: 'voided' });
    expect(noReason.body).toEqual({ errorCode: 'INVALID_REQUEST_PARAMETER', message: "The request contained at least one invalid parameter. Value for 'voidedReason' must be specified when voiding an envelope." });
    const ok = await api.call('PUT', `/envelopes/${id}`, { status: 'VOIDED', voidedReason: 'changed my mind' });
    expect(ok.status).toBe(200);
    const g = await api.call('GET', `/envelopes/${id}`);
    expect(g.body.status).toBe('voided');
    expect(g.body.voidedReason).toBe('changed my mind');
    expect((await api.call('PUT', `/envelopes/${id}`, { status: 'voided', voidedReason: 'again' })).body.errorCode).toBe('ENVELOPE_CANNOT_VOID_INVALID_STATE');
  });

  it('(U) unknown envelope → ENVELOPE_DOES_NOT_EXIST with status 400 by default, 404 by option', async () => {
    const id = '00000000-0000-0000-0000-000000000000';
    const r = await api.call('GET', `/envelopes/${id}`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ errorCode: 'ENVELOPE_DOES_NOT_EXIST', message: 'The envelope specified either does not exist or you have no rights to it.' });
    fx.emu.setConfig({ envelopeNotFoundStatus: 404 });
    try {
      expect((await api.call('GET', `/envelopes/${id}/recipients`)).status).toBe(404);
    } finally {
      fx.emu.setConfig({ envelopeNotFoundStatus: 400 });
    }
  });

  it('recipients with include_tabs, currentRoutingOrder; documents list; combined is a valid PDF', async () => {
    const c = await api.call('POST', '/envelopes', envelope({ recipients: { signers: [signer()], carbonCopies: [{ recipientId: '2', name: 'Cy', email: 'cy@example.test', routingOrder: '2' }] } }));
    const id = c.body.envelopeId;
    const r = await api.call('GET', `/envelopes/${id}/recipients?include_tabs=true`);
    expect(r.body.recipientCount).toBe('2');
    expect(r.body.currentRoutingOrder).toBe('1');
    expect(r.body.signers[0].tabs.signHereTabs).toHaveLength(1);
    expect(r.body.carbonCopies[0].status).toBe('created');
    const docs = await api.call('GET', `/envelopes/${id}/documents`);
    expect(docs.body.envelopeDocuments.map((d: any) => d.documentId)).toEqual(['1', 'certificate']);
    const res = await fetch(`${api.base}/envelopes/${id}/documents/combined`, { headers: { authorization: `Bearer ${await getToken(fx.emu, fx.seed)}` } });
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^file; filename=".*\.pdf"; documentid="combined"$/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.toString('latin1')).toContain('%%EOF');
    expect((await api.call('GET', `/envelopes/${id}/documents/7`)).body.errorCode).toBe('DOCUMENT_DOES_NOT_EXIST');
  });

  it('unknown routes → 404 RESOURCE_NOT_FOUND', async () => {
    const r = await api.call('GET', '/nonsense');
    expect(r.status).toBe(404);
    expect(r.body.errorCode).toBe('RESOURCE_NOT_FOUND');
  });
});
