import { afterAll, beforeAll, expect, it } from 'vitest';
import path from 'node:path';
import { redact } from '../../src/output/redact.js';
import { cliHarness, type CliHarness } from '../helpers/cli.js';

// The shape of a real DocuSign recipient-view URL: its `slt` parameter is JWT-shaped.
const SLT = 'eyJ0eXAiOiJNVCIsImFsZyI6IlJTMjU2Iiwia2lkIjoiNjgxODVmZjEifQ.AQoAAAABAAUABwCA1n2xY7nbSAgAgDr.hT6-Eep7KoaZ0vHLiBVdEX3sM6dHZLyQ';
const REAL_URL = `https://demo.docusign.net/Signing/MTRedeem/v1/2fd7a1c0-1111-4a6e-9a1b-3c9f6e7d8a90?slt=${SLT}`;

it('a signing URL is printed intact, while bare JWTs and secret parameters are still masked', () => {
  expect(redact(REAL_URL)).toBe(REAL_URL);
  expect(redact(`token ${SLT}`)).toBe('token [REDACTED JWT]');
  expect(redact(`grant_type=x&assertion=${SLT}`)).toBe('grant_type=x&assertion=[REDACTED]');
  expect(redact(`https://x.test/cb?access_token=${SLT}`)).toBe('https://x.test/cb?access_token=[REDACTED]');
  expect(redact(`{"accessToken": "${SLT}"}`)).not.toContain(SLT);
});

let h: CliHarness;
beforeAll(async () => {
  h = await cliHarness();
});
afterAll(() => h.close());

it('sign-url prints a real-shaped DocuSign URL unchanged (human, --quiet and --json)', async () => {
  const nda = path.resolve(__dirname, '../../templates/nda.yaml');
  const sent = await h.run(['send', nda, '--var', 'company=A', '--var', 'counterparty.name=Pat Example', '--var', 'counterparty.email=pat@example.test', '--role', 'Legal=Lee Legal <legal@example.test>', '--quiet']);
  const id = sent.out.trim();
  for (const mode of [[], ['--quiet'], ['--json']]) {
    h.emu.injectFault({ path: /\/views\/recipient$/, method: 'POST', kind: 'status', status: 201, body: { url: REAL_URL }, when: 'after' });
    const r = await h.run(['sign-url', id, ...mode]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(REAL_URL);
  }
});
