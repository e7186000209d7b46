import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import { createEnvelope } from '../cli/envelopes.js';

let h: CliHarness;
let id: string;
let dir: string;
beforeAll(async () => {
  h = await cliHarness();
  id = await createEnvelope(h.emu, h.seed);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-dl-'));
});
afterAll(async () => {
  await h.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const leftovers = () => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('esign download', () => {
  it('writes the combined PDF to --output and reports size and hash', async () => {
    const file = path.join(dir, 'a.pdf');
    const r = await h.run(['download', id, '--output', file, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(j).toMatchObject({ envelopeId: id, file, bytes: bytes.length });
    expect(j.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.requests.find((q) => q.host === 'rest')!.path).toMatch(/\/documents\/combined$/);
    expect(leftovers()).toEqual([]);
  });

  it('a folder as --output gets <envelopeId>.pdf', async () => {
    const r = await h.run(['download', id, '--output', dir, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(path.join(dir, `${id}.pdf`));
    expect(fs.existsSync(path.join(dir, `${id}.pdf`))).toBe(true);
  });

  it('refuses to overwrite without --force (exit 2, no request); --force replaces', async () => {
    const file = path.join(dir, 'keep.pdf');
    fs.writeFileSync(file, 'old');
    const r = await h.run(['download', id, '--output', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already exists/);
    expect(r.err).toMatch(/--force/);
    expect(r.requests).toHaveLength(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    const f = await h.run(['download', id, '--output', file, '--force']);
    expect(f.code).toBe(0);
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a missing folder is exit 2 before any request', async () => {
    const r = await h.run(['download', id, '--output', path.join(dir, 'nope', 'x.pdf')]);
    expect(r.code).toBe(2);
    expect(r.requests).toHaveLength(0);
  });

  it('a failed download leaves no file behind', async () => {
    const file = path.join(dir, 'fail.pdf');
    h.emu.injectFault({ host: 'rest', path: '/documents/combined', kind: 'status', status: 400, body: { errorCode: 'API_REQUEST_IS_THROTTLED', message: 'GetDocument call blocked' } });
    const r = await h.run(['download', id, '--output', file]);
    expect(r.code).toBe(5);
    expect(r.err).toMatch(/API_REQUEST_IS_THROTTLED/);
    expect(fs.existsSync(file)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('default name is <envelopeId>.pdf in the current folder', async () => {
    const cwd = process.cwd();
    const sub = fs.mkdtempSync(path.join(dir, 'cwd-'));
    process.chdir(sub);
    try {
      const r = await h.run(['download', id]);
      expect(r.code).toBe(0);
      expect(fs.existsSync(path.join(sub, `${id}.pdf`))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});
