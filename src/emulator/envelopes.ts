/**
 * Envelope and template logic: building an envelope from a definition (plain, server template +
 * templateRoles, composite templates), DocuSign's create/send validation, routing, and the JSON
 * shapes the REST API returns.
 */
import {
  containsAnchor,
  docxPageCount,
  extractText,
  isPdf,
  isZip,
  normalizeExt,
  pdfPageCount,
} from '../documents/text.js';
import type { Account, EmulatorImpl } from './core.js';
import type { EmulatorDocument, EmulatorEnvelope, EmulatorRecipient, RecipientGroups, UncertainErrorCase } from './types.js';
import { bool, clone, dsTime, guid, RestError, str, stringifyScalars, validEmail } from './util.js';

/** Recipient arrays and their recipientType values. */
export const RECIPIENT_TYPES: Record<string, string> = {
  signers: 'signer',
  carbonCopies: 'carboncopy',
  certifiedDeliveries: 'certifieddelivery',
  agents: 'agent',
  editors: 'editor',
  intermediaries: 'intermediary',
  inPersonSigners: 'inpersonsigner',
  witnesses: 'witness',
  notaries: 'notary',
  seals: 'seal',
};

/** A document part of a multipart request. */
export interface UploadedPart {
  documentId: string;
  compositeTemplateId?: string;
  bytes: Buffer;
  filename?: string;
  contentType?: string;
}

const bad = (code: string, message: string) => new RestError(400, code, message);
const INVALID_PARAM = 'The request contained at least one invalid parameter.';

type Json = Record<string, unknown>;
type Rec = Json & { _type: string };

function asArray(v: unknown): Json[] {
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Json[]) : [];
}
function asObj(v: unknown): Json | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

/** Flattens a recipients object into typed records. */
function flattenRecipients(recipients: unknown): Rec[] {
  const r = asObj(recipients);
  if (!r) return [];
  const out: Rec[] = [];
  for (const key of Object.keys(RECIPIENT_TYPES)) {
    for (const x of asArray(r[key])) out.push({ ...(clone(x) as Json), _type: key });
  }
  return out;
}

/** Applies `over` on `base`: scalars replace, tabs merge by tabLabel. */
function overlayRecipient(base: Rec, over: Rec): Rec {
  const out: Rec = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === 'tabs') continue;
    if (v === null || v === undefined || v === '') continue;
    out[k] = clone(v);
  }
  const overTabs = asObj(over.tabs);
  if (overTabs) out.tabs = mergeTabs(asObj(base.tabs) ?? {}, overTabs);
  return out;
}

/** Tabs of `over` set values on same-label tabs of `base`, others are appended. */
function mergeTabs(base: Json, over: Json): Json {
  const out: Json = clone(base);
  for (const [type, list] of Object.entries(over)) {
    const target = asArray(out[type]);
    for (const t of asArray(list)) {
      const label = str(t.tabLabel);
      const hit = label ? target.find((x) => str(x.tabLabel) === label) : undefined;
      if (hit) Object.assign(hit, clone(t));
      else target.push(clone(t));
    }
    out[type] = target;
  }
  return out;
}

function seqOf(x: Json): number {
  const n = Number(str(x.sequence) || '0');
  return Number.isFinite(n) ? n : 0;
}

interface Draft {
  emailSubject?: string;
  emailBlurb?: string;
  documents: Json[];
  recipients: Rec[];
  customFields?: Json;
  templateIds: string[];
}

function getTemplate(acct: Account, id: string): Json {
  const t = acct.templates.get(id);
  if (!t) throw bad('TEMPLATE_ID_INVALID', `Invalid template ID. Template ID: ${id}`);
  return t;
}

/** Merges recipient lists by recipientId (then roleName), later entries overlaying earlier ones. */
function mergeRecipientInto(list: Rec[], r: Rec): void {
  const id = str(r.recipientId);
  let i = id ? list.findIndex((x) => str(x.recipientId) === id) : -1;
  if (i < 0 && str(r.roleName)) i = list.findIndex((x) => str(x.roleName) === str(r.roleName));
  if (i >= 0) list[i] = overlayRecipient(list[i]!, r);
  else list.push(r);
}

/** Resolves compositeTemplates into documents and recipients (reference §6, overlays by sequence). */
function fromComposites(acct: Account, def: Json, parts: UploadedPart[]): Draft {
  const draft: Draft = { documents: [], recipients: [], templateIds: [] };
  for (const ct of asArray(def.compositeTemplates)) {
    const layers = [
      ...asArray(ct.serverTemplates).map((s) => ({ kind: 'server' as const, x: s })),
      ...asArray(ct.inlineTemplates).map((s) => ({ kind: 'inline' as const, x: s })),
    ].sort((a, b) => seqOf(a.x) - seqOf(b.x));
    let docs: Json[] = [];
    const recips: Rec[] = [];
    for (const layer of layers) {
      if (layer.kind === 'server') {
        const id = str(layer.x.templateId);
        const tpl = getTemplate(acct, id);
        draft.templateIds.push(id);
        docs.push(...asArray(tpl.documents).map((d) => clone(d)));
        for (const r of flattenRecipients(tpl.recipients)) mergeRecipientInto(recips, r);
        draft.emailSubject ??= str(tpl.emailSubject) || undefined;
        draft.emailBlurb ??= str(tpl.emailBlurb) || undefined;
        if (asObj(tpl.customFields)) draft.customFields ??= clone(asObj(tpl.customFields));
      } else {
        for (const r of flattenRecipients(layer.x.recipients)) mergeRecipientInto(recips, r);
        docs.push(...asArray(layer.x.documents).map((d) => clone(d)));
        const env = asObj(layer.x.envelope);
        if (env) {
          draft.emailSubject ??= str(env.emailSubject) || undefined;
          draft.emailBlurb ??= str(env.emailBlurb) || undefined;
        }
        if (asObj(layer.x.customFields)) draft.customFields = clone(asObj(layer.x.customFields));
      }
    }
    const doc = asObj(ct.document);
    if (doc) {
      // The composite's document replaces the templates' documents; their tabs move onto it.
      const newId = str(doc.documentId) || '1';
      const oldIds = new Set(docs.map((d) => str(d.documentId)));
      for (const r of recips) {
        const tabs = asObj(r.tabs);
        if (!tabs) continue;
        for (const list of Object.values(tabs)) {
          for (const t of asArray(list)) if (!str(t.documentId) || oldIds.has(str(t.documentId))) if (str(t.documentId)) t.documentId = newId;
        }
      }
      docs = [clone(doc)];
    }
    const ctId = str(ct.compositeTemplateId);
    for (const d of docs) {
      if (d.documentBase64) continue;
      const p = parts.find((x) => x.documentId === str(d.documentId) && (!x.compositeTemplateId || x.compositeTemplateId === ctId));
      if (p) (d as Json)._bytes = p.bytes;
    }
    draft.documents.push(...docs);
    for (const r of recips) {
      const id = str(r.recipientId);
      const i = id ? draft.recipients.findIndex((x) => str(x.recipientId) === id) : -1;
      if (i < 0) draft.recipients.push(r);
      else {
        // Same recipient across composites: one recipient, tabs from each document.
        const prev = draft.recipients[i]!;
        const merged = overlayRecipient(prev, { ...r, tabs: undefined } as Rec);
        const tabs: Json = clone(asObj(prev.tabs) ?? {});
        for (const [k, v] of Object.entries(asObj(r.tabs) ?? {})) tabs[k] = [...asArray(tabs[k]), ...asArray(v).map((t) => clone(t))];
        merged.tabs = tabs;
        draft.recipients[i] = merged;
      }
    }
  }
  return draft;
}

/** Resolves templateId + templateRoles (roles matched by exact roleName; BR-18 for misses). */
function fromServerTemplate(acct: Account, def: Json): Draft {
  const id = str(def.templateId);
  const tpl = getTemplate(acct, id);
  const recips = flattenRecipients(tpl.recipients);
  let nextId = Math.max(0, ...recips.map((r) => Number(str(r.recipientId)) || 0)) + 1;
  for (const role of asArray(def.templateRoles)) {
    const name = str(role.roleName);
    const hit = recips.find((r) => str(r.roleName) === name);
    if (hit) {
      const over: Rec = { ...(clone(role) as Json), _type: hit._type };
      delete over.roleName;
      Object.assign(hit, overlayRecipient(hit, over));
    } else {
      // DocuSign treats an unmatched role as a new recipient without tabs.
      const extra: Rec = { ...(clone(role) as Json), _type: 'signers', recipientId: String(nextId++) };
      delete extra.tabs;
      recips.push(extra);
    }
  }
  return {
    emailSubject: str(tpl.emailSubject) || undefined,
    emailBlurb: str(tpl.emailBlurb) || undefined,
    documents: asArray(tpl.documents).map((d) => clone(d)),
    recipients: recips,
    customFields: clone(asObj(tpl.customFields)),
    templateIds: [id],
  };
}

/** Decodes one document and checks DocuSign can load it. */
export function loadDocument(d: Json, parts: UploadedPart[], index: number): EmulatorDocument {
  const documentId = str(d.documentId) || String(index + 1);
  let bytes: Buffer | undefined = Buffer.isBuffer(d._bytes) ? (d._bytes as Buffer) : undefined;
  const b64 = str(d.documentBase64);
  if (!bytes && b64) {
    if (!/^[A-Za-z0-9+/=\s_-]*$/.test(b64)) {
      throw bad('UNABLE_TO_LOAD_DOCUMENT', `Unable to load the document. The documentBase64 is not valid base64. DocumentId: ${documentId}`);
    }
    bytes = Buffer.from(b64, 'base64');
  }
  if (!bytes) bytes = parts.find((p) => p.documentId === documentId && !p.compositeTemplateId)?.bytes;
  if (!bytes || bytes.length === 0) {
    throw bad('UNABLE_TO_LOAD_DOCUMENT', `Unable to load the document. No document content was supplied. DocumentId: ${documentId}`);
  }
  let ext = normalizeExt(str(d.fileExtension));
  if (!ext) {
    // (U) without fileExtension DocuSign assumes PDF; anything else cannot be loaded.
    if (!isPdf(bytes)) {
      throw bad('UNABLE_TO_LOAD_DOCUMENT', `Unable to load the document. The document is not a PDF and no fileExtension was given. DocumentId: ${documentId}`);
    }
    ext = 'pdf';
  }
  if (ext === 'pdf' && !isPdf(bytes)) {
    throw bad('UNABLE_TO_LOAD_DOCUMENT', `Unable to load the document. The document is not a valid PDF. DocumentId: ${documentId}`);
  }
  if ((ext === 'docx' || ext === 'xlsx' || ext === 'pptx') && !isZip(bytes)) {
    throw bad('UNABLE_TO_LOAD_DOCUMENT', `Unable to load the document. The document is not a valid ${ext} file. DocumentId: ${documentId}`);
  }
  const pages = ext === 'pdf' ? pdfPageCount(bytes) : ext === 'docx' ? docxPageCount(bytes) : undefined;
  const fields = stringifyScalars({ ...d }) as Json;
  delete fields.documentBase64;
  delete fields._bytes;
  return {
    documentId,
    documentIdGuid: guid(),
    name: str(d.name) || `Document ${documentId}`,
    fileExtension: ext,
    bytes,
    pages,
    order: str(d.order) || String(index + 1),
    fields,
  };
}

/** Builds and validates a new envelope from an envelopeDefinition (not yet stored). */
export function buildEnvelope(
  emu: EmulatorImpl,
  acct: Account,
  def: Json,
  parts: UploadedPart[],
  senderUserId: string,
  opts: { deferSend?: boolean } = {},
): EmulatorEnvelope {
  const status = str(def.status).toLowerCase() || 'created';
  if (status !== 'created' && status !== 'sent') {
    throw bad('INVALID_REQUEST_PARAMETER', `${INVALID_PARAM} The value '${str(def.status)}' is not valid for 'status' on create.`);
  }
  checkDocumentLists(emu, def);
  let draft: Draft;
  if (asArray(def.compositeTemplates).length) draft = fromComposites(acct, def, parts);
  else if (str(def.templateId)) draft = fromServerTemplate(acct, def);
  else {
    draft = {
      documents: asArray(def.documents).map((d) => ({ ...d })),
      recipients: flattenRecipients(def.recipients),
      customFields: clone(asObj(def.customFields)),
      templateIds: [],
    };
  }
  // Root values win over template values; with composites root custom fields are ignored.
  const emailSubject = str(def.emailSubject) || draft.emailSubject || '';
  const emailBlurb = str(def.emailBlurb) || draft.emailBlurb;
  if (emailSubject.length > 100) {
    throw bad('INVALID_REQUEST_PARAMETER', `${INVALID_PARAM} The email subject exceeds the maximum length of 100 characters.`); // (U) code
  }
  if (emailBlurb && emailBlurb.length > 10000) {
    throw bad('INVALID_REQUEST_PARAMETER', `${INVALID_PARAM} The email blurb exceeds the maximum length of 10000 characters.`);
  }
  const documents = draft.documents.map((d, i) => loadDocument(d, parts, i));
  const recipients = normalizeRecipients(draft.recipients, status === 'sent');
  const all = Object.values(recipients).flat();
  if (status === 'sent' && (!emailSubject.trim() || documents.length === 0 || all.length === 0)) {
    throw bad(
      'ENVELOPE_IS_INCOMPLETE',
      'The Envelope is not Complete. A Complete Envelope Requires Documents, Recipients, Tabs, and a Subject Line.',
    );
  }
  if (all.length > 100) {
    throw bad(uncertainCode(emu, 'tooManyRecipients'), `${INVALID_PARAM} An envelope may have at most 100 recipients; this one has ${all.length}.`);
  }
  checkCustomFields(emu, draft.customFields);
  checkTabs(emu, all, documents);
  const now = emu.now();
  const extra = stringifyScalars({ ...def }) as Json;
  for (const k of ['documents', 'recipients', 'compositeTemplates', 'templateRoles', 'status', 'emailSubject', 'emailBlurb', 'customFields']) delete extra[k];
  const env: EmulatorEnvelope = {
    envelopeId: guid(),
    accountId: acct.accountId,
    status: 'created',
    emailSubject,
    emailBlurb,
    documents,
    recipients,
    customFields: draft.customFields ? stringifyScalars(draft.customFields) : undefined,
    transactionId: str(def.transactionId) || undefined,
    templateIds: draft.templateIds,
    createdDateTime: dsTime(now),
    statusChangedDateTime: dsTime(now),
    lastModifiedDateTime: dsTime(now),
    createdMs: now,
    changedMs: now,
    senderUserId,
    emails: [],
    extra,
  };
  if (status === 'sent' && !opts.deferSend) sendEnvelope(emu, env);
  return env;
}

/**
 * `asynchronous: true` (reference §6): the envelope is queued. It shows as `processing` until the
 * background work finishes (after `asyncProcessingMs`), then it becomes the draft or is sent.
 */
export function queueEnvelope(emu: EmulatorImpl, env: EmulatorEnvelope, send: boolean): void {
  env.status = 'processing';
  emu.later(emu.cfg.asyncProcessingMs, () => {
    if (env.status !== 'processing') return;
    env.status = 'created';
    touch(emu, env);
    if (send) sendEnvelope(emu, env);
  });
}

/** (U) The errorCode for a limit whose code is not sourced (INVALID_REQUEST_PARAMETER unless overridden). */
function uncertainCode(emu: EmulatorImpl, rule: UncertainErrorCase): string {
  return emu.cfg.uncertainErrorCodes[rule] ?? 'INVALID_REQUEST_PARAMETER';
}

/**
 * Each `documents` list of the request (root, or an inline template's) needs distinct documentIds.
 * Across composite templates the same id is fine: each composite has its own documents (DocuSign's
 * example eg013 adds a document "1" beside a server template's document "1").
 */
function checkDocumentLists(emu: EmulatorImpl, def: Json): void {
  const lists: Json[][] = [asArray(def.documents)];
  for (const ct of asArray(def.compositeTemplates)) for (const it of asArray(ct.inlineTemplates)) lists.push(asArray(it.documents));
  for (const list of lists) {
    const seen = new Set<string>();
    list.forEach((d, i) => {
      const id = str(d.documentId) || String(i + 1);
      if (seen.has(id)) {
        throw bad(uncertainCode(emu, 'duplicateDocumentId'), `${INVALID_PARAM} The documentId ${id} is used by more than one document; each document needs its own documentId.`);
      }
      seen.add(id);
    });
  }
}

/** Envelope custom fields: name and value ≤ 100 characters (reference §6/§13), list items too (spec). */
function checkCustomFields(emu: EmulatorImpl, customFields: Json | undefined): void {
  if (!customFields) return;
  const tooLong = (what: string, name: string) =>
    bad(uncertainCode(emu, 'customFieldTooLong'), `${INVALID_PARAM} The envelope custom field ${what} exceeds the maximum length of 100 characters. Custom field: ${name.slice(0, 100)}`);
  for (const key of ['textCustomFields', 'listCustomFields']) {
    for (const f of asArray(customFields[key])) {
      const name = str(f.name);
      if (name.length > 100) throw tooLong('name', name);
      if (str(f.value).length > 100) throw tooLong('value', name);
      if (Array.isArray(f.listItems) && f.listItems.some((x) => str(x).length > 100)) throw tooLong('list item', name);
    }
  }
}

function recipientLabel(r: Json): string {
  return str(r.recipientId);
}

/** Normalises recipients (strings, ids, routing) and checks names, emails and ids. */
function normalizeRecipients(list: Rec[], sending: boolean): RecipientGroups {
  const groups: RecipientGroups = {};
  const seen = new Set<string>();
  let auto = Math.max(0, ...list.map((r) => Number(str(r.recipientId)) || 0)) + 1;
  for (const raw of list) {
    const type = raw._type;
    const r = stringifyScalars({ ...raw }) as Json;
    delete r._type;
    if (!str(r.recipientId)) r.recipientId = String(auto++);
    const id = recipientLabel(r);
    if (seen.has(id)) {
      throw bad('ENVELOPE_HAS_DUPLICATE_RECIPIENTS', 'The specified envelope has duplicate recipients.'); // code and message quoted from a real DocuSign answer (public code), not the reference
    }
    seen.add(id);
    const email = str(r.email).trim();
    if (email && !validEmail(email)) {
      throw bad('INVALID_EMAIL_ADDRESS_FOR_RECIPIENT', `The email address for the recipient is invalid. The recipient Id follows. Recipient Id: ${id}`);
    }
    if (sending) {
      const needsEmail = type !== 'inPersonSigners';
      if (needsEmail && !email) {
        throw bad('INVALID_EMAIL_ADDRESS_FOR_RECIPIENT', `The email address for the recipient is invalid. The recipient Id follows. Recipient Id: ${id}`);
      }
      const name = type === 'inPersonSigners' ? str(r.signerName) || str(r.name) : str(r.name);
      if (!name.trim()) {
        throw bad('INVALID_USERNAME_FOR_RECIPIENT', `The user name for the recipient is invalid. The recipient Id follows. Recipient Id: ${id}`); // (U)
      }
    }
    if (str(r.name).length > 100) {
      throw bad('INVALID_USERNAME_FOR_RECIPIENT', `The user name for the recipient is too long (100 characters maximum). Recipient Id: ${id}`);
    }
    if (str(r.clientUserId).length > 100) {
      throw bad('INVALID_REQUEST_PARAMETER', `${INVALID_PARAM} clientUserId exceeds 100 characters. Recipient Id: ${id}`);
    }
    const rec: EmulatorRecipient = {
      ...r,
      recipientId: id,
      recipientIdGuid: guid(),
      recipientType: RECIPIENT_TYPES[type]!,
      name: str(r.name),
      email,
      routingOrder: str(r.routingOrder) || '1',
      status: 'created',
      ...(str(r.clientUserId) ? { clientUserId: str(r.clientUserId) } : {}),
      ...(str(r.roleName) ? { roleName: str(r.roleName) } : {}),
    };
    if (!str(r.clientUserId)) delete rec.clientUserId;
    (groups[type] ??= []).push(rec);
  }
  return groups;
}

/** One tab's own limits: tabLabel ≤ 500 characters, scaleValue 0.5–2.0, documentId of this envelope. */
function checkTab(emu: EmulatorImpl, t: Json, type: string, r: EmulatorRecipient, documents: EmulatorDocument[]): void {
  const where = `Recipient Id: ${r.recipientId}, ${type}.`;
  if (str(t.tabLabel).length > 500) {
    throw bad(uncertainCode(emu, 'tabLabelTooLong'), `${INVALID_PARAM} Invalid value for tabLabel, must be 500 characters or fewer. ${where}`);
  }
  const scale = str(t.scaleValue).trim();
  if (scale) {
    const n = Number(scale);
    if (!Number.isFinite(n) || n < 0.5 || n > 2) {
      throw bad(uncertainCode(emu, 'scaleValueOutOfRange'), `${INVALID_PARAM} Invalid value for scaleValue, must be between 0.5 and 2.0. ${where}`);
    }
  }
  const documentId = str(t.documentId);
  if (documentId && !documents.some((d) => d.documentId === documentId)) {
    throw bad(
      'TAB_REFERS_TO_MISSING_DOCUMENT',
      `The DocumentId specified in the tab element does not refer to a document in this envelope. Tab refers to DocumentId ${documentId} which is not present.`,
    );
  }
}

/** Tab checks: each tab's limits, page numbers within the document, anchors present in the text layer. */
function checkTabs(emu: EmulatorImpl, recipients: EmulatorRecipient[], documents: EmulatorDocument[]): void {
  const texts = new Map<string, { text: string; reliable: boolean }>();
  const textOf = (d: EmulatorDocument) => {
    let t = texts.get(d.documentId);
    if (!t) texts.set(d.documentId, (t = extractText(d.bytes, d.fileExtension)));
    return t;
  };
  for (const r of recipients) {
    const tabs = r.tabs && typeof r.tabs === 'object' ? r.tabs : undefined;
    if (!tabs) continue;
    for (const [type, list] of Object.entries(tabs)) {
      if (!Array.isArray(list)) continue;
      for (const t of list) {
        if (!t || typeof t !== 'object') continue;
        checkTab(emu, t as Json, type, r, documents);
        const anchor = str(t.anchorString);
        if (anchor) {
          if (!emu.cfg.checkAnchors || bool(t.anchorIgnoreIfNotPresent)) continue;
          const docs = documents;
          const extracted = docs.map(textOf);
          if (!docs.length || extracted.some((x) => !x.reliable)) continue; // cannot prove absence
          const found = extracted.some((x) =>
            containsAnchor(x.text, anchor, {
              caseSensitive: bool(t.anchorCaseSensitive),
              matchWholeWord: bool(t.anchorMatchWholeWord),
            }),
          );
          if (!found) {
            throw bad('ANCHOR_TAB_STRING_NOT_FOUND', `The specified Anchor Tab string was not found in the document. Anchor Tab String: ${anchor}`); // (U) message
          }
          continue;
        }
        const page = Number(str(t.pageNumber));
        if (!str(t.pageNumber) || !Number.isFinite(page)) continue;
        const doc = documents.find((d) => d.documentId === str(t.documentId)) ?? (documents.length === 1 ? documents[0] : undefined);
        if (!doc || doc.pages === undefined) continue;
        if (page < 1 || page > doc.pages) {
          const tabType = type.replace(/Tabs$/, '');
          throw bad(
            'TAB_PAGENUMBER_IS_NOT_IN_DOCUMENT',
            `The pagenumber specified in the tab element is not in the document that the tab refers to. Tab on Page ${page} of Document ${doc.documentId} for Recipient ${r.recipientId} (${tabType}).`,
          );
        }
      }
    }
  }
}

// ------------------------------------------------------------------ routing

const DONE = new Set(['signed', 'completed', 'declined']);

/** All recipients of an envelope. */
export function allRecipients(env: EmulatorEnvelope): EmulatorRecipient[] {
  return Object.values(env.recipients).flat();
}

/** Lowest routing order with recipients still to act. */
export function currentRoutingOrder(env: EmulatorEnvelope): number | undefined {
  const pending = allRecipients(env).filter((r) => !DONE.has(r.status));
  if (!pending.length) return undefined;
  return Math.min(...pending.map((r) => Number(r.routingOrder) || 1));
}

function touch(emu: EmulatorImpl, env: EmulatorEnvelope): void {
  const now = emu.now();
  env.changedMs = now;
  env.statusChangedDateTime = dsTime(now);
  env.lastModifiedDateTime = dsTime(now);
}

/** Sends a draft: recipients of the first routing order get it; CC-only orders pass through. */
export function sendEnvelope(emu: EmulatorImpl, env: EmulatorEnvelope): void {
  env.status = 'sent';
  env.sentDateTime = dsTime(emu.now());
  touch(emu, env);
  advanceRouting(emu, env);
}

/** Moves routing forward after a signature; completes the envelope when nobody is left. */
export function advanceRouting(emu: EmulatorImpl, env: EmulatorEnvelope): void {
  const now = dsTime(emu.now());
  for (;;) {
    const order = currentRoutingOrder(env);
    if (order === undefined) {
      env.status = 'completed';
      env.completedDateTime = now;
      touch(emu, env);
      for (const r of allRecipients(env)) {
        if (r.email && !r.clientUserId) env.emails.push({ recipientId: r.recipientId, email: r.email, at: emu.now(), kind: 'completed' });
      }
      return;
    }
    const group = allRecipients(env).filter((r) => !DONE.has(r.status) && (Number(r.routingOrder) || 1) === order);
    let waiting = false;
    for (const r of group) {
      if (r.status === 'created') {
        r.status = 'sent';
        r.sentDateTime = now;
        if (r.email && !r.clientUserId) env.emails.push({ recipientId: r.recipientId, email: r.email, at: emu.now(), kind: 'invitation' });
      }
      if (r.recipientType === 'carboncopy') {
        r.status = 'completed';
      } else waiting = true;
    }
    if (waiting) return;
  }
}

/** Records that a recipient opened the signing page. */
export function markDelivered(emu: EmulatorImpl, env: EmulatorEnvelope, r: EmulatorRecipient): void {
  const now = dsTime(emu.now());
  if (r.status === 'sent') {
    r.status = 'delivered';
    r.deliveredDateTime = now;
  }
  if (env.status === 'sent') {
    env.status = 'delivered';
    env.deliveredDateTime = now;
    touch(emu, env);
  }
}

/** Finish: the recipient signed. */
export function markSigned(emu: EmulatorImpl, env: EmulatorEnvelope, r: EmulatorRecipient): void {
  r.status = 'signed';
  r.signedDateTime = dsTime(emu.now());
  r.deliveredDateTime ??= r.signedDateTime;
  touch(emu, env);
  advanceRouting(emu, env);
}

/** Decline: the recipient and the envelope are declined. */
export function markDeclined(emu: EmulatorImpl, env: EmulatorEnvelope, r: EmulatorRecipient, reason: string): void {
  const now = dsTime(emu.now());
  r.status = 'declined';
  r.declinedDateTime = now;
  r.declinedReason = reason;
  env.status = 'declined';
  env.declinedDateTime = now;
  touch(emu, env);
}

/** Void (only sent/delivered; reference §9). */
export function voidEnvelope(emu: EmulatorImpl, env: EmulatorEnvelope, reason: string): void {
  if (env.status !== 'sent' && env.status !== 'delivered') {
    throw bad('ENVELOPE_CANNOT_VOID_INVALID_STATE', "Only envelopes in the 'Sent' or 'Delivered' states may be voided.");
  }
  env.status = 'voided';
  env.voidedReason = reason;
  env.voidedDateTime = dsTime(emu.now());
  touch(emu, env);
}

// ------------------------------------------------------------------ response shapes

/** Recipient as the REST API returns it. */
export function recipientJson(r: EmulatorRecipient, includeTabs: boolean): Json {
  const out: Json = { ...r };
  if (!includeTabs) delete out.tabs;
  return out;
}

/** `recipients` object (GET …/recipients). */
export function recipientsJson(env: EmulatorEnvelope, includeTabs: boolean): Json {
  const out: Json = {};
  for (const key of Object.keys(RECIPIENT_TYPES)) {
    out[key] = (env.recipients[key] ?? []).map((r) => recipientJson(r, includeTabs));
  }
  out.recipientCount = String(allRecipients(env).length);
  const order = currentRoutingOrder(env);
  out.currentRoutingOrder = String(order ?? Math.max(1, ...allRecipients(env).map((r) => Number(r.routingOrder) || 1)));
  return out;
}

/** One entry of envelopeDocuments. */
export function documentJson(env: EmulatorEnvelope, d: EmulatorDocument): Json {
  return {
    documentId: d.documentId,
    documentIdGuid: d.documentIdGuid,
    name: d.name,
    type: 'content',
    uri: `/envelopes/${env.envelopeId}/documents/${d.documentId}`,
    order: d.order,
    pages: Array.from({ length: d.pages ?? 1 }, (_, i) => ({ pageId: guid(), sequence: String(i + 1), height: '792', width: '612', dpi: '72' })),
    display: str(d.fields.display) || 'inline',
    includeInDownload: str(d.fields.includeInDownload) || 'true',
    signerMustAcknowledge: str(d.fields.signerMustAcknowledge) || 'no_interaction',
    containsPdfFormFields: 'false',
    authoritativeCopy: 'false',
    templateRequired: 'false',
    templateLocked: 'false',
  };
}

/** `envelope` object (GET …/envelopes/{id}). */
export function envelopeJson(emu: EmulatorImpl, env: EmulatorEnvelope, include: string[]): Json {
  const sender = emu.users.get(env.senderUserId);
  const base = `/envelopes/${env.envelopeId}`;
  const out: Json = {
    ...env.extra,
    envelopeId: env.envelopeId,
    status: env.status,
    emailSubject: env.emailSubject,
    ...(env.emailBlurb !== undefined ? { emailBlurb: env.emailBlurb } : {}),
    envelopeUri: base,
    documentsUri: `${base}/documents`,
    recipientsUri: `${base}/recipients`,
    customFieldsUri: `${base}/custom_fields`,
    notificationUri: `${base}/notification`,
    attachmentsUri: `${base}/attachments`,
    certificateUri: `${base}/documents/certificate`,
    createdDateTime: env.createdDateTime,
    lastModifiedDateTime: env.lastModifiedDateTime,
    statusChangedDateTime: env.statusChangedDateTime,
    initialSentDateTime: env.sentDateTime,
    sentDateTime: env.sentDateTime,
    deliveredDateTime: env.deliveredDateTime,
    completedDateTime: env.completedDateTime,
    declinedDateTime: env.declinedDateTime,
    voidedDateTime: env.voidedDateTime,
    voidedReason: env.voidedReason,
    transactionId: env.transactionId,
    purgeState: 'unpurged',
    envelopeIdStamping: str(env.extra.envelopeIdStamping) || 'true',
    is21CFRPart11: 'false',
    signerCanSignOnMobile: 'true',
    isSignatureProviderEnvelope: 'false',
    allowViewHistory: 'true',
    sender: sender ? { userName: sender.name, userId: sender.userId, accountId: env.accountId, email: sender.email } : undefined,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  if (include.includes('recipients')) out.recipients = recipientsJson(env, include.includes('tabs'));
  if (include.includes('documents')) out.envelopeDocuments = env.documents.map((d) => documentJson(env, d));
  if (include.includes('custom_fields')) out.customFields = env.customFields ?? { textCustomFields: [], listCustomFields: [] };
  return out;
}

// ------------------------------------------------------------------ templates

/** Stores a v2.1 envelopeTemplate (flat). Documents are checked like envelope documents. */
export function storeTemplate(emu: EmulatorImpl, acct: Account, tpl: Json): Json {
  const documents = asArray(tpl.documents);
  documents.forEach((d, i) => loadDocument(d, [], i));
  const templateId = str(tpl.templateId) || guid();
  const now = dsTime(emu.now());
  const owner = [...emu.users.values()].find((u) => u.accounts.some((a) => a.accountId === acct.accountId));
  const pageCount = documents.reduce((n, d, i) => n + (loadDocument(d, [], i).pages ?? 1), 0);
  const stored: Json = {
    ...clone(tpl),
    templateId,
    uri: `/templates/${templateId}`,
    name: str(tpl.name),
    description: str(tpl.description),
    shared: str(tpl.shared) || 'false',
    passwordProtected: 'false',
    created: str(tpl.created) || now,
    lastModified: now,
    pageCount: String(pageCount),
    folderId: str(tpl.folderId) || guid(),
    folderName: str(tpl.folderName) || 'Templates',
    owner: owner ? { userName: owner.name, userId: owner.userId, email: owner.email } : undefined,
  };
  acct.templates.set(templateId, stored);
  return stored;
}

/** Template as GET …/templates/{id} returns it (documents without content). */
export function templateJson(t: Json, include: string[] = []): Json {
  const out = clone(t);
  out.documents = asArray(t.documents).map((d) => {
    const c = { ...d };
    delete c.documentBase64;
    return c;
  });
  if (include.length && !include.includes('recipients')) delete out.recipients;
  return out;
}
