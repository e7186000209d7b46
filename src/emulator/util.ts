/** Small helpers shared by the emulator's hosts: replies, ids, DocuSign-style timestamps and errors. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a handler answers; the server writes it (or a fault replaces it). */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** DocuSign errorCode or OAuth error, for the request log. */
  errorCode?: string;
}

/** A handler threw this to answer with a DocuSign REST error. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** A handler threw this to answer with an OAuth error body. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description?: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(description ?? error);
  }
}

/** DocuSign pretty-prints JSON with CRLF line ends. */
export function dsJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, '\r\n');
}

/** A JSON reply in DocuSign's REST style. */
export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: dsJson(value),
  };
}

/** A REST error reply `{errorCode, message}`. */
export function restErrorReply(status: number, errorCode: string, message: string): Reply {
  return { ...jsonReply(status, { errorCode, message }), errorCode };
}

/** An HTML reply. */
export function htmlReply(status: number, html: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers }, body: html };
}

/** A 302 redirect. */
export function redirectReply(location: string): Reply {
  return { status: 302, headers: { Location: location, 'Content-Type': 'text/html; charset=utf-8' }, body: '' };
}

/** Upper-case GUID like DocuSign's ids are often shown; we use lower case like the REST API returns. */
export function guid(): string {
  return randomUUID();
}

/** An opaque random token. */
export function token(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** DocuSign's timestamp format: 7 fractional digits, Z. */
export function dsTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** HTML-escapes text. */
export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Error thrown when a body exceeds the configured maximum. */
export class TooLargeError extends Error {}

/** Reads a whole request body, refusing more than `max` bytes. */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > max) throw new TooLargeError('too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Turns every scalar into a string (DocuSign's schema types every scalar as string). */
export function stringifyScalars<T>(v: T): T {
  if (Array.isArray(v)) return v.map(stringifyScalars) as T;
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === null || x === undefined) continue;
      o[k] = stringifyScalars(x);
    }
    return o as T;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v) as T;
  return v;
}

/** Reads a scalar as a string ('' for null/undefined). */
export function str(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return '';
  return String(v);
}

/** Truthy DocuSign boolean ("true", true, 1). */
export function bool(v: unknown): boolean {
  return v === true || String(v).toLowerCase() === 'true' || v === 1 || v === '1';
}

/** Deep clone through JSON. */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Sleeps ms. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A plausible email check (DocuSign rejects obviously malformed addresses). */
export function validEmail(e: string): boolean {
  return /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/.test(e) && e.length <= 100;
}
