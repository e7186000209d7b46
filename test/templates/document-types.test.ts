/**
 * A document without a file extension: its type comes from its content (PDF, ZIP/Word, HTML,
 * plain text); content esign cannot recognize is refused locally (exit 2) with a request for an
 * extension or `fileExtension`, instead of being labelled pdf and refused by DocuSign (exit 5).
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, classify, loadTemplate } from '../../src/templates/index.js';
import { chooseExtension, sniffText } from '../../src/templates/documents.js';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import { pdfWithText, put, rejection, tmp } from './helpers.js';

/** Bytes no format claims: control characters and invalid UTF-8. */
const UNKNOWN = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 37 + 11) % 256));
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60, 1)]);

const template = (path: string, extra = '') =>
  ['emailSubject: Contract', 'documents:', `  - path: ${path}`, ...(extra ? [`    ${extra}`] : []), 'signers:', '  - name: Pat Example', '    email: pat@example.test', ''].join('\n');

let dir: string;
beforeAll(async () => {
  dir = await tmp();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function typeOf(name: string, bytes: Buffer | string, extra = ''): Promise<string> {
  await put(dir, name, bytes);
  const t = await put(dir, `${name}-t.yaml`, template(`./${name}`, extra));
  const built = await buildEnvelope(await loadTemplate(t));
  return built.documents[0]!.fileExtension;
}

describe('no extension: the content decides', () => {
  it('PDF, ZIP (Word), HTML pages and fragments, plain text', async () => {
    expect(await typeOf('contract', pdfWithText(['Hello']))).toBe('pdf');
    expect(await typeOf('offer', ZIP)).toBe('docx');
    expect(await typeOf('page', '<!DOCTYPE html><html><body><p>Hi</p></body></html>')).toBe('html');
    expect(await typeOf('fragment', '<p>Hello</p>\n')).toBe('html');
    expect(await typeOf('README', 'Terms of service\n\n1. Be nice.\tThanks.\r\n')).toBe('txt');
    expect(await typeOf('utf8', '\uFEFFCafé – naïve ✓\n')).toBe('txt');
  });
  it('unrecognizable bytes are exit 2 naming the document and asking for an extension or fileExtension', async () => {
    await put(dir, 'blob', UNKNOWN);
    const t = await put(dir, 'blob-t.yaml', template('./blob'));
    const e = await rejection(async () => buildEnvelope(await loadTemplate(t)));
    expect(e.exitCode).toBe(2);
    const p = e.problems!.find((x) => x.path === 'documents[0].path');
    expect(p?.message).toBe(
      './blob has no file extension and its content is not a format esign recognizes (PDF, Word/ZIP, RTF, HTML, plain text, an image); rename it with its extension (e.g. blob.pdf) or set fileExtension on the document (fileExtension: docx)',
    );
  });
  it("a declared fileExtension or the name's extension is taken at its word when the content cannot tell", async () => {
    expect(await typeOf('blob2', UNKNOWN, 'fileExtension: xlsx')).toBe('xlsx');
    expect(await typeOf('blob3.wpd', UNKNOWN)).toBe('wpd');
  });
  it('an envelope definition document named without an extension: the problem is on fileExtension', async () => {
    const def = {
      emailSubject: 'x',
      documents: [{ documentId: '1', name: 'Contract', documentBase64: UNKNOWN.toString('base64') }],
      recipients: { signers: [{ recipientId: '1', name: 'Pat Example', email: 'pat@example.test' }] },
    };
    const e = await rejection(() => buildEnvelope(classify(def, 'def.json')));
    const p = e.problems!.find((x) => x.path === 'documents[0].fileExtension');
    expect(p?.message).toMatch(/^document 'Contract' has no file extension and its content is not a format esign recognizes .*; set "fileExtension"/);
    const text = { ...def, documents: [{ documentId: '1', name: 'Contract', documentBase64: Buffer.from('Plain words').toString('base64') }] };
    const built = await buildEnvelope(classify(text, 'def.json'));
    expect(built.documents[0]!.fileExtension).toBe('txt');
  });
});

describe('sniffText', () => {
  it('a multi-byte character cut at the end of the head still counts as text', () => {
    const full = Buffer.from('ab✓', 'utf8');
    expect(sniffText(full.subarray(0, full.length - 1))).toBe('txt');
    expect(sniffText(full.subarray(0, full.length - 2))).toBe('txt');
  });
  it('NUL and other control characters, or invalid UTF-8, are not text', () => {
    expect(sniffText(Buffer.from('ab\u0000cd'))).toBeUndefined();
    expect(sniffText(Buffer.from([0x61, 0xff, 0x62]))).toBeUndefined();
    expect(sniffText(Buffer.from('ab\u0007'))).toBeUndefined();
  });
  it('chooseExtension keeps pdf for an empty document (reported as empty elsewhere)', () => {
    expect(chooseExtension(Buffer.alloc(0), undefined, 'x')).toEqual({ ext: 'pdf' });
  });
});

describe('esign send: refused before anything is sent', () => {
  let h: CliHarness;
  beforeAll(async () => {
    h = await cliHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  it('exit 2, no request', async () => {
    await put(dir, 'scan', UNKNOWN);
    const t = await put(dir, 'scan-t.yaml', template('./scan'));
    const r = await h.run(['send', t]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('documents[0].path: ./scan has no file extension');
    expect(r.requests).toEqual([]);
  });
});
