import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { HttpResponse } from '../http/transport.js';
import { answerObject, jsonResponse, type RestClient } from './rest.js';
import { ApiError, EsignError, InterruptedError, NetworkError } from '../errors.js';
import { mimeFor } from '../documents/text.js';

/** A document to upload as a binary multipart part (never base64 inside the JSON). */
export interface UploadDocument {
  documentId: string;
  name: string;
  fileExtension: string;
  compositeTemplateId?: string;
  path?: string;
  bytes?: Buffer;
}

export interface EnvelopeSummary {
  envelopeId: string;
  status: string;
  uri?: string;
  statusDateTime?: string;
  /** True when the envelope was found by transactionId after an answer was lost. */
  recovered?: boolean;
}

const CRLF = '\r\n';

/** Quotes a value for a Content-Disposition parameter. */
function q(v: string): string {
  return `"${v.replace(/["\\\r\n]/g, '_')}"`;
}

/**
 * The multipart/form-data body DocuSign accepts for envelope creation (reference §6): the
 * definition as JSON, then one binary part per document. Files are streamed from disk in chunks,
 * so a 20 MB PDF is never held base64-encoded in memory.
 */
export function multipartBody(definition: unknown, docs: UploadDocument[], boundary: string): () => AsyncIterable<Uint8Array> {
  return async function* () {
    yield Buffer.from(
      `--${boundary}${CRLF}Content-Type: application/json${CRLF}Content-Disposition: form-data${CRLF}${CRLF}${JSON.stringify(definition)}${CRLF}`,
    );
    for (const d of docs) {
      const disp = [`file`, `filename=${q(`${d.name}`)}`, `documentid=${d.documentId}`];
      if (d.compositeTemplateId) disp.push(`compositeTemplateId=${d.compositeTemplateId}`);
      yield Buffer.from(
        `--${boundary}${CRLF}Content-Type: ${mimeFor(d.fileExtension)}${CRLF}Content-Disposition: ${disp.join('; ')}${CRLF}${CRLF}`,
      );
      if (d.bytes) yield d.bytes;
      else if (d.path) for await (const chunk of fs.createReadStream(d.path, { highWaterMark: 256 * 1024 })) yield chunk as Buffer;
      yield Buffer.from(CRLF);
    }
    yield Buffer.from(`--${boundary}--${CRLF}`);
  };
}

/**
 * Looks up envelopes by transactionId (DocuSign keeps them for 7 days). With `createdWithinMs`,
 * envelopes DocuSign created longer ago than that are ignored: an earlier run that sent the same
 * row with the same deterministic transactionId is not this create's lost answer. "Ago" is measured
 * on DocuSign's clock (the answer's Date header), so a skewed local clock cannot hide this run's
 * envelope (and cause a second send).
 */
export async function findByTransactionId(
  rest: RestClient,
  transactionId: string,
  opts: { createdWithinMs?: number } = {},
): Promise<EnvelopeSummary | undefined> {
  const res = await rest.send({ method: 'GET', path: '/envelopes', query: { transaction_ids: transactionId } });
  let r: { envelopes?: { envelopeId: string; status: string; transactionId?: string; statusChangedDateTime?: string; createdDateTime?: string }[] };
  try {
    r = res.body.length ? res.json() : {};
  } catch {
    throw new ApiError('DocuSign answered the transactionId lookup with a body that is not JSON', { status: res.status });
  }
  const serverNow = Date.parse(res.headers.get('date') ?? '');
  const cutoff = opts.createdWithinMs !== undefined && !Number.isNaN(serverNow) ? serverNow - opts.createdWithinMs : undefined;
  const recent = (x: { createdDateTime?: string }) => {
    if (cutoff === undefined || !x.createdDateTime) return true;
    const t = Date.parse(x.createdDateTime);
    return Number.isNaN(t) || t >= cutoff;
  };
  const e = (r.envelopes ?? []).find((x) => (!x.transactionId || x.transactionId === transactionId) && recent(x));
  return e ? { envelopeId: e.envelopeId, status: e.status, statusDateTime: e.statusChangedDateTime, recovered: true } : undefined;
}

/** True for an error that already says the outcome is unknown (and how to check). */
export function isOutcomeUnknown(e: unknown): boolean {
  return e instanceof EsignError && e.details?.outcome === 'unknown';
}

/** A create whose outcome esign could not establish (exit 6): what happened, the id, how to check. */
function createOutcomeUnknown(transactionId: string, what: string, cause?: unknown): NetworkError {
  // A network hint helps (proxy, timeout); an error answer's hint ("try again") would not.
  const causeHint = cause instanceof NetworkError && cause.hint ? `. ${cause.hint}` : '';
  return new NetworkError(`${what}; the envelope may or may not have been created (transactionId ${transactionId})`, {
    code: cause instanceof NetworkError ? (cause.code as 'NETWORK' | 'RATE_LIMITED' | 'TIMEOUT') : 'NETWORK',
    hint: `Before sending again, look it up: esign list --transaction-id ${transactionId} (DocuSign keeps transactionIds for 7 days)${causeHint}`,
    details: { ...(cause instanceof EsignError ? (cause.details ?? {}) : {}), transactionId, outcome: 'unknown' },
    cause,
  });
}

/**
 * Creates an envelope. Every create carries a transactionId; when the outcome is unknown (timeout,
 * reset after sending, any 5xx) esign looks the envelope up by that id before deciding, so a
 * contract is never sent twice nor reported as refused when it exists.
 */
export async function createEnvelope(
  rest: RestClient,
  definition: Record<string, unknown>,
  docs: UploadDocument[],
  transactionId: string,
): Promise<EnvelopeSummary> {
  const def = { ...definition, transactionId };
  let lookedUp = false;
  const startedAt = Date.now();
  const recover = async (why: string): Promise<HttpResponse | undefined> => {
    lookedUp = true;
    let found: EnvelopeSummary | undefined;
    try {
      // Created since this create started (elapsed time is local, the cutoff DocuSign's), plus slack.
      found = await findByTransactionId(rest, transactionId, { createdWithinMs: Date.now() - startedAt + 2 * 60_000 });
    } catch (e) {
      // Ctrl-C: the caller says the outcome is unknown. Any other failure of the lookup (network,
      // an error answer, a 5xx) leaves the create's outcome unknown too: never report it as refused.
      if (e instanceof InterruptedError) throw e;
      throw createOutcomeUnknown(
        transactionId,
        `POST /envelopes got no usable answer (${why}) and looking the envelope up by its transactionId failed too (${e instanceof Error ? e.message : String(e)})`,
        e,
      );
    }
    return found ? jsonResponse(found) : undefined;
  };
  let res: HttpResponse;
  try {
    if (docs.length === 0) {
      res = await rest.send({ method: 'POST', path: '/envelopes', json: def, idempotent: false, recover });
    } else {
      const boundary = `esign-${randomBytes(12).toString('hex')}`;
      res = await rest.send({
        method: 'POST',
        path: '/envelopes',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: multipartBody(def, docs, boundary) as never,
        idempotent: false,
        recover,
      });
    }
  } catch (e) {
    if (isOutcomeUnknown(e) || !lookedUp) throw e;
    // The lookup found nothing, then the last try failed on the network: still unknown.
    if (e instanceof NetworkError) throw createOutcomeUnknown(transactionId, e.message, e);
    // The lookup found nothing and DocuSign's error answer stands (a 500, or a 503 after every retry).
    if (e instanceof ApiError) {
      throw new ApiError(e.message, {
        status: e.status,
        errorCode: e.errorCode,
        traceToken: e.traceToken,
        hint: `esign looked the envelope up by its transactionId (${transactionId}): it was not created.${e.hint ? ` ${e.hint}` : ''}`,
        details: { ...(e.details ?? {}), transactionId },
        cause: e,
      });
    }
    throw e;
  }

  const answer = answerObject(res);
  if (typeof answer?.envelopeId === 'string' && answer.envelopeId !== '') return answer as unknown as EnvelopeSummary;

  // A 2xx without an envelopeId (empty, not JSON, or DocuSign's asynchronous "Processing" answer):
  // the envelope may exist, so look it up before saying anything.
  const status = typeof answer?.status === 'string' ? answer.status : undefined;
  const what = `HTTP ${res.status}${status ? ` status "${status}"` : ''} without an envelopeId`;
  const found = await recover(what);
  if (found) return found.json<EnvelopeSummary>();
  const asynchronous = /^processing$/i.test(status ?? '') || isTrue(definition.asynchronous);
  const check = `Before sending again, check whether it appears: esign list --transaction-id ${transactionId} (DocuSign keeps transactionIds for 7 days).`;
  throw new ApiError(
    asynchronous
      ? `DocuSign accepted the envelope for asynchronous processing (${what}), and no envelope with transactionId ${transactionId} exists yet; it may still be created`
      : `DocuSign answered POST /envelopes with ${what}, and no envelope with transactionId ${transactionId} was found; it may still appear`,
    {
      status: res.status,
      traceToken: res.headers.get('x-docusign-tracetoken') ?? undefined,
      hint: asynchronous
        ? `esign does not send asynchronous envelopes: it needs the envelope id to report, sign and follow it. Remove "asynchronous" from the envelope definition. ${check}`
        : `${check} An empty answer usually comes from something between esign and DocuSign (a proxy) or a wrong base URI (esign whoami).`,
      details: { transactionId, outcome: 'unknown', ...(status ? { answerStatus: status } : {}) },
    },
  );
}


function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

export interface RecipientViewRequest {
  returnUrl: string;
  userName: string;
  email: string;
  clientUserId: string;
  recipientId?: string;
  authenticationMethod?: string;
  frameAncestors?: string[];
  messageOrigins?: string[];
}

/** POST …/views/recipient: a single-use signing URL that expires in about 5 minutes. */
export async function createRecipientView(rest: RestClient, envelopeId: string, v: RecipientViewRequest): Promise<{ url: string }> {
  // Each call mints a new URL and has no other effect, so the bridge may retry it.
  const { loadSdk } = await import('./sdk.js');
  const sdk = await loadSdk(rest);
  const r = await sdk.envelopes.createRecipientView(sdk.accountId, envelopeId, {
    recipientViewRequest: { authenticationMethod: 'none', ...v },
  });
  if (!r?.url) throw new ApiError(`DocuSign answered the recipient view for envelope ${envelopeId} without a URL`, { status: 201 });
  return { url: r.url };
}

/**
 * The return URL used when --return-url is not given. DocuSign requires an absolute URL; against
 * real DocuSign esign uses DocuSign's own site, against a custom host (the emulator) a page there.
 */
export function defaultReturnUrl(env: { name: string; oauthBase: string }): string {
  return env.name === 'custom' ? `${env.oauthBase}/esign/signing-complete` : 'https://www.docusign.com/';
}
