/**
 * The REST host(s) (demo.docusign.net): Bearer auth, account membership, per-account rate limits,
 * envelopes, templates, bulk send; and the signing pages served from the same host.
 */
import type { Account, Ctx, EmulatorImpl } from './core.js';
import { malformedPathReply, nextHourEpoch } from './core.js';
import { handleBulk } from './bulk.js';
import {
  allRecipients,
  buildEnvelope,
  currentRoutingOrder,
  documentJson,
  envelopeJson,
  queueEnvelope,
  recipientsJson,
  sendEnvelope,
  storeTemplate,
  templateJson,
  type UploadedPart,
  voidEnvelope,
} from './envelopes.js';
import { boundaryOf, parseMultipart } from './multipart.js';
import { checkShape } from './openapi.js';
import { bearer } from './oauth.js';
import { makePdf } from './pdf.js';
import { handleSigning } from './signing.js';
import type { EmulatorEnvelope } from './types.js';
import { bool, dsTime, jsonReply, readBody, type Reply, RestError, str, token, TooLargeError, validEmail } from './util.js';

const BODY_MSG = 'The request body is missing or improperly formatted.';
const INVALID_PARAM = 'The request contained at least one invalid parameter.';

/** Dispatches a request to a REST host. */
export async function handleRest(emu: EmulatorImpl, ctx: Ctx): Promise<Reply> {
  const path = ctx.url.pathname;
  if (path.startsWith('/Signing/')) return handleSigning(emu, ctx);
  const m = /^\/restapi\/v2\.1\/accounts\/([^/]+)(\/.*)?$/.exec(path);
  if (!m) {
    ctx.req.resume();
    throw new RestError(404, 'RESOURCE_NOT_FOUND', `The URL provided does not resolve to a resource. ${ctx.req.method} ${path}`);
  }
  // A path that does not decode is refused before anything else looks at it (like DocuSign's front end).
  const decoded = decodeSegments(path);
  if (!decoded) {
    ctx.req.resume();
    return malformedPathReply(emu);
  }
  const auth = bearer(emu, ctx);
  if (auth.kind !== 'ok') {
    ctx.req.resume();
    if (auth.kind === 'invalid') {
      throw new RestError(401, 'AUTHORIZATION_INVALID_TOKEN', 'The access token provided is expired, revoked or malformed.');
    }
    throw new RestError(401, 'USER_AUTHENTICATION_FAILED', 'One or both of Username and Password are invalid. Invalid access token');
  }
  const accountId = decoded[3]!;
  const user = emu.users.get(auth.userId)!;
  const acct = emu.findAccount(accountId);
  const membership = acct && user.accounts.find((a) => a.accountId === acct.accountId);
  if (!membership || !acct || acct.restIndex !== ctx.restIndex) {
    ctx.req.resume();
    throw new RestError(400, 'USER_DOES_NOT_BELONG_TO_SPECIFIED_ACCOUNT', 'The specified User is not a member of the specified Account.');
  }
  rateLimit(emu, ctx, acct);
  const method = (ctx.req.method ?? 'GET').toUpperCase();
  const seg = decoded.slice(4);
  const q = ctx.url.searchParams;

  if (seg.length === 0 && method === 'GET') {
    return jsonReply(200, {
      accountIdGuid: acct.accountId,
      externalAccountId: acct.accountNumber,
      accountName: acct.name,
      currencyCode: 'USD',
      planName: 'DEVCENTER_DEMO_APRIL2013',
    });
  }
  if (seg[0] === 'envelopes') {
    if (seg.length === 1 && method === 'POST') return createEnvelope(emu, ctx, acct, user.userId);
    if (seg.length === 1 && method === 'GET') return listEnvelopes(emu, acct, q);
    const env = seg[1] ? findEnvelope(emu, acct, seg[1]) : undefined;
    if (env) {
      if (seg.length === 2 && method === 'GET') return jsonReply(200, envelopeJson(emu, env, includes(q)));
      if (seg.length === 2 && method === 'PUT') return updateEnvelope(emu, ctx, env);
      if (seg.length === 3 && seg[2] === 'recipients' && method === 'GET') {
        return jsonReply(200, recipientsJson(env, q.get('include_tabs') === 'true'));
      }
      if (seg.length === 3 && seg[2] === 'documents' && method === 'GET') {
        return jsonReply(200, {
          envelopeId: env.envelopeId,
          envelopeDocuments: [
            ...env.documents.map((d) => documentJson(env, d)),
            { documentId: 'certificate', documentIdGuid: env.envelopeId, name: 'Summary', type: 'summary', uri: `/envelopes/${env.envelopeId}/documents/certificate`, order: '999', display: 'inline', includeInDownload: 'true', signerMustAcknowledge: 'no_interaction', authoritativeCopy: 'false' },
          ],
        });
      }
      if (seg.length === 4 && seg[2] === 'documents' && method === 'GET') return getDocument(env, seg[3]!, q);
      if (seg.length === 3 && seg[2] === 'custom_fields' && method === 'GET') {
        return jsonReply(200, env.customFields ?? { textCustomFields: [], listCustomFields: [] });
      }
      if (seg.length === 4 && seg[2] === 'views' && seg[3] === 'recipient' && method === 'POST') {
        return recipientView(emu, ctx, env);
      }
    }
  }
  if (seg[0] === 'templates') {
    if (seg.length === 1 && method === 'GET') return listTemplates(acct, q);
    if (seg.length === 1 && method === 'POST') {
      const body = await readJson(emu, ctx);
      checkShape('envelopeTemplate', body);
      const t = storeTemplate(emu, acct, body);
      return jsonReply(201, { templateId: t.templateId, uri: t.uri, name: t.name });
    }
    if (seg.length === 2 && method === 'GET') {
      const t = acct.templates.get(seg[1]!);
      if (!t) throw new RestError(400, 'TEMPLATE_ID_INVALID', `Invalid template ID. Template ID: ${seg[1]}`); // (U) message
      return jsonReply(200, templateJson(t, includes(q)));
    }
  }
  if (seg[0] === 'bulk_send_lists' || seg[0] === 'bulk_send_batch') {
    const r = await handleBulk(emu, ctx, acct, user.userId, seg, method);
    if (r) return r;
  }
  ctx.req.resume();
  throw new RestError(404, 'RESOURCE_NOT_FOUND', `The URL provided does not resolve to a resource. ${method} ${path}`);
}

/** The path's non-empty segments, %-decoded; undefined when an escape is malformed. */
function decodeSegments(path: string): string[] | undefined {
  try {
    return path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function includes(q: URLSearchParams): string[] {
  return (q.get('include') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** Reads and parses a JSON body; an empty or broken body is INVALID_REQUEST_BODY. */
export async function readJson(emu: EmulatorImpl, ctx: Ctx): Promise<Record<string, unknown>> {
  const raw = await readBody(ctx.req, emu.cfg.maxRequestBytes);
  ctx.bodyBytes = raw.length;
  return parseJsonBody(raw.toString('utf8'));
}

function parseJsonBody(text: string): Record<string, unknown> {
  if (!text.trim()) throw new RestError(400, 'INVALID_REQUEST_BODY', BODY_MSG);
  let v: unknown;
  try {
    v = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new RestError(400, 'INVALID_REQUEST_BODY', `${BODY_MSG} ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw new RestError(400, 'INVALID_REQUEST_BODY', `${BODY_MSG} Expected a JSON object.`);
  }
  return v as Record<string, unknown>;
}

/** Finds an envelope of the account or answers ENVELOPE_DOES_NOT_EXIST (status configurable, U). */
export function findEnvelope(emu: EmulatorImpl, acct: Account, id: string): EmulatorEnvelope {
  const env = acct.envelopes.get(id.toLowerCase()) ?? acct.envelopes.get(id);
  if (!env) {
    throw new RestError(
      emu.cfg.envelopeNotFoundStatus,
      'ENVELOPE_DOES_NOT_EXIST',
      'The envelope specified either does not exist or you have no rights to it.',
    );
  }
  return env;
}

// ------------------------------------------------------------------ rate limits

function rateLimit(emu: EmulatorImpl, ctx: Ctx, acct: Account): void {
  const now = emu.now();
  const { hourly, burst, burstWindowSeconds } = emu.cfg.rateLimit;
  const hour = Math.floor(now / 3_600_000);
  if (acct.hourKey !== hour) {
    acct.hourKey = hour;
    acct.hourCount = 0;
  }
  if (now - acct.burstStart >= burstWindowSeconds * 1000) {
    acct.burstStart = now;
    acct.burstCount = 0;
  }
  acct.hourCount++;
  acct.burstCount++;
  const reset = nextHourEpoch(now);
  ctx.rateHeaders = {
    'X-RateLimit-Limit': String(hourly),
    'X-RateLimit-Remaining': String(Math.max(0, hourly - acct.hourCount)),
    'X-RateLimit-Reset': String(reset),
    'X-BurstLimit-Limit': String(burst),
    'X-BurstLimit-Remaining': String(Math.max(0, burst - acct.burstCount)),
  };
  if (acct.hourCount > hourly) {
    ctx.req.resume();
    if (emu.cfg.hourlyLimitStatus === 429) ctx.rateHeaders['Retry-After'] = String(Math.max(1, reset - Math.floor(now / 1000)));
    throw new RestError(
      emu.cfg.hourlyLimitStatus,
      'HOURLY_APIINVOCATION_LIMIT_EXCEEDED',
      `The maximum number of hourly API invocations has been exceeded. The hourly limit is ${hourly}.`,
    );
  }
  if (acct.burstCount > burst) {
    ctx.req.resume();
    const wait = Math.max(1, Math.ceil((acct.burstStart + burstWindowSeconds * 1000 - now) / 1000));
    if (emu.cfg.burstLimitStatus === 429) ctx.rateHeaders['Retry-After'] = String(wait);
    throw new RestError(
      emu.cfg.burstLimitStatus,
      'BURST_APIINVOCATION_LIMIT_EXCEEDED',
      `The maximum number of burst API invocations has been exceeded. The burst limit is ${burst} per ${burstWindowSeconds} seconds.`, // (U) message
    );
  }
}

// ------------------------------------------------------------------ envelopes

async function createEnvelope(emu: EmulatorImpl, ctx: Ctx, acct: Account, userId: string): Promise<Reply> {
  const ctype = String(ctx.req.headers['content-type'] ?? '');
  let def: Record<string, unknown>;
  const parts: UploadedPart[] = [];
  if (/^multipart\//i.test(ctype)) {
    const boundary = boundaryOf(ctype);
    if (!boundary) throw new RestError(400, 'INVALID_REQUEST_BODY', `${BODY_MSG} The multipart boundary is missing.`);
    let raw;
    try {
      raw = await parseMultipart(ctx.req, boundary, emu.cfg.maxRequestBytes, (n) => (ctx.bodyBytes = n));
    } catch (e) {
      if (e instanceof TooLargeError) throw e;
      throw new RestError(400, 'INVALID_REQUEST_BODY', `${BODY_MSG} ${(e as Error).message}`);
    }
    const jsonPart = raw.find((p) => /json/i.test(p.headers['content-type'] ?? '') || p.disposition._type === 'form-data');
    if (!jsonPart) throw new RestError(400, 'INVALID_REQUEST_BODY', `${BODY_MSG} No envelope definition part was found.`);
    def = parseJsonBody(jsonPart.body.toString('utf8'));
    for (const p of raw) {
      if (p === jsonPart) continue;
      const documentId = p.disposition.documentid;
      if (!documentId) {
        throw new RestError(400, 'INVALID_REQUEST_BODY', `${BODY_MSG} A document part has no documentid in its Content-Disposition.`);
      }
      parts.push({
        documentId,
        compositeTemplateId: p.disposition.compositetemplateid,
        bytes: p.body,
        filename: p.disposition.filename,
        contentType: p.headers['content-type'],
      });
    }
  } else {
    def = await readJson(emu, ctx);
  }
  checkShape('envelopeDefinition', def);
  if (bool(def.asynchronous)) return createQueued(emu, acct, def, parts, userId);
  const env = buildEnvelope(emu, acct, def, parts, userId);
  acct.envelopes.set(env.envelopeId, env);
  return jsonReply(201, {
    envelopeId: env.envelopeId,
    uri: `/envelopes/${env.envelopeId}`,
    statusDateTime: env.statusChangedDateTime,
    status: env.status,
  });
}

/**
 * `asynchronous: true`: DocuSign answers `Processing` with no envelopeId; the envelope is found later
 * by transactionId. (U) What DocuSign would refuse is refused at once, unless
 * `asyncFailuresInBackground` (then the answer is the same and no envelope ever appears).
 */
function createQueued(emu: EmulatorImpl, acct: Account, def: Record<string, unknown>, parts: UploadedPart[], userId: string): Reply {
  const answer = jsonReply(201, { status: 'Processing', statusDateTime: nowStamp(emu) });
  let env: EmulatorEnvelope;
  try {
    env = buildEnvelope(emu, acct, def, parts, userId, { deferSend: true });
  } catch (e) {
    if (e instanceof RestError && emu.cfg.asyncFailuresInBackground) return answer;
    throw e;
  }
  acct.envelopes.set(env.envelopeId, env);
  queueEnvelope(emu, env, str(def.status).toLowerCase() === 'sent');
  return answer;
}

const LIST_RULE =
  "The request contained at least one invalid parameter. Query parameter 'from_date' must be set to a valid DateTime, or 'envelope_ids' or 'transaction_ids' must be specified.";

function listEnvelopes(emu: EmulatorImpl, acct: Account, q: URLSearchParams): Reply {
  const fromDate = q.get('from_date');
  const ids = (q.get('envelope_ids') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const tx = (q.get('transaction_ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  let fromMs: number | undefined;
  if (fromDate !== null && fromDate !== '') {
    fromMs = Date.parse(fromDate);
    if (!Number.isFinite(fromMs)) throw new RestError(400, 'INVALID_REQUEST_PARAMETER', LIST_RULE);
  }
  if (fromMs === undefined && !ids.length && !tx.length) throw new RestError(400, 'INVALID_REQUEST_PARAMETER', LIST_RULE);
  let toMs: number | undefined;
  const toDate = q.get('to_date');
  if (toDate) {
    toMs = Date.parse(toDate);
    if (!Number.isFinite(toMs)) {
      throw new RestError(400, 'INVALID_REQUEST_PARAMETER', `${INVALID_PARAM} Query parameter 'to_date' must be set to a valid DateTime.`);
    }
  }
  const statuses = (q.get('status') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  let list = [...acct.envelopes.values()];
  if (ids.length) list = list.filter((e) => ids.includes(e.envelopeId));
  if (tx.length) list = list.filter((e) => e.transactionId && tx.includes(e.transactionId));
  if (fromMs !== undefined) list = list.filter((e) => e.changedMs >= fromMs!);
  if (toMs !== undefined) list = list.filter((e) => e.changedMs <= toMs!);
  if (statuses.length && !statuses.includes('any')) list = list.filter((e) => statuses.includes(e.status));
  const search = (q.get('search_text') ?? '').toLowerCase();
  if (search) {
    list = list.filter((e) =>
      [e.emailSubject, ...allRecipients(e).flatMap((r) => [r.name, r.email])].some((s) => s.toLowerCase().includes(search)),
    );
  }
  list.sort((a, b) => a.changedMs - b.changedMs || a.createdMs - b.createdMs);
  if ((q.get('order') ?? 'asc').toLowerCase() === 'desc') list.reverse();
  const start = Math.max(0, Number(q.get('start_position') ?? 0) || 0);
  const countParam = q.get('count');
  const count = countParam ? Math.max(1, Math.min(1000, Number(countParam) || 100)) : 100;
  const page = list.slice(start, start + count);
  const include = includes(q);
  const out: Record<string, unknown> = {
    resultSetSize: String(page.length),
    totalSetSize: String(list.length),
    startPosition: String(start),
    endPosition: String(page.length ? start + page.length - 1 : start),
    envelopes: page.map((e) => envelopeJson(emu, e, include)),
  };
  if (start + page.length < list.length) {
    const next = new URLSearchParams(q);
    next.set('start_position', String(start + page.length));
    out.nextUri = `/accounts/${acct.accountId}/envelopes?${next.toString()}`;
    out.continuationToken = Buffer.from(String(start + page.length)).toString('base64url');
  }
  if (start > 0) {
    const prev = new URLSearchParams(q);
    prev.set('start_position', String(Math.max(0, start - count)));
    out.previousUri = `/accounts/${acct.accountId}/envelopes?${prev.toString()}`;
  }
  if (!page.length) delete out.envelopes;
  return jsonReply(200, out);
}

async function updateEnvelope(emu: EmulatorImpl, ctx: Ctx, env: EmulatorEnvelope): Promise<Reply> {
  const body = await readJson(emu, ctx);
  checkShape('envelope', body);
  if (env.status === 'processing') {
    throw new RestError(400, 'ENVELOPE_INVALID_STATUS', 'The envelope status is invalid for this operation. Envelope status: processing.'); // (U) message
  }
  const status = str(body.status).toLowerCase();
  if (status === 'voided') {
    const reason = str(body.voidedReason);
    if (!reason.trim()) {
      throw new RestError(400, 'INVALID_REQUEST_PARAMETER', `${INVALID_PARAM} Value for 'voidedReason' must be specified when voiding an envelope.`);
    }
    voidEnvelope(emu, env, reason);
  } else {
    if (env.status !== 'created' && (body.emailSubject !== undefined || body.emailBlurb !== undefined)) {
      throw new RestError(400, 'ENVELOPE_INVALID_STATUS', 'The envelope status is invalid for this operation. Only draft envelopes can be changed.');
    }
    if (body.emailSubject !== undefined) {
      const s = str(body.emailSubject);
      if (s.length > 100) throw new RestError(400, 'INVALID_REQUEST_PARAMETER', `${INVALID_PARAM} The email subject exceeds the maximum length of 100 characters.`);
      env.emailSubject = s;
    }
    if (body.emailBlurb !== undefined) env.emailBlurb = str(body.emailBlurb);
    if (status === 'sent') {
      if (env.status !== 'created') {
        if (ctx.url.searchParams.get('resend_envelope') !== 'true') {
          throw new RestError(400, 'ENVELOPE_INVALID_STATUS', 'The envelope status is invalid for this operation. The envelope has already been sent.');
        }
      } else {
        const all = allRecipients(env);
        if (!env.emailSubject.trim() || !env.documents.length || !all.length) {
          throw new RestError(400, 'ENVELOPE_IS_INCOMPLETE', 'The Envelope is not Complete. A Complete Envelope Requires Documents, Recipients, Tabs, and a Subject Line.');
        }
        for (const r of all) {
          if (r.recipientType !== 'inpersonsigner' && !validEmail(r.email)) {
            throw new RestError(400, 'INVALID_EMAIL_ADDRESS_FOR_RECIPIENT', `The email address for the recipient is invalid. The recipient Id follows. Recipient Id: ${r.recipientId}`);
          }
          if (!r.name.trim() && r.recipientType !== 'inpersonsigner') {
            throw new RestError(400, 'INVALID_USERNAME_FOR_RECIPIENT', `The user name for the recipient is invalid. The recipient Id follows. Recipient Id: ${r.recipientId}`);
          }
        }
        sendEnvelope(emu, env);
      }
    } else if (status && status !== 'created') {
      throw new RestError(400, 'INVALID_REQUEST_PARAMETER', `${INVALID_PARAM} The value '${str(body.status)}' is not valid for 'status'.`);
    }
  }
  return jsonReply(200, { envelopeId: env.envelopeId });
}

function getDocument(env: EmulatorEnvelope, documentId: string, q: URLSearchParams): Reply {
  const summary = [
    `Envelope ${env.envelopeId}`,
    `Subject: ${env.emailSubject}`,
    `Status: ${env.status}`,
    ...allRecipients(env).map((r) => `${r.recipientType} ${r.recipientId}: ${r.name} <${r.email}> ${r.status} ${r.signedDateTime ?? ''}`),
  ];
  let bytes: Buffer;
  let name: string;
  if (documentId === 'combined' || documentId === 'archive' || documentId === 'portfolio') {
    const pages = env.documents.map((d) => [`Document ${d.documentId}: ${d.name}`, `Status: ${env.status}`]);
    if (q.get('certificate') === 'true') pages.push(['Certificate of Completion', ...summary]);
    bytes = makePdf(pages);
    name = `${env.emailSubject || 'envelope'}.pdf`;
    if (documentId === 'archive') {
      return { status: 200, headers: { 'Content-Type': 'application/zip', 'Content-Disposition': 'file; filename="envelope.zip"' }, body: bytes };
    }
  } else if (documentId === 'certificate') {
    bytes = makePdf([['Certificate of Completion', ...summary]]);
    name = 'Summary.pdf';
  } else {
    const d = env.documents.find((x) => x.documentId === documentId);
    if (!d) throw new RestError(400, 'DOCUMENT_DOES_NOT_EXIST', 'The document specified was not found.');
    bytes = d.fileExtension === 'pdf' ? d.bytes : makePdf([[`Document ${d.documentId}: ${d.name}`, `(converted from ${d.fileExtension})`]]);
    name = d.name.replace(/\.[^.]+$/, '') + '.pdf';
  }
  return {
    status: 200,
    headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': `file; filename="${name.replace(/"/g, '')}"; documentid="${documentId}"` },
    body: bytes,
  };
}

// ------------------------------------------------------------------ recipient view

async function recipientView(emu: EmulatorImpl, ctx: Ctx, env: EmulatorEnvelope): Promise<Reply> {
  const raw = await readBody(ctx.req, emu.cfg.maxRequestBytes);
  ctx.bodyBytes = raw.length;
  const body = parseJsonBody(raw.toString('utf8'));
  checkShape('recipientViewRequest', body);
  const returnUrl = str(body.returnUrl);
  if (!returnUrl) {
    throw new RestError(400, 'INVALID_REQUEST_PARAMETER', `${INVALID_PARAM} A value was not supplied for parameter 'returnUrl'.`);
  }
  if (!str(body.authenticationMethod)) {
    throw new RestError(400, 'INVALID_REQUEST_PARAMETER', `${INVALID_PARAM} A value was not supplied for parameter 'authenticationMethod'.`);
  }
  if (env.status === 'created' || env.status === 'processing') {
    throw new RestError(400, 'ENVELOPE_INVALID_STATUS', `The envelope status is invalid for this operation. Envelope status: ${env.status}.`); // (U)
  }
  const unknown = () =>
    new RestError(400, 'UNKNOWN_ENVELOPE_RECIPIENT', 'The recipient you have identified is not a valid recipient of the specified envelope.');
  const recipientId = str(body.recipientId);
  const clientUserId = str(body.clientUserId);
  const userName = str(body.userName);
  const email = str(body.email);
  const cmpEmail = (a: string, b: string) =>
    emu.cfg.viewEmailCaseInsensitive ? a.trim().toLowerCase() === b.trim().toLowerCase() : a.trim() === b;
  const candidates = allRecipients(env).filter((r) => r.recipientType !== 'carboncopy');
  let r;
  if (recipientId) {
    r = candidates.find((x) => x.recipientId === recipientId);
    if (r && clientUserId && r.clientUserId !== clientUserId) r = undefined;
  } else {
    r = candidates.find((x) => x.name === userName && cmpEmail(email, x.email) && (x.clientUserId ?? '') === clientUserId);
  }
  // Only embedded (captive) recipients can be given a recipient view.
  if (!r || !r.clientUserId || (!recipientId && !clientUserId)) throw unknown();
  const order = currentRoutingOrder(env);
  const readOnly = env.status !== 'sent' && env.status !== 'delivered';
  if (!readOnly && order !== undefined && (Number(r.routingOrder) || 1) > order) {
    throw new RestError(400, 'RECIPIENT_NOT_IN_SEQUENCE', 'The token for an out of sequence recipient cannot be generated.');
  }
  const t = token(24);
  emu.views.set(t, {
    token: t,
    accountId: env.accountId,
    envelopeId: env.envelopeId,
    recipientId: r.recipientId,
    returnUrl: returnUrl.slice(0, 470),
    expiresAt: emu.now() + emu.cfg.viewTtlSeconds * 1000,
    used: false,
  });
  return jsonReply(201, { url: `${emu.restUrls[ctx.restIndex]}/Signing/MTRedeem/v1/${t}?slt=${token(8)}` });
}

// ------------------------------------------------------------------ templates

function listTemplates(acct: Account, q: URLSearchParams): Reply {
  const search = (q.get('search_text') ?? '').toLowerCase();
  const ids = (q.get('template_ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  let list = [...acct.templates.values()];
  if (search) list = list.filter((t) => str(t.name).toLowerCase().includes(search) || str(t.description).toLowerCase().includes(search));
  if (ids.length) list = list.filter((t) => ids.includes(str(t.templateId)));
  const orderBy = q.get('order_by') ?? 'name';
  list.sort((a, b) => (orderBy === 'name' ? str(a.name).localeCompare(str(b.name)) : str(a.lastModified).localeCompare(str(b.lastModified))));
  if ((q.get('order') ?? 'asc') === 'desc') list.reverse();
  list = list.slice(0, 2000);
  const start = Math.max(0, Number(q.get('start_position') ?? 0) || 0);
  const count = Math.max(1, Math.min(2000, Number(q.get('count') ?? 100) || 100));
  const page = list.slice(start, start + count);
  const include = includes(q);
  return jsonReply(200, {
    resultSetSize: String(page.length),
    totalSetSize: String(list.length),
    startPosition: String(start),
    endPosition: String(page.length ? start + page.length - 1 : start),
    envelopeTemplates: page.map((t) => {
      const out = templateJson(t, include);
      if (!include.includes('documents')) delete out.documents;
      if (!include.includes('recipients')) delete out.recipients;
      return out;
    }),
    folders: [],
  });
}

/** Current time in DocuSign format (used by other modules). */
export function nowStamp(emu: EmulatorImpl): string {
  return dsTime(emu.now());
}
