import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

// The recipient view goes through docusign-esign's EnvelopesApi; its HTTP is esign's transport.
const NDA = path.resolve(__dirname, '../../templates/nda.yaml');
const VARS = ['--var', 'counterparty.name=Pat Example', '--var', 'counterparty.email=pat@example.test', '--var', 'company=Acme', '--role', 'Legal=Lee Legal <legal@example.test>'];
let h: CliHarness;
let envelopeId: string;
beforeAll(async () => {
  h = await cliHarness();
  const r = await h.run(['send', NDA, ...VARS, '--quiet']);
  envelopeId = r.out.trim();
});
afterAll(() => h.close());

it('an SDK call is retried by esign\'s transport on a 503 and traced with --verbose', async () => {
  h.emu.injectFault({ method: 'POST', path: /\/views\/recipient$/, kind: 'status', status: 503, times: 1 });
  const r = await h.run(['sign-url', envelopeId, '--verbose']);
  expect(r.code).toBe(0);
  const views = r.requests.filter((q) => q.path.endsWith('/views/recipient'));
  expect(views.map((q) => q.status)).toEqual([503, 201]);
  expect(r.err).toMatch(/→ POST http:\/\/127\.0\.0\.1:\d+\/restapi\/v2\.1\/accounts\/[^/]+\/envelopes\/[^/]+\/views\/recipient/);
  expect(r.err).toMatch(/retrying in \d+ ms/);
  expect(r.out.trim()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/Signing\//);
});

it("an SDK call's DocuSign error becomes esign's ApiError (exit 5, errorCode shown)", async () => {
  h.emu.injectFault({ method: 'POST', path: /\/views\/recipient$/, kind: 'status', status: 400, body: { errorCode: 'UNKNOWN_ENVELOPE_RECIPIENT', message: 'The recipient you have identified is not a valid recipient of the specified envelope.' }, times: 1 });
  const r = await h.run(['sign-url', envelopeId, '--json']);
  expect(r.code).toBe(5);
  const err = JSON.parse(r.err).error;
  expect(err.details.errorCode).toBe('UNKNOWN_ENVELOPE_RECIPIENT');
});

it('a revoked token is renewed once for an SDK call too', async () => {
  expect((await h.run(['token', '--quiet'])).code).toBe(0);
  h.emu.revokeTokens();
  const r = await h.run(['sign-url', envelopeId]);
  expect(r.code).toBe(0);
  expect(r.requests.filter((q) => q.path === '/oauth/token')).toHaveLength(1);
});
