/** Document bytes: file extension detection from content, size limits (BR-22), base64 checks. */
import type { InputProblem } from '../errors.js';
import { mb } from './util.js';

/** One document of the envelope, uploaded by the sender as a multipart binary part. */
export interface DocumentPart {
  documentId: string;
  name: string;
  fileExtension: string;
  size: number;
  /** Set when the document sits in a composite template (multipart `compositeTemplateId=`). */
  compositeTemplateId?: string;
  /** A file on disk, streamed by the sender. */
  path?: string;
  /** Inline content (base64 in the template, or generated HTML/text). */
  bytes?: Buffer;
}

/** Per-document default (BR-22): DocuSign's single-upload cap is 25–32 MB depending on platform. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 25 * 1024 * 1024;
/** DocuSign's whole-request cap (reference §13). */
export const MAX_REQUEST_BYTES = 35_651_584;

/** The extension content says a document has, if the bytes are recognizable. */
export function sniffExtension(head: Buffer): string | undefined {
  if (head.length >= 5 && head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  if (head.length >= 4 && head.readUInt32BE(0) === 0xd0cf11e0) return 'ole';
  if (head.length >= 5 && head.subarray(0, 5).toString('latin1') === '{\\rtf') return 'rtf';
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpg';
  if (head.length >= 4 && head.subarray(0, 4).toString('latin1') === 'GIF8') return 'gif';
  const t = head.subarray(0, 512).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (t.startsWith('<!doctype html') || t.startsWith('<html')) return 'html';
  return undefined;
}

/** Tags an HTML fragment (no `<html>` around it) commonly starts with. */
const HTML_START = /^<(?:!--|head|body|meta|title|style|div|p|h[1-6]|table|span|br|hr|section|article|header|main|ul|ol|b|i|strong|em)[\s>/]/i;

/**
 * For bytes with no extension to go by: 'html' or 'txt' when they are text (UTF-8 without control
 * characters other than tab, line and page breaks), else undefined. Looks at the first bytes only;
 * a multi-byte character cut at the end of `head` does not count against it.
 */
export function sniffText(head: Buffer): 'html' | 'txt' | undefined {
  if (head.length === 0) return undefined;
  let end = head.length;
  // Drop an incomplete UTF-8 sequence at the cut (up to 3 bytes).
  for (let back = 1; back <= 3 && back <= end; back++) {
    const b = head[end - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > back) end -= back;
    break;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
  } catch {
    return undefined;
  }
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return undefined;
  return HTML_START.test(text.replace(/^\uFEFF/, '').trimStart()) ? 'html' : 'txt';
}

const ZIP_EXTS = new Set(['docx', 'docm', 'dotx', 'xlsx', 'xlsm', 'pptx', 'odt', 'ods', 'odp']);
const OLE_EXTS = new Set(['doc', 'xls', 'ppt', 'msg', 'wpd']);

/**
 * Chooses the fileExtension DocuSign should get: the bytes win over the name (an export named
 * `Offer.docx` holding PDF bytes is a PDF), the declared value wins when the bytes agree or
 * cannot tell. Returns a note when the name or declared extension was overridden, and a problem
 * when neither the name, a declared extension nor the content says what the document is
 * (DocuSign would take it for a PDF and refuse it).
 */
export function chooseExtension(
  head: Buffer | undefined,
  declared: string | undefined,
  name: string,
): { ext: string; note?: string; problem?: string } {
  const fromName = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase();
  const decl = declared?.replace(/^\./, '').toLowerCase() || undefined;
  const claimed = decl ?? fromName;
  const sniffed = head ? sniffExtension(head) : undefined;
  if (sniffed === 'zip') {
    if (claimed && ZIP_EXTS.has(claimed)) return { ext: claimed };
    return { ext: 'docx', note: claimed ? `the content is a ZIP-based Office file, not ${claimed}; sending it as docx` : undefined };
  }
  if (sniffed === 'ole') {
    if (claimed && OLE_EXTS.has(claimed)) return { ext: claimed };
    return { ext: 'doc' };
  }
  if (sniffed === 'jpg' && (claimed === 'jpeg' || claimed === 'jpg')) return { ext: claimed };
  if (sniffed && claimed !== sniffed) {
    const what = decl ? `fileExtension '${decl}'` : fromName ? `the name ends .${fromName}` : 'it has no extension';
    return { ext: sniffed, note: `${what} but the content is ${sniffed.toUpperCase()}; sending it as ${sniffed}` };
  }
  if (sniffed) return { ext: sniffed };
  if (claimed) return { ext: claimed };
  // No extension anywhere: plain text and HTML fragments are recognizable; anything else is not
  // sent as a guess. (An empty document is reported as empty, not here.)
  if (!head || head.length === 0) return { ext: 'pdf' };
  const text = sniffText(head);
  if (text) return { ext: text };
  return {
    ext: 'pdf',
    problem: 'has no file extension and its content is not a format esign recognizes (PDF, Word/ZIP, RTF, HTML, plain text, an image)',
  };
}

/** Problems with a base64 payload: missing, a `[placeholder]`, or not base64 at all. */
export function base64Problem(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return 'documentBase64 is missing or empty';
  if (typeof v !== 'string') return `documentBase64 must be a base64 string, found ${typeof v}`;
  if (/^\s*\[[^\]]*\]\s*$/.test(v)) {
    return `documentBase64 is the placeholder '${v.trim()}', not document content; put the file's base64 there (or use an esign template with documents: [{ path: ./file.pdf }])`;
  }
  const compact = v.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    return 'documentBase64 is not valid base64';
  }
  return undefined;
}

/** Size limit checks (BR-22): per document, and the whole request after base64 inflation. */
export function sizeProblems(
  parts: { part: DocumentPart; path: string; file?: string }[],
  maxDocumentBytes: number,
  definitionBytes: number,
): InputProblem[] {
  const problems: InputProblem[] = [];
  let total = definitionBytes;
  for (const { part, path, file } of parts) {
    total += Math.ceil(part.size / 3) * 4;
    if (part.size > maxDocumentBytes) {
      problems.push({
        file,
        path,
        message: `file ${part.path ?? part.name} is ${mb(part.size)}, limit is ${mb(maxDocumentBytes)} per document; split or compress it (or raise the limit if your account allows larger uploads)`,
      });
    }
    if (part.size === 0) {
      problems.push({ file, path, message: `document ${part.path ?? part.name} is empty (0 bytes)` });
    }
  }
  if (total > MAX_REQUEST_BYTES && !problems.some((p) => /limit is/.test(p.message))) {
    problems.push({
      message: `the documents add up to ${mb(total)} once base64-encoded, over DocuSign's request limit of ${mb(MAX_REQUEST_BYTES)}; send fewer or smaller documents per envelope`,
    });
  }
  return problems;
}
