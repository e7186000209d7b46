import { afterAll, beforeAll, expect, it } from 'vitest';
import path from 'node:path';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

const NDA = path.resolve(__dirname, '../../templates/nda.yaml');
let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

it('a void whose answer was lost (carried out, then a 503) is reported as done, not as an invalid state', async () => {
  const sent = await h.run(['send', NDA, '--var', 'counterparty.name=Pat Example', '--var', 'counterparty.email=pat@example.test', '--var', 'company=Acme', '--role', 'Legal=Lee Legal <legal@example.test>', '--quiet']);
  expect(sent.code).toBe(0);
  const id = sent.out.trim();
  h.emu.injectFault({ method: 'PUT', path: new RegExp(`/envelopes/${id}$`), kind: 'status', status: 503, when: 'after', times: 1 });
  const r = await h.run(['void', id, '--reason', 'Sent by mistake', '--json']);
  expect(r.err).not.toMatch(/cannot be voided/);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toMatchObject({ envelopeId: id, status: 'voided' });
  expect(h.emu.state.envelope(id)?.status).toBe('voided');
  // Without a lost answer, voiding twice is still DocuSign's invalid-state error (exit 5).
  const again = await h.run(['void', id, '--reason', 'Sent by mistake']);
  expect(again.code).toBe(5);
});
