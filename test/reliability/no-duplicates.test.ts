/**
 * The proof of "never double-send a contract" (issue 8): 100 sends while 30% of the create answers
 * are lost AFTER DocuSign (the emulator) created the envelope. esign must look each one up by its
 * transactionId instead of sending again: exactly 100 envelopes, no duplicate transactionId, exit 0.
 * Proved twice: one `esign send --data` run of 100 rows (8 in parallel), and 100 separate
 * `esign send` runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSeeded, runCli, createRequests, tmpDir, type Seeded } from './harness.js';
import type { FaultSpec } from '../../src/emulator/types.js';

let s: Seeded;
beforeAll(async () => {
  s = await startSeeded();
});
afterAll(async () => {
  await s.emu.close();
});

const send = (i: number) => [
  'send', 'templates/offer-letter.yaml', '--json',
  '--var', 'company=Acme', '--var', `candidate.name=Person ${i}`, '--var', `candidate.email=person${i}@example.test`,
  '--var', 'job.title=Engineer', '--var', 'job.start=2025-03-01', '--var', 'job.salary=1',
];

/** The 30 lost answers: connection resets, gateway errors and a hang, all after the create. */
function lostAnswer(n: number): FaultSpec {
  const base = { host: 'rest' as const, method: 'POST', path: '/envelopes', when: 'after' as const, times: 1 };
  if (n % 10 === 9) return { ...base, kind: 'hang' };
  if (n % 5 === 0) return { ...base, kind: 'status', status: [502, 503, 504][n % 3] };
  return { ...base, kind: 'reset' };
}

describe('no duplicate envelopes when answers are lost', () => {
  test('esign send --data with 100 rows, 30% of create answers lost after creation → exactly 100 envelopes, exit 0', async () => {
    const s2 = await startSeeded();
    try {
      const dir = tmpDir();
      const csv = path.join(dir, 'rows.csv');
      fs.writeFileSync(csv, ['candidate.name,candidate.email', ...Array.from({ length: 100 }, (_, i) => `Person ${i},person${i}@example.test`)].join('\n') + '\n');
      // Every create whose number is 0, 1 or 2 modulo 10 loses its answer after the envelope exists.
      const impl = s2.emu as unknown as { matchFault: (h: string, m: string, u: URL) => FaultSpec | undefined };
      const orig = impl.matchFault.bind(s2.emu);
      let creates = 0;
      let lost = 0;
      impl.matchFault = (h, m, u) => {
        if (h === 'rest' && m === 'POST' && /\/envelopes$/.test(u.pathname) && creates++ % 10 < 3) return lostAnswer(lost++);
        return orig(h, m, u);
      };
      const r = await runCli(
        ['send', 'templates/offer-letter.yaml', '--data', csv, '--json', '--var', 'company=Acme', '--var', 'job.title=Engineer', '--var', 'job.start=2025-03-01', '--var', 'job.salary=1'],
        { ...s2.env, ESIGN_TIMEOUT: '1' },
      );
      expect(r.code, r.err).toBe(0);
      expect(lost).toBe(30);
      const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { envelopeId?: string; error?: unknown });
      expect(lines.filter((l) => l.envelopeId)).toHaveLength(100);
      expect(lines.filter((l) => l.error)).toHaveLength(0);
      const envs = s2.emu.state.envelopes();
      expect(envs).toHaveLength(100);
      expect(new Set(envs.map((e) => e.transactionId)).size).toBe(100);
      expect(new Set(envs.map((e) => e.recipients.signers?.[0]?.email)).size).toBe(100);
      expect(new Set(lines.map((l) => l.envelopeId))).toEqual(new Set(envs.map((e) => e.envelopeId)));
      expect(createRequests(s2.emu)).toHaveLength(100);
    } finally {
      await s2.emu.close();
    }
  }, 60_000);

  test('100 sends, 30% of answers lost after creation → exactly 100 envelopes, exit 0 each', async () => {
    const env = { ...s.env, ESIGN_TIMEOUT: '0.5' };
    const ids: string[] = [];
    let lost = 0;
    for (let i = 0; i < 100; i++) {
      if (i % 10 < 3) s.emu.injectFault(lostAnswer(lost++));
      const r = await runCli(send(i), env);
      expect(r.code, `send ${i}: ${r.err}`).toBe(0);
      ids.push(JSON.parse(r.out).envelopeId);
    }
    expect(lost).toBe(30);
    const envs = s.emu.state.envelopes();
    expect(envs).toHaveLength(100);
    // every envelope carries a distinct transactionId, and every printed id is a real envelope
    const tx = envs.map((e) => e.transactionId);
    expect(tx.every(Boolean)).toBe(true);
    expect(new Set(tx).size).toBe(100);
    expect(new Set(ids).size).toBe(100);
    expect(new Set(envs.map((e) => e.envelopeId))).toEqual(new Set(ids));
    // each recipient got exactly one envelope
    const emails = envs.map((e) => e.recipients.signers?.[0]?.email);
    expect(new Set(emails).size).toBe(100);
    // exactly one create request per send: the lost ones were looked up, not sent again
    expect(createRequests(s.emu)).toHaveLength(100);
    const lookups = s.emu.requests.filter((r) => r.method === 'GET' && r.query.transaction_ids);
    expect(lookups).toHaveLength(30);
  }, 60_000);

  test('a lost answer whose envelope was NOT created is sent again (after the lookup finds nothing)', async () => {
    s.emu.clearLog();
    const before = s.emu.state.envelopes().length;
    s.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'reset', when: 'before', times: 2 });
    const r = await runCli(send(1000), s.env);
    expect(r.code, r.err).toBe(0);
    expect(s.emu.state.envelopes().length).toBe(before + 1);
    const seq = s.emu.requests.filter((x) => x.host === 'rest').map((x) => `${x.method} ${x.query.transaction_ids ? 'lookup' : x.path.replace(/.*\//, '')} ${x.status}`);
    expect(seq).toEqual(['POST envelopes -1', 'GET lookup 200', 'POST envelopes -1', 'GET lookup 200', 'POST envelopes 201']);
    // all three creates carried the same transactionId (one logical send)
  });

  test('a 429 answered AFTER the create (a gateway throttling the answer) is looked up too: one envelope', async () => {
    s.emu.clearLog();
    const before = s.emu.state.envelopes().length;
    s.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'status', status: 429, when: 'after', times: 1, headers: { 'Retry-After': '0' } });
    const r = await runCli(send(2000), s.env);
    expect(r.code, r.err).toBe(0);
    expect(s.emu.state.envelopes().length).toBe(before + 1);
    expect(createRequests(s.emu)).toHaveLength(1);
  });

  test('random faults (emulator faultRate 0.3, before and after, every REST call), 10 sends at a time → no duplicate', async () => {
    const emu2 = await startSeeded({ faultRate: 0.3 });
    try {
      const env = { ...emu2.env, ESIGN_MAX_RETRIES: '10' };
      // warm the token cache without faults on the OAuth host (faultRate only hits REST)
      expect((await runCli(['whoami'], env)).code).toBe(0);
      const N = 40;
      const codes: number[] = [];
      for (let b = 0; b < N; b += 10) {
        const batch = await Promise.all(Array.from({ length: 10 }, (_, k) => runCli(send(b + k), env)));
        for (const r of batch) codes.push(r.code);
      }
      expect(codes.every((c) => c === 0), JSON.stringify(codes)).toBe(true);
      const envs = emu2.emu.state.envelopes();
      const faults = emu2.emu.requests.filter((r) => r.fault).length;
      expect(faults).toBeGreaterThan(5);
      expect(new Set(envs.map((e) => e.transactionId)).size).toBe(envs.length);
      expect(envs).toHaveLength(N);
    } finally {
      await emu2.emu.close();
    }
  }, 60_000);
});
