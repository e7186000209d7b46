/**
 * `{{ name }}` / `{{ a.b.c }}` variables. Substitution walks every string of a template (keys
 * stay as they are; base64 blobs are skipped), records which variables were used, and collects
 * every missing or malformed reference so they can be reported at once. DocuSign's own bracket
 * syntax (`[[Role_UserName]]`, `[Label]` in formulas) is never touched: only double braces count.
 */
import type { InputProblem } from '../errors.js';
import { isObject, joinPath, type Json } from './util.js';

/** Keys whose values are binary payloads, never templated. */
export const BLOB_KEYS = new Set(['documentBase64', 'pdfBytes', 'bytes']);

const REF = /\{\{([^{}]*)\}\}/g;
const NAME = /^[A-Za-z_][\w-]*(?:\.[\w-]+)*$/;

/** Collects usage and problems across one substitution pass. */
export class VariableScope {
  readonly used = new Set<string>();
  /** missing variable → field paths where it is referenced */
  readonly missing = new Map<string, string[]>();
  readonly problems: InputProblem[] = [];

  constructor(
    readonly vars: Record<string, unknown>,
    readonly file?: string,
  ) {}

  /** Replaces every `{{ ref }}` in one string; `path` locates it for error messages. */
  substitute(s: string, path: string): string {
    if (!s.includes('{{')) return s;
    return s.replace(REF, (whole, inner: string) => {
      const name = inner.trim();
      if (!NAME.test(name)) {
        this.problems.push({
          file: this.file,
          path,
          message: `malformed variable ${whole}: names use letters, digits, '_' and '-', with '.' for nesting, e.g. {{ signer.email }}`,
        });
        return whole;
      }
      const found = lookupVar(this.vars, name);
      if (!found.found || found.value === null || found.value === undefined) {
        const paths = this.missing.get(name) ?? [];
        paths.push(path);
        this.missing.set(name, paths);
        return whole;
      }
      this.used.add(name);
      const v = found.value;
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
      this.problems.push({
        file: this.file,
        path,
        message: `variable '${name}' is ${Array.isArray(v) ? 'a list' : 'an object'}, not a text value; refer to one of its fields, e.g. {{ ${name}.${firstKey(v) ?? 'field'} }}`,
      });
      return whole;
    });
  }

  /** Substitutes in every string of a JSON-like value (returns a new value). */
  substituteDeep(value: unknown, path: string): unknown {
    if (typeof value === 'string') return this.substitute(value, path);
    if (Array.isArray(value)) return value.map((v, i) => this.substituteDeep(v, joinPath(path, i)));
    if (isObject(value)) {
      const out: Json = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = BLOB_KEYS.has(k) ? v : this.substituteDeep(v, joinPath(path, k));
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
    for (const m of value.matchAll(REF)) {
      const n = m[1]!.trim();
      if (NAME.test(n)) out.add(n);
    }
  } else if (Array.isArray(value)) value.forEach((v) => referencedVariables(v, out));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) if (!BLOB_KEYS.has(k)) referencedVariables(v, out);
  }
  return out;
}
