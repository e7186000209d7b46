import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

// DocuSign's clock 5 minutes behind this machine's (this machine runs ahead).
let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness({ emulator: { now: () => Date.now() - 5 * 60_000 } });
});
afterAll(() => h.close());

it('a lost create answer with the local clock 5 minutes ahead is recovered, not sent twice', async () => {
  const nda = path.resolve(__dirname, '../../templates/nda.yaml');
  h.emu.injectFault({ path: '/envelopes', method: 'POST', kind: 'status', status: 503, when: 'after' });
  const r = await h.run(['send', nda, '--var', 'company=A', '--var', 'counterparty.name=Pat Example', '--var', 'counterparty.email=pat@example.test', '--role', 'Legal=Lee Legal <legal@example.test>', '--quiet']);
  expect(r.code, r.err).toBe(0);
  expect(h.emu.state.envelopes()).toHaveLength(1);
  expect(r.out.trim()).toBe(h.emu.state.envelopes()[0]!.envelopeId);
});
