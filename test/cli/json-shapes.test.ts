import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { ROOT, spawnHarness, type SpawnHarness } from './spawn.js';

const addFormats = addFormatsImport as unknown as (a: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
const SCHEMAS = path.join(ROOT, 'schemas', 'output');
const validators = new Map<string, ValidateFunction>();
for (const f of fs.readdirSync(SCHEMAS)) {
  validators.set(f.replace(/\.schema\.json$/, ''), ajv.compile(JSON.parse(fs.readFileSync(path.join(SCHEMAS, f), 'utf8'))));
}

/** Parses one JSON document and checks it against schemas/output/<name>.schema.json. */
function valid(name: string, text: string): Record<string, any> {
  const v = validators.get(name);
  if (!v) throw new Error(`no schema ${name}`);
  const doc = JSON.parse(text) as Record<string, any>;
  if (!v(doc)) throw new Error(`${name}: ${ajv.errorsText(v.errors)}\n${text}`);
  return doc;
}

let h: SpawnHarness;
let envelopeId: string;
beforeAll(async () => {
  h = await spawnHarness();
});
afterAll(() => h?.close());

const NDA = ['send', 'templates/nda.yaml', '--var', 'counterparty.name=Pat Example', '--var', 'counterparty.email=pat@example.test', '--var', 'company=Acme', '--role', 'Legal=Lee Legal <legal@example.test>'];

describe('--json output matches the shipped schemas (real binary)', () => {
  it('ships one schema per shape', () => {
    expect([...validators.keys()].sort()).toEqual(
      ['completion', 'consent', 'doctor', 'download', 'error', 'list', 'send', 'send-data-line', 'sign-url', 'status', 'token', 'void', 'whoami'].sort(),
    );
  });

  it('consent, consent --check, whoami, token, doctor', async () => {
    valid('consent', (await h.run(['consent', '--json'])).out);
    expect(valid('consent', (await h.run(['consent', '--check', '--json'])).out).granted).toBe(true);
    valid('whoami', (await h.run(['whoami', '--json'])).out);
    valid('token', (await h.run(['token', '--json'])).out);
    const d = await h.run(['doctor', '--json']);
    expect(d.code).toBe(0);
    expect(valid('doctor', d.out).ok).toBe(true);
  });

  it('send --sign-url, sign-url, status, list, download, void', async () => {
    const s = await h.run([...NDA, '--sign-url', '--json']);
    expect(s.code, s.err).toBe(0);
    const sent = valid('send', s.out);
    envelopeId = sent.envelopeId;
    expect(sent.recipients.some((r: { signingUrl?: string }) => r.signingUrl)).toBe(true);
    const u = await h.run(['sign-url', envelopeId, '--json']);
    expect(u.code, u.err).toBe(0);
    valid('sign-url', u.out);
    expect(valid('status', (await h.run(['status', envelopeId, '--json'])).out).envelopeId).toBe(envelopeId);
    expect(valid('list', (await h.run(['list', '--json'])).out).envelopes.length).toBeGreaterThan(0);
    const dl = await h.run(['download', envelopeId, '--output', path.join(h.root, 'x.pdf'), '--json']);
    expect(dl.code, dl.err).toBe(0);
    valid('download', dl.out);
    const v = await h.run(['void', envelopeId, '--reason', 'test', '--json']);
    expect(v.code, v.err).toBe(0);
    valid('void', v.out);
  });

  it('send --data: every line is a send-data-line (sent rows and failed rows)', async () => {
    const csv = path.join(h.root, 'rows.csv');
    fs.writeFileSync(csv, 'counterparty.name,counterparty.email,company\nAda,ada@example.test,Acme\nBob,bob@example.test,Acme\n');
    // DocuSign refuses one of the two envelopes: that row becomes an error line.
    h.emu.injectFault({ host: 'rest', method: 'POST', path: /\/envelopes$/, kind: 'status', status: 400, body: { errorCode: 'ENVELOPE_IS_INCOMPLETE', message: 'The Envelope is not Complete.' } });
    const r = await h.run([...NDA.slice(0, 2), '--role', 'Legal=Lee Legal <legal@example.test>', '--data', csv, '--concurrency', '1', '--json']);
    h.emu.clearFaults();
    const lines = r.out.split('\n').filter(Boolean);
    expect(lines, r.err).toHaveLength(2);
    const docs = lines.map((l) => valid('send-data-line', l));
    expect(docs.filter((d) => d.envelopeId)).toHaveLength(1);
    expect(docs.filter((d) => d.error)).toHaveLength(1);
  });

  it('errors: one JSON document on stderr, nothing on stdout, for each exit code', async () => {
    const cases: [string[], NodeJS.ProcessEnv, number][] = [
      [['status', 'bad'], {}, 2],
      [['void', '00000000-0000-4000-8000-000000000000'], {}, 2],
      [['whoami'], { ESIGN_INTEGRATION_KEY: 'not-a-guid' }, 4],
      [['status', '00000000-0000-4000-8000-000000000000'], {}, 5],
      [['whoami', '--no-cache'], { ESIGN_ENV: 'http://127.0.0.1:9', ESIGN_MAX_RETRIES: '0' }, 6],
      [['whoami', '--no-cache'], { ESIGN_PRIVATE_KEY_FILE: '', ESIGN_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nMIIBroken\n' }, 4],
    ];
    for (const [args, env, code] of cases) {
      const r = await h.run([...args, '--json'], env);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.out, args.join(' ')).toBe('');
      expect(valid('error', r.err).error.exitCode).toBe(code);
    }
  });
});
