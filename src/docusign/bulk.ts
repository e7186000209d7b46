/**
 * DocuSign Bulk Send v2.1 (reference §11): bulk send lists of up to 1,000 copies, the send request
 * that queues a whole list as one batch, and batch status. DocuSign makes the envelopes on its side,
 * so a 2,500-row run costs a handful of calls instead of 2,500 creates.
 */
import { ApiError, EsignError, InterruptedError, NetworkError } from '../errors.js';
import type { HttpResponse } from '../http/transport.js';
import { isOutcomeUnknown } from './envelopes.js';
import { answerObject, jsonResponse, type RestClient } from './rest.js';

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

/** What a send request queued. */
export interface QueuedBatch {
  batchId: string;
  batchSize: number;
  totalQueued?: number;
  queueLimit?: number;
  /** True when the answer was lost and the batch was found by its name instead. */
  recovered?: boolean;
}


const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/**
 * POST bulk_send_lists → the new list's id. A list sends nothing by itself, so the call may be
 * repeated when its answer is lost: the worst case is an unused list.
 */
export async function createBulkList(rest: RestClient, name: string, copies: BulkCopy[]): Promise<string> {
  const res = await rest.send({ method: 'POST', path: '/bulk_send_lists', json: { name, bulkCopies: copies }, idempotent: true });
  const listId = text(answerObject(res)?.listId);
  if (!listId) {
    throw new ApiError(`DocuSign answered POST /bulk_send_lists with HTTP ${res.status} but no listId; nothing was sent`, {
      status: res.status,
      traceToken: res.headers.get('x-docusign-tracetoken') ?? undefined,
      hint: 'Run the command again. If it persists, something between esign and DocuSign (a proxy) or a wrong base URI is answering: check --env and `esign whoami`.',
    });
  }
  return listId;
}

/**
 * Finds a batch by its name (and list) in `GET bulk_send_batch?status=all`: how esign learns what a
 * send request whose answer was lost did. Pages through up to 2,000 batches.
 */
export async function findBatch(rest: RestClient, batchName: string, listId: string): Promise<QueuedBatch | undefined> {
  let start = 0;
  for (let page = 0; page < 20; page++) {
    const r = await rest.json<Record<string, unknown>>({ method: 'GET', path: '/bulk_send_batch', query: { status: 'all', count: 100, start_position: start } });
    const list = Array.isArray(r.bulkBatchSummaries) ? (r.bulkBatchSummaries as Record<string, unknown>[]) : [];
    const hit = list.find((b) => text(b.batchName) === batchName && (!text(b.mailingListId) || text(b.mailingListId) === listId));
    if (hit && text(hit.batchId)) return { batchId: text(hit.batchId), batchSize: Number(text(hit.batchSize) || 0), recovered: true };
    start += list.length;
    if (list.length === 0 || start >= Number(text(r.totalSetSize) || 0)) return undefined;
  }
  return undefined;
}

/** A send request whose outcome esign could not establish (exit 6): what happened and how to check. */
function sendOutcomeUnknown(batchName: string, listId: string, what: string, cause?: unknown): NetworkError {
  // A network hint helps (proxy, timeout); an error answer's hint ("try again") would not.
  const causeHint = cause instanceof NetworkError && cause.hint ? ` ${cause.hint}` : '';
  return new NetworkError(`${what}; the batch '${batchName}' may or may not have been queued (DocuSign may be sending its envelopes now)`, {
    code: cause instanceof NetworkError ? (cause.code as 'NETWORK' | 'RATE_LIMITED' | 'TIMEOUT') : 'NETWORK',
    hint: `Do not run the same command again before checking: it would send every row again. Look for the batch named '${batchName}' with GET /bulk_send_batch?status=all or in the web app (Reports → Bulk Send).${causeHint}`,
    details: { ...(cause instanceof EsignError ? (cause.details ?? {}) : {}), batchName, listId, outcome: 'unknown' },
    cause,
  });
}

/**
 * POST bulk_send_lists/{id}/send → the batch. The whole list is queued or rejected (no partial
 * success). `batchName` must be unique: when the answer is lost (network, any 5xx) or says nothing
 * useful, esign looks the batch up by that name before deciding, so a batch is never reported as
 * rejected while DocuSign sends it, nor sent twice.
 */
export async function sendBulkList(rest: RestClient, listId: string, envelopeOrTemplateId: string, batchName: string): Promise<QueuedBatch> {
  const path = `/bulk_send_lists/${encodeURIComponent(listId)}/send`;
  let lookedUp = false;
  const recover = async (why: string): Promise<HttpResponse | undefined> => {
    lookedUp = true;
    let found: QueuedBatch | undefined;
    try {
      found = await findBatch(rest, batchName, listId);
    } catch (e) {
      if (e instanceof InterruptedError) throw e;
      throw sendOutcomeUnknown(batchName, listId, `POST ${path} got no usable answer (${why}) and looking the batch up failed too (${e instanceof Error ? e.message : String(e)})`, e);
    }
    return found ? jsonResponse(found) : undefined;
  };
  let res: HttpResponse;
  try {
    res = await rest.send({ method: 'POST', path, json: { envelopeOrTemplateId, batchName }, idempotent: false, recover });
  } catch (e) {
    if (isOutcomeUnknown(e) || !lookedUp) throw e;
    // Looked up, not found, and then the last try was lost on the network: still unknown.
    if (e instanceof NetworkError) throw sendOutcomeUnknown(batchName, listId, e.message, e);
    if (e instanceof ApiError) {
      throw new ApiError(e.message, {
        status: e.status,
        errorCode: e.errorCode,
        traceToken: e.traceToken,
        hint: `esign looked the batch up by its name ('${batchName}'): it was not queued.${e.hint ? ` ${e.hint}` : ''}`,
        details: { ...(e.details ?? {}), batchName, listId },
        cause: e,
      });
    }
    throw e;
  }
  let r = answerObject(res);
  if (!text(r?.batchId)) {
    // A 2xx without a batchId: the batch may exist all the same.
    const why = `HTTP ${res.status} without a batchId`;
    const found = await recover(why);
    if (!found) {
      throw new ApiError(`DocuSign answered POST ${path} with ${why}, and no batch named '${batchName}' was found; it may still appear`, {
        status: res.status,
        traceToken: res.headers.get('x-docusign-tracetoken') ?? undefined,
        hint: `Do not run the same command again before checking: look for the batch named '${batchName}' with GET /bulk_send_batch?status=all or in the web app (Reports → Bulk Send).`,
        details: { batchName, listId, outcome: 'unknown' },
      });
    }
    r = found.json<Record<string, unknown>>();
  }
  r = r!;
  return {
    batchId: text(r.batchId),
    batchSize: Number(text(r.batchSize) || 0),
    totalQueued: r.totalQueued !== undefined ? Number(r.totalQueued) : undefined,
    queueLimit: r.queueLimit !== undefined ? Number(r.queueLimit) : undefined,
    ...(r.recovered === true ? { recovered: true } : {}),
  };
}

/** GET bulk_send_batch/{id}. */
export async function getBatch(rest: RestClient, batchId: string): Promise<BatchStatus> {
  const res = await rest.send({ method: 'GET', path: `/bulk_send_batch/${encodeURIComponent(batchId)}` });
  const r = answerObject(res);
  // Without its size the batch would look settled with nothing sent: no answer is not "done".
  if (!r || text(r.batchSize) === '') {
    throw new ApiError(`DocuSign answered GET /bulk_send_batch/${batchId} with HTTP ${res.status} but without the batch's counts`, {
      status: res.status,
      traceToken: res.headers.get('x-docusign-tracetoken') ?? undefined,
      hint: "Something between esign and DocuSign (a proxy) or a wrong base URI may be answering: check --env and `esign whoami`.",
    });
  }
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
