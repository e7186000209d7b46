/**
 * Web-app exports and raw envelope definitions → an envelope definition whose documents carry
 * no base64 (the bytes move into DocumentParts, sent as multipart binary parts).
 */
import type { InputProblem } from '../errors.js';
import { base64Problem, chooseExtension, type DocumentPart } from './documents.js';
import { eachRecipient, eachTab, RECIPIENT_TYPES } from './recipients.js';
import { isPlaceholder } from './validate.js';
import { isObject, joinPath, type Json } from './util.js';

/** Output of a format converter (the esign format has its own, with the same fields). */
export interface Conversion {
  definition: Json;
  parts: { part: DocumentPart; path: string }[];
  problems: InputProblem[];
  warnings: string[];
  /** built recipient/tab object → field path in the template file */
  origins: WeakMap<object, string>;
  /**
   * built object → DocuSign property → the path of the field as the template file spells it, for
   * formats whose names differ from DocuSign's (the esign format: `anchor`, not `anchorString`).
   */
  fieldPaths?: WeakMap<object, Record<string, string>>;
}

/** Moves one document's base64 into a DocumentPart; returns undefined (with a problem) when unusable. */
function takeDocument(
  doc: Json,
  path: string,
  file: string,
  problems: InputProblem[],
  warnings: string[],
  compositeTemplateId?: string,
): DocumentPart | undefined {
  const id = doc.documentId === undefined || doc.documentId === null ? '' : String(doc.documentId);
  if (!/^[1-9]\d{0,9}$/.test(id)) {
    problems.push({ file, path: joinPath(path, 'documentId'), message: isPlaceholder(id) ? `documentId is the placeholder '${id}'; use a whole number such as "1"` : `documentId must be a positive whole number, found ${JSON.stringify(doc.documentId)}` });
  }
  const name = typeof doc.name === 'string' ? doc.name : '';
  if (name.trim() === '') problems.push({ file, path: joinPath(path, 'name'), message: 'document name is missing' });
  else if (isPlaceholder(name)) problems.push({ file, path: joinPath(path, 'name'), message: `document name is the placeholder '${name}'; give the real file name` });
  if (doc.documentBase64 === undefined && (doc.remoteUrl !== undefined || doc.htmlDefinition !== undefined)) return undefined;
  const b64problem = base64Problem(doc.documentBase64);
  if (b64problem) {
    problems.push({ file, path: joinPath(path, 'documentBase64'), message: b64problem });
    delete doc.documentBase64;
    return undefined;
  }
  const bytes = Buffer.from(String(doc.documentBase64).replace(/\s+/g, ''), 'base64');
  delete doc.documentBase64;
  const declared = typeof doc.fileExtension === 'string' && doc.fileExtension !== '' ? doc.fileExtension : undefined;
  const { ext, note, problem } = chooseExtension(bytes.subarray(0, 1024), declared, name);
  if (note) warnings.push(`${file}: ${path} ('${name}'): ${note}`);
  if (problem) {
    problems.push({ file, path: joinPath(path, 'fileExtension'), message: `document '${name}' ${problem}; set "fileExtension" (e.g. "pdf", "docx") or end its name with the extension` });
    return undefined;
  }
  doc.fileExtension = ext;
  return {
    documentId: id,
    name,
    fileExtension: ext,
    size: bytes.length,
    bytes,
    ...(compositeTemplateId !== undefined ? { compositeTemplateId } : {}),
  };
}

/** A raw envelope definition: documents/compositeTemplates/templateId as DocuSign expects them. */
export function convertRaw(raw: Json, file: string): Conversion {
  const problems: InputProblem[] = [];
  const warnings: string[] = [];
  const parts: { part: DocumentPart; path: string }[] = [];
  const def = raw;
  const seen = new Map<string, string>();
  const addPart = (p: DocumentPart | undefined, path: string) => {
    if (!p) return;
    const key = `${p.compositeTemplateId ?? ''}/${p.documentId}`;
    if (seen.has(key)) problems.push({ file, path: joinPath(path, 'documentId'), message: `documentId ${p.documentId} is also used by ${seen.get(key)}; each document needs its own id` });
    seen.set(key, path);
    parts.push({ part: p, path });
  };
  if (def.documents !== undefined) {
    if (!Array.isArray(def.documents)) problems.push({ file, path: 'documents', message: 'documents must be a list' });
    else def.documents.forEach((d, i) => {
      const path = joinPath('documents', i);
      if (!isObject(d)) problems.push({ file, path, message: 'each document must be an object' });
      else addPart(takeDocument(d, path, file, problems, warnings), path);
    });
  }
  if (Array.isArray(def.compositeTemplates)) {
    def.compositeTemplates.forEach((ct, c) => {
      const cpath = joinPath('compositeTemplates', c);
      if (!isObject(ct)) {
        problems.push({ file, path: cpath, message: 'each composite template must be an object' });
        return;
      }
      if (ct.compositeTemplateId === undefined || ct.compositeTemplateId === '') ct.compositeTemplateId = String(c + 1);
      const ctId = String(ct.compositeTemplateId);
      if (isObject(ct.document)) addPart(takeDocument(ct.document, joinPath(cpath, 'document'), file, problems, warnings, ctId), joinPath(cpath, 'document'));
      if (Array.isArray(ct.serverTemplates)) {
        ct.serverTemplates.forEach((st, s) => {
          if (isObject(st) && (typeof st.templateId !== 'string' || st.templateId === '' || isPlaceholder(st.templateId))) {
            problems.push({ file, path: joinPath(joinPath(joinPath(cpath, 'serverTemplates'), s), 'templateId'), message: `templateId ${JSON.stringify(st.templateId)} is not a template id; put the id of a template in your account (esign list shows none; find it in the web app under Templates)` });
          }
        });
      }
      if (Array.isArray(ct.inlineTemplates)) {
        ct.inlineTemplates.forEach((it, j) => {
          if (isObject(it) && Array.isArray(it.documents)) {
            it.documents.forEach((d, k) => {
              const path = `${cpath}.inlineTemplates[${j}].documents[${k}]`;
              if (isObject(d)) addPart(takeDocument(d, path, file, problems, warnings, ctId), path);
            });
          }
        });
      }
    });
  }
  if ('templateId' in def && (typeof def.templateId !== 'string' || def.templateId === '' || isPlaceholder(def.templateId))) {
    problems.push({ file, path: 'templateId', message: `templateId ${JSON.stringify(def.templateId)} is not a template id; use the id of a template in your account` });
  }
  const origins = new WeakMap<object, string>();
  for (const ref of eachRecipient(def)) {
    origins.set(ref.r, ref.path);
    for (const t of eachTab(ref.r, ref.path)) origins.set(t.tab, t.path);
  }
  return { definition: def, parts, problems, warnings, origins };
}

/** Envelope-level fields of an export worth keeping (the rest describe the stored template). */
const EXPORT_ENVELOPE_FIELDS = [
  'emailSubject', 'emailBlurb', 'notification', 'brandId', 'allowMarkup', 'allowReassign', 'allowComments',
  'allowRecipientRecursion', 'enableWetSign', 'enforceSignerVisibility', 'envelopeIdStamping', 'autoNavigation',
  'authoritativeCopy', 'signingLocation', 'messageLock', 'recipientsLock', 'disableResponsiveDocument',
  'eventNotification', 'emailSettings', 'accessibility',
];
/** Document fields DocuSign accepts on envelope creation. */
const EXPORT_DOCUMENT_FIELDS = ['documentId', 'name', 'fileExtension', 'order', 'display', 'includeInDownload', 'signerMustAcknowledge', 'documentFields', 'transformPdfFields', 'authoritativeCopy'];
/** Read-only recipient fields of a stored template. */
const RECIPIENT_READ_ONLY = ['recipientIdGuid', 'templateLocked', 'templateRequired', 'completedCount', 'recipientType', 'uri', 'status', 'templateAccessCodeRequired', 'defaultRecipient', 'creationReason', 'totalTabCount', 'userId', 'recipientCount'];
/** Read-only tab fields of a stored template. */
const TAB_READ_ONLY = ['tabId', 'templateLocked', 'templateRequired', 'tabType', 'status'];

/**
 * A template exported from the web app (reference §14, option A): one composite template per
 * document, each with an inline template repeating the recipients (same recipientIds, so
 * DocuSign merges them). A tab goes to the composite of the document it names; anchor tabs
 * without a documentId go to the first composite only (DocuSign searches every document for
 * an anchor, so repeating them would place them twice). Custom fields go in the first inline
 * template (root-level custom fields are ignored in composite envelopes).
 */
export function convertWebapp(raw: Json, file: string): Conversion {
  const problems: InputProblem[] = [];
  const warnings: string[] = [];
  const origins = new WeakMap<object, string>();
  const parts: { part: DocumentPart; path: string }[] = [];
  const def: Json = {};
  for (const k of EXPORT_ENVELOPE_FIELDS) if (raw[k] !== undefined && raw[k] !== null) def[k] = raw[k];

  const docs = Array.isArray(raw.documents) ? raw.documents : [];
  if (docs.length === 0) problems.push({ file, path: 'documents', message: 'the export has no documents; download it again with its documents' });
  const docGen: string[] = [];
  const docDefs: Json[] = [];
  const ids = new Set<string>();
  docs.forEach((d, i) => {
    const path = joinPath('documents', i);
    if (!isObject(d)) {
      problems.push({ file, path, message: 'each document must be an object' });
      return;
    }
    if (d.isDocGenDocument === 'true' || d.isDocGenDocument === true || Array.isArray(d.docGenFormFields)) {
      const fields = Array.isArray(d.docGenFormFields) ? d.docGenFormFields.map((f) => (isObject(f) ? String(f.name ?? f.label) : '?')) : [];
      docGen.push(`${String(d.name)}${fields.length ? ` (fields ${fields.join(', ')})` : ''}`);
    }
    const doc: Json = {};
    for (const k of EXPORT_DOCUMENT_FIELDS) if (d[k] !== undefined && d[k] !== null) doc[k] = d[k];
    doc.documentBase64 = d.documentBase64;
    const ctId = String(docDefs.length + 1);
    const part = takeDocument(doc, path, file, problems, warnings, ctId);
    if (part) {
      if (ids.has(part.documentId)) problems.push({ file, path: joinPath(path, 'documentId'), message: `documentId ${part.documentId} is used by two documents` });
      ids.add(part.documentId);
      parts.push({ part, path });
    }
    docDefs.push(doc);
  });
  if (docGen.length > 0) {
    warnings.push(
      `${file}: this is a Document Generation template (${docGen.join('; ')}); esign sends the document as it is, so its DocGen fields stay unfilled — fill them in the web app, or export a template without DocGen fields`,
    );
  }

  // Clean recipients once; composites get shallow copies with their share of the tabs.
  const recipients = isObject(raw.recipients) ? raw.recipients : {};
  const cleaned: { listKey: string; r: Json; path: string }[] = [];
  for (const [listKey, list] of Object.entries(recipients)) {
    if (!(listKey in RECIPIENT_TYPES)) continue;
    if (!Array.isArray(list)) continue;
    list.forEach((r0, i) => {
      if (!isObject(r0)) return;
      const path = joinPath(joinPath('recipients', listKey), i);
      const r: Json = {};
      for (const [k, v] of Object.entries(r0)) {
        if (v === null || RECIPIENT_READ_ONLY.includes(k)) continue;
        if ((k === 'accessCode' || k === 'note') && v === '') continue;
        r[k] = v;
      }
      if (isObject(r0.tabs)) {
        const tabs: Json = {};
        for (const [kind, tl] of Object.entries(r0.tabs)) {
          if (!Array.isArray(tl) || tl.length === 0) continue;
          tabs[kind] = tl.map((t, k) => {
            const clean = cleanTab(t);
            origins.set(clean, joinPath(joinPath(joinPath(path, 'tabs'), kind), k));
            return clean;
          });
        }
        r.tabs = tabs;
      }
      cleaned.push({ listKey, r, path });
    });
  }

  const composites: Json[] = docDefs.map((doc, i) => {
    const docId = String(doc.documentId);
    const group: Json = {};
    for (const { listKey, r, path } of cleaned) {
      const copy: Json = { ...r };
      if (isObject(r.tabs)) {
        const tabs: Json = {};
        for (const [kind, tl] of Object.entries(r.tabs)) {
          const mine = (tl as Json[]).filter((t) => {
            const d = t.documentId === undefined || t.documentId === null ? undefined : String(t.documentId);
            if (docDefs.length === 1) return true;
            if (d === undefined) return i === 0;
            return d === docId || (i === 0 && !ids.has(d));
          });
          if (mine.length > 0) tabs[kind] = mine;
        }
        if (Object.keys(tabs).length > 0) copy.tabs = tabs;
        else delete copy.tabs;
      }
      origins.set(copy, path);
      ((group[listKey] ??= []) as Json[]).push(copy);
    }
    const inline: Json = { sequence: '1', recipients: group };
    if (i === 0 && isObject(raw.customFields)) {
      const cf = cleanCustomFields(raw.customFields);
      if (cf) inline.customFields = cf;
    }
    return { compositeTemplateId: String(i + 1), document: doc, inlineTemplates: [inline] };
  });
  def.compositeTemplates = composites;
  return { definition: def, parts, problems, warnings, origins };
}

function cleanTab(t: unknown): Json {
  if (!isObject(t)) return {};
  const out: Json = {};
  for (const [k, v] of Object.entries(t)) {
    if (v === null || TAB_READ_ONLY.includes(k)) continue;
    if (k === 'radios' && Array.isArray(v)) out[k] = v.map(cleanTab);
    else out[k] = v;
  }
  return out;
}

function cleanCustomFields(cf: Json): Json | undefined {
  const out: Json = {};
  for (const key of ['textCustomFields', 'listCustomFields']) {
    const list = cf[key];
    if (Array.isArray(list) && list.length > 0) out[key] = list.map((f) => (isObject(f) ? Object.fromEntries(Object.entries(f).filter(([, v]) => v !== null)) : f));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
