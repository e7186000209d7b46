import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import { createEnvelope } from '../cli/envelopes.js';

let h: CliHarness;
let id: string;
beforeAll(async () => {
  h = await cliHarness();
  id = await createEnvelope(h.emu, h.seed);
});
afterAll(() => h.close());

describe('esign status', () => {
  it('reports the envelope and its recipients in one GET', async () => {
    const r = await h.run(['status', id, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ envelopeId: id, status: 'sent', emailSubject: 'Please sign the NDA' });
    expect(j.sentDateTime).toMatch(/^\d{4}-/);
    expect(j.recipients).toEqual([
      expect.objectContaining({ recipientId: '1', type: 'signer', roleName: 'Signer', name: 'Pat Example', email: 'pat@example.com', embedded: true }),
      expect.objectContaining({ recipientId: '2', type: 'carbonCopy', roleName: null, name: 'Lee Copy', embedded: false }),
    ]);
    const rest = r.requests.filter((q) => q.host === 'rest');
    expect(rest).toHaveLength(1);
    expect(rest[0]!.path).toMatch(new RegExp(`/envelopes/${id}$`));
  });

  it('human output names status and recipients; --quiet prints only the status', async () => {
    const r = await h.run(['status', id]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(id);
    expect(r.out).toMatch(/Pat Example <pat@example.com>.*embedded/);
    const q = await h.run(['status', id, '--quiet']);
    expect(q.out).toBe('sent\n');
  });

  it('refuses a malformed id locally (exit 2, no request)', async () => {
    const r = await h.run(['status', 'not-an-id']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not an envelope id/);
    expect(r.requests).toHaveLength(0);
  });

  it('an unknown envelope is exit 5 with the DocuSign code and a hint', async () => {
    const r = await h.run(['status', '00000000-0000-4000-8000-000000000000', '--json']);
    expect(r.code).toBe(5);
    const e = JSON.parse(r.err).error;
    expect(e.details.errorCode).toBe('ENVELOPE_DOES_NOT_EXIST');
    expect(e.hint).toMatch(/esign list/);
  });

  it('a per-envelope polling limit is named as such, exit 6, and not retried', async () => {
    h.emu.injectFault({
      host: 'rest',
      method: 'GET',
      path: `/envelopes/${id}`,
      kind: 'status',
      status: 400,
      body: { errorCode: 'Hourly_Envelope_Polling_Limit_Exceeded', message: 'The maximum number of hourly polling requests for this envelope has been exceeded.' },
      times: 5,
    });
    try {
      const r = await h.run(['status', id]);
      expect(r.code).toBe(6);
      expect(r.err).toMatch(/per-envelope polling limit/);
      expect(r.err).toMatch(/did not retry/);
      expect(r.requests.filter((q) => q.host === 'rest')).toHaveLength(1);
    } finally {
      h.emu.clearFaults();
    }
  });
});
