/** JSON/YAML parsing with errors that point at line:column in the file. */
import { parseDocument } from 'yaml';
import { UsageError } from '../errors.js';

/** Parses JSON (strictly, when the text looks like JSON) or YAML; throws UsageError with file:line:col. */
export function parseStructured(text: string, file: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[') || /\.json$/i.test(file);
  if (looksJson) {
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
  const doc = parseDocument(body, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const lp = err.linePos?.[0] ?? (err.pos ? offsetToLineCol(body, err.pos[0]) : undefined);
    const where = lp ? `:${lp.line}:${lp.col}` : '';
    const firstLine = err.message.split('\n')[0];
    throw new UsageError(`${file}${where}: invalid YAML: ${firstLine}`, {
      hint: 'check the indentation and quoting around that line (values containing ": " or starting with "{" need quotes)',
      code: 'INVALID_INPUT',
    });
  }
  return doc.toJS({ maxAliasCount: 100 });
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
