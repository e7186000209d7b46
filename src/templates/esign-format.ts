/**
 * esign's own template format (YAML or JSON), for people writing templates by hand.
 * The rules here and schemas/esign-template.schema.json describe the same format; the tests
 * check both against the same valid and invalid examples. After variable substitution the
 * template is checked field by field (every problem collected) and turned into an envelope
 * definition plus document parts.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import type { InputProblem } from '../errors.js';
import { chooseExtension, type DocumentPart } from './documents.js';
import { referencedVariables, type VariableScope } from './variables.js';
import { asDsString, didYouMean, isObject, joinPath, type Json } from './util.js';

/** Tab kinds in the esign format → DocuSign `tabs` keys. */
export const TAB_KINDS: Record<string, string> = {
  signHere: 'signHereTabs',
  initialHere: 'initialHereTabs',
  dateSigned: 'dateSignedTabs',
  fullName: 'fullNameTabs',
  firstName: 'firstNameTabs',
  lastName: 'lastNameTabs',
  emailAddress: 'emailAddressTabs',
  company: 'companyTabs',
  title: 'titleTabs',
  text: 'textTabs',
  number: 'numberTabs',
  date: 'dateTabs',
  checkbox: 'checkboxTabs',
  note: 'noteTabs',
};

/** Tab fields in the esign format → DocuSign tab properties. */
const TAB_FIELDS: Record<string, string> = {
  anchor: 'anchorString',
  xOffset: 'anchorXOffset',
  yOffset: 'anchorYOffset',
  units: 'anchorUnits',
  caseSensitive: 'anchorCaseSensitive',
  matchWholeWord: 'anchorMatchWholeWord',
  ignoreIfNotPresent: 'anchorIgnoreIfNotPresent',
  document: 'documentId',
  page: 'pageNumber',
  x: 'xPosition',
  y: 'yPosition',
  label: 'tabLabel',
  value: 'value',
  required: 'required',
  locked: 'locked',
  optional: 'optional',
  selected: 'selected',
  tooltip: 'tooltip',
  width: 'width',
  height: 'height',
};

const TOP_KEYS = ['$schema', 'emailSubject', 'emailBlurb', 'message', 'status', 'documents', 'signers', 'carbonCopies', 'customFields', 'envelope'];
const DOC_KEYS = ['path', 'html', 'text', 'name', 'id', 'fileExtension'];
const SIGNER_KEYS = ['role', 'name', 'email', 'id', 'routingOrder', 'embedded', 'clientUserId', 'note', 'tabs'];
const CC_KEYS = ['role', 'name', 'email', 'id', 'routingOrder', 'note'];
const TAB_KEYS = [...Object.keys(TAB_FIELDS), 'docusign'];
export const ANCHOR_UNITS = ['pixels', 'inches', 'mms', 'cms'];

/** The result of converting an esign template. */
export interface EsignConversion {
  definition: Json;
  parts: { part: DocumentPart; path: string }[];
  problems: InputProblem[];
  warnings: string[];
  /** built recipient/tab object → field path in the template file */
  origins: WeakMap<object, string>;
  /** built object → DocuSign property → the path of the field the template file spells it with */
  fieldPaths: WeakMap<object, Record<string, string>>;
}

/**
 * Validates and converts a (variable-substituted) esign template. `original` is the template
 * before substitution: a document `path` that had variables in it must stay in `baseDir`.
 */
export async function convertEsign(raw: Json, file: string, baseDir: string, scope: VariableScope, original?: Json): Promise<EsignConversion> {
  const problems: InputProblem[] = [];
  const warnings: string[] = [];
  const origins = new WeakMap<object, string>();
  const fieldPaths = new WeakMap<object, Record<string, string>>();
  const problem = (path: string, message: string) => problems.push({ file, path, message });

  checkKeys(raw, '', TOP_KEYS, problem);
  const def: Json = {};
  for (const key of ['emailSubject', 'emailBlurb', 'message'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') problem(key, `${key} must be text`);
  }
  if (raw.emailSubject === undefined || raw.emailSubject === '') problem('emailSubject', 'emailSubject is required (the subject line of the email DocuSign sends)');
  else def.emailSubject = raw.emailSubject;
  if (raw.message !== undefined && raw.emailBlurb !== undefined) problem('message', 'give either message or emailBlurb, not both (they are the same thing)');
  const blurb = raw.message ?? raw.emailBlurb;
  if (typeof blurb === 'string') def.emailBlurb = blurb;
  fieldPaths.set(def, { emailBlurb: raw.message !== undefined ? 'message' : 'emailBlurb' });
  if (raw.status !== undefined) {
    if (raw.status !== 'sent' && raw.status !== 'created') problem('status', `status must be "sent" or "created" (a draft), found ${JSON.stringify(raw.status)}`);
    else def.status = raw.status;
  }
  if (raw.envelope !== undefined) {
    if (!isObject(raw.envelope)) problem('envelope', 'envelope must be an object of extra DocuSign envelope fields (e.g. brandId, notification)');
    else {
      for (const k of ['documents', 'recipients', 'compositeTemplates', 'status', 'emailSubject', 'emailBlurb']) {
        if (k in raw.envelope) problem(joinPath('envelope', k), `set ${k} with the template's own fields, not inside envelope`);
      }
      Object.assign(def, raw.envelope);
    }
  }

  // Documents
  const parts: { part: DocumentPart; path: string }[] = [];
  const docIds: string[] = [];
  const docsOut: Json[] = [];
  if (!Array.isArray(raw.documents) || raw.documents.length === 0) {
    problem('documents', 'documents must be a list with at least one document, e.g. documents: [{ path: ./contract.pdf }]');
  } else {
    for (const [i, d] of raw.documents.entries()) {
      const path = joinPath('documents', i);
      if (!isObject(d)) {
        problem(path, 'each document must be an object with path, html or text');
        continue;
      }
      checkKeys(d, path, DOC_KEYS, problem);
      const sources = (['path', 'html', 'text'] as const).filter((k) => d[k] !== undefined);
      if (sources.length !== 1) {
        problem(path, sources.length === 0 ? 'give the document content: path (a file), html or text' : `give only one of ${sources.join(', ')}`);
        continue;
      }
      const src = sources[0]!;
      if (typeof d[src] !== 'string' || d[src] === '') {
        problem(joinPath(path, src), `${src} must be non-empty text`);
        continue;
      }
      const id = d.id === undefined ? String(i + 1) : asDsString(d.id);
      if (id === undefined || !/^[1-9]\d{0,9}$/.test(id)) {
        problem(joinPath(path, 'id'), `id must be a positive whole number (DocuSign documentIds are integers), found ${JSON.stringify(d.id)}`);
        continue;
      }
      if (docIds.includes(id)) problem(joinPath(path, 'id'), `document id ${id} is used twice; give each document its own id`);
      docIds.push(id);
      if (d.name !== undefined && typeof d.name !== 'string') problem(joinPath(path, 'name'), 'name must be text');
      if (d.fileExtension !== undefined && typeof d.fileExtension !== 'string') problem(joinPath(path, 'fileExtension'), 'fileExtension must be text, e.g. pdf');
      let part: DocumentPart | undefined;
      const text = d[src] as string;
      const declared = typeof d.fileExtension === 'string' ? d.fileExtension : undefined;
      if (src === 'path') {
        let full = isAbsolute(text) ? text : resolve(baseDir, text);
        const origDoc = isObject(original) && Array.isArray(original.documents) ? original.documents[i] : undefined;
        const vars = isObject(origDoc) && typeof origDoc.path === 'string' ? [...referencedVariables(origDoc.path)] : [];
        if (vars.length > 0) {
          // The person filling the variables (a --data row, a --var) may not be the template's author.
          const confined = await confinePath(text, baseDir);
          if (typeof confined !== 'string') {
            const refs = vars.map((v) => `{{ ${v} }}`).join(', ');
            problem(
              joinPath(path, 'path'),
              `${JSON.stringify((origDoc as Json).path)} became ${JSON.stringify(text)} (from ${refs}), which ${confined.why}, outside the template's folder ${baseDir}; ` +
                'a document path that comes from a variable must name a file inside the template\'s folder (write a path to a file elsewhere in the template itself)',
            );
            continue;
          }
          // Upload the very file that was checked (a link swapped afterwards changes nothing).
          if (confined !== '') full = confined;
        }
        const given = isAbsolute(text) ? text : resolve(baseDir, text);
        let size: number;
        try {
          const st = await stat(full);
          if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
          size = st.size;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          problem(joinPath(path, 'path'), code === 'ENOENT'
            ? `file not found: ${text} (looked for ${full}; paths are relative to the template file)`
            : `cannot read ${text} (${code ?? String(e)})`);
          continue;
        }
        const name = typeof d.name === 'string' && d.name !== '' ? d.name : basename(given);
        const head = await readHead(full);
        const { ext, note, problem: unknown } = chooseExtension(head, declared, basename(given));
        if (note) warnings.push(`${file}: ${path}: ${note}`);
        if (unknown) {
          problem(joinPath(path, 'path'), `${text} ${unknown}; rename it with its extension (e.g. ${basename(given)}.pdf) or set fileExtension on the document (fileExtension: docx)`);
          continue;
        }
        if ((ext === 'html' || ext === 'htm' || ext === 'txt') && size < 5 * 1024 * 1024) {
          // Text documents on disk are templated too (the brief: variables in HTML documents).
          const content = scope.substitute(await readFile(full, 'utf8'), `${joinPath(path, 'path')} (${text})`, { content: true });
          const bytes = Buffer.from(content, 'utf8');
          part = { documentId: id, name, fileExtension: ext, size: bytes.length, bytes };
        } else {
          part = { documentId: id, name, fileExtension: ext, size, path: full };
        }
      } else {
        const ext = declared?.replace(/^\./, '').toLowerCase() ?? (src === 'html' ? 'html' : 'txt');
        const bytes = Buffer.from(src === 'html' && !/^\s*<(!doctype|html)/i.test(text) ? wrapHtml(text) : text, 'utf8');
        const name = typeof d.name === 'string' && d.name !== '' ? d.name : `Document ${i + 1}.${ext}`;
        part = { documentId: id, name, fileExtension: ext, size: bytes.length, bytes };
      }
      parts.push({ part, path });
      docsOut.push({ documentId: part.documentId, name: part.name, fileExtension: part.fileExtension });
    }
  }
  def.documents = docsOut;

  // Recipients
  let nextId = 1;
  const usedIds = new Set<string>();
  const signers: Json[] = [];
  const ccs: Json[] = [];
  const takeId = (r: Json, path: string): string | undefined => {
    if (r.id !== undefined) {
      const id = asDsString(r.id);
      if (id === undefined || !/^[1-9]\d{0,9}$/.test(id)) {
        problem(joinPath(path, 'id'), `id must be a positive whole number, found ${JSON.stringify(r.id)}`);
        return undefined;
      }
      return id;
    }
    return undefined;
  };
  const explicitIds = new Set<string>();
  for (const list of [raw.signers, raw.carbonCopies]) {
    if (Array.isArray(list)) for (const r of list) if (isObject(r) && r.id !== undefined) explicitIds.add(String(r.id));
  }
  const autoId = (): string => {
    while (explicitIds.has(String(nextId)) || usedIds.has(String(nextId))) nextId++;
    return String(nextId++);
  };

  if (raw.signers === undefined || (Array.isArray(raw.signers) && raw.signers.length === 0)) {
    problem('signers', 'signers must list at least one signer, e.g. signers: [{ role: Signer, tabs: { signHere: [{ anchor: "/sn1/" }] } }]');
  }
  for (const [listKey, keys, out] of [
    ['signers', SIGNER_KEYS, signers],
    ['carbonCopies', CC_KEYS, ccs],
  ] as const) {
    const list = raw[listKey];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problem(listKey, `${listKey} must be a list`);
      continue;
    }
    for (const [i, r] of list.entries()) {
      const path = joinPath(listKey, i);
      if (!isObject(r)) {
        problem(path, 'each recipient must be an object with role and/or name and email');
        continue;
      }
      checkKeys(r, path, keys, problem);
      for (const k of ['role', 'name', 'email', 'note', 'clientUserId']) {
        if (r[k] !== undefined && typeof r[k] !== 'string') problem(joinPath(path, k), `${k} must be text`);
      }
      if (r.role === undefined && (r.name === undefined || r.email === undefined)) {
        problem(path, 'give a role (filled with --role "ROLE=Name <email>") or both name and email');
      }
      const id = takeId(r, path) ?? autoId();
      if (usedIds.has(id)) problem(joinPath(path, 'id'), `recipient id ${id} is used twice`);
      usedIds.add(id);
      const out1: Json = { recipientId: id };
      if (typeof r.role === 'string') out1.roleName = r.role;
      out1.name = typeof r.name === 'string' ? r.name : '';
      out1.email = typeof r.email === 'string' ? r.email : '';
      if (r.routingOrder !== undefined) {
        const ro = asDsString(r.routingOrder);
        if (ro === undefined || !/^[1-9]\d{0,4}$/.test(ro)) problem(joinPath(path, 'routingOrder'), `routingOrder must be a whole number from 1, found ${JSON.stringify(r.routingOrder)}`);
        else out1.routingOrder = ro;
      } else out1.routingOrder = '1';
      if (typeof r.note === 'string') out1.note = r.note;
      if (listKey === 'signers') {
        if (r.embedded !== undefined && typeof r.embedded !== 'boolean') problem(joinPath(path, 'embedded'), 'embedded must be true or false');
        if (typeof r.clientUserId === 'string' && r.clientUserId !== '') out1.clientUserId = r.clientUserId;
        else if (r.embedded === true) out1.clientUserId = id;
        if (r.tabs !== undefined) {
          const tabs = convertTabs(r.tabs, joinPath(path, 'tabs'), id, docIds, problem, origins, fieldPaths);
          if (tabs) out1.tabs = tabs;
        }
      }
      origins.set(out1, path);
      fieldPaths.set(out1, { recipientId: joinPath(path, 'id') });
      out.push(out1);
    }
  }
  def.recipients = { signers, ...(ccs.length > 0 ? { carbonCopies: ccs } : {}) };

  // Custom fields
  if (raw.customFields !== undefined) {
    if (!isObject(raw.customFields)) problem('customFields', 'customFields must map field names to values, e.g. customFields: { Deal ID: "{{ deal.id }}" }');
    else {
      const text: Json[] = [];
      for (const [k, v] of Object.entries(raw.customFields)) {
        const s = asDsString(v);
        if (s === undefined) problem(joinPath('customFields', k), 'a custom field value must be text, a number or true/false');
        else {
          const f = { name: k, value: s, show: 'true' };
          fieldPaths.set(f, { name: joinPath('customFields', k), value: joinPath('customFields', k) });
          text.push(f);
        }
      }
      def.customFields = { textCustomFields: text };
    }
  }
  return { definition: def, parts, problems, warnings, origins, fieldPaths };
}

function convertTabs(
  tabs: unknown,
  path: string,
  recipientId: string,
  docIds: string[],
  problem: (path: string, message: string) => void,
  origins: WeakMap<object, string>,
  fieldPaths: WeakMap<object, Record<string, string>>,
): Json | undefined {
  if (!isObject(tabs)) {
    problem(path, 'tabs must be an object such as { signHere: [ { anchor: "/sn1/" } ] }');
    return undefined;
  }
  const out: Json = {};
  for (const [kind, list] of Object.entries(tabs)) {
    const kpath = joinPath(path, kind);
    const dsKey = TAB_KINDS[kind];
    if (!dsKey) {
      const dym = didYouMean(kind, Object.keys(TAB_KINDS));
      problem(kpath, `unknown tab type '${kind}'${dym ? ` (did you mean '${dym}'?)` : ''}; known: ${Object.keys(TAB_KINDS).join(', ')}`);
      continue;
    }
    const items = Array.isArray(list) ? list : [list];
    const converted: Json[] = [];
    for (const [i, tab] of items.entries()) {
      const tpath = Array.isArray(list) ? joinPath(kpath, i) : kpath;
      if (!isObject(tab)) {
        problem(tpath, 'a tab must be an object with an anchor or page, x and y');
        continue;
      }
      checkKeys(tab, tpath, TAB_KEYS, problem);
      const t: Json = { recipientId };
      const hasAnchor = tab.anchor !== undefined;
      const hasPos = tab.page !== undefined || tab.x !== undefined || tab.y !== undefined;
      if (hasAnchor && hasPos) problem(tpath, 'use either anchor (with xOffset/yOffset) or page, x and y, not both');
      else if (!hasAnchor && !hasPos) problem(tpath, 'place the tab with anchor: "text in the document" or with page, x and y');
      if (hasAnchor && (typeof tab.anchor !== 'string' || tab.anchor.trim() === '')) problem(joinPath(tpath, 'anchor'), 'anchor must be non-empty text that occurs in the document');
      if (hasPos) {
        for (const k of ['page', 'x', 'y']) {
          const v = asDsString(tab[k]);
          if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) problem(joinPath(tpath, k), `${k} is required for a positioned tab and must be a number${k === 'page' ? ' from 1' : ' (points, 72 per inch, from the top-left corner)'}`);
        }
        if (tab.document === undefined && docIds.length > 1) problem(joinPath(tpath, 'document'), `document is required when there are several documents (one of ${docIds.join(', ')})`);
      }
      const badDocument = tab.document !== undefined && !docIds.includes(asDsString(tab.document) ?? '');
      if (tab.document !== undefined) {
        const d = asDsString(tab.document);
        if (d === undefined || !docIds.includes(d)) problem(joinPath(tpath, 'document'), `document ${JSON.stringify(tab.document)} is not one of the template's document ids (${docIds.join(', ') || 'none'})`);
      }
      if (tab.units !== undefined && !ANCHOR_UNITS.includes(String(tab.units))) problem(joinPath(tpath, 'units'), `units must be one of ${ANCHOR_UNITS.join(', ')}`);
      for (const k of ['xOffset', 'yOffset', 'width', 'height']) {
        if (tab[k] !== undefined && !/^-?\d+(\.\d+)?$/.test(String(tab[k]))) problem(joinPath(tpath, k), `${k} must be a number`);
      }
      for (const k of ['required', 'locked', 'optional', 'selected', 'caseSensitive', 'matchWholeWord', 'ignoreIfNotPresent']) {
        if (tab[k] !== undefined && typeof tab[k] !== 'boolean') problem(joinPath(tpath, k), `${k} must be true or false`);
      }
      for (const k of ['label', 'tooltip']) {
        if (tab[k] !== undefined && typeof tab[k] !== 'string') problem(joinPath(tpath, k), `${k} must be text`);
      }
      if (tab.value !== undefined && asDsString(tab.value) === undefined) problem(joinPath(tpath, 'value'), 'value must be text, a number or true/false');
      const names: Record<string, string> = {};
      for (const [k, dsName] of Object.entries(TAB_FIELDS)) {
        names[dsName] = joinPath(tpath, k);
        if (tab[k] === undefined) continue;
        // An unknown document is reported above as `document`, not again as DocuSign's documentId.
        if (k === 'document' && badDocument) continue;
        const s = asDsString(tab[k]);
        if (s !== undefined) t[dsName] = s;
      }
      if (hasAnchor && t.anchorUnits === undefined && (tab.xOffset !== undefined || tab.yOffset !== undefined)) t.anchorUnits = 'pixels';
      if (hasPos && t.documentId === undefined && docIds.length === 1) t.documentId = docIds[0];
      if (tab.docusign !== undefined) {
        if (!isObject(tab.docusign)) problem(joinPath(tpath, 'docusign'), 'docusign must be an object of raw DocuSign tab properties');
        else {
          Object.assign(t, tab.docusign);
          for (const k of Object.keys(tab.docusign)) names[k] = joinPath(joinPath(tpath, 'docusign'), k);
        }
      }
      origins.set(t, tpath);
      fieldPaths.set(t, names);
      converted.push(t);
    }
    if (converted.length > 0) out[dsKey] = [...((out[dsKey] as Json[] | undefined) ?? []), ...converted];
  }
  return out;
}

/** Reports keys the format does not define, with a "did you mean" for typos. */
function checkKeys(obj: Json, path: string, allowed: readonly string[], problem: (path: string, message: string) => void): void {
  for (const k of Object.keys(obj)) {
    if (allowed.includes(k)) continue;
    const dym = didYouMean(k, allowed);
    problem(joinPath(path, k), `unknown field '${k}'${dym ? ` (did you mean '${dym}'?)` : `; allowed: ${allowed.join(', ')}`}`);
  }
}

/**
 * A document path chosen by a variable, held to the template's folder: the real path (symlinks
 * resolved) when it stays inside, '' when the file does not exist (reported as "not found"
 * later), or why not. The `..`/absolute check looks at the text alone, so nothing outside the
 * folder is touched, and whether it exists is never revealed.
 */
export async function confinePath(text: string, baseDir: string): Promise<string | { why: string }> {
  const inside = (root: string, p: string) => {
    const rel = relative(root, p);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  };
  if (isAbsolute(text)) return { why: 'is an absolute path' };
  const full = resolve(baseDir, text);
  if (!inside(baseDir, full)) return { why: `resolves to ${full}` };
  let real: string;
  let realBase: string;
  try {
    [real, realBase] = await Promise.all([realpath(full), realpath(baseDir)]);
  } catch {
    return '';
  }
  if (!inside(realBase, real)) return { why: `resolves (through a symbolic link) to ${real}` };
  return real;
}

async function readHead(full: string): Promise<Buffer> {
  const { open } = await import('node:fs/promises');
  const fh = await open(full, 'r');
  try {
    const buf = Buffer.alloc(1024);
    const { bytesRead } = await fh.read(buf, 0, 1024, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Inline HTML fragments get a minimal page around them so DocuSign renders them with UTF-8. */
function wrapHtml(fragment: string): string {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n${fragment}\n</body></html>\n`;
}
