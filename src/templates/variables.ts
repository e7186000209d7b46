/**
 * `{{ name }}` / `{{ a.b.c }}` variables. Substitution walks every string of a template (keys
 * stay as they are; base64 blobs are skipped), records which variables were used, and collects
 * every missing or malformed reference so they can be reported at once. DocuSign's own bracket
 * syntax (`[[Role_UserName]]`, `[Label]` in formulas) is never touched: only double braces count.
 *
 * A broken reference is an error, never literal text in a sent envelope: a `{{` that no `}}`
 * closes (`{{ company }`), a `}}` that no `{{` opens (`{ company }}`), an extra brace
 * (`{{ company }}}`). Document content (inline `html`/`text`, HTML and text files) is the
 * exception for `}`: CSS and code close two blocks at once (`@media … { a { … }}`), so there
 * only `{{` without `}}` and `{ name }}` count as broken.
 *
 * Literal text: `{{ '…' }}` (or `{{ "…" }}`) writes what is between the quotes as it is, so
 * `{{ '{{' }}` is a literal `{{`, `{{ '}}' }}` a literal `}}`, and `{{ '{{ 1 + 1 }}' }}` the text
 * `{{ 1 + 1 }}`. The form is the string-literal expression of Jinja, Liquid and Go templates;
 * a backslash escape would need doubling in JSON and double-quoted YAML.
 */
import type { InputProblem } from '../errors.js';
import { isObject, joinPath, type Json } from './util.js';

/** Keys whose values are binary payloads, never templated. */
export const BLOB_KEYS = new Set(['documentBase64', 'pdfBytes', 'bytes']);

/**
 * Everything between double braces, scanned left to right: a literal `{{ 'text' }}` /
 * `{{ "text" }}` (groups 1, 2) is tried first at each `{{`, so braces inside the quotes are
 * text; otherwise a reference (group 3).
 */
const TOKEN = /\{\{[ \t]*(?:'([^'\n]*)'|"([^"\n]*)")[ \t]*\}\}|\{\{([^{}]*)\}\}/g;
/** How to write `text` so it is sent literally. */
export function literal(text: string): string {
  return text.includes("'") ? `{{ "${text}" }}` : `{{ '${text}' }}`;
}
const NAME = /^[A-Za-z_][\w-]*(?:\.[\w-]+)*$/;
/** `{ name }}`: a variable that lost one opening brace (a single `{`, not part of `{{`). */
const HALF_OPENED = /(?<!\{)\{[ \t]*([A-Za-z_][\w-]*(?:\.[\w-]+)*)[ \t]*\}\}/g;
/** `{{ name`: the start of a reference, for a "did you mean". */
const OPENED = /^\{\{[ \t]*([A-Za-z_][\w-]*(?:\.[\w-]+)*)/;
/** Keys whose string values are document content, where a bare `}}` is legitimate (CSS, code). */
const CONTENT_KEYS = new Set(['html', 'text', 'source']);
/** Broken braces reported per string, at most (a long HTML document could have hundreds). */
const MAX_BRACE_PROBLEMS = 3;

/** How a string is used: document content tolerates `}}` from CSS and code. */
export interface SubstituteOptions {
  content?: boolean;
}

/**
 * Marks the variables of a row that cannot be used (a CSV row with the wrong number of fields, a
 * JSON item that is not an object, a JSON Lines line that does not parse). The mark travels with
 * the variables, even when a caller merges them (`{ ...flagVars, ...row.vars }`), so
 * buildEnvelope refuses that row with the reason, and a caller that builds every row reports it
 * together with the other rows' problems instead of hiding them.
 */
export const ROW_PROBLEM: unique symbol = Symbol('esign.rowProblem');

/** The reason a row's variables cannot be used, when parseDataFile marked them. */
export function rowProblem(vars: Record<string, unknown> | undefined): string | undefined {
  const p = vars ? (vars as Record<symbol, unknown>)[ROW_PROBLEM] : undefined;
  return typeof p === 'string' ? p : undefined;
}

/** Collects usage and problems across one substitution pass. */
export class VariableScope {
  readonly used = new Set<string>();
  /** missing variable → field paths where it is referenced */
  readonly missing = new Map<string, string[]>();
  /** field path → the variables whose empty values left that field empty */
  readonly emptied = new Map<string, string[]>();
  readonly problems: InputProblem[] = [];
  /** field paths where a `{{ 'literal' }}` put braces into the text on purpose */
  readonly literalPaths = new Set<string>();
  /** field paths still holding a `{{ … }}` that was not filled (missing, malformed, not text) */
  readonly unfilledPaths = new Set<string>();

  constructor(
    readonly vars: Record<string, unknown>,
    readonly file?: string,
  ) {}

  /** Replaces every `{{ ref }}` in one string; `path` locates it for error messages. */
  substitute(s: string, path: string, opts: SubstituteOptions = {}): string {
    if (!s.includes('{{') && !s.includes('}}')) return s;
    for (const message of brokenBraces(s, opts.content === true)) this.problems.push({ file: this.file, path, message });
    if (!s.includes('{{')) return s;
    const empty: string[] = [];
    const out = s.replace(TOKEN, (whole, q1: string | undefined, q2: string | undefined, inner: string | undefined) => {
      if (inner === undefined) {
        const text = q1 ?? q2 ?? '';
        if (text.includes('{{') || text.includes('}}')) this.literalPaths.add(path);
        return text;
      }
      const name = inner.trim();
      if (!NAME.test(name)) {
        this.problems.push({
          file: this.file,
          path,
          message: `malformed variable ${whole}: names use letters, digits, '_' and '-', with '.' for nesting, e.g. {{ signer.email }}; to send it as text, write ${literal(whole)}`,
        });
        this.unfilledPaths.add(path);
        return whole;
      }
      const found = lookupVar(this.vars, name);
      if (!found.found || found.value === null || found.value === undefined) {
        this.unfilledPaths.add(path);
        const paths = this.missing.get(name) ?? [];
        paths.push(path);
        this.missing.set(name, paths);
        return whole;
      }
      this.used.add(name);
      const v = found.value;
      if (typeof v === 'string' && v.trim() === '' && !empty.includes(name)) empty.push(name);
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
      this.unfilledPaths.add(path);
      this.problems.push({
        file: this.file,
        path,
        message: `variable '${name}' is ${Array.isArray(v) ? 'a list' : 'an object'}, not a text value; refer to one of its fields, e.g. {{ ${name}.${firstKey(v) ?? 'field'} }}`,
      });
      return whole;
    });
    if (empty.length > 0 && out.trim() === '') this.emptied.set(path, empty);
    return out;
  }

  /**
   * Why the field at `path` is empty, when empty variables made it so: "empty because
   * {{ counterparty.name }} is empty; …". Undefined when the field was not emptied by variables.
   */
  emptyBecause(path: string): string | undefined {
    const names = this.emptied.get(path);
    if (!names) return undefined;
    const refs = names.map((n) => `{{ ${n} }}`);
    const list = refs.length === 1 ? refs[0] : `${refs.slice(0, -1).join(', ')} and ${refs[refs.length - 1]}`;
    return `empty because ${list} ${names.length === 1 ? 'is' : 'are'} empty; give ${names.length === 1 ? names[0] : 'them'} a value`;
  }

  /**
   * True when the text at `path` still holds an unfilled `{{ … }}` (already reported), so checks
   * of its final value (length, email, name) should wait; braces a literal put there do not count.
   */
  hasUnfilled(path: string, value: string): boolean {
    return value.includes('{{') && this.unfilledPaths.has(path);
  }

  /** Substitutes in every string of a JSON-like value (returns a new value). */
  substituteDeep(value: unknown, path: string): unknown {
    if (typeof value === 'string') return this.substitute(value, path);
    if (Array.isArray(value)) return value.map((v, i) => this.substituteDeep(v, joinPath(path, i)));
    if (isObject(value)) {
      const out: Json = {};
      for (const [k, v] of Object.entries(value)) {
        if (BLOB_KEYS.has(k)) out[k] = v;
        else if (typeof v === 'string' && CONTENT_KEYS.has(k)) out[k] = this.substitute(v, joinPath(path, k), { content: true });
        else out[k] = this.substituteDeep(v, joinPath(path, k));
      }
      return out;
    }
    return value;
  }

  /** Marks a variable used without a `{{ }}` reference (role filled from variables). */
  markUsed(name: string): void {
    this.used.add(name);
  }

  /** One problem per missing variable, listing every place it is used. */
  missingProblems(): InputProblem[] {
    return [...this.missing.entries()].map(([name, paths]) => ({
      file: this.file,
      path: paths[0],
      message:
        `variable '${name}' is not set` +
        (paths.length > 1 ? ` (also used at ${paths.slice(1).join(', ')})` : '') +
        `; pass --var ${name}=VALUE or put it in --vars FILE`,
    }));
  }

  /** Top-level variables that were given but never used (warnings, not errors). */
  unusedTopLevel(): string[] {
    const usedRoots = new Set<string>();
    for (const u of this.used) {
      usedRoots.add(u);
      const parts = u.split('.');
      for (let i = 1; i < parts.length; i++) usedRoots.add(parts.slice(0, i).join('.'));
    }
    return Object.keys(this.vars).filter((k) => !usedRoots.has(k));
  }
}

/**
 * Messages for braces that belong to no `{{ … }}` reference: every unclosed `{{`, and every `}}`
 * that nothing opened (in document content only the `{ name }}` form, see the file comment).
 */
export function brokenBraces(s: string, content = false): string[] {
  // Complete references and literals are blanked out (same length, so offsets stay) before looking for strays.
  const masked = s.replace(TOKEN, (m) => '\u0000'.repeat(m.length));
  const found: { at: number; message: string }[] = [];
  for (let at = masked.indexOf('{{'); at !== -1; at = masked.indexOf('{{', at + 2)) {
    const name = OPENED.exec(masked.slice(at))?.[1];
    found.push({ at, message: `'{{' is not closed: ${excerpt(s, at)}${name ? ` (did you mean {{ ${name} }}?)` : ''}; a variable is written {{ name }}${name ? '' : `, and a literal '{{' is written ${literal('{{')}`}` });
  }
  if (!content) {
    // `{{{ name }}}`: the reference works but the extra brace would be sent as text. (In document
    // content `color:{{ c }}}` is CSS closing a block, so it is left alone there.)
    for (const m of s.matchAll(TOKEN)) {
      const end = m.index! + m[0].length;
      if (s[m.index! - 1] === '{' || s[end] === '}') {
        found.push({ at: m.index!, message: `extra brace around ${m[0]}: ${excerpt(s, m.index!)}; a variable is written {{ name }}, and the extra brace would be sent as text` });
      }
    }
  }
  const halfOpened = new Map<number, string>();
  for (const m of masked.matchAll(HALF_OPENED)) halfOpened.set(m.index! + m[0].length - 2, m[1]!);
  for (let at = masked.indexOf('}}'); at !== -1; at = masked.indexOf('}}', at + 2)) {
    const name = halfOpened.get(at);
    if (content && name === undefined) continue;
    const start = name === undefined ? at : masked.lastIndexOf('{', at);
    found.push({ at: start, message: `'}}' has no opening '{{': ${excerpt(s, start)}${name ? ` (did you mean {{ ${name} }}?)` : ''}; a variable is written {{ name }}${name ? '' : `, and a literal '}}' is written ${literal('}}')}`}` });
  }
  found.sort((a, b) => a.at - b.at);
  const out = found.slice(0, MAX_BRACE_PROBLEMS).map((f) => f.message);
  if (found.length > MAX_BRACE_PROBLEMS) out.push(`and ${found.length - MAX_BRACE_PROBLEMS} more unmatched '{{' or '}}'`);
  return out;
}

/** The text around offset `at`: the whole string when short, else its line (with the line number). */
function excerpt(s: string, at: number): string {
  if (s.length <= 100 && !s.includes('\n')) return JSON.stringify(s);
  const lineStart = s.lastIndexOf('\n', at - 1) + 1;
  const nl = s.indexOf('\n', at);
  const lineEnd = nl === -1 ? s.length : nl;
  const from = Math.max(lineStart, at - 40);
  const to = Math.min(lineEnd, at + 40);
  const text = `${from > lineStart ? '…' : ''}${s.slice(from, to).trim()}${to < lineEnd ? '…' : ''}`;
  const line = s.slice(0, at).split('\n').length;
  return `${JSON.stringify(text)}${s.includes('\n') ? ` (line ${line})` : ''}`;
}

function firstKey(v: unknown): string | undefined {
  return isObject(v) ? Object.keys(v)[0] : undefined;
}

/**
 * Finds `a.b.c` in vars: a flat key `"a.b.c"` (CSV columns, `--var a.b.c=…`) wins, then nested
 * objects, trying the longest flat key at each level so both styles mix.
 */
export function lookupVar(vars: unknown, name: string): { found: boolean; value?: unknown } {
  const segs = name.split('.');
  const walk = (obj: unknown, rest: string[]): { found: boolean; value?: unknown } => {
    if (!isObject(obj)) return { found: false };
    for (let i = rest.length; i >= 1; i--) {
      const key = rest.slice(0, i).join('.');
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        if (i === rest.length) return { found: true, value: obj[key] };
        const r = walk(obj[key], rest.slice(i));
        if (r.found) return r;
      }
    }
    return { found: false };
  };
  return walk(vars, segs);
}

/** Every variable name referenced in a value (for documentation/dry runs). */
export function referencedVariables(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(TOKEN)) {
      const n = m[3]?.trim();
      if (n !== undefined && NAME.test(n)) out.add(n);
    }
  } else if (Array.isArray(value)) value.forEach((v) => referencedVariables(v, out));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) if (!BLOB_KEYS.has(k)) referencedVariables(v, out);
  }
  return out;
}
