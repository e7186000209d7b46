/** Small helpers shared by the template engine (paths, did-you-mean, type guards). */

/** A plain JSON object (not an array, not null). */
export type Json = Record<string, unknown>;

/** True for plain objects (what JSON/YAML objects parse to). */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Appends a key or index to a field path: `recipients` + `signers` + 0 → `recipients.signers[0]`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const part = IDENT.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (base === '') return part.startsWith('[') ? part : part;
  return part.startsWith('[') ? `${base}${part}` : `${base}.${part}`;
}

/** The same path in jq syntax (`.steps[1].request.bodyTemplate`). */
export function jqPath(path: string): string {
  if (path === '') return '.';
  return path.startsWith('[') ? `.${path}` : `.${path}`;
}

/** Edit distance with adjacent transpositions (optimal string alignment), for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Normalizes for near-miss comparison: case and whitespace do not count. */
export function looseKey(s: string): string {
  return s.toLowerCase().replace(/[\s_-]+/g, '');
}

/** The closest candidate when it is a plausible typo (same letters ignoring case/spaces, or 1–2 edits). */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const loose = looseKey(input);
  const exactLoose = candidates.find((c) => looseKey(c) === loose);
  if (exactLoose !== undefined) return exactLoose;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(loose, looseKey(c));
    if (dist < bestD) {
      bestD = dist;
      best = c;
    }
  }
  const limit = Math.max(1, Math.min(2, Math.floor(loose.length / 4)));
  return bestD <= limit ? best : undefined;
}

/** Quoted list for messages: 'a', 'b' and 'c'. */
export function quoteList(items: readonly string[]): string {
  const q = items.map((s) => `'${s}'`);
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

/** Megabytes with one decimal, as used in size messages. */
export function mb(bytes: number): string {
  const v = bytes / (1024 * 1024);
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} MB`;
}

/** DocuSign wants every scalar as a string; numbers and booleans are converted. */
export function asDsString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Deep copy of JSON-like data (Buffers kept by reference). */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  if (isObject(v)) {
    const o: Json = {};
    for (const [k, x] of Object.entries(v)) o[k] = clone(x);
    return o as T;
  }
  return v;
}

/** A whole-string `[token]` placeholder left by a code sample (`[signerEmail]`, `[document1]`). Not `[[merge]]` fields. */
export const PLACEHOLDER = /^\s*\[(?!\[)[A-Za-z][\w .-]{0,60}\]\s*$/;
