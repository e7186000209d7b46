import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { containsAnchor, extractText, mimeFor, pdfPageCount } from '../../src/documents/text.js';
import { checkShape } from '../../src/emulator/openapi.js';
import { makePdf } from '../../src/emulator/pdf.js';
import { OPENAPI_SPEC, REAL_INPUTS, SHARED_DIR } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

describe('documents/text', () => {
  it('reads Tj/TJ strings of uncompressed and Flate PDFs; counts pages', () => {
    const plain = makePdf([['Hello /sn1/ world'], ['Second page']]);
    const t = extractText(plain, 'pdf');
    expect(t.reliable).toBe(true);
    expect(t.text).toContain('/sn1/');
    expect(pdfPageCount(plain)).toBe(2);
    const content = 'BT /F1 12 Tf 72 700 Td [(Sig)-20(n ) -400 (here)] TJ ET';
    const z = deflateSync(Buffer.from(content));
    const flate = Buffer.concat([Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Page >>\nendobj\n2 0 obj\n<< /Length ${z.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'), z, Buffer.from('\nendstream\nendobj\n%%EOF\n')]);
    const ft = extractText(flate, 'pdf');
    expect(ft.text).toContain('Sign here');
    expect(containsAnchor(ft.text, 'sign HERE')).toBe(true);
    expect(containsAnchor(ft.text, 'sign HERE', { caseSensitive: true })).toBe(false);
  });

  it('a PDF without a text layer is unreliable; unknown formats are unreliable', () => {
    const img = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Page >>\nendobj\n%%EOF\n');
    expect(extractText(img, 'pdf').reliable).toBe(false);
    expect(extractText(Buffer.from('abc'), 'xyz').reliable).toBe(false);
  });

  it.skipIf(!SHARED_DIR)('docx (real export), html and txt', () => {
    const exp = JSON.parse(readFileSync(join(REAL_INPUTS, 'offer-letter-docgen.json'), 'utf8'));
    const d = extractText(Buffer.from(exp.documents[0].documentBase64, 'base64'), 'docx');
    expect(d.reliable).toBe(true);
    expect(containsAnchor(d.text, 'Employee Signature')).toBe(true);
    expect(extractText(Buffer.from('<p>A &amp; B</p><script>x()</script>'), 'html').text).toContain('A & B');
    expect(extractText(Buffer.from('plain'), '.TXT').text).toBe('plain');
  });

  it('mimeFor', () => {
    expect(mimeFor('pdf')).toBe('application/pdf');
    expect(mimeFor('.DOCX')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(mimeFor('weird')).toBe('application/octet-stream');
  });
});

describe('OpenAPI rules', () => {
  it('the committed rules are what the generator produces from the spec, and stay compact', () => {
    const spec = OPENAPI_SPEC;
    const committed = readFileSync(new URL('../../src/emulator/openapi-rules.json', import.meta.url), 'utf8');
    expect(committed.length).toBeLessThan(200_000);
    if (!existsSync(spec)) return;
    const out = join(tempDir('rules-'), 'r.json');
    execFileSync(process.execPath, ['scripts/gen-openapi-rules.mjs', spec, out]);
    expect(readFileSync(out, 'utf8')).toBe(committed);
  });

  it('checks nested shapes and ignores unknown fields', () => {
    expect(() => checkShape('envelopeDefinition', { unknownThing: { a: [1] }, documents: [{ documentId: 1 }] })).not.toThrow();
    expect(() => checkShape('envelopeDefinition', { documents: { documentId: '1' } })).toThrow(/JSON array/);
    expect(() => checkShape('recipientViewRequest', { frameAncestors: 'x' })).toThrow(/frameAncestors/);
    expect(() => checkShape('bulkSendingList', { bulkCopies: [{ recipients: {} }] })).toThrow(/bulkCopies\[0\]\.recipients/);
  });
});
