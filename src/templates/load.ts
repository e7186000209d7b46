/** Reading a template file and deciding, by its shape, which of the three formats it is. */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InvalidInputError, UsageError } from '../errors.js';
import { parseStructured } from './parse.js';
import { describeType } from './flags.js';
import { isObject, joinPath, jqPath, type Json } from './util.js';

/** The three template formats `esign send` accepts. */
export type TemplateFormat = 'esign' | 'webapp-export' | 'envelope-definition';

/** A parsed template file and its detected format. */
export interface LoadedTemplate {
  /** The path as given. */
  file: string;
  format: TemplateFormat;
  /** The parsed content (for a legacy v2 export: flattened, see `notes`). */
  raw: unknown;
  /** Folder that relative document paths are resolved against. */
  baseDir: string;
  /** Facts about the detection the CLI may show (e.g. "legacy v2 wrapper flattened"). */
  notes: string[];
}

/** Keys that only a stored template (an export) has; an envelope definition never carries them. */
const TEMPLATE_MARKERS = [
  'templateId',
  'uri',
  'owner',
  'folderId',
  'folderIds',
  'folderName',
  'pageCount',
  'passwordProtected',
  'lastModified',
  'lastModifiedBy',
  'created',
  'shared',
  'autoMatch',
];

/** Reads, parses and classifies a template file. Throws UsageError/InvalidInputError with the reason. */
export async function loadTemplate(file: string): Promise<LoadedTemplate> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `template file not found: ${file}` : `cannot read template file ${file} (${code ?? String(e)})`,
      { hint: 'check the path; it is relative to the current directory', code: 'INVALID_INPUT' },
    );
  }
  if (text.trim() === '') {
    throw new UsageError(`${file}: the template file is empty`, { code: 'INVALID_INPUT' });
  }
  const raw = parseStructured(text, file);
  return classify(raw, file);
}

/** Classifies already-parsed content (exported for tests and for callers holding JSON in memory). */
export function classify(raw: unknown, file: string): LoadedTemplate {
  const baseDir = dirname(resolve(file));
  if (!isObject(raw)) {
    throw new UsageError(`${file}: expected a template object, found ${describeType(raw)}`, {
      hint: Array.isArray(raw)
        ? 'a list of rows is a data file: pass it with --data next to a template'
        : 'see docs/templates.md for the formats esign reads',
      code: 'INVALID_INPUT',
    });
  }
  if ('envelopeTemplateDefinition' in raw) return legacyV2(raw, file, baseDir);
  if (isEsignShape(raw)) return { file, format: 'esign', raw, baseDir, notes: [] };
  const hasDocs = Array.isArray(raw.documents);
  const hasRecipients = isObject(raw.recipients);
  if (hasDocs && hasRecipients && TEMPLATE_MARKERS.some((k) => k in raw)) {
    return { file, format: 'webapp-export', raw, baseDir, notes: [] };
  }
  if (isEnvelopeShape(raw)) {
    if (hasRecipients && !hasDocs && !Array.isArray(raw.compositeTemplates) && !('templateId' in raw)) {
      // recipients but nothing to sign: fall through to the wrapper search / unknown shape
    } else {
      return { file, format: 'envelope-definition', raw, baseDir, notes: [] };
    }
  }
  const found = findEmbeddedDefinitions(raw);
  if (found.length > 0) {
    const problems = found.map((f) => ({
      file,
      path: f.path,
      message: `${f.kind} (extract it with: jq '${jqPath(f.path)}' ${shellQuote(file)} > envelope.json)`,
    }));
    throw new InvalidInputError(
      `${file} is not a template itself: it wraps ${found.length === 1 ? 'a DocuSign request body' : `${found.length} DocuSign request bodies`} made by another tool`,
      problems,
      {
        hint:
          'esign does not guess which body to send. Extract the envelope definition into its own file ' +
          'and send that; replace any [placeholder] values (e.g. [signerEmail]) with real values or {{ variables }} first.',
      },
    );
  }
  const keys = Object.keys(raw).slice(0, 8);
  throw new UsageError(
    `${file}: not a template esign recognizes (top-level keys: ${keys.join(', ') || 'none'}${Object.keys(raw).length > 8 ? ', …' : ''})`,
    {
      hint:
        'expected one of: an esign template (emailSubject, documents, signers), a template exported from the DocuSign web app ' +
        '(documents, recipients with roleName), or an envelope definition (documents + recipients, compositeTemplates, or templateId + templateRoles). See docs/templates.md.',
      code: 'INVALID_INPUT',
    },
  );
}

/** esign's own format: `signers`/`carbonCopies` at the top level, or documents given by path/html/text. */
function isEsignShape(raw: Json): boolean {
  if (typeof raw.$schema === 'string' && /esign-template/.test(raw.$schema)) return true;
  if ('recipients' in raw || 'compositeTemplates' in raw || 'templateRoles' in raw) return false;
  if (Array.isArray(raw.signers) || Array.isArray(raw.carbonCopies)) return true;
  return (
    Array.isArray(raw.documents) &&
    raw.documents.some((d) => isObject(d) && ('path' in d || 'html' in d || 'text' in d))
  );
}

/** A DocuSign envelope definition (POST /envelopes body). */
function isEnvelopeShape(v: Json): boolean {
  return (
    (Array.isArray(v.documents) && isObject(v.recipients)) ||
    Array.isArray(v.compositeTemplates) ||
    (typeof v.templateId === 'string' && Array.isArray(v.templateRoles)) ||
    (isObject(v.recipients) && typeof v.emailSubject === 'string')
  );
}

interface Embedded {
  path: string;
  kind: string;
}

/** Finds envelope/template bodies nested in a wrapper file (test fixtures, API explorers). */
export function findEmbeddedDefinitions(raw: unknown): Embedded[] {
  const out: Embedded[] = [];
  const walk = (v: unknown, path: string, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, joinPath(path, i), depth + 1));
      return;
    }
    if (!isObject(v)) return;
    if (path !== '' && isEnvelopeShape(v)) {
      out.push({ path, kind: describeBody(v) });
      return;
    }
    for (const [k, x] of Object.entries(v)) walk(x, joinPath(path, k), depth + 1);
  };
  walk(raw, '', 0);
  return out;
}

function describeBody(v: Json): string {
  const isTemplateBody =
    ('name' in v || 'shared' in v || 'description' in v) &&
    isObject(v.recipients) &&
    !Array.isArray(v.compositeTemplates) &&
    !('templateRoles' in v);
  if (isTemplateBody) return 'a template definition (a POST /templates body), not an envelope';
  if (Array.isArray(v.compositeTemplates)) return 'an envelope definition with compositeTemplates';
  if ('templateRoles' in v) return 'an envelope definition that sends a server template (templateId + templateRoles)';
  return 'an envelope definition (documents + recipients)';
}

/** The old v2 `envelopeTemplateDefinition` wrapper: flatten it when it holds a template, else explain. */
function legacyV2(raw: Json, file: string, baseDir: string): LoadedTemplate {
  const docs = raw.documents;
  const recips = raw.recipients;
  const hasDocs = Array.isArray(docs) && docs.length > 0;
  const hasRecips = isObject(recips) && Object.values(recips).some((r) => Array.isArray(r) && r.length > 0);
  if (!hasDocs || !hasRecips) {
    const missing = [!hasDocs ? 'documents' : '', !hasRecips ? 'recipients' : ''].filter(Boolean).join(' or ');
    throw new UsageError(
      `${file}: this is an old DocuSign v2 template body (an "envelopeTemplateDefinition" wrapper) with no ${missing}, so there is nothing to send`,
      {
        hint:
          'download the template again from the DocuSign web app (Templates → ⋯ → Download gives the current flat format with documents and recipients), ' +
          'or send the stored template by id with --template-id ID --role "ROLE=Name <email>"',
        code: 'INVALID_INPUT',
      },
    );
  }
  const def = raw.envelopeTemplateDefinition;
  const flat: Json = { ...(isObject(def) ? def : {}), ...raw };
  delete flat.envelopeTemplateDefinition;
  return {
    file,
    format: 'webapp-export',
    raw: flat,
    baseDir,
    notes: ['old v2 "envelopeTemplateDefinition" wrapper: its fields were moved to the top level (the v2.1 shape)'],
  };
}

function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
