/**
 * buildEnvelope: template + variables + roles → a validated envelope definition, with no
 * network. Every problem is collected and thrown at once as an InvalidInputError.
 */
import { InvalidInputError, type InputProblem } from '../errors.js';
import { containsAnchor, documentText } from './anchors.js';
import { convertRaw, convertWebapp, type Conversion } from './convert.js';
import { DEFAULT_MAX_DOCUMENT_BYTES, sizeProblems, type DocumentPart } from './documents.js';
import { convertEsign } from './esign-format.js';
import type { RoleAssignment } from './flags.js';
import type { LoadedTemplate, TemplateFormat } from './load.js';
import { eachRecipient, eachTab, NEEDS_NAME_EMAIL, RECIPIENT_TYPES, tabCount, type RecipientRef } from './recipients.js';
import { CREATE_STATUSES, emailProblem, isPlaceholder, LIMITS, nameProblem } from './validate.js';
import { VariableScope, lookupVar, rowProblem } from './variables.js';
import { clone, didYouMean, isObject, quoteList, type Json } from './util.js';

/** One recipient as the CLI reports it. */
export interface RecipientSummary {
  recipientId: string;
  roleName?: string;
  name: string;
  email: string;
  type: 'signer' | 'carbonCopy' | string;
  embedded: boolean;
  clientUserId?: string;
  routingOrder?: string;
}

/** Inputs besides the template. */
export interface BuildOptions {
  vars?: Record<string, unknown>;
  roles?: RoleAssignment[];
  embedded?: boolean;
  draft?: boolean;
  /** default 25 MiB per document (BR-22); the whole request is also held to 35,651,584 bytes incl. base64 inflation */
  maxDocumentBytes?: number;
  /** set on the definition when given */
  transactionId?: string;
}

/** A validated envelope, ready for the sender. */
export interface BuiltEnvelope {
  /** DocuSign envelopeDefinition; documents carry no documentBase64 (they travel as multipart parts) */
  definition: Record<string, unknown>;
  documents: DocumentPart[];
  recipients: RecipientSummary[];
  format: TemplateFormat;
  status: 'sent' | 'created';
  /** the file itself asked for a draft ("status": "created") */
  explicitDraft: boolean;
  warnings: string[];
  usedVariables: string[];
}

/** Builds and validates the envelope for a loaded template. Throws InvalidInputError listing every problem. */
export async function buildEnvelope(t: LoadedTemplate, opts: BuildOptions = {}): Promise<BuiltEnvelope> {
  const file = t.file;
  const vars = opts.vars ?? {};
  // A --data row that could not be read (marked by parseDataFile) is refused with its reason.
  const bad = rowProblem(vars);
  if (bad !== undefined) throw new InvalidInputError(`${file}: a data row cannot be used; nothing was sent`, [{ message: bad }]);
  const scope = new VariableScope(vars, file);
  const substituted = scope.substituteDeep(clone(t.raw), '') as Json;
  const warnings: string[] = [...t.notes.map((n) => `${file}: ${n}`)];

  let conv: Conversion;
  if (t.format === 'esign') conv = await convertEsign(substituted, file, t.baseDir, scope, isObject(t.raw) ? t.raw : undefined);
  else if (t.format === 'webapp-export') conv = convertWebapp(substituted, file);
  else conv = convertRaw(substituted, file);
  const problems: InputProblem[] = [...scope.problems, ...scope.missingProblems(), ...conv.problems];
  warnings.push(...conv.warnings);
  const def = conv.definition;
  const origin = (o: object, fallback: string) => conv.origins.get(o) ?? fallback;
  const refs = eachRecipient(def);

  // Roles: --role first, then variables named after the role.
  fillRoles(refs, opts.roles ?? [], vars, scope, file, problems, origin);

  // Embedded signers (BR-17): clientUserId only when asked for, never invented otherwise.
  const fileClientUserIds = new Set<string>();
  refs.forEach((ref, i) => {
    if (ref.listKey !== 'signers' && ref.listKey !== 'templateRoles') return;
    const cuid = ref.r.clientUserId;
    if (cuid !== undefined && cuid !== null && cuid !== '') {
      if (!opts.embedded && t.format !== 'esign') fileClientUserIds.add(String(ref.r.recipientId ?? ref.r.roleName ?? i));
      return;
    }
    if (opts.embedded) ref.r.clientUserId = String(ref.r.recipientId ?? i + 1);
  });
  if (fileClientUserIds.size > 0) {
    warnings.push(`${file}: ${fileClientUserIds.size === 1 ? 'a signer has' : `${fileClientUserIds.size} signers have`} a clientUserId in the file, so DocuSign will not email them; they sign through a URL from \`esign sign-url\``);
  }

  // Status
  let explicitDraft = false;
  if (t.format !== 'webapp-export' && def.status !== undefined) {
    const s = typeof def.status === 'string' ? def.status.trim().toLowerCase() : '';
    if (!(CREATE_STATUSES as readonly string[]).includes(s)) {
      problems.push({ file, path: 'status', message: `status ${JSON.stringify(def.status)} cannot be used to create an envelope; use "sent" (send now) or "created" (save a draft), or leave it out and use --draft` });
    }
    explicitDraft = s === 'created';
  }
  const status: 'sent' | 'created' = opts.draft || explicitDraft ? 'created' : 'sent';
  def.status = status;
  if (opts.transactionId !== undefined) def.transactionId = opts.transactionId;

  validateDefinition(def, refs, conv, file, problems, warnings, origin, status, (path, v) => scope.hasUnfilled(path, v));

  // Documents: sizes (BR-22) and anchors (BR-20).
  const parts = conv.parts;
  problems.push(...sizeProblems(parts.map((p) => ({ ...p, file })), opts.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES, Buffer.byteLength(JSON.stringify(def))));
  if (!problems.some((p) => /limit is/.test(p.message))) {
    await checkAnchors(refs, parts.map((p) => p.part), file, problems, warnings, origin, usesServerTemplate(def, refs), t.format);
  }

  for (const name of scope.unusedTopLevel()) {
    warnings.push(`variable '${name}' was given but the template does not use it`);
  }

  if (problems.length > 0) {
    // A field left empty by an empty variable: name the variable instead of "name is missing".
    for (const p of problems) {
      const because = p.path !== undefined && p.file === file ? scope.emptyBecause(p.path) : undefined;
      if (because) p.message = because;
    }
    const unique = dedupe(problems);
    throw new InvalidInputError(
      `${file}: ${unique.length} problem${unique.length === 1 ? '' : 's'} found; nothing was sent`,
      unique,
      { hint: 'fix these and run again; `esign send --dry-run` checks a template without sending' },
    );
  }

  return {
    definition: def,
    documents: parts.map((p) => p.part),
    recipients: summarize(refs),
    format: t.format,
    status,
    explicitDraft,
    warnings: [...new Set(warnings)],
    usedVariables: [...scope.used].sort(),
  };
}

/** Fills roles from --role and from variables; reports unknown --role names with the template's roles. */
export function fillRoles(
  refs: RecipientRef[],
  roles: RoleAssignment[],
  vars: Record<string, unknown>,
  scope: VariableScope | undefined,
  file: string | undefined,
  problems: InputProblem[],
  origin: (o: object, fallback: string) => string,
): void {
  const roleNames = [...new Set(refs.map((r) => r.r.roleName).filter((n): n is string => typeof n === 'string' && n !== ''))];
  const seen = new Set<string>();
  for (const a of roles) {
    if (seen.has(a.role)) problems.push({ path: `--role ${a.role}`, message: `role '${a.role}' is given twice` });
    seen.add(a.role);
    if (!roleNames.includes(a.role)) {
      const dym = didYouMean(a.role, roleNames);
      problems.push({
        path: `--role ${a.role}`,
        message:
          roleNames.length === 0
            ? `the template has no roles, so --role '${a.role}' has nothing to fill; its recipients are named in the file`
            : `role '${a.role}' not found; template roles: ${quoteList(roleNames)}${dym ? ` (did you mean '${dym}'? role names must match exactly)` : ''}`,
      });
    }
  }
  for (const ref of refs) {
    const role = ref.r.roleName;
    if (typeof role !== 'string' || role === '') continue;
    const a = roles.find((x) => x.role === role);
    if (a) {
      ref.r.name = a.name;
      ref.r.email = a.email;
      continue;
    }
    const empty = (v: unknown) => v === undefined || v === null || v === '';
    if (!empty(ref.r.name) && !empty(ref.r.email)) continue;
    const whole = lookupVar(vars, role);
    const vn = lookupVar(vars, `${role}.name`);
    const ve = lookupVar(vars, `${role}.email`);
    if (whole.found && typeof whole.value === 'string') {
      const m = /^(.*?)\s*<([^<>]+)>$/.exec(whole.value.trim());
      if (m) {
        if (empty(ref.r.name)) ref.r.name = m[1]!.trim();
        if (empty(ref.r.email)) ref.r.email = m[2]!.trim();
        scope?.markUsed(role);
        continue;
      }
    }
    if (vn.found && typeof vn.value === 'string' && empty(ref.r.name)) {
      ref.r.name = vn.value;
      scope?.markUsed(`${role}.name`);
    }
    if (ve.found && typeof ve.value === 'string' && empty(ref.r.email)) {
      ref.r.email = ve.value;
      scope?.markUsed(`${role}.email`);
    }
    // A field the template fills from a variable that is empty: say so, not "role not filled".
    const at = origin(ref.r, ref.path);
    const blank = (v: unknown) => empty(v) || (typeof v === 'string' && v.trim() === '');
    const because = {
      name: blank(ref.r.name) ? scope?.emptyBecause(`${at}.name`) : undefined,
      email: blank(ref.r.email) ? scope?.emptyBecause(`${at}.email`) : undefined,
    };
    if (empty(ref.r.name) || empty(ref.r.email) || because.name || because.email) {
      for (const k of ['name', 'email'] as const) if (because[k]) problems.push({ file, path: `${at}.${k}`, message: because[k]! });
      ref.r.__unfilled = true;
      if ((!empty(ref.r.name) || because.name) && (!empty(ref.r.email) || because.email)) continue;
      problems.push({
        file,
        path: at,
        message: `role '${role}' is not filled: pass --role "${role}=Full Name <email@example.com>"${/^[\w-]+$/.test(role) ? ` or set the variables ${role}.name and ${role}.email` : ''}`,
      });
    }
  }
}

function validateDefinition(
  def: Json,
  refs: RecipientRef[],
  conv: Conversion,
  file: string,
  problems: InputProblem[],
  warnings: string[],
  origin: (o: object, fallback: string) => string,
  status: string,
  /** true when the value at path still holds an unfilled {{ … }} (already reported; its final checks wait) */
  pending: (path: string, value: string) => boolean = (_p, v) => v.includes('{{'),
): void {
  const hasServerTemplate = usesServerTemplate(def, refs);
  // Paths name fields the way the user's file does (esign format: `anchor`, not `anchorString`).
  const field = (o: object, key: string, base: string) => conv.fieldPaths?.get(o)?.[key] ?? `${base}.${key}`;

  // Subject and message
  const subject = def.emailSubject;
  if (subject === undefined || subject === '') {
    if (!hasServerTemplate && status === 'sent') problems.push({ file, path: 'emailSubject', message: 'emailSubject is required to send an envelope (DocuSign answers ENVELOPE_IS_INCOMPLETE without it)' });
  } else if (typeof subject !== 'string') {
    problems.push({ file, path: 'emailSubject', message: 'emailSubject must be text' });
  } else if (!pending('emailSubject', subject) && [...subject].length > LIMITS.emailSubject) {
    problems.push({ file, path: 'emailSubject', message: `emailSubject is ${[...subject].length} characters after variables are filled in; DocuSign allows ${LIMITS.emailSubject} (it refuses longer subjects rather than cutting them)` });
  }
  if (typeof def.emailBlurb === 'string' && def.emailBlurb.length > LIMITS.emailBlurb) {
    problems.push({ file, path: conv.fieldPaths?.get(def)?.emailBlurb ?? 'emailBlurb', message: `the email message is ${def.emailBlurb.length} characters; DocuSign allows ${LIMITS.emailBlurb}` });
  }

  // Recipients
  if (refs.length === 0) problems.push({ file, path: 'recipients', message: 'the envelope has no recipients' });
  const idOwners = new Map<string, { key: string; path: string }>();
  const docIds = new Set<string>();
  for (const d of Array.isArray(def.documents) ? def.documents : []) if (isObject(d)) docIds.add(String(d.documentId));
  for (const ct of Array.isArray(def.compositeTemplates) ? def.compositeTemplates : []) {
    if (isObject(ct) && isObject(ct.document)) docIds.add(String(ct.document.documentId));
    if (isObject(ct) && Array.isArray(ct.inlineTemplates)) for (const it of ct.inlineTemplates) if (isObject(it) && Array.isArray(it.documents)) for (const d of it.documents) if (isObject(d)) docIds.add(String(d.documentId));
  }
  const tabsByRecipient = new Map<string, number>();
  for (const ref of refs) {
    const r = ref.r;
    const src = origin(r, ref.path);
    const unfilled = r.__unfilled === true;
    delete r.__unfilled;
    if (ref.listKey !== 'templateRoles') {
      const id = r.recipientId === undefined || r.recipientId === null ? '' : String(r.recipientId);
      if (!/^[1-9]\d{0,9}$/.test(id)) problems.push({ file, path: field(r, 'recipientId', src), message: `recipientId must be a positive whole number, found ${JSON.stringify(r.recipientId)}` });
      const key = `${r.roleName ?? ''}|${r.name ?? ''}|${r.email ?? ''}|${ref.listKey}`;
      const prev = idOwners.get(id);
      // The same recipient repeated across composite templates is how composites merge; a different one is a clash.
      if (prev && prev.key !== key && ref.composite === undefined) problems.push({ file, path: field(r, 'recipientId', src), message: `recipientId ${id} is also used by ${prev.path}; recipientIds must be unique in an envelope` });
      else if (!prev) idOwners.set(id, { key, path: src });
    }
    const needs = NEEDS_NAME_EMAIL.has(ref.listKey) || ref.listKey === 'templateRoles';
    if (needs && !unfilled) {
      if (typeof r.name !== 'string' || !pending(`${src}.name`, r.name)) {
        const np = nameProblem(r.name);
        if (np) problems.push({ file, path: `${src}.name`, message: `${np}${r.roleName ? ` (role '${String(r.roleName)}')` : ''}` });
      }
      if (typeof r.email !== 'string' || !pending(`${src}.email`, r.email)) {
        const ep = emailProblem(r.email);
        if (ep) problems.push({ file, path: `${src}.email`, message: `${ep}${r.roleName ? ` (role '${String(r.roleName)}')` : ''}` });
      }
    }
    if (r.clientUserId !== undefined && String(r.clientUserId).length > LIMITS.clientUserId) {
      problems.push({ file, path: `${src}.clientUserId`, message: `clientUserId is longer than ${LIMITS.clientUserId} characters` });
    }
    if (r.routingOrder !== undefined && !/^\d{1,5}$/.test(String(r.routingOrder))) {
      problems.push({ file, path: `${src}.routingOrder`, message: `routingOrder must be a whole number, found ${JSON.stringify(r.routingOrder)}` });
    }
    const rid = String(r.recipientId ?? r.roleName ?? '');
    tabsByRecipient.set(rid, (tabsByRecipient.get(rid) ?? 0) + tabCount(r));
    for (const tab of eachTab(r, ref.path)) {
      const tpath = origin(tab.tab, tab.path);
      if (tab.documentId !== undefined && !hasServerTemplate && docIds.size > 0 && !docIds.has(tab.documentId) && tab.kind !== 'radio') {
        problems.push({ file, path: field(tab.tab, 'documentId', tpath), message: `tab refers to documentId ${tab.documentId}, which is not a document of this envelope (${[...docIds].join(', ')})` });
      }
      for (const [k, v] of Object.entries(tab.tab)) {
        if (typeof v !== 'string' || !isPlaceholder(v)) continue;
        if (k === 'formula' || k === 'value' || k === 'tabLabel' || k === 'tooltip' || k === 'name') {
          if (k === 'value') warnings.push(`${file}: ${field(tab.tab, k, tpath)} is '${v}', which looks like an unfilled placeholder; the signer will see it as the field's value`);
          continue;
        }
        problems.push({ file, path: field(tab.tab, k, tpath), message: `'${v}' is a placeholder left from a code sample; put a real value here` });
      }
      for (const k of ['xposition', 'yposition']) {
        if (k in tab.tab) warnings.push(`${file}: ${field(tab.tab, k, tpath)}: DocuSign's field is ${k === 'xposition' ? 'xPosition' : 'yPosition'}`);
      }
    }
  }
  if (!hasServerTemplate) {
    const seenRid = new Set<string>();
    for (const ref of refs) {
      if (ref.listKey !== 'signers' && ref.listKey !== 'inPersonSigners') continue;
      const rid = String(ref.r.recipientId ?? '');
      if (seenRid.has(rid)) continue;
      seenRid.add(rid);
      if ((tabsByRecipient.get(rid) ?? 0) === 0) {
        const who = ref.r.roleName ? `role '${String(ref.r.roleName)}'` : `'${String(ref.r.name)}'`;
        warnings.push(`${file}: signer ${who} (recipientId ${rid}) has no tabs: DocuSign lets them sign anywhere on the document (free-form signing); add a signHere tab to control where`);
      }
    }
  }

  // Custom fields: DocuSign caps name and value at 100 characters.
  const cfs = collectCustomFields(def);
  for (const { f, path } of cfs) {
    for (const k of ['name', 'value']) {
      const v = f[k];
      if (typeof v === 'string' && v.length > LIMITS.customFieldValue) problems.push({ file, path: field(f, k, path), message: `custom field ${k} is ${v.length} characters; DocuSign allows ${LIMITS.customFieldValue}` });
    }
  }
}

/** True when part of the envelope (documents, tabs) comes from a template stored in the account. */
function usesServerTemplate(def: Json, refs: RecipientRef[]): boolean {
  return (
    refs.some((r) => r.fromServerTemplate) ||
    typeof def.templateId === 'string' ||
    (Array.isArray(def.compositeTemplates) && def.compositeTemplates.some((c) => isObject(c) && Array.isArray(c.serverTemplates) && c.serverTemplates.length > 0))
  );
}

function collectCustomFields(def: Json): { f: Json; path: string }[] {
  const out: { f: Json; path: string }[] = [];
  const from = (cf: unknown, base: string) => {
    if (!isObject(cf)) return;
    for (const key of ['textCustomFields', 'listCustomFields']) {
      const list = cf[key];
      if (Array.isArray(list)) list.forEach((f, i) => isObject(f) && out.push({ f, path: `${base}.${key}[${i}]` }));
    }
  };
  from(def.customFields, 'customFields');
  if (Array.isArray(def.compositeTemplates)) {
    def.compositeTemplates.forEach((ct, c) => {
      if (isObject(ct) && Array.isArray(ct.inlineTemplates)) ct.inlineTemplates.forEach((it, j) => isObject(it) && from(it.customFields, `compositeTemplates[${c}].inlineTemplates[${j}].customFields`));
    });
  }
  return out;
}

/** BR-20: every anchor must occur in some document's text, else fail (or warn when it cannot be checked). */
async function checkAnchors(
  refs: RecipientRef[],
  parts: DocumentPart[],
  file: string,
  problems: InputProblem[],
  warnings: string[],
  origin: (o: object, fallback: string) => string,
  serverTemplate: boolean,
  format: TemplateFormat,
): Promise<void> {
  // The user's format names the switch: the esign format's tab field, or DocuSign's tab property.
  const ignoreHint = format === 'esign' ? 'ignoreIfNotPresent: true' : 'anchorIgnoreIfNotPresent: "true"';
  if (parts.length === 0) return;
  const anchors = new Map<string, { anchor: string; caseSensitive: boolean; wholeWord: boolean; path: string }>();
  for (const ref of refs) {
    for (const tab of eachTab(ref.r, ref.path)) {
      const a = tab.tab.anchorString;
      if (typeof a !== 'string' || a.trim() === '' || isPlaceholder(a)) continue;
      if (String(tab.tab.anchorIgnoreIfNotPresent).toLowerCase() === 'true') continue;
      const caseSensitive = String(tab.tab.anchorCaseSensitive).toLowerCase() === 'true';
      const wholeWord = String(tab.tab.anchorMatchWholeWord).toLowerCase() === 'true';
      const key = `${caseSensitive}|${wholeWord}|${a}`;
      if (!anchors.has(key)) anchors.set(key, { anchor: a, caseSensitive, wholeWord, path: origin(tab.tab, tab.path) });
    }
  }
  if (anchors.size === 0) return;
  const texts = await Promise.all(parts.map(async (p) => ({ p, t: await documentText(p) })));
  const unreliable = texts.filter((x) => !x.t.reliable).map((x) => x.p.name);
  const names = parts.map((p) => p.name);
  for (const { anchor, caseSensitive, wholeWord, path } of anchors.values()) {
    const found = texts.some((x) => x.t.reliable && containsAnchor(x.t.text, anchor, { caseSensitive, matchWholeWord: wholeWord }));
    if (found) continue;
    if (serverTemplate) {
      warnings.push(`${file}: anchor '${anchor}' (${path}) is not in the documents of this file; it may be in the server template's documents, which esign cannot check`);
      continue;
    }
    if (unreliable.length > 0) {
      warnings.push(`${file}: anchor '${anchor}' (${path}) could not be checked: ${quoteList(unreliable)} ${unreliable.length === 1 ? 'has' : 'have'} no text layer esign can read; if DocuSign cannot find it either, it answers ANCHOR_TAB_STRING_NOT_FOUND`);
      continue;
    }
    problems.push({
      file,
      path,
      message: `anchor '${anchor}' not found in ${quoteList(names)}${caseSensitive ? ' (case-sensitive)' : ''}; check the spelling against the document text, or set ${ignoreHint} on the tab if the field is optional`,
    });
  }
}

function summarize(refs: RecipientRef[]): RecipientSummary[] {
  const out = new Map<string, RecipientSummary>();
  refs.forEach((ref, i) => {
    const r = ref.r;
    const id = r.recipientId !== undefined ? String(r.recipientId) : `role:${String(r.roleName ?? i)}`;
    if (out.has(id)) return;
    const type = ref.listKey === 'templateRoles' ? 'role' : (RECIPIENT_TYPES[ref.listKey] ?? ref.listKey);
    const cuid = r.clientUserId !== undefined && r.clientUserId !== null && r.clientUserId !== '' ? String(r.clientUserId) : undefined;
    out.set(id, {
      recipientId: r.recipientId !== undefined ? String(r.recipientId) : String(i + 1),
      ...(typeof r.roleName === 'string' && r.roleName !== '' ? { roleName: r.roleName } : {}),
      name: String(r.name ?? ''),
      email: String(r.email ?? ''),
      type,
      embedded: cuid !== undefined,
      ...(cuid !== undefined ? { clientUserId: cuid } : {}),
      ...(r.routingOrder !== undefined ? { routingOrder: String(r.routingOrder) } : {}),
    });
  });
  return [...out.values()];
}

function dedupe(problems: InputProblem[]): InputProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.file ?? ''}\u0000${p.path ?? ''}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
