/**
 * JSON/YAML parsing with errors that point at line:column in the file.
 *
 * Templates, --vars and --data files may come from someone else, so the work a file can cause is
 * bounded: YAML aliases expand at most MAX_ALIAS_COUNT times (a "billion laughs" file is refused,
 * not expanded), and lists/objects nest at most MAX_NESTING levels (every later step walks values
 * recursively; a JSON file nested 200,000 deep would otherwise end in a stack overflow).
 */
import { parseDocument } from 'yaml';
import { UsageError } from '../errors.js';

/** Most levels of lists and objects inside each other that esign reads from any input file. */
export const MAX_NESTING = 100;
/** The yaml library's budget for alias expansion (its `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 100;

/** Parses JSON (strictly, when the text looks like JSON) or YAML; throws UsageError with file:line:col. */
export function parseStructured(text: string, file: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[') || /\.json$/i.test(file);
  if (looksJson) {
    const deep = jsonNestingOffset(body);
    if (deep !== undefined) throw nestingError(file, offsetToLineCol(body, deep));
    try {
      return JSON.parse(body);
    } catch (e) {
      const msg = (e as Error).message;
      const pos = jsonErrorPosition(msg, body);
      const where = pos ? `:${pos.line}:${pos.col}` : '';
      throw new UsageError(`${file}${where}: invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/, '')}`, {
        hint: 'fix the syntax (a trailing comma or a missing quote is the usual cause)',
        code: 'INVALID_INPUT',
      });
    }
  }
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(body, { prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    if (e instanceof RangeError) throw nestingError(file);
    throw e;
  }
  if (doc.errors.length > 0) {
    // The parser recurses per level and reports its own stack overflow as a syntax error.
    const err = doc.errors.find((x) => /Maximum call stack/i.test(x.message)) ?? doc.errors[0]!;
    const lp = err.linePos?.[0] ?? (err.pos ? offsetToLineCol(body, err.pos[0]) : undefined);
    if (/Maximum call stack/i.test(err.message)) throw nestingError(file, lp);
    const where = lp ? `:${lp.line}:${lp.col}` : '';
    const firstLine = err.message.split('\n')[0];
    throw new UsageError(`${file}${where}: invalid YAML: ${firstLine}`, {
      hint: 'check the indentation and quoting around that line (values containing ": " or starting with "{" need quotes)',
      code: 'INVALID_INPUT',
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof RangeError) throw nestingError(file);
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      if (/Excessive alias count/i.test(e.message)) {
        throw new UsageError(
          `${file}: its YAML aliases (*name) expand beyond esign's limit of ${MAX_ALIAS_COUNT} expansions (a "billion laughs" pattern); the file was not expanded`,
          { hint: 'write the repeated values out, or reuse anchors (&name) less; a template, --vars or --data file needs few if any aliases', code: 'INVALID_INPUT' },
        );
      }
      throw new UsageError(`${file}: invalid YAML: ${e.message}`, { hint: 'define each anchor (&name) before the aliases (*name) that use it', code: 'INVALID_INPUT' });
    }
    throw e;
  }
  // Aliases can nest content again (or make a cycle: `a: &a [*a]`), so measure the result too.
  if (nestingDepthExceeds(value, MAX_NESTING)) throw nestingError(file);
  return value;
}

/** The input-limit error for lists and objects nested deeper than MAX_NESTING. */
export function nestingError(file: string, at?: { line: number; col: number }): UsageError {
  return new UsageError(
    `${file}${at ? `:${at.line}:${at.col}` : ''}: lists and objects are nested more than ${MAX_NESTING} levels deep, esign's limit; the file was not read`,
    { hint: 'a template, --vars or --data file needs a few levels at most; check how the file was generated', code: 'INVALID_INPUT' },
  );
}

/**
 * Offset of the bracket that opens level `max + 1` in JSON text (undefined when the text stays
 * within `max`). Linear and non-recursive, so it is safe on any input, valid JSON or not.
 */
export function jsonNestingOffset(text: string, max = MAX_NESTING): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/** True when lists/objects in a parsed value nest deeper than `max` (or form a cycle). Iterative. */
export function nestingDepthExceeds(value: unknown, max = MAX_NESTING): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null || Buffer.isBuffer(v)) continue;
    if (d + 1 > max) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) if (typeof x === 'object' && x !== null) stack.push([x, d + 1]);
  }
  return false;
}

/** Turns V8's "at position N" (or "line L column C") into a line/column. */
function jsonErrorPosition(msg: string, text: string): { line: number; col: number } | undefined {
  const lc = /line (\d+) column (\d+)/.exec(msg);
  if (lc) return { line: Number(lc[1]), col: Number(lc[2]) };
  const p = /position (\d+)/.exec(msg);
  if (p) return offsetToLineCol(text, Number(p[1]));
  if (/Unexpected end of JSON input/.test(msg)) return offsetToLineCol(text, text.length);
  // Node 20 messages often carry no position: find it with a small scanner.
  const at = jsonErrorOffset(text);
  return at === undefined ? undefined : offsetToLineCol(text, at);
}

/** Offset of the first JSON syntax error (undefined when the scanner finds none). */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    } else if (c === '"') str();
    else {
      const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!m) fail();
      i += m![0].length;
    }
  };
  const str = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (at) {
    return typeof at === 'number' ? at : undefined;
  }
}

/** 1-based line and column of a character offset. */
export function offsetToLineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, col: offset - last };
}
