#!/usr/bin/env node
// Writes templates/nda.pdf: a one-page PDF with a real text layer (uncompressed, Helvetica),
// built by hand so the example needs no PDF library. The anchor strings /sn1/ and /dt1/ are
// drawn in white: invisible on the page, found by DocuSign's (and esign's) anchor search.
// Usage: node scripts/make-example-pdf.mjs [output.pdf]
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'templates', 'nda.pdf');

const esc = (s) => s.replace(/[\\()]/g, (c) => `\\${c}`);
const lines = [
  [72, 740, 18, 'Mutual Non-Disclosure Agreement'],
  [72, 700, 11, 'This Agreement is made between the Company and the Counterparty named in the'],
  [72, 685, 11, 'accompanying envelope. Each party may disclose confidential information to the other'],
  [72, 670, 11, 'for the purpose of evaluating a possible business relationship.'],
  [72, 640, 11, '1. The receiving party keeps the information confidential and uses it only for that purpose.'],
  [72, 625, 11, '2. These obligations last for two years from the date of signature.'],
  [72, 610, 11, '3. Either party may end discussions at any time by written notice.'],
  [72, 560, 11, 'Counterparty signature:'],
  [72, 520, 11, 'Date:'],
];
let content = 'BT\n0 0 0 rg\n';
for (const [x, y, size, text] of lines) content += `/F1 ${size} Tf\n1 0 0 1 ${x} ${y} Tm\n(${esc(text)}) Tj\n`;
content += '1 1 1 rg\n/F1 10 Tf\n1 0 0 1 200 560 Tm\n(/sn1/) Tj\n1 0 0 1 200 520 Tm\n(/dt1/) Tj\nET\n';
content += '0 0 0 RG\n200 555 m 450 555 l S\n200 515 m 350 515 l S\n';

const objects = [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
  '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
];
let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
const offsets = [];
objects.forEach((body, i) => {
  offsets.push(Buffer.byteLength(pdf, 'latin1'));
  pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
});
const xref = Buffer.byteLength(pdf, 'latin1');
pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
for (const o of offsets) pdf += `${String(o).padStart(10, '0')} 00000 n \n`;
pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
writeFileSync(out, Buffer.from(pdf, 'latin1'));
console.log(`wrote ${out} (${Buffer.byteLength(pdf, 'latin1')} bytes)`);
