import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { InvalidInputError, UsageError } from '../../src/errors.js';

export { REAL_INPUTS as REAL } from '../helpers/shared.js';
import { REAL_INPUTS as REAL } from '../helpers/shared.js';

/** Reads a real input (never modified) as parsed JSON. */
export async function readReal(name: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(join(REAL, name), 'utf8'));
}

/** A fresh temporary folder for derived test files, removed after the test file (test/helpers/tmp.ts). */
export async function tmp(): Promise<string> {
  return tempDir('esign-tpl-');
}

/** Writes a file into a folder and returns its path. */
export async function put(dir: string, name: string, content: string | Buffer | object): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content));
  return p;
}

/** Runs fn and returns the InvalidInputError/UsageError it throws (fails when it does not throw one). */
export async function rejection(fn: () => Promise<unknown> | unknown): Promise<UsageError & { problems?: InvalidInputError['problems'] }> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('expected a UsageError, but nothing was thrown');
}

/** All problem messages (with paths) of an InvalidInputError, one string. */
export function problemText(e: { message: string }): string {
  return e.message;
}

/** A minimal one-page PDF whose text layer holds the given lines. */
export function pdfWithText(lines: string[]): Buffer {
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  let content = 'BT\n/F1 12 Tf\n';
  lines.forEach((l, i) => (content += `1 0 0 1 72 ${720 - i * 20} Tm\n(${esc(l)}) Tj\n`));
  content += 'ET\n';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((b, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${b}\nendobj\n`;
  });
  const x = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${x}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** A PDF with a page but no text at all (like a scan). */
export function pdfWithoutText(): Buffer {
  return pdfWithText([]);
}
