/**
 * Anchor checks (BR-20): every anchorString a tab relies on must occur in the text of at least
 * one document, unless the tab says anchorIgnoreIfNotPresent. Text extraction lives in
 * src/documents; when a document has no reliable text layer the anchor cannot be checked and
 * the caller warns instead of failing.
 */
import { readFile, stat } from 'node:fs/promises';
import { containsAnchor, extractText, type ExtractedText } from '../documents/text.js';
import type { DocumentPart } from './documents.js';

export { containsAnchor };

const cache = new Map<string, ExtractedText>();

/** Text of a document part (cached per file path+mtime+size, so --data rows do not re-extract). */
export async function documentText(part: DocumentPart): Promise<ExtractedText> {
  let key: string | undefined;
  if (part.path && !part.bytes) {
    const st = await stat(part.path);
    key = `${part.path}:${st.mtimeMs}:${st.size}:${part.fileExtension}`;
    const hit = cache.get(key);
    if (hit) return hit;
  }
  const bytes = part.bytes ?? (part.path ? await readFile(part.path) : Buffer.alloc(0));
  let result: ExtractedText;
  try {
    result = extractText(bytes, part.fileExtension);
  } catch {
    result = { text: '', reliable: false };
  }
  if (result.reliable && looksGarbled(result.text)) result = { text: result.text, reliable: false };
  if (key) {
    if (cache.size > 64) cache.clear();
    cache.set(key, result);
  }
  return result;
}

/**
 * Subset fonts without a usable ToUnicode map come out as shifted glyph codes ("' R F X P H Q W"
 * for "Document"): mostly one-character tokens. Such text cannot prove an anchor is absent, so
 * it is treated as unreadable rather than risk refusing a good envelope.
 */
export function looksGarbled(text: string): boolean {
  const tokens = text.split(/\s+/).filter(Boolean);
  if (tokens.length < 12) return false;
  const single = tokens.filter((t) => [...t].length === 1).length;
  return single / tokens.length > 0.6;
}
