/** Walking the recipients of an envelope definition wherever they sit (root, composite inline templates). */
import { isObject, joinPath, type Json } from './util.js';

/** DocuSign recipient list keys → the singular type name used in summaries. */
export const RECIPIENT_TYPES: Record<string, string> = {
  signers: 'signer',
  carbonCopies: 'carbonCopy',
  certifiedDeliveries: 'certifiedDelivery',
  agents: 'agent',
  editors: 'editor',
  intermediaries: 'intermediary',
  inPersonSigners: 'inPersonSigner',
  witnesses: 'witness',
  notaries: 'notary',
  seals: 'seal',
};

/** Types whose recipients need a name and an email of their own. */
export const NEEDS_NAME_EMAIL = new Set(['signers', 'carbonCopies', 'certifiedDeliveries', 'agents', 'editors', 'intermediaries', 'witnesses']);

/** One recipient found in a definition. */
export interface RecipientRef {
  r: Json;
  /** list key: signers, carbonCopies, … or templateRoles */
  listKey: string;
  /** path in the built definition */
  path: string;
  /** index of the composite template, when inside one */
  composite?: number;
  /** the composite (or the envelope) takes recipients' tabs from a server template */
  fromServerTemplate: boolean;
}

/** Every recipient in the definition, in order: root recipients, composites, templateRoles. */
export function eachRecipient(def: Json): RecipientRef[] {
  const out: RecipientRef[] = [];
  const fromGroup = (group: unknown, base: string, composite: number | undefined, fromServer: boolean) => {
    if (!isObject(group)) return;
    for (const [listKey, list] of Object.entries(group)) {
      if (!(listKey in RECIPIENT_TYPES) || !Array.isArray(list)) continue;
      list.forEach((r, i) => {
        if (isObject(r)) out.push({ r, listKey, path: joinPath(joinPath(base, listKey), i), composite, fromServerTemplate: fromServer });
      });
    }
  };
  fromGroup(def.recipients, 'recipients', undefined, false);
  if (Array.isArray(def.compositeTemplates)) {
    def.compositeTemplates.forEach((ct, c) => {
      if (!isObject(ct)) return;
      const fromServer = Array.isArray(ct.serverTemplates) && ct.serverTemplates.length > 0;
      if (Array.isArray(ct.inlineTemplates)) {
        ct.inlineTemplates.forEach((it, j) => {
          if (isObject(it)) fromGroup(it.recipients, `compositeTemplates[${c}].inlineTemplates[${j}].recipients`, c, fromServer);
        });
      }
    });
  }
  if (Array.isArray(def.templateRoles)) {
    def.templateRoles.forEach((r, i) => {
      if (isObject(r)) out.push({ r, listKey: 'templateRoles', path: joinPath('templateRoles', i), fromServerTemplate: true });
    });
  }
  return out;
}

/** A tab found on a recipient (radio buttons count individually for anchors). */
export interface TabRef {
  tab: Json;
  kind: string;
  path: string;
  /** the documentId that applies (radio buttons inherit the group's) */
  documentId?: string;
}

/** Every tab of a recipient; radioGroup radios are listed with their group's documentId. */
export function eachTab(r: Json, base: string): TabRef[] {
  const out: TabRef[] = [];
  if (!isObject(r.tabs)) return out;
  for (const [kind, list] of Object.entries(r.tabs)) {
    if (!Array.isArray(list)) continue;
    list.forEach((tab, i) => {
      if (!isObject(tab)) return;
      const path = joinPath(joinPath(joinPath(base, 'tabs'), kind), i);
      const docId = tab.documentId === undefined || tab.documentId === null ? undefined : String(tab.documentId);
      out.push({ tab, kind, path, documentId: docId });
      if (Array.isArray(tab.radios)) {
        tab.radios.forEach((radio, k) => {
          if (isObject(radio)) out.push({ tab: radio, kind: 'radio', path: joinPath(joinPath(path, 'radios'), k), documentId: radio.documentId !== undefined ? String(radio.documentId) : docId });
        });
      }
    });
  }
  return out;
}

/** Number of tabs a recipient has (radio groups count once). */
export function tabCount(r: Json): number {
  if (!isObject(r.tabs)) return 0;
  return Object.values(r.tabs).reduce<number>((n, list) => n + (Array.isArray(list) ? list.length : 0), 0);
}
