/** `--data FILE`: one envelope per row (CSV with a header row, a JSON array, or JSON Lines). */
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { isSeq, parseDocument } from 'yaml';
import { InvalidInputError, UsageError, formatProblem, type InputProblem } from '../errors.js';
import { buildEnvelope, type BuildOptions } from './build.js';
import type { LoadedTemplate } from './load.js';
import { jsonNestingOffset, MAX_NESTING, offsetToLineCol } from './parse.js';
import { isObject } from './util.js';
import { ROW_PROBLEM, rowProblem } from './variables.js';

/** One data row: its 1-based line in the file and its variables. */
export interface DataRow {
  line: number;
  vars: Record<string, unknown>;
  /**
   * Why this row cannot be used (a ragged CSV row, a JSON item that is not an object, a JSON
   * Lines line that does not parse); undefined for a usable row. This is the field to read.
   * The same reason also travels in `vars[ROW_PROBLEM]`, for callers that merge a row's
   * variables and hand them to buildEnvelope, which refuses such a row with this reason.
   */
  problem?: string;
}

/** Why a row cannot be used: its `problem`, or the mark in its variables (rows made elsewhere). */
export function dataRowProblem(row: DataRow): string | undefined {
  return row.problem ?? rowProblem(row.vars);
}

/** A row that cannot be used: reported when the row is built, alongside every other row's problems. */
function badRow(line: number, problem: string): DataRow {
  return { line, vars: { [ROW_PROBLEM]: problem }, problem };
}


/**
 * Reads a data file. Problems with the file as a whole (unreadable, empty, not JSON, a bad CSV
 * header) throw, listing everything at once; a bad row comes back marked (see ROW_PROBLEM).
 */
export async function parseDataFile(path: string): Promise<DataRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--data ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { code: 'INVALID_INPUT' });
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') {
    throw new InvalidInputError(`--data ${path}: the file is empty`, [{ file: path, message: 'no rows: add a header row and one row per envelope (CSV), or a JSON array of objects' }]);
  }
  const trimmed = text.trimStart();
  const oneLine = text.trim().split(/\r?\n/).length === 1;
  if (trimmed.startsWith('{') && !isJsonLines(text) && (!oneLine || /\.json$/i.test(path))) {
    // One JSON object spread over several lines: neither a JSON array nor JSON Lines.
    throw new InvalidInputError(`--data ${path}: expected a JSON array of objects or JSON Lines, found one JSON object`, [
      { file: path, message: 'wrap the rows in a list, [ { … }, { … } ], or write one JSON object per line (JSON Lines)' },
    ]);
  }
  const rows =
    /\.jsonl$|\.ndjson$/i.test(path) || trimmed.startsWith('{')
      ? jsonLines(text, path)
      : trimmed.startsWith('[')
        ? jsonArray(text, path)
        : csvRows(text, path);
  if (rows.length === 0) {
    throw new InvalidInputError(`--data ${path}: no data rows`, [{ file: path, message: 'the file has no rows to send' }]);
  }
  return rows;
}

function isJsonLines(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

/**
 * Rows nested deeper than MAX_NESTING stop the whole file before it is parsed: every later step
 * walks values recursively, and a row built to exhaust that is an attack, not a typo to list.
 */
function checkNesting(text: string, path: string, firstLine = 1): void {
  const at = jsonNestingOffset(text);
  if (at === undefined) return;
  const lc = offsetToLineCol(text, at);
  throw new InvalidInputError(`--data ${path}: lists and objects are nested more than ${MAX_NESTING} levels deep, esign's limit; nothing was sent`, [
    { file: path, path: `line ${lc.line + firstLine - 1}:${lc.col}`, message: `nested more than ${MAX_NESTING} levels deep; a row's variables need a few levels at most` },
  ]);
}

function jsonLines(text: string, path: string): DataRow[] {
  const rows: DataRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((l, i) => checkNesting(l, path, i + 1));
  lines.forEach((l, i) => {
    if (l.trim() === '') return;
    const line = i + 1;
    try {
      const v = JSON.parse(l);
      if (!isObject(v)) rows.push(badRow(line, `each line must be a JSON object of variables, found ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}`));
      else rows.push({ line, vars: v });
    } catch (e) {
      rows.push(badRow(line, `invalid JSON: ${(e as Error).message.replace(/ in JSON at position.*$/, '')}`));
    }
  });
  return rows;
}

function jsonArray(text: string, path: string): DataRow[] {
  checkNesting(text, path);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const lc = pos ? offsetToLineCol(text, Number(pos[1])) : undefined;
    throw new InvalidInputError(`--data ${path}: invalid JSON`, [{ file: path, path: lc ? `line ${lc.line}:${lc.col}` : undefined, message: msg.replace(/ in JSON at position.*$/, '') }]);
  }
  if (!Array.isArray(data)) throw new InvalidInputError(`--data ${path}: expected a JSON array of objects`, [{ file: path, message: 'the top level must be a list: [ { "signer.email": … }, … ]' }]);
  // Line numbers: the YAML parser (JSON is YAML) keeps each item's source range.
  const doc = parseDocument(text);
  const lines: number[] = [];
  if (isSeq(doc.contents)) {
    for (const item of doc.contents.items) {
      const range = (item as { range?: [number, number, number] }).range;
      lines.push(range ? offsetToLineCol(text, range[0]).line : 0);
    }
  }
  return data.map((v, i) => {
    const line = lines[i] ?? 0;
    if (!isObject(v)) return badRow(line, `each row must be an object of variables, found ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}`);
    return { line, vars: v };
  });
}

function csvRows(text: string, path: string): DataRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, info: true, trim: false }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new InvalidInputError(`--data ${path}: invalid CSV`, [{ file: path, path: err.lines ? `line ${err.lines}` : undefined, message: err.message }]);
  }
  const [header, ...body] = records;
  if (!header) throw new InvalidInputError(`--data ${path}: the file is empty`, [{ file: path, message: 'no header row' }]);
  const problems: InputProblem[] = [];
  const cols = header.record.map((c) => c.trim());
  cols.forEach((c, i) => {
    if (c === '') problems.push({ file: path, path: `line ${header.info.lines}`, message: `column ${i + 1} of the header row has no name` });
    else if (cols.indexOf(c) !== i) problems.push({ file: path, path: `line ${header.info.lines}`, message: `column '${c}' appears twice in the header row` });
  });
  const rows: DataRow[] = [];
  body.forEach(({ record, info }) => {
    if (record.length !== cols.length) {
      const comma = record.length > cols.length ? '; a value that contains a comma must be in double quotes ("Bo, Jr.")' : '';
      rows.push(badRow(info.lines, `has ${record.length} field${record.length === 1 ? '' : 's'}, the header has ${cols.length}${comma}`));
      return;
    }
    const vars: Record<string, unknown> = {};
    cols.forEach((c, k) => (vars[c] = record[k]));
    rows.push({ line: info.lines, vars });
  });
  if (problems.length > 0) {
    // A bad header spoils every row: list the header's problems and the rows' at once.
    rows.forEach((r, i) => r.problem && problems.push({ file: path, path: `row ${i + 1} (line ${r.line})`, message: r.problem }));
    throw new InvalidInputError(`--data ${path}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was sent`, problems);
  }
  if (rows.length === 0) throw new InvalidInputError(`--data ${path}: no data rows`, [{ file: path, message: 'the file has a header row but no data rows' }]);
  return rows;
}

/** Builds and validates every row without network (a row with a `problem` is reported, not built); problems carry `path: "row N (line L)"`. */
export async function validateRows(t: LoadedTemplate, rows: DataRow[], base: BuildOptions): Promise<InputProblem[]> {
  const problems: InputProblem[] = [];
  for (const [i, row] of rows.entries()) {
    const where = `row ${i + 1} (line ${row.line})`;
    const bad = dataRowProblem(row);
    if (bad !== undefined) {
      problems.push({ path: where, message: bad });
      continue;
    }
    try {
      await buildEnvelope(t, { ...base, vars: { ...(base.vars ?? {}), ...row.vars } });
    } catch (e) {
      if (e instanceof InvalidInputError) {
        for (const p of e.problems) problems.push({ file: p.file, path: where, message: formatProblem({ path: p.path, message: p.message }) });
      } else if (e instanceof UsageError) {
        problems.push({ path: where, message: e.message });
      } else throw e;
    }
  }
  return problems;
}
