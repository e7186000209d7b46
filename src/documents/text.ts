/**
 * Document helpers shared by the CLI (template validation) and the emulator (anchor tabs, page checks).
 * Dependency-free on purpose: only node:zlib. Extraction is approximate — it reads the text a
 * PDF draws with Tj/TJ, the runs of a DOCX, the text of HTML — and says when it could not be trusted.
 */
import { inflateRawSync, inflateSync } from 'node:zlib';

/** Text of a document and whether it is trustworthy enough to prove that a string is absent. */
export interface ExtractedText {
  text: string;
  /** false when the format is unknown or the document has no extractable text layer. */
  reliable: boolean;
}

const MIME: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  doc: 'application/msword',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ppt: 'application/vnd.ms-powerpoint',
  rtf: 'application/rtf',
  odt: 'application/vnd.oasis.opendocument.text',
  html: 'text/html',
  htm: 'text/html',
  txt: 'text/plain',
  csv: 'text/csv',
  xml: 'application/xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  bmp: 'image/bmp',
  zip: 'application/zip',
};

/** Normalises an extension: lower case, no leading dot. */
export function normalizeExt(ext: string | undefined | null): string {
  return String(ext ?? '')
    .trim()
    .replace(/^\.+/, '')
    .toLowerCase();
}

/** MIME type for a file extension (with or without the dot); application/octet-stream when unknown. */
export function mimeFor(ext: string): string {
  return MIME[normalizeExt(ext)] ?? 'application/octet-stream';
}

/** True when the bytes start like a PDF (allowing a little leading junk, as readers do). */
export function isPdf(bytes: Buffer): boolean {
  return bytes.subarray(0, 1024).includes('%PDF-');
}

/** True when the bytes start like a ZIP container (docx, xlsx, …). */
export function isZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
}

/** Extracts the text of a pdf, docx, html/htm or txt document. */
export function extractText(bytes: Buffer, ext: string): ExtractedText {
  const e = normalizeExt(ext);
  try {
    if (e === 'pdf') return pdfText(bytes);
    if (e === 'docx') return docxText(bytes);
    if (e === 'html' || e === 'htm') return { text: htmlText(bytes.toString('utf8')), reliable: true };
    if (e === 'txt' || e === 'csv') return { text: bytes.toString('utf8'), reliable: true };
  } catch {
    return { text: '', reliable: false };
  }
  return { text: '', reliable: false };
}

/**
 * Number of pages of a PDF: counts page objects, else reads the largest /Count of a /Pages node
 * (PDFs with compressed object streams hide both; undefined then).
 */
export function pdfPageCount(bytes: Buffer): number | undefined {
  const s = bytes.toString('latin1');
  const pages = s.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  if (pages > 0) return pages;
  let max = 0;
  for (const m of s.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)) {
    max = Math.max(max, Number(m[1] ?? m[2]));
  }
  if (max > 0) return max;
  // Object streams: inflate them and look again (root /Pages /Count first).
  let found = 0;
  for (const stream of pdfStreams(bytes)) {
    const t = stream.toString('latin1');
    if (!/\/Type\s*\/Page/.test(t)) continue;
    for (const m of t.matchAll(/<<(?:(?!<<|>>)[\s\S])*?\/Type\s*\/Pages\b(?:(?!<<|>>)[\s\S])*?>>/g)) {
      const c = m[0].match(/\/Count\s+(\d+)/);
      if (c) max = Math.max(max, Number(c[1]));
    }
    found += t.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  }
  if (max > 0) return max;
  return found > 0 ? found : undefined;
}

/** Page count of a DOCX from docProps/app.xml, when the producer wrote it. */
export function docxPageCount(bytes: Buffer): number | undefined {
  const app = zipEntry(bytes, 'docProps/app.xml');
  const m = app?.toString('utf8').match(/<Pages>(\d+)<\/Pages>/);
  return m ? Number(m[1]) : undefined;
}

// ---------------------------------------------------------------- PDF

/** Yields the decoded content of every stream (Flate-decoded when marked so). */
function* pdfStreams(bytes: Buffer): Generator<Buffer> {
  const s = bytes.toString('latin1');
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    if (s.slice(Math.max(0, m.index - 3), m.index) === 'end') continue;
    const start = m.index + m[0].length;
    const end = s.indexOf('endstream', start);
    if (end < 0) break;
    const dictStart = s.lastIndexOf('<<', m.index);
    const dict = dictStart >= 0 ? s.slice(dictStart, m.index) : '';
    let raw = bytes.subarray(start, end);
    // Trim the EOL before endstream.
    while (raw.length && (raw[raw.length - 1] === 0x0a || raw[raw.length - 1] === 0x0d)) raw = raw.subarray(0, -1);
    re.lastIndex = end + 9;
    if (/\/Subtype\s*\/Image/.test(dict)) continue;
    if (/\/FlateDecode/.test(dict)) {
      try {
        yield inflateSync(raw);
      } catch {
        try {
          yield inflateSync(raw, { finishFlush: 2 /* Z_SYNC_FLUSH */ });
        } catch {
          /* undecodable stream */
        }
      }
    } else if (!/\/Filter/.test(dict)) {
      yield raw;
    }
  }
}

function pdfText(bytes: Buffer): ExtractedText {
  if (!isPdf(bytes)) return { text: '', reliable: false };
  const parts: string[] = [];
  for (const stream of pdfStreams(bytes)) {
    if (!looksLikeContent(stream)) continue;
    const t = stream.toString('latin1');
    if (!/(Tj|TJ|')\s/.test(t + ' ')) continue;
    parts.push(contentText(t));
  }
  const text = parts.join('\n');
  // A text layer must hold some letters; otherwise (scans, CID fonts we cannot map) say so.
  // Fonts with custom encodings give symbol soup: require mostly letters among visible characters.
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const visible = text.match(/[^\s_.]/g)?.length ?? 0;
  // Glyph-id strings (subset fonts without a mapping we read) show as control characters or as
  // letters split one per token; neither can prove an anchor absent.
  const controls = text.match(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g)?.length ?? 0;
  const tokens = text.split(/\s+/).filter(Boolean);
  const singles = tokens.filter((t) => t.length === 1).length;
  const soup = controls > visible * 0.02 || (tokens.length >= 20 && singles / tokens.length > 0.6);
  return { text, reliable: !soup && letters >= 3 && letters / Math.max(1, visible) >= 0.5 };
}

/** Content streams are mostly printable ASCII operators; font programs and images are not. */
function looksLikeContent(b: Buffer): boolean {
  const n = Math.min(b.length, 4096);
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09) ok++;
  }
  return n > 0 && ok / n > 0.9;
}

/** Reads the strings drawn by a content stream, with spaces for big TJ gaps and line moves. */
function contentText(t: string): string {
  let out = '';
  let i = 0;
  const n = t.length;
  let pending: string[] = [];
  const flushLine = () => {
    if (pending.length) out += pending.join('');
    pending = [];
  };
  while (i < n) {
    const c = t[i]!;
    if (c === '(') {
      const [str, next] = readLiteral(t, i);
      pending.push(str);
      i = next;
    } else if (c === '<' && t[i + 1] === '<') {
      // Inline dictionaries (marked content properties): skip them whole.
      const end = t.indexOf('>>', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '<') {
      const end = t.indexOf('>', i);
      if (end < 0) break;
      pending.push(hexString(t.slice(i + 1, end)));
      i = end + 1;
    } else if (c === '[') {
      i++;
    } else if (c === ']') {
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9') || c === '.') {
      let j = i + 1;
      while (j < n && /[0-9.]/.test(t[j]!)) j++;
      const num = Number(t.slice(i, j));
      // Inside TJ arrays, a large negative kern is a word gap.
      if (num < -180 && t.lastIndexOf('[', i) > t.lastIndexOf(']', i)) pending.push(' ');
      i = j;
    } else if (/[A-Za-z'"*]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z*]/.test(t[j]!)) j++;
      const op = t.slice(i, j);
      if (op === 'Td' || op === 'TD' || op === 'T*' || op === "'" || op === '"' || op === 'Tm') {
        pending.push(' ');
      } else if (op === 'ET') {
        pending.push('\n');
        flushLine();
      }
      i = j;
    } else {
      i++;
    }
  }
  flushLine();
  return out.replace(/[ \t]+/g, ' ');
}

function readLiteral(t: string, start: number): [string, number] {
  let depth = 0;
  let out = '';
  let i = start;
  for (; i < t.length; i++) {
    const c = t[i]!;
    if (c === '\\') {
      const d = t[++i]!;
      if (d === 'n') out += '\n';
      else if (d === 'r') out += '\r';
      else if (d === 't') out += '\t';
      else if (d === 'b' || d === 'f') out += '';
      else if (d >= '0' && d <= '7') {
        let oct = d;
        while (oct.length < 3 && t[i + 1]! >= '0' && t[i + 1]! <= '7') oct += t[++i];
        out += String.fromCharCode(parseInt(oct, 8));
      } else if (d === '\r' || d === '\n') {
        if (d === '\r' && t[i + 1] === '\n') i++;
      } else out += d;
    } else if (c === '(') {
      if (depth++ > 0) out += c;
    } else if (c === ')') {
      if (--depth === 0) return [out, i + 1];
      out += c;
    } else if (depth > 0) out += c;
  }
  return [out, i];
}

function hexString(h: string): string {
  const hex = h.replace(/[^0-9a-fA-F]/g, '');
  const padded = hex.length % 2 ? hex + '0' : hex;
  const buf = Buffer.from(padded, 'hex');
  // Two-byte glyph ids (Identity-H) rarely map to text; keep bytes as latin1 anyway.
  if (buf.length >= 2 && buf.length % 2 === 0 && buf.every((b, i) => i % 2 === 1 || b === 0)) {
    return buf.swap16().toString('utf16le');
  }
  return buf.toString('latin1');
}

// ---------------------------------------------------------------- DOCX / ZIP

/** Reads one entry of a ZIP archive (stored or deflated) by name; undefined when absent. */
export function zipEntry(zip: Buffer, name: string): Buffer | undefined {
  if (!isZip(zip)) return undefined;
  // End of central directory: last occurrence of PK\5\6 within the last 64 KiB + 22.
  const min = Math.max(0, zip.length - 65_557);
  let eocd = -1;
  for (let i = zip.length - 22; i >= min; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let k = 0; k < count && p + 46 <= zip.length; k++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) return undefined;
    const method = zip.readUInt16LE(p + 10);
    const compSize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const entryName = zip.toString('utf8', p + 46, p + 46 + nameLen);
    if (entryName === name) {
      const lNameLen = zip.readUInt16LE(local + 26);
      const lExtraLen = zip.readUInt16LE(local + 28);
      const start = local + 30 + lNameLen + lExtraLen;
      const data = zip.subarray(start, start + compSize);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      return undefined;
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return undefined;
}

function docxText(bytes: Buffer): ExtractedText {
  const xml = zipEntry(bytes, 'word/document.xml');
  if (!xml) return { text: '', reliable: false };
  const s = xml.toString('utf8');
  let out = '';
  const re = /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:br\/>|<\/w:p>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    if (m[1] !== undefined) out += decodeXml(m[1]);
    else if (m[0] === '<w:tab/>') out += '\t';
    else out += '\n';
  }
  return { text: out, reliable: true };
}

function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos|nbsp);/g, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' } as Record<string, string>)[e]!;
  });
}

function htmlText(html: string): string {
  return decodeXml(
    html
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6])>/gi, '\n')
      .replace(/<[^>]+>/g, ' '),
  ).replace(/[ \t]+/g, ' ');
}

/** Options for locating an anchor string the way DocuSign's anchor tabs do (approximately). */
export interface AnchorOptions {
  caseSensitive?: boolean;
  matchWholeWord?: boolean;
}

/**
 * True when `anchor` occurs in `text`. Whitespace is compared loosely (runs collapse; extraction may
 * also drop spaces), so a miss is a strong sign the anchor really is absent.
 */
export function containsAnchor(text: string, anchor: string, opts: AnchorOptions = {}): boolean {
  const norm = (s: string) => (opts.caseSensitive ? s : s.toLowerCase()).replace(/\s+/g, ' ');
  const hay = norm(text);
  const needle = norm(anchor).trim();
  if (!needle) return false;
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = opts.matchWholeWord ? new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u') : undefined;
  if (re ? re.test(hay) : hay.includes(needle)) return true;
  const squash = (s: string) => s.replace(/\s+/g, '');
  return squash(hay).includes(squash(needle));
}
