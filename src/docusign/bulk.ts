/**
 * DocuSign Bulk Send v2.1 (reference §11): bulk send lists of up to 1,000 copies, the send request
 * that queues a whole list as one batch, and batch status. DocuSign makes the envelopes on its side,
 * so a 2,500-row run costs a handful of calls instead of 2,500 creates.
 */
import type { RestClient } from './rest.js';

/** DocuSign's cap on copies in one bulk send list (BULK_SEND_MAX_COPIES_EXCEEDED above it). */
export const MAX_COPIES_PER_LIST = 1000;

/** One recipient of a copy: identified by recipientId or by roleName, never both (reference §11). */
export interface BulkCopyRecipient {
  recipientId?: string;
  roleName?: string;
  name: string;
  email: string;
  clientUserId?: string;
  tabs?: { tabLabel: string; initialValue: string }[];
}

/** One envelope of a bulk send: what differs from the draft it is copied from. */
export interface BulkCopy {
  recipients: BulkCopyRecipient[];
  customFields?: { name: string; value: string }[];
  emailSubject?: string;
  emailBlurb?: string;
}

/** A batch as `GET bulk_send_batch/{id}` reports it (DocuSign sends the counts as strings). */
export interface BatchStatus {
  batchId: string;
  batchName: string;
  batchSize: number;
  queued: number;
  sent: number;
  failed: number;
  bulkErrors: { recipientEmail?: string; recipientName?: string; errorMessage?: string }[];
}

/** POST bulk_send_lists → the new list's id. */
export async function createBulkList(rest: RestClient, name: string, copies: BulkCopy[]): Promise<string> {
  const r = await rest.json<{ listId?: string }>({ method: 'POST', path: '/bulk_send_lists', json: { name, bulkCopies: copies } });
  if (!r.listId) throw new Error('DocuSign created the bulk send list but returned no listId');
  return r.listId;
}

/** POST bulk_send_lists/{id}/send → the batch id. The whole list is queued or rejected (no partial success). */
export async function sendBulkList(
  rest: RestClient,
  listId: string,
  envelopeOrTemplateId: string,
  batchName: string,
): Promise<{ batchId: string; batchSize: number; totalQueued?: number; queueLimit?: number }> {
  const r = await rest.json<Record<string, unknown>>({
    method: 'POST',
    path: `/bulk_send_lists/${encodeURIComponent(listId)}/send`,
    json: { envelopeOrTemplateId, batchName },
  });
  return {
    batchId: String(r.batchId ?? ''),
    batchSize: Number(r.batchSize ?? 0),
    totalQueued: r.totalQueued !== undefined ? Number(r.totalQueued) : undefined,
    queueLimit: r.queueLimit !== undefined ? Number(r.queueLimit) : undefined,
  };
}

/** GET bulk_send_batch/{id}. */
export async function getBatch(rest: RestClient, batchId: string): Promise<BatchStatus> {
  const r = await rest.json<Record<string, unknown>>({ method: 'GET', path: `/bulk_send_batch/${encodeURIComponent(batchId)}` });
  const n = (v: unknown) => (v === undefined || v === null || v === '' ? 0 : Number(v));
  return {
    batchId: String(r.batchId ?? batchId),
    batchName: String(r.batchName ?? ''),
    batchSize: n(r.batchSize),
    queued: n(r.queued),
    sent: n(r.sent),
    failed: n(r.failed),
    bulkErrors: Array.isArray(r.bulkErrors) ? (r.bulkErrors as BatchStatus['bulkErrors']) : [],
  };
}

/** True once every copy of the batch is either sent or failed. */
export function batchSettled(b: BatchStatus): boolean {
  return b.queued === 0 && b.sent + b.failed >= b.batchSize;
}

/** Splits copies into lists DocuSign accepts (≤1,000 each), as evenly as possible. */
export function chunkCopies<T>(items: T[], max = MAX_COPIES_PER_LIST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += max) out.push(items.slice(i, i + max));
  return out;
}
