import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

const NDA = path.resolve(__dirname, '../../templates/nda.yaml');
let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

it('esign list --transaction-id finds the envelope a send created (the lookup its hints point to)', async () => {
  const sent = await h.run(['send', NDA, '--var', 'counterparty.name=Pat Example', '--var', 'counterparty.email=pat@example.test', '--var', 'company=Acme', '--role', 'Legal=Lee Legal <legal@example.test>', '--quiet']);
  expect(sent.code).toBe(0);
  const id = sent.out.trim();
  const tx = h.emu.state.envelope(id)!.transactionId!;
  const r = await h.run(['list', '--transaction-id', tx, '--json']);
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(j.envelopes.map((e: { envelopeId: string }) => e.envelopeId)).toEqual([id]);
  expect(r.requests[0]!.query.transaction_ids).toBe(tx);
  expect(r.requests[0]!.query.from_date).toBeUndefined();
  const none = await h.run(['list', '--transaction-id', '00000000-0000-4000-8000-000000000000', '--json']);
  expect(JSON.parse(none.out).envelopes).toEqual([]);
});

it('an empty --transaction-id is refused instead of listing everything', async () => {
  const r = await h.run(['list', '--transaction-id', '']);
  expect(r.code).toBe(2);
  expect(r.err).toContain('--transaction-id is empty');
  expect(r.requests).toHaveLength(0);
});
