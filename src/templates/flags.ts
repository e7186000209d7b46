/** Parsing of the `--role`, `--var` and `--vars` inputs of `esign send`. */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { parseStructured } from './parse.js';
import { isObject } from './util.js';
import { isValidEmail } from './validate.js';

/** One `--role` value: a template role and the person who fills it. */
export interface RoleAssignment {
  role: string;
  name: string;
  email: string;
}

const ROLE_FORM = 'use --role "ROLE=Full Name <email@example.com>"';

/** Parses `ROLE=Name <email>`; the role name may contain spaces, the value may not omit the name. */
export function parseRoleFlag(value: string): RoleAssignment {
  const eq = value.indexOf('=');
  if (eq < 0) throw new UsageError(`--role "${value}": expected "ROLE=Name <email>"`, { hint: ROLE_FORM });
  if (eq === 0) throw new UsageError(`--role "${value}": missing the role name before '='`, { hint: ROLE_FORM });
  const role = value.slice(0, eq).trim();
  const person = value.slice(eq + 1).trim();
  const m = /^(.*?)\s*<([^<>]*)>$/.exec(person);
  if (!m) {
    const hint = person.includes('@') && !person.includes(' ')
      ? `DocuSign needs a name as well as the address: --role "${role}=Full Name <${person}>"`
      : ROLE_FORM;
    throw new UsageError(`--role "${value}": expected "ROLE=Name <email>"`, { hint });
  }
  const name = m[1]!.trim().replace(/^"(.*)"$/, '$1');
  const email = m[2]!.trim();
  if (role === '') throw new UsageError(`--role "${value}": the role name is empty`, { hint: ROLE_FORM });
  if (name === '') {
    throw new UsageError(`--role "${value}": the name is empty`, {
      hint: `DocuSign requires a name for every recipient: --role "${role}=Full Name <${email}>"`,
    });
  }
  if (!isValidEmail(email)) {
    throw new UsageError(`--role "${value}": '${email}' is not a valid email address`, { hint: ROLE_FORM });
  }
  return { role, name, email };
}

/** Parses `NAME=VALUE`; only the first '=' separates, so the value may contain '='. */
export function parseVarFlag(value: string): [string, string] {
  const eq = value.indexOf('=');
  const name = eq < 0 ? value.trim() : value.slice(0, eq).trim();
  if (eq < 0 || name === '') {
    throw new UsageError(`--var "${value}": expected NAME=VALUE`, {
      hint: 'e.g. --var counterparty.name="Acme Ltd" (dots address nested variables)',
    });
  }
  if (!/^[A-Za-z_][\w-]*(?:\.[\w-]+)*$/.test(name) && !/^[^=]+$/.test(name)) {
    throw new UsageError(`--var "${value}": '${name}' is not a valid variable name`);
  }
  return [name, value.slice(eq + 1)];
}

/** Reads a `--vars` file: a JSON or YAML object. Errors name the file (and line:col for syntax errors). */
export async function loadVarsFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--vars ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      hint: 'check the path; it is relative to the current directory',
    });
  }
  const data = parseStructured(text, path);
  if (!isObject(data)) {
    throw new UsageError(`--vars ${path}: expected an object of variables (NAME: value), found ${describeType(data)}`, {
      hint: 'write e.g. `counterparty: { name: Acme Ltd, email: legal@acme.example }`',
    });
  }
  return data;
}

/** Human name of a JSON type for messages. */
export function describeType(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (an empty document)';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}
