/**
 * Ctrl-C during `esign send --data`: every create in flight is aborted on esign's side, but DocuSign
 * (the emulator) may already have carried it out. The summary must count those rows as "outcome
 * unknown" and name each one's transactionId — never as "not attempted" — and `--resume` must then
 * finish the file without a duplicate.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import type { Overrides } from '../../src/context.js';

const NDA = path.resolve(__dirname, '../../templates/nda.yaml');
const LEGAL = ['--role', 'Legal=Lee Legal <legal@example.test>'];

let h: CliHarness;
let tmp: string;
beforeAll(async () => {
  h = await cliHarness();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-int-'));
});
afterAll(async () => {
  await h.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const mine = (tag: string) => h.emu.state.envelopes().filter((e) => e.recipients.signers?.some((s) => s.email.startsWith(`${tag}-`)));
const createCount = () => h.emu.requests.filter((q) => q.host === 'rest' && q.method === 'POST' && /\/envelopes$/.test(q.path)).length;

describe('Ctrl-C while rows are being created', () => {
  it('rows in flight are "outcome unknown" with their transactionIds; sent + unknown covers every envelope DocuSign made; --resume completes without duplicates', async () => {
    const tag = 'ctrlc';
    const file = path.join(tmp, 'rows.csv');
    fs.writeFileSync(file, ['counterparty.name,counterparty.email,company', ...Array.from({ length: 30 }, (_, i) => `Person ${i},${tag}-p${i}@example.test,Acme`)].join('\n') + '\n');
    await h.run(['whoami', '--quiet']); // warm token and userinfo
    // Answers arrive 150 ms after the work is done: at Ctrl-C, 8 creates are done at DocuSign but unanswered.
    h.emu.setConfig({ latencyMs: 150 });
    const ac = new AbortController();
    const base = createCount();
    const watcher = setInterval(() => {
      if (createCount() - base >= 12) {
        clearInterval(watcher);
        setTimeout(() => ac.abort(), 20); // the 8 in flight have reached the emulator
      }
    }, 5);
    let r;
    try {
      r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--concurrency', '8'], { overrides: { signal: ac.signal } as Overrides });
    } finally {
      clearInterval(watcher);
      h.emu.setConfig({ latencyMs: 0 });
    }
    await new Promise((res) => setTimeout(res, 300)); // let the emulator finish what it started
    expect(r.code).toBe(130);

    const summary = /30 rows: (\d+) sent(?:, (\d+) outcome unknown)?(?:, (\d+) not attempted)?/.exec(r.err);
    expect(summary, r.err).not.toBeNull();
    const [sent, unknown, notAttempted] = [1, 2, 3].map((i) => Number(summary![i] ?? 0));
    expect(sent + unknown + notAttempted).toBe(30);
    expect(unknown).toBeGreaterThanOrEqual(1);

    const made = mine(tag);
    // every envelope DocuSign made is either reported sent or named as outcome unknown
    expect(made.length).toBeGreaterThanOrEqual(sent);
    expect(made.length).toBeLessThanOrEqual(sent + unknown);
    const named = new Set([...r.err.matchAll(/transactionId (esign-[0-9a-f]{40})/g)].map((m) => m[1]));
    expect(named.size).toBe(unknown);
    const reportedIds = new Set([...r.out.matchAll(/envelope ([0-9a-f-]{36}) sent/g)].map((m) => m[1]));
    for (const e of made) if (!reportedIds.has(e.envelopeId)) expect(named.has(e.transactionId!), `envelope ${e.envelopeId} is neither reported nor named`).toBe(true);
    expect(r.err).toMatch(/--resume/);
    expect(r.err).not.toMatch(/\n\s+at /);

    // --resume finds the in-flight rows by transactionId and sends only the rest: 30 envelopes, one each.
    const again = await h.run(['send', NDA, '--data', file, ...LEGAL, '--resume']);
    expect(again.code, again.err).toBe(0);
    const all = mine(tag);
    expect(all).toHaveLength(30);
    expect(new Set(all.map((e) => e.transactionId)).size).toBe(30);
  }, 30_000);

  it('--json: each row in flight gets a line {row, error: {code, message, transactionId, outcome: "unknown"}}', async () => {
    const tag = 'ctrlcjson';
    const file = path.join(tmp, 'rows2.csv');
    fs.writeFileSync(file, ['counterparty.name,counterparty.email,company', ...Array.from({ length: 10 }, (_, i) => `Person ${i},${tag}-p${i}@example.test,Acme`)].join('\n') + '\n');
    await h.run(['whoami', '--quiet']);
    h.emu.setConfig({ latencyMs: 150 });
    const ac = new AbortController();
    const base = createCount();
    const watcher = setInterval(() => {
      if (createCount() - base >= 4) {
        clearInterval(watcher);
        setTimeout(() => ac.abort(), 20);
      }
    }, 5);
    let r;
    try {
      r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--concurrency', '4', '--json'], { overrides: { signal: ac.signal } as Overrides });
    } finally {
      clearInterval(watcher);
      h.emu.setConfig({ latencyMs: 0 });
    }
    await new Promise((res) => setTimeout(res, 300));
    expect(r.code).toBe(130);
    const lines = r.out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const unknown = lines.filter((l) => l.error?.outcome === 'unknown');
    expect(unknown.length).toBeGreaterThanOrEqual(1);
    for (const u of unknown) expect(u.error.transactionId).toMatch(/^esign-[0-9a-f]{40}$/);
    const err = JSON.parse(r.err.slice(r.err.indexOf('{\n'))).error;
    expect(err.code).toBe('INTERRUPTED');
    expect(err.details.outcomeUnknown.map((x: { transactionId: string }) => x.transactionId).sort()).toEqual(unknown.map((u) => u.error.transactionId).sort());
    const made = mine(tag);
    const sentIds = new Set(lines.filter((l) => l.envelopeId).map((l) => l.envelopeId));
    const unknownTx = new Set(unknown.map((u) => u.error.transactionId));
    for (const e of made) expect(sentIds.has(e.envelopeId) || unknownTx.has(e.transactionId!)).toBe(true);
  }, 30_000);

  it('without Ctrl-C: a row whose answer and lookup are both lost is "outcome unknown" (exit 6), not "failed"', async () => {
    const tag = 'lostrow';
    const file = path.join(tmp, 'rows3.csv');
    fs.writeFileSync(file, ['counterparty.name,counterparty.email,company', ...Array.from({ length: 3 }, (_, i) => `Person ${i},${tag}-p${i}@example.test,Acme`)].join('\n') + '\n');
    await h.run(['whoami', '--quiet']);
    h.emu.injectFault({ host: 'rest', method: 'POST', path: '/envelopes', kind: 'reset', when: 'after' });
    h.emu.injectFault({ host: 'rest', method: 'GET', path: '/envelopes', kind: 'reset', times: 5 });
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--concurrency', '1'], { env: { ESIGN_MAX_RETRIES: '0' } });
    h.emu.clearFaults();
    expect(r.code).toBe(6);
    expect(r.err).toMatch(/3 rows: 2 sent, 1 outcome unknown/);
    expect(r.err).toMatch(/1 of 3 rows may or may not have been created:\n {2}- row 1 \(line 2\): transactionId esign-[0-9a-f]{40}/);
    expect(r.err).not.toMatch(/\d+ failed|rows? failed/);
    expect(mine(tag)).toHaveLength(3); // row 1 was created: the summary did not call it failed
    const again = await h.run(['send', NDA, '--data', file, ...LEGAL, '--resume']);
    expect(again.code, again.err).toBe(0);
    expect(mine(tag)).toHaveLength(3);
  });
});
