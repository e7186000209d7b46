/**
 * Streaming multipart/form-data parser for the binary envelope-create variant (reference §6).
 * Only the current part is held in memory: the JSON part as text, each document part as its bytes.
 */
import type { IncomingMessage } from 'node:http';
import { TooLargeError } from './util.js';

/** One part: its headers and bytes. */
export interface Part {
  headers: Record<string, string>;
  /** Parameters of Content-Disposition (name, filename, documentid, compositetemplateid, …), keys lower-cased. */
  disposition: Record<string, string>;
  body: Buffer;
}

/** Extracts the boundary of a multipart Content-Type; undefined when absent. */
export function boundaryOf(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function parseHeaders(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function parseDisposition(v: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v) return out;
  const [type, ...params] = v.split(';');
  out._type = (type ?? '').trim().toLowerCase();
  for (const p of params) {
    const i = p.indexOf('=');
    if (i < 0) continue;
    let val = p.slice(i + 1).trim();
    if (val.startsWith('"') && val.endsWith('"')) val = val.slice(1, -1);
    out[p.slice(0, i).trim().toLowerCase()] = val;
  }
  return out;
}

/** Parses a multipart body as it streams in. Throws on malformed input (no closing boundary, …). */
export async function parseMultipart(
  req: IncomingMessage,
  boundary: string,
  maxBytes: number,
  onBytes: (n: number) => void,
): Promise<Part[]> {
  const delim = Buffer.from(`\r\n--${boundary}`);
  const parts: Part[] = [];
  // Prepend CRLF so the first boundary looks like every other one.
  let buf: Buffer = Buffer.from("\r\n");
  let state: 'preamble' | 'headers' | 'body' | 'done' = 'preamble';
  let headers: Record<string, string> = {};
  let chunks: Buffer[] = [];
  let total = 0;

  const step = (final: boolean): void => {
    for (;;) {
      if (state === 'done') return;
      if (state === 'preamble' || state === 'body') {
        const idx = buf.indexOf(delim);
        if (idx < 0) {
          // Keep a tail that might hold the start of the delimiter.
          const keep = Math.min(buf.length, delim.length + 4);
          if (state === 'body' && buf.length > keep) chunks.push(buf.subarray(0, buf.length - keep));
          buf = buf.subarray(buf.length - keep);
          if (final) throw new Error('multipart body ended without its closing boundary');
          return;
        }
        if (buf.length < idx + delim.length + 2) {
          if (final) throw new Error('multipart body ended without its closing boundary');
          return;
        }
        if (state === 'body') {
          chunks.push(buf.subarray(0, idx));
          parts.push({ headers, disposition: parseDisposition(headers['content-disposition']), body: Buffer.concat(chunks) });
          chunks = [];
        }
        const after = buf.subarray(idx + delim.length, idx + delim.length + 2).toString('latin1');
        buf = buf.subarray(idx + delim.length + 2);
        if (after === '--') {
          state = 'done';
          return;
        }
        state = 'headers';
        continue;
      }
      // headers
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (final || buf.length > 16_384) throw new Error('malformed multipart part headers');
        return;
      }
      headers = parseHeaders(buf.subarray(0, end).toString('utf8').replace(/^\r\n/, ''));
      buf = buf.subarray(end + 4);
      state = 'body';
    }
  };

  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    onBytes(total);
    if (total > maxBytes) throw new TooLargeError('too large');
    buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
    step(false);
  }
  step(true);
  return parts;
}
