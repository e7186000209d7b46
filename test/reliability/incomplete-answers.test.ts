/**
 * A 3xx, or a 2xx without the thing asked for, is never a success: esign does not follow
 * redirects (exit 5, hint: the base URI), a create answered without an envelopeId is looked up by
 * transactionId before anything is said (DocuSign's asynchronous "Processing" answer included), and
 * `esign status` refuses an answer without the envelope's id and status.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliHarness, envelopeCreates, transactionLookups, type CliHarness } from '../helpers/cli.js';

const NDA = path.resolve(__dirname, '../../templates/nda.yaml');
const SEND = ['send', NDA, '--var', 'company=Acme', '--var', 'counterparty.name=Pat Q', '--var', 'counterparty.email=pat@example.test', '--role', 'Legal=Lee Legal <legal@example.test>'];

let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.emu.clearFaults());

const CREATE = { host: 'rest' as const, method: 'POST', path: '/envelopes', kind: 'status' as const };

describe('create answered with a redirect or without an envelopeId', () => {
  it('302 with an empty body: exit 5, says esign does not follow redirects and the base URI may be wrong; no "envelope undefined"', async () => {
    h.emu.injectFault({ ...CREATE, status: 302, body: '', headers: { Location: 'https://elsewhere.example.test/restapi?code=SECRET' } });
    const r = await h.run([...SEND, '--json']);
    expect(r.code).toBe(5);
    expect(r.out).toBe('');
    const err = JSON.parse(r.err).error;
    expect(err.message).toMatch(/redirect \(HTTP 302 to https:\/\/elsewhere\.example\.test\/restapi\)/);
    expect(err.message).not.toMatch(/SECRET/);
    expect(err.hint).toMatch(/base URI/);
    expect(r.err).not.toMatch(/undefined/);
    expect(envelopeCreates(r)).toHaveLength(1);
  });

  it('201 {"status":"Processing"} and nothing found by transactionId: exit 5, explains asynchronous envelopes, the id to check', async () => {
    const before = h.emu.state.envelopes().length;
    h.emu.injectFault({ ...CREATE, status: 201, body: { status: 'Processing' } });
    const r = await h.run([...SEND, '--json']);
    expect(r.code).toBe(5);
    expect(r.out).toBe('');
    const err = JSON.parse(r.err).error;
    expect(err.message).toMatch(/asynchronous processing/);
    expect(err.message).toMatch(/may still be created/);
    expect(err.hint).toMatch(/esign does not send asynchronous envelopes/);
    expect(err.hint).toContain(`esign list --transaction-id ${err.details.transactionId}`);
    expect(err.details.outcome).toBe('unknown');
    expect(transactionLookups(r)).toHaveLength(1);
    expect(h.emu.state.envelopes().length).toBe(before);
  });

  it('201 {"status":"Processing"} for an envelope that does exist: found by transactionId, exit 0 with its real id', async () => {
    const before = h.emu.state.envelopes().length;
    h.emu.injectFault({ ...CREATE, status: 201, body: { status: 'Processing' }, when: 'after' });
    const r = await h.run([...SEND, '--quiet']);
    expect(r.code, r.err).toBe(0);
    const made = h.emu.state.envelopes().slice(before);
    expect(made).toHaveLength(1);
    expect(r.out.trim()).toBe(made[0]!.envelopeId);
    expect(envelopeCreates(r)).toHaveLength(1);
  });

  it('an empty 200 for a created envelope: found, exit 0; for one not created: exit 5 "may still appear", never "sent"', async () => {
    let before = h.emu.state.envelopes().length;
    h.emu.injectFault({ ...CREATE, status: 200, body: '', when: 'after' });
    const ok = await h.run(SEND);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain(`envelope ${h.emu.state.envelopes().at(-1)!.envelopeId} sent`);
    expect(h.emu.state.envelopes().length).toBe(before + 1);

    before = h.emu.state.envelopes().length;
    h.emu.injectFault({ ...CREATE, status: 200, body: '' });
    const r = await h.run(SEND);
    expect(r.code).toBe(5);
    expect(r.out).not.toMatch(/sent|undefined/);
    expect(r.err).toMatch(/HTTP 200 without an envelopeId/);
    expect(r.err).toMatch(/esign list --transaction-id/);
    expect(h.emu.state.envelopes().length).toBe(before);
  });

  it('an answer without envelopeId whose lookup fails too: exit 6, outcome unknown', async () => {
    h.emu.injectFault({ ...CREATE, status: 201, body: { status: 'Processing' }, when: 'after' });
    h.emu.injectFault({ host: 'rest', method: 'GET', path: '/envelopes', kind: 'reset', times: 20 });
    const r = await h.run([...SEND, '--json'], { env: { ESIGN_MAX_RETRIES: '1' } });
    expect(r.code).toBe(6);
    const err = JSON.parse(r.err).error;
    expect(err.message).toMatch(/may or may not have been created/);
    expect(err.details.outcome).toBe('unknown');
  });
});

describe('a raw definition with "asynchronous": "true" (DocuSign answers Processing, no envelopeId)', () => {
  it('the queued envelope is found by transactionId: its real id, nothing sent twice', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-async-'));
    const file = path.join(dir, 'async.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        emailSubject: 'Async',
        status: 'sent',
        asynchronous: 'true',
        documents: [{ documentId: '1', name: 'd.txt', fileExtension: 'txt', documentBase64: Buffer.from('please sign').toString('base64') }],
        recipients: { signers: [{ recipientId: '1', name: 'Pat Q', email: 'pat@example.test', tabs: { signHereTabs: [{ documentId: '1', pageNumber: '1', xPosition: '100', yPosition: '100' }] } }] },
      }),
    );
    const before = h.emu.state.envelopes().length;
    const r = await h.run(['send', file, '--quiet']);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.code, r.err).toBe(0);
    const made = h.emu.state.envelopes().slice(before);
    expect(made).toHaveLength(1);
    expect(r.out.trim()).toBe(made[0]!.envelopeId);
    expect(envelopeCreates(r)).toHaveLength(1);
    expect(transactionLookups(r)).toHaveLength(1);
  });
});

describe('esign status with an incomplete answer', () => {
  it('an empty 200, an answer without status, and a redirect are errors (exit 5), not a blank status', async () => {
    const sent = await h.run([...SEND, '--quiet']);
    expect(sent.code, sent.err).toBe(0);
    const id = sent.out.trim();
    const GET = { host: 'rest' as const, method: 'GET', path: new RegExp(`/envelopes/${id}`), kind: 'status' as const };

    h.emu.injectFault({ ...GET, status: 200, body: '' });
    let r = await h.run(['status', id]);
    expect(r.code).toBe(5);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/HTTP 200 but an empty body: esign cannot tell the envelope's status/);

    h.emu.injectFault({ ...GET, status: 200, body: { envelopeId: id } });
    r = await h.run(['status', id, '--quiet']);
    expect(r.code).toBe(5);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/no status/);

    h.emu.injectFault({ ...GET, status: 301, body: '', headers: { Location: 'http://old.example.test/' } });
    r = await h.run(['status', id]);
    expect(r.code).toBe(5);
    expect(r.err).toMatch(/redirect \(HTTP 301/);

    // and the real answer still works
    r = await h.run(['status', id, '--quiet']);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim()).toBe('sent');
  });
});
