/**
 * Bulk send: the answer to `POST bulk_send_lists/{id}/send` is lost (a 5xx or a reset AFTER DocuSign
 * queued the batch). esign looks the batch up by its run-unique name before deciding: found → it
 * follows the batch as if the answer had arrived (exit 0, each row sent once); lookup failing →
 * "may or may not have been queued", exit 6, never "rejected". A list answer without listId and a
 * batch status without counts are DocuSign errors (exit 5), not internal errors or a false success.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliHarness, type CliHarness, type RunResult } from '../helpers/cli.js';
import { BULK_POLL } from '../../src/commands/send/bulk.js';

const NDA = path.resolve(__dirname, '../../templates/nda.yaml');
const LEGAL = ['--role', 'Legal=Lee Legal <legal@example.test>'];
const SEND_PATH = /bulk_send_lists\/[^/]+\/send$/;

let h: CliHarness;
let tmp: string;
const saved = { ...BULK_POLL };
let n = 0;

/** A JSON data file of `rows` rows with recipients no other test uses. */
function rowsFile(rows: number): { file: string; tag: string } {
  const tag = `run${++n}`;
  const file = path.join(tmp, `${tag}.json`);
  fs.writeFileSync(file, JSON.stringify(Array.from({ length: rows }, (_, i) => ({ company: 'Acme', counterparty: { name: `Person ${i}`, email: `${tag}-p${i}@example.test` } }))));
  return { file, tag };
}

/** Bulk copies made for a data file's recipients. */
function copiesOf(tag: string) {
  return h.emu.state.envelopes().filter((e) => e.bulkBatchId && e.recipients.signers?.some((s) => s.email.startsWith(`${tag}-`)));
}

const sends = (r: RunResult) => r.requests.filter((q) => q.host === 'rest' && q.method === 'POST' && SEND_PATH.test(q.path));
const batchLookups = (r: RunResult) => r.requests.filter((q) => q.host === 'rest' && q.method === 'GET' && /\/bulk_send_batch$/.test(q.path));

/** Waits until the emulator has processed every queued copy (batches go on without esign). */
async function drained(): Promise<void> {
  for (let i = 0; i < 100 && h.emu.state.envelopes().some((e) => e.status === 'processing'); i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
}

beforeAll(async () => {
  h = await cliHarness({ emulator: { latencyMs: 0, bulkCopyDelayMs: 0 } });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-bulk-lost-'));
  Object.assign(BULK_POLL, { firstMs: 20, factor: 1.5, maxMs: 100 });
});
afterAll(async () => {
  Object.assign(BULK_POLL, saved);
  await h.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => h.emu.clearFaults());

describe('the answer to the bulk send request is lost', () => {
  for (const [what, fault] of [
    ['503 after queueing', { kind: 'status', status: 503, when: 'after' }],
    ['500 after queueing', { kind: 'status', status: 500, when: 'after' }],
    ['a connection reset after queueing', { kind: 'reset', when: 'after' }],
  ] as const) {
    it(`${what}: the batch is found by its name and followed; exit 0, 5 rows sent once`, async () => {
      const { file, tag } = rowsFile(5);
      h.emu.injectFault({ host: 'rest', method: 'POST', path: SEND_PATH, ...fault });
      const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--bulk']);
      expect(r.code, r.err).toBe(0);
      expect(r.err).not.toMatch(/rejected/);
      expect(r.err).toMatch(/found by its name/);
      expect(r.out).toMatch(/✔ batch \S+ \(rows 1–5\): 5 sent, 0 failed/);
      expect(sends(r)).toHaveLength(1);
      expect(batchLookups(r)).toHaveLength(1);
      expect(batchLookups(r)[0]!.query.status).toBe('all');
      await drained();
      expect(copiesOf(tag)).toHaveLength(5);
    });
  }

  it('a 503 BEFORE queueing: looked up, not found, sent again; 5 rows sent once', async () => {
    const { file, tag } = rowsFile(5);
    h.emu.injectFault({ host: 'rest', method: 'POST', path: SEND_PATH, kind: 'status', status: 503, when: 'before' });
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--bulk']);
    expect(r.code, r.err).toBe(0);
    expect(sends(r)).toHaveLength(2);
    await drained();
    expect(copiesOf(tag)).toHaveLength(5);
  });

  it('a 500 BEFORE queueing: looked up, not found: DocuSign\'s error (exit 5) saying it was not queued', async () => {
    const { file, tag } = rowsFile(5);
    h.emu.injectFault({ host: 'rest', method: 'POST', path: SEND_PATH, kind: 'status', status: 500, when: 'before' });
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--bulk', '--json']);
    expect(r.code).toBe(5);
    const err = JSON.parse(r.err.slice(r.err.indexOf('{\n'))).error;
    expect(err.hint).toMatch(/it was not queued/);
    expect(sends(r)).toHaveLength(1);
    await drained();
    expect(copiesOf(tag)).toHaveLength(0);
  });

  it('lost answer AND the lookup fails: exit 6, "may or may not have been queued", the batch name, no "rejected"', async () => {
    const { file, tag } = rowsFile(5);
    h.emu.injectFault({ host: 'rest', method: 'POST', path: SEND_PATH, kind: 'status', status: 503, when: 'after' });
    h.emu.injectFault({ host: 'rest', method: 'GET', path: '/bulk_send_batch', kind: 'status', status: 500, times: 10 });
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--bulk']);
    expect(r.code).toBe(6);
    expect(r.err).not.toMatch(/rejected POST/);
    expect(r.err).toMatch(/may or may not have been queued/);
    expect(r.err).toMatch(/Do not run the same command again before checking/);
    expect(r.err).not.toMatch(/try again/i);
    const name = /batch '([^']+)' may or may not/.exec(r.err)?.[1];
    expect(name).toMatch(/^esign \S+ 1\/1 \([0-9a-f]{16}\)$/);
    expect(r.err).toMatch(/rows 1–5 \(batch '.+'\) may or may not have been queued/);
    await drained();
    // it was queued, under exactly that name: the hint leads the user to it
    expect(copiesOf(tag)).toHaveLength(5);
  });

  it('every run names its batches differently (a lookup never finds an earlier run\'s batch)', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const { file } = rowsFile(2);
      const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--bulk', '--json']);
      expect(r.code, r.err).toBe(0);
      names.add(JSON.parse(r.out.trim()).batchName);
    }
    expect(names.size).toBe(2);
  });
});

describe('bulk answers without what was asked for', () => {
  it('a list answer without listId is exit 5 (DocuSign), not an internal error; nothing sent', async () => {
    const { file, tag } = rowsFile(3);
    h.emu.injectFault({ host: 'rest', method: 'POST', path: '/bulk_send_lists', kind: 'status', status: 201, body: { name: 'x' } });
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--bulk']);
    expect(r.code).toBe(5);
    expect(r.err).toMatch(/POST \/bulk_send_lists with HTTP 201 but no listId; nothing was sent/);
    expect(r.err).not.toMatch(/internal error/);
    expect(sends(r)).toHaveLength(0);
    expect(copiesOf(tag)).toHaveLength(0);
  });

  it('a send answer without batchId is looked up: found, followed, exit 0', async () => {
    const { file, tag } = rowsFile(3);
    h.emu.injectFault({ host: 'rest', method: 'POST', path: SEND_PATH, kind: 'status', status: 201, body: {}, when: 'after' });
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--bulk']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/3 sent, 0 failed/);
    await drained();
    expect(copiesOf(tag)).toHaveLength(3);
  });

  it('an empty batch status is not "settled with 0 sent": exit 5, and esign says the batch goes on', async () => {
    const { file } = rowsFile(3);
    h.emu.injectFault({ host: 'rest', method: 'GET', path: /\/bulk_send_batch\/[^/]+$/, kind: 'status', status: 200, body: '' });
    const r = await h.run(['send', NDA, '--data', file, ...LEGAL, '--bulk']);
    expect(r.code).toBe(5);
    expect(r.out).not.toMatch(/0 sent/);
    expect(r.err).toMatch(/without the batch's counts/);
    expect(r.err).toMatch(/DocuSign still sends the queued batches/);
    await drained();
  });
});
