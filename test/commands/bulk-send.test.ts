import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import { BULK_POLL } from '../../src/commands/send/bulk.js';
import { allRecipients } from '../../src/emulator/envelopes.js';

const NDA = path.resolve(__dirname, '../../templates/nda.yaml');
const LEGAL = ['--role', 'Legal=Lee Legal <legal@example.test>'];

let h: CliHarness;
let tmp: string;
const saved = { ...BULK_POLL };

function csv(name: string, rows: number): string {
  const lines = ['counterparty.name,counterparty.email,company'];
  for (let i = 1; i <= rows; i++) lines.push(`Person ${i},person${i}@example.test,Acme`);
  const file = path.join(tmp, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const count = (r: { requests: { method: string; path: string; host: string }[] }, method: string, re: RegExp) =>
  r.requests.filter((q) => q.host === 'rest' && q.method === method && re.test(q.path)).length;

beforeAll(async () => {
  // Latency 0 and instant copies keep a 2,500-row batch fast; polling starts quickly.
  h = await cliHarness({ emulator: { latencyMs: 0, bulkCopyDelayMs: 0 } });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-bulk-'));
  Object.assign(BULK_POLL, { firstMs: 20, factor: 1.5, maxMs: 100 });
});
afterAll(async () => {
  Object.assign(BULK_POLL, saved);
  await h.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('esign send --data --bulk (DocuSign Bulk Send API)', () => {
  it('2,500 rows: 1 draft, 3 lists, 3 sends, then batch polling; 2,500 envelopes', async () => {
    const file = csv('big.csv', 2500);
    const before = h.emu.state.envelopes().length;
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--bulk', '--json']);
    expect(r.err).not.toMatch(/"error"/);
    expect(r.code).toBe(0);
    expect(count(r, 'POST', /\/bulk_send_lists$/)).toBe(3);
    expect(count(r, 'POST', /\/bulk_send_lists\/[^/]+\/send$/)).toBe(3);
    expect(count(r, 'POST', /\/envelopes$/)).toBe(1); // the draft, documents uploaded once
    expect(count(r, 'GET', /\/bulk_send_batch\/[^/]+$/)).toBeGreaterThanOrEqual(3);
    const batches = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(batches.map((b) => b.batchSize)).toEqual([1000, 1000, 500]);
    expect(batches.map((b) => b.rows)).toEqual([{ first: 1, last: 1000 }, { first: 1001, last: 2000 }, { first: 2001, last: 2500 }]);
    expect(batches.every((b) => b.sent === b.batchSize && b.failed === 0 && b.queued === 0)).toBe(true);
    // 2,500 sent copies plus the draft.
    const made = h.emu.state.envelopes().slice(before);
    const copies = made.filter((e) => e.bulkBatchId);
    expect(copies).toHaveLength(2500);
    const one = copies.find((e) => allRecipients(e).some((x) => x.email === 'person1234@example.test'))!;
    expect(one.status).toBe('sent');
    expect(one.emailSubject).toBe('NDA between Acme and Person 1234');
    expect(allRecipients(one).map((x) => x.email)).toContain('legal@example.test');
  }, 60_000);

  it('goes to Bulk Send by itself above 500 rows', async () => {
    const file = csv('auto.csv', 501);
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/more than 500\): sending through DocuSign's Bulk Send API/);
    expect(count(r, 'POST', /\/bulk_send_lists$/)).toBe(1);
    expect(count(r, 'POST', /\/envelopes$/)).toBe(1);
    expect(r.out).toMatch(/batch .* \(rows 1–501\): 501 sent, 0 failed/);
  }, 30_000);

  it('refuses rows that differ where a bulk copy cannot (a variable in a document), nothing sent', async () => {
    const tpl = path.join(tmp, 'letter.yaml');
    fs.writeFileSync(
      tpl,
      [
        'emailSubject: "Letter for {{ who.name }}"',
        'documents:',
        '  - name: letter.html',
        '    html: "<p>Dear {{ who.name }}, sign here: /sn1/</p>"',
        'signers:',
        '  - role: Who',
        '    name: "{{ who.name }}"',
        '    email: "{{ who.email }}"',
        '    tabs:',
        '      signHere:',
        '        - anchor: /sn1/',
      ].join('\n'),
    );
    const data = path.join(tmp, 'who.csv');
    fs.writeFileSync(data, 'who.name,who.email\nAnn,ann@example.test\nBob,bob@example.test\n');
    const r = await h.run(['send', tpl, '--data', data, '--bulk']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/row 2 \(line 3\) differs from row 1 at documents/);
    expect(r.requests).toHaveLength(0);
  });
});
