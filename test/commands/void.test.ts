import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import { createEnvelope } from '../cli/envelopes.js';

let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

describe('esign void', () => {
  it('voids a sent envelope with the reason', async () => {
    const id = await createEnvelope(h.emu, h.seed);
    const r = await h.run(['void', id, '--reason', 'Sent by mistake', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ envelopeId: id, status: 'voided', voidedReason: 'Sent by mistake' });
    expect(h.emu.state.envelope(id)).toMatchObject({ status: 'voided', voidedReason: 'Sent by mistake' });
  });

  it('a missing or blank reason is exit 2 and nothing is sent', async () => {
    const id = await createEnvelope(h.emu, h.seed);
    for (const args of [[], ['--reason', '  ']]) {
      const r = await h.run(['void', id, ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--reason/);
      expect(r.requests).toHaveLength(0);
    }
    expect(h.emu.state.envelope(id)!.status).toBe('sent');
  });

  it('voiding a draft or a voided envelope is exit 5 with the state explained', async () => {
    const draft = await createEnvelope(h.emu, h.seed, { status: 'created' });
    const r = await h.run(['void', draft, '--reason', 'x', '--json']);
    expect(r.code).toBe(5);
    const e = JSON.parse(r.err).error;
    expect(e.message).toMatch(/cannot be voided in its current state/);
    expect(e.details.errorCode).toBe('ENVELOPE_CANNOT_VOID_INVALID_STATE');
    expect(e.hint).toMatch(/esign status/);
  });

  it('an unknown envelope is exit 5 naming the envelope', async () => {
    const r = await h.run(['void', '00000000-0000-4000-8000-000000000000', '--reason', 'x']);
    expect(r.code).toBe(5);
    expect(r.err).toMatch(/does not exist/);
  });
});
