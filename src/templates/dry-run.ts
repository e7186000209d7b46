/** What `esign send --dry-run` prints: the definition as it would be sent, documents abbreviated. */
import type { BuiltEnvelope } from './build.js';
import { clone, isObject, type Json } from './util.js';

/** The definition with each document shown as {documentId, name, fileExtension, size, documentBase64: "<N bytes>"}. */
export function abbreviateForDryRun(b: BuiltEnvelope): Record<string, unknown> {
  const def = clone(b.definition) as Json;
  const key = (ct: string | undefined, id: string) => `${ct ?? ''}/${id}`;
  const parts = new Map(b.documents.map((p) => [key(p.compositeTemplateId, p.documentId), p]));
  const show = (d: unknown, ct: string | undefined): unknown => {
    if (!isObject(d)) return d;
    const p = parts.get(key(ct, String(d.documentId)));
    if (!p) return d;
    return { ...d, documentId: p.documentId, name: p.name, fileExtension: p.fileExtension, size: p.size, documentBase64: `<${p.size} bytes>` };
  };
  if (Array.isArray(def.documents)) def.documents = def.documents.map((d) => show(d, undefined));
  if (Array.isArray(def.compositeTemplates)) {
    for (const ct of def.compositeTemplates) {
      if (!isObject(ct)) continue;
      const id = ct.compositeTemplateId === undefined ? undefined : String(ct.compositeTemplateId);
      if (ct.document !== undefined) ct.document = show(ct.document, id);
      if (Array.isArray(ct.inlineTemplates)) {
        for (const it of ct.inlineTemplates) if (isObject(it) && Array.isArray(it.documents)) it.documents = it.documents.map((d) => show(d, id));
      }
    }
  }
  return def;
}
