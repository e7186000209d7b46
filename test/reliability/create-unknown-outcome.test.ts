/**
 * A create answered with any 5xx (not only 502/503/504) or lost on the network leaves its outcome
 * unknown: esign looks the envelope up by transactionId before deciding. Found → success; not found
 * → DocuSign's own error (a 500 is not sent again); lookup failing (any error) → "may or may not
 * have been created", exit 6, never "rejected".
 */
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


describe('a create answered with a 5xx', () => {
  it('500 AFTER DocuSign created the envelope: found by transactionId, exit 0, the real id, not sent twice', async () => {
    const before = h.emu.state.envelopes().length;
    h.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'status', status: 500, when: 'after' });
    const r = await h.run(SEND);
    expect(r.code, r.err).toBe(0);
    const made = h.emu.state.envelopes().slice(before);
    expect(made).toHaveLength(1);
    expect(r.out).toContain(`envelope ${made[0]!.envelopeId} sent`);
    expect(envelopeCreates(r)).toHaveLength(1);
    expect(transactionLookups(r)).toHaveLength(1);
    expect(r.err).toMatch(/found by its transactionId/);
    expect(r.err).not.toMatch(/rejected/);
  });

  it('500 BEFORE anything was created: looked up, not found, DocuSign\'s error (exit 5), no second create', async () => {
    const before = h.emu.state.envelopes().length;
    h.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'status', status: 500, when: 'before' });
    const r = await h.run([...SEND, '--json']);
    expect(r.code).toBe(5);
    const err = JSON.parse(r.err).error;
    expect(err.message).toMatch(/UNSPECIFIED_ERROR/);
    expect(err.hint).toMatch(/looked the envelope up by its transactionId \(.+\): it was not created/);
    expect(h.emu.state.envelopes().length).toBe(before);
    expect(envelopeCreates(r)).toHaveLength(1);
    expect(transactionLookups(r)).toHaveLength(1);
  });

  it('507 after: any 5xx counts, not only the retry statuses', async () => {
    const before = h.emu.state.envelopes().length;
    h.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'status', status: 507, when: 'after', body: '' });
    const r = await h.run(SEND);
    expect(r.code, r.err).toBe(0);
    expect(h.emu.state.envelopes().length).toBe(before + 1);
    expect(envelopeCreates(r)).toHaveLength(1);
  });

  it('500 after, and the lookup is answered with a 500 too: exit 6, "may or may not", the id to check — never "rejected"', async () => {
    const before = h.emu.state.envelopes().length;
    h.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'status', status: 500, when: 'after' });
    h.emu.injectFault({ host: 'rest', method: 'GET', path: '/envelopes', kind: 'status', status: 500, times: 10 });
    const r = await h.run([...SEND, '--json']);
    expect(r.code).toBe(6);
    const err = JSON.parse(r.err).error;
    expect(err.message).toMatch(/HTTP 500/);
    expect(err.message).toMatch(/may or may not have been created \(transactionId [0-9a-f-]{36}\)/);
    expect(err.message).not.toMatch(/rejected POST \/envelopes/);
    expect(err.hint).toContain(`esign list --transaction-id ${err.details.transactionId}`);
    expect(err.hint).not.toMatch(/try again/i); // the lookup's own hint would invite a duplicate
    expect(err.details.outcome).toBe('unknown');
    // it does exist, under that transactionId: the hint leads the user to it
    const made = h.emu.state.envelopes().slice(before);
    expect(made.map((e) => e.transactionId)).toEqual([err.details.transactionId]);
    expect(envelopeCreates(r)).toHaveLength(1);
  });

  it('a connection reset after the create, and a lookup refused with a 400: exit 6, outcome unknown', async () => {
    h.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'reset', when: 'after' });
    h.emu.injectFault({ host: 'rest', method: 'GET', path: '/envelopes', kind: 'status', status: 400, body: { errorCode: 'INVALID_REQUEST_PARAMETER', message: 'nope' } });
    const r = await h.run([...SEND, '--json']);
    expect(r.code).toBe(6);
    const err = JSON.parse(r.err).error;
    expect(err.message).toMatch(/may or may not have been created/);
    expect(err.details.outcome).toBe('unknown');
    expect(envelopeCreates(r)).toHaveLength(1);
  });
});
