import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness, envelopeCreates, type CliHarness } from '../helpers/cli.js';
import { allRecipients } from '../../src/emulator/envelopes.js';

const NDA = path.resolve(__dirname, '../../templates/nda.yaml');
const LEGAL = ['--role', 'Legal=Lee Legal <legal@example.test>'];

let h: CliHarness;
let tmp: string;

/** A CSV of `rows` rows; rows of files with the same `tag` are identical (same transactionIds). */
function csv(name: string, rows: number, opts: { badRows?: Record<number, string>; tag?: string } = {}): string {
  const lines = ['counterparty.name,counterparty.email,company'];
  const tag = opts.tag ?? name;
  for (let i = 1; i <= rows; i++) lines.push(opts.badRows?.[i] ?? `Person ${i},person${i}@example.test,Acme ${tag} ${i}`);
  const file = path.join(tmp, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

beforeAll(async () => {
  h = await cliHarness();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-data-'));
});
afterAll(async () => {
  await h.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('esign send --data', () => {
  it('a 30-row CSV becomes exactly 30 envelopes and 30 JSON lines', async () => {
    const file = csv('thirty.csv', 30);
    const before = h.emu.state.envelopes().length;
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--json', '--concurrency', '6']);
    expect(r.err).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(30);
    expect(new Set(lines.map((l) => l.envelopeId)).size).toBe(30);
    expect(envelopeCreates(r)).toHaveLength(30);
    expect(h.emu.state.envelopes().length - before).toBe(30);
    // Row fields became variables, and --role filled the role on every row.
    const emails = lines.map((l) => l.recipients.find((x: { roleName: string }) => x.roleName === 'Counterparty').email).sort();
    expect(emails).toContain('person17@example.test');
    const env = h.emu.state.envelope(lines[0].envelopeId)!;
    expect(allRecipients(env).map((x) => x.email)).toContain('legal@example.test');
    expect(env.transactionId).toMatch(/^esign-[0-9a-f]{40}$/);
    // One token and one userinfo for all 30 rows.
    expect(r.requests.filter((q) => q.host === 'oauth').length).toBeLessThanOrEqual(2);
    expect(r.err).toMatch(/30 rows: 30 sent/);
  });

  it('reads JSON arrays and JSON Lines; a row naming the role overrides the --role default', async () => {
    const arr = path.join(tmp, 'rows.json');
    fs.writeFileSync(arr, JSON.stringify([
      { counterparty: { name: 'Ann', email: 'ann@example.test' }, company: 'A' },
      { 'counterparty.name': 'Bob', 'counterparty.email': 'bob@example.test', company: 'B', 'Legal.name': 'Row Legal', 'Legal.email': 'rowlegal@example.test' },
    ], null, 2));
    const r = await h.run(['send', NDA, '--data', arr, ...LEGAL, '--json']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    const legal = lines.map((l) => l.recipients.find((x: { roleName: string }) => x.roleName === 'Legal').email).sort();
    expect(legal).toEqual(['legal@example.test', 'rowlegal@example.test']);

    const jl = path.join(tmp, 'rows.jsonl');
    fs.writeFileSync(jl, '{"counterparty.name":"Cy","counterparty.email":"cy@example.test","company":"C"}\n\n{"counterparty.name":"Di","counterparty.email":"di@example.test","company":"D"}\n');
    const r2 = await h.run(['send', NDA, '--data', jl, ...LEGAL, '--json']);
    expect(r2.code).toBe(0);
    expect(r2.out.trim().split('\n')).toHaveLength(2);
  });

  it('bad rows: every one reported with its line, exit 2, nothing sent', async () => {
    const file = csv('bad.csv', 6, { badRows: { 2: 'Two,not-an-email,Acme', 5: ',five@example.test,Acme' } });
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/2 of 6 rows cannot be sent; nothing was sent/);
    expect(r.err).toMatch(/row 2 \(line 3\).*email/);
    expect(r.err).toMatch(/row 5 \(line 6\)/);
    expect(r.requests).toHaveLength(0); // not even a token
  });

  it('one failing row does not stop the others: exit 5 listing it', async () => {
    const file = csv('fault.csv', 8);
    // The first create is refused by DocuSign (a 400 is final: no retry).
    h.emu.injectFault({
      method: 'POST',
      path: /\/envelopes$/,
      kind: 'status',
      status: 400,
      body: { errorCode: 'INVALID_EMAIL_ADDRESS_FOR_RECIPIENT', message: 'The email address for the recipient is invalid. The recipient Id follows. Recipient Id: 1' },
      times: 1,
    });
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--json', '--concurrency', '1']);
    expect(r.code).toBe(5);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(8);
    const failed = lines.filter((l) => l.error);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ row: 1, error: { code: 'INVALID_EMAIL_ADDRESS_FOR_RECIPIENT' } });
    expect(lines.filter((l) => l.envelopeId)).toHaveLength(7);
    const err = JSON.parse(r.err.slice(r.err.indexOf('{\n  "error"')));
    expect(err.error.exitCode).toBe(5);
    expect(err.error.message).toMatch(/1 of 8 rows failed/);
    expect(err.error.details.failed[0]).toMatchObject({ row: 1, line: 2 });
  });

  it('--resume skips rows already sent (looked up by transactionId in batches)', async () => {
    const file = csv('resume.csv', 12, { tag: 'resume' });
    const first = csv('resume-first.csv', 5, { tag: 'resume' }); // the same first 5 rows
    const r1 = await h.run(['send', NDA, '--data', first, ...LEGAL, '--json']);
    expect(r1.code).toBe(0);
    const r2 = await h.run(['send', NDA, '--data', file, ...LEGAL, '--json', '--resume']);
    expect(r2.code).toBe(0);
    const lines = r2.out.trim().split('\n').map((l) => JSON.parse(l));
    // One line per row: 7 sent now, 5 skipped with the envelope id the first run created.
    expect(lines).toHaveLength(12);
    const skipped = lines.filter((l) => l.skipped);
    expect(skipped.map((l) => l.row).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    const firstIds = r1.out.trim().split('\n').map((l) => JSON.parse(l).envelopeId).sort();
    expect(skipped.map((l) => l.envelopeId).sort()).toEqual(firstIds);
    expect(envelopeCreates(r2)).toHaveLength(7);
    const lookups = r2.requests.filter((q) => q.method === 'GET' && /\/envelopes$/.test(q.path));
    expect(lookups).toHaveLength(1);
    expect(lookups[0]!.query.transaction_ids!.split(',')).toHaveLength(12);
    expect(r2.err).toMatch(/12 rows: 7 sent, 5 skipped/);
    // Again: everything is there now.
    const r3 = await h.run(['send', NDA, '--data', file, ...LEGAL, '--resume', '--quiet']);
    expect(r3.code).toBe(0);
    expect(envelopeCreates(r3)).toHaveLength(0);
  });

  it('on a terminal: a progress bar on stderr, result lines on stdout after it', async () => {
    const file = csv('tty.csv', 5);
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL], { tty: true });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/sending \[.*\] \d\/5/);
    expect(r.out.match(/✔ row \d \(line \d\): envelope [0-9a-f-]{36} sent/g)).toHaveLength(5);
    expect(r.out).not.toMatch(/sending \[/);
  });

  it('--embedded --sign-url: every JSON line carries the signer\'s signing URL', async () => {
    const file = csv('embedded.csv', 3);
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--embedded', '--sign-url', '--json']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    for (const l of lines) {
      const signer = l.recipients.find((x: { roleName: string }) => x.roleName === 'Counterparty');
      expect(signer).toMatchObject({ embedded: true });
      expect(signer.signingUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    }
    expect(r.requests.filter((q) => q.method === 'POST' && /views\/recipient$/.test(q.path))).toHaveLength(3);
  });

  it('--dry-run validates every row without network', async () => {
    const file = csv('dry.csv', 4);
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/all 4 rows .* are valid; nothing was sent/);
    expect(r.requests).toHaveLength(0);
  });

  it('refuses a bad --concurrency and --bulk with --sign-url before reading anything', async () => {
    const file = csv('flags.csv', 2);
    expect((await h.run(['send', NDA, '--data', file, '--concurrency', '0'])).code).toBe(2);
    const r = await h.run(['send', NDA, '--data', file, '--bulk', '--sign-url', '--embedded']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--bulk cannot be combined/);
  });
});
