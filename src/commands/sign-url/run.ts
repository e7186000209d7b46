import type { Context } from '../../context.js';
import { ApiError, UsageError } from '../../errors.js';
import { assertSecureUrl } from '../../settings/environment.js';
import { createRecipientView, defaultReturnUrl, type RecipientViewRequest } from '../../docusign/envelopes.js';
import { checkEnvelopeId, RECIPIENT_GROUPS } from '../status/envelope.js';

/** DocuSign's documented lifetime of a recipient view URL (reference §7): 5 minutes, single use. */
export const SIGNING_URL_TTL_SECONDS = 300;

/** DocuSign silently truncates longer return URLs (reference §7), which breaks them: refuse instead. */
const MAX_RETURN_URL = 470;

/** Everything `createSigningUrl` needs; the flags of `esign sign-url` map onto it one to one. */
export interface SigningUrlRequest {
  envelopeId: string;
  /** Email, recipient id or role name of the signer; optional when the envelope has one embedded signer. */
  recipient?: string;
  /** Absolute http(s) URL DocuSign sends the signer to afterwards (with `event=…`). */
  returnUrl?: string;
  /** Values the caller already knows. All three given = no read of the envelope (one HTTP call). */
  name?: string;
  email?: string;
  clientUserId?: string;
  /** Focused view: origins allowed to frame the signing session (reference §7). */
  frameAncestors?: string[];
}

/** A fresh signing URL and what it belongs to. */
export interface SigningUrl {
  url: string;
  envelopeId: string;
  /** null on the fast path when only name/email/clientUserId were given. */
  recipientId: string | null;
  /** ISO time after which DocuSign refuses the URL (≈ 5 minutes after creation). */
  expiresAt: string;
  createdAt: string;
  recipient: { name: string; email: string; clientUserId: string; roleName?: string };
}

/** A recipient of the envelope as sign-url needs it. */
export interface ViewRecipient {
  recipientId: string;
  /** signer, inPersonSigner, carbonCopy, … */
  type: string;
  roleName?: string;
  name: string;
  email: string;
  clientUserId?: string;
  routingOrder: string;
  status: string;
}

/** Recipient types that can be given a recipient view (anything that acts on the envelope). */
const VIEWABLE = new Set(['signer', 'inPersonSigner', 'agent', 'editor', 'intermediary', 'certifiedDelivery', 'witness', 'notary']);

const s = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));

/** Flattens DocuSign's `recipients` object into the fields a view request needs. */
export function viewRecipients(recipients: unknown): ViewRecipient[] {
  const out: ViewRecipient[] = [];
  if (!recipients || typeof recipients !== 'object') return out;
  for (const [group, type] of Object.entries(RECIPIENT_GROUPS)) {
    const list = (recipients as Record<string, unknown>)[group];
    if (!Array.isArray(list)) continue;
    for (const r of list as Record<string, unknown>[]) {
      // An in-person signer's session is run by its host: the view identifies the host.
      const inPerson = type === 'inPersonSigner';
      out.push({
        recipientId: s(r.recipientId) ?? '',
        type,
        roleName: s(r.roleName),
        name: (inPerson ? s(r.hostName) : undefined) ?? s(r.name) ?? '',
        email: (inPerson ? s(r.hostEmail) : undefined) ?? s(r.email) ?? '',
        clientUserId: s(r.clientUserId),
        routingOrder: s(r.routingOrder) ?? '1',
        status: s(r.status) ?? '',
      });
    }
  }
  return out;
}

/**
 * Checks a return URL before anything is sent (BR-27): absolute http(s), no `javascript:` or
 * relative paths, plain http only to loopback, at most 470 characters.
 */
export function checkReturnUrl(value: string | undefined, what = '--return-url'): string {
  const v = (value ?? '').trim();
  if (!v) {
    throw new UsageError(`${what} is empty`, { hint: 'Give an absolute URL such as https://example.com/signed (DocuSign appends ?event=…).' });
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(v)) {
    throw new UsageError(`${what} "${v}" is relative; DocuSign needs an absolute URL`, {
      hint: `Give the full URL, e.g. https://your-app.example${v.startsWith('/') ? v : `/${v}`}`,
    });
  }
  assertSecureUrl(v, what);
  if (v.length > MAX_RETURN_URL) {
    throw new UsageError(`${what} is ${v.length} characters long; DocuSign cuts return URLs at ${MAX_RETURN_URL}, which would break it`, {
      hint: 'Use a shorter URL (keep state on your server and pass a short id in the query).',
    });
  }
  return v;
}

/** The origin of a --frame-ancestor value (https, or http on loopback). */
function checkFrameAncestor(value: string): string {
  const url = assertSecureUrl(value.trim(), '--frame-ancestor');
  return url.origin;
}

/** DocuSign's own app host that must be allowed to frame and message in a focused view (reference §7). */
export function docusignAppsOrigin(envName: string): string {
  return envName === 'production' ? 'https://apps.docusign.com' : 'https://apps-d.docusign.com';
}

function describe(r: ViewRecipient): string {
  const who = `${r.recipientId}${r.roleName ? ` (${r.roleName})` : ''} ${r.name} <${r.email}>`;
  return r.clientUserId ? `${who}, clientUserId ${r.clientUserId}` : `${who}, not embedded`;
}

function embeddedList(rs: ViewRecipient[]): string {
  const e = rs.filter((r) => r.clientUserId && VIEWABLE.has(r.type));
  return e.length ? e.map((r) => `${r.recipientId} (${r.clientUserId})`).join(', ') : 'none';
}

function notEmbedded(envelopeId: string, r: ViewRecipient): UsageError {
  return new UsageError(
    `recipient ${r.recipientId} (${r.name} <${r.email}>) of envelope ${envelopeId} is not an embedded signer: it has no clientUserId, so DocuSign emails it a signing link and gives no signing URL`,
    {
      hint:
        'A signing URL needs a recipient created with a clientUserId. Send the envelope with `esign send <template> --embedded` ' +
        '(signers get a clientUserId and no email from DocuSign), then run `esign sign-url <envelope-id>`.',
      details: { envelopeId, recipientId: r.recipientId },
    },
  );
}

const eqEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Picks the recipient a view is for (BR-24): by --recipient (id, email or role), else by
 * --client-user-id or --email, else the one embedded signer. Refuses non-embedded recipients.
 */
export function chooseRecipient(envelopeId: string, all: ViewRecipient[], req: SigningUrlRequest): ViewRecipient {
  const viewable = all.filter((r) => VIEWABLE.has(r.type));
  const list = embeddedList(all);
  let matches: ViewRecipient[];
  let what: string;
  if (req.recipient !== undefined) {
    const v = req.recipient.trim();
    if (!v) throw new UsageError('--recipient is empty', { hint: 'Give an email address, a recipient id or a role name.' });
    what = `--recipient ${JSON.stringify(v)}`;
    matches = all.filter((r) => r.recipientId === v);
    if (!matches.length && v.includes('@')) matches = all.filter((r) => eqEmail(r.email, v));
    if (!matches.length) matches = all.filter((r) => r.roleName !== undefined && r.roleName.toLowerCase() === v.toLowerCase());
    if (!matches.length) matches = all.filter((r) => r.clientUserId === v);
  } else if (req.clientUserId !== undefined) {
    what = `clientUserId ${req.clientUserId}`;
    matches = all.filter((r) => r.clientUserId === req.clientUserId);
  } else if (req.email !== undefined) {
    what = `email ${req.email}`;
    matches = all.filter((r) => eqEmail(r.email, req.email!));
  } else {
    const embedded = viewable.filter((r) => r.clientUserId);
    if (embedded.length === 1) return embedded[0]!;
    if (embedded.length === 0) {
      const signer = viewable[0];
      if (viewable.length === 1 && signer) throw notEmbedded(envelopeId, signer);
      throw new UsageError(`envelope ${envelopeId} has no embedded signer (no recipient has a clientUserId)`, {
        hint:
          'DocuSign emails these recipients a link instead. For signing URLs send with `esign send <template> --embedded`. ' +
          `Recipients: ${viewable.map(describe).join('; ') || 'none'}`,
        details: { envelopeId },
      });
    }
    throw new UsageError(`envelope ${envelopeId} has ${embedded.length} embedded signers; say which one with --recipient`, {
      hint: `Use --recipient with an id, email or role: ${embedded.map(describe).join('; ')}`,
      details: { envelopeId, embedded: embedded.map((r) => r.recipientId) },
    });
  }
  // Prefer recipients that can sign over copies when an email or role matches several.
  if (matches.length > 1) {
    const signable = matches.filter((r) => VIEWABLE.has(r.type) && r.clientUserId);
    if (signable.length) matches = signable;
  }
  if (matches.length === 0) {
    throw new UsageError(`envelope ${envelopeId} has no recipient with ${what}; embedded recipients: ${list}`, {
      hint: 'Give --recipient a recipient id, email or role of an embedded signer (`esign status <envelope-id>` lists the recipients).',
      details: { envelopeId },
    });
  }
  if (matches.length > 1) {
    throw new UsageError(`${what} matches ${matches.length} recipients of envelope ${envelopeId}`, {
      hint: `Use the recipient id instead: ${matches.map(describe).join('; ')}`,
      details: { envelopeId },
    });
  }
  const r = matches[0]!;
  if (!VIEWABLE.has(r.type)) {
    throw new UsageError(`recipient ${r.recipientId} (${r.name}) is a ${r.type}, who does not sign; embedded recipients: ${list}`, {
      hint: 'Choose a signer with --recipient.',
    });
  }
  if (!r.clientUserId) throw notEmbedded(envelopeId, r);
  return r;
}

/** Fields the caller typed that differ from the stored recipient (BR-24); empty when all match. */
export function differingFields(r: ViewRecipient, req: SigningUrlRequest): string[] {
  const out: string[] = [];
  if (req.name !== undefined && req.name !== r.name) out.push(`--name ${JSON.stringify(req.name)} differs from the stored name ${JSON.stringify(r.name)}`);
  if (req.email !== undefined && !eqEmail(req.email, r.email)) out.push(`--email ${JSON.stringify(req.email)} differs from the stored email ${JSON.stringify(r.email)}`);
  if (req.clientUserId !== undefined && req.clientUserId !== r.clientUserId) {
    out.push(`--client-user-id ${JSON.stringify(req.clientUserId)} differs from the stored clientUserId ${JSON.stringify(r.clientUserId ?? '')}`);
  }
  return out;
}

/** Refuses envelopes and recipients that cannot be signed now, with the reason and what to do. */
export function checkSignable(envelopeId: string, status: string | undefined, r: ViewRecipient): void {
  const st = (status ?? '').toLowerCase();
  if (st === 'created') {
    throw new UsageError(`envelope ${envelopeId} is a draft (status "created"): a draft has no signing sessions`, {
      hint: 'Send it first (from the DocuSign web app, or send the template again without --draft), then run `esign sign-url`.',
      details: { envelopeId, status: st },
    });
  }
  if (st === 'voided') {
    throw new UsageError(`envelope ${envelopeId} is voided: it cannot be signed any more`, {
      hint: 'Send a new envelope (`esign send <template> --embedded`) and create the signing URL for that one.',
      details: { envelopeId, status: st },
    });
  }
  if (st === 'completed' || st === 'signed') {
    throw new UsageError(`envelope ${envelopeId} is already completed: there is nothing left to sign`, {
      hint: 'Get the signed documents with `esign download <envelope-id>`.',
      details: { envelopeId, status: st },
    });
  }
  if (st === 'declined') {
    throw new UsageError(`envelope ${envelopeId} was declined: it cannot be signed any more`, {
      hint: 'Send a new envelope if the signer changed their mind.',
      details: { envelopeId, status: st },
    });
  }
  const rs = r.status.toLowerCase();
  if (rs === 'completed' || rs === 'signed') {
    throw new UsageError(`recipient ${r.recipientId} (${r.name}) has already signed envelope ${envelopeId}`, {
      hint: '`esign status <envelope-id>` shows who still has to sign.',
      details: { envelopeId, recipientId: r.recipientId, recipientStatus: rs },
    });
  }
}

/** Checks the request locally (ids, URLs) so bad input never costs an HTTP call. */
export function checkRequest(ctx: Context, req: SigningUrlRequest): { envelopeId: string; returnUrl: string; frame?: { frameAncestors: string[]; messageOrigins: string[] } } {
  const envelopeId = checkEnvelopeId(req.envelopeId, 'sign-url');
  const returnUrl = req.returnUrl !== undefined ? checkReturnUrl(req.returnUrl) : defaultReturnUrl(ctx.authConfig.environment);
  let frame: { frameAncestors: string[]; messageOrigins: string[] } | undefined;
  if (req.frameAncestors?.length) {
    const apps = docusignAppsOrigin(ctx.authConfig.environment.name);
    const own = req.frameAncestors.map(checkFrameAncestor);
    frame = { frameAncestors: [...new Set([...own, apps])], messageOrigins: [apps] };
  }
  for (const [k, v] of [['--name', req.name], ['--email', req.email], ['--client-user-id', req.clientUserId]] as const) {
    if (v !== undefined && !v.trim()) throw new UsageError(`${k} is empty`);
  }
  return { envelopeId, returnUrl, frame };
}

/**
 * Creates a fresh signing URL for an embedded recipient (never cached or reused: BR-26).
 * Normally one read (envelope + recipients) and one view request; with name, email and
 * clientUserId all given, only the view request.
 */
export async function createSigningUrl(ctx: Context, req: SigningUrlRequest): Promise<SigningUrl> {
  const { envelopeId, returnUrl, frame } = checkRequest(ctx, req);
  const fast = req.name !== undefined && req.email !== undefined && req.clientUserId !== undefined;

  let target: { recipientId?: string; name: string; email: string; clientUserId: string; roleName?: string };
  if (fast) {
    const rid = req.recipient !== undefined && /^\d+$/.test(req.recipient.trim()) ? req.recipient.trim() : undefined;
    target = { recipientId: rid, name: req.name!, email: req.email!, clientUserId: req.clientUserId! };
  } else {
    const r = await readAndChoose(ctx, envelopeId, req);
    target = { recipientId: r.recipientId, name: r.name, email: r.email, clientUserId: r.clientUserId!, roleName: r.roleName };
  }

  const body: RecipientViewRequest = {
    returnUrl,
    authenticationMethod: 'none',
    userName: target.name,
    email: target.email,
    clientUserId: target.clientUserId,
    ...(target.recipientId ? { recipientId: target.recipientId } : {}),
    ...(frame ?? {}),
  };
  const created = Date.now();
  let view: { url: string };
  try {
    view = await createRecipientView(ctx.rest, envelopeId, body);
  } catch (e) {
    // The fast path skipped the read: on a refusal, read once to say exactly what is wrong.
    if (fast && e instanceof ApiError && /^(UNKNOWN_ENVELOPE_RECIPIENT|ENVELOPE_INVALID_STATUS)$/i.test(e.errorCode ?? '')) {
      await readAndChoose(ctx, envelopeId, { ...req, recipient: target.recipientId });
    }
    throw e;
  }
  if (!view.url) throw new ApiError(`DocuSign answered the view request for envelope ${envelopeId} without a URL`, { status: 201 });
  return {
    url: view.url,
    envelopeId,
    recipientId: target.recipientId ?? null,
    createdAt: new Date(created).toISOString(),
    expiresAt: new Date(created + SIGNING_URL_TTL_SECONDS * 1000).toISOString(),
    recipient: { name: target.name, email: target.email, clientUserId: target.clientUserId, ...(target.roleName ? { roleName: target.roleName } : {}) },
  };
}

/** One read (envelope with its recipients), then the checks: recipient, typed values, status. */
async function readAndChoose(ctx: Context, envelopeId: string, req: SigningUrlRequest): Promise<ViewRecipient> {
  const env = await ctx.rest.json<Record<string, unknown>>({
    method: 'GET',
    path: `/envelopes/${encodeURIComponent(envelopeId)}`,
    query: { include: 'recipients' },
  });
  const all = viewRecipients(env.recipients);
  const r = chooseRecipient(envelopeId, all, req);
  const diff = differingFields(r, req);
  if (diff.length) {
    throw new UsageError(`the values given for recipient ${r.recipientId} of envelope ${envelopeId} do not match the envelope: ${diff.join('; ')}`, {
      hint: 'DocuSign only accepts the name, email and clientUserId exactly as stored at send time. Leave out --name/--email/--client-user-id (esign then uses the stored values) or correct them.',
      details: { envelopeId, recipientId: r.recipientId, differing: diff },
    });
  }
  checkSignable(envelopeId, s(env.status), r);
  return r;
}

interface SignUrlFlags {
  recipient?: string;
  returnUrl?: string;
  open?: boolean;
  frameAncestor?: string[];
  name?: string;
  email?: string;
  clientUserId?: string;
  wait?: boolean;
  timeout?: string;
}

/** `esign sign-url <envelope-id>`: stdout gets the URL (or JSON); stderr the expiry warning. */
export async function runSignUrl(ctx: Context, f: SignUrlFlags, envelopeId: string | undefined): Promise<number> {
  const timeoutS = Number(f.timeout ?? '600');
  // Bounded: Node's timers cannot wait longer than ~24.8 days, and a day is plenty for a signer.
  if (f.wait && (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 86_400)) {
    throw new UsageError(`--timeout must be a number of seconds from 1 to 86400 (got ${JSON.stringify(f.timeout)})`);
  }
  checkEnvelopeId(envelopeId, 'sign-url');
  const waitMod = f.wait ? await import('./wait.js') : undefined;
  const listener = waitMod ? await waitMod.listenForReturn(f.returnUrl) : undefined;
  try {
    const r = await createSigningUrl(ctx, {
      envelopeId: envelopeId ?? '',
      recipient: f.recipient,
      returnUrl: listener?.returnUrl ?? f.returnUrl,
      name: f.name,
      email: f.email,
      clientUserId: f.clientUserId,
      frameAncestors: f.frameAncestor,
    });
    const p = ctx.printer;
    const json = { url: r.url, envelopeId: r.envelopeId, recipientId: r.recipientId, expiresAt: r.expiresAt };
    // With --wait --json the one JSON document comes at the end; the URL is needed now, on stderr.
    if (listener && ctx.flags.json) p.err(r.url + '\n');
    else p.result({ human: r.url, quiet: r.url, json });
    const at = r.expiresAt.slice(11, 19);
    p.warn(
      `this signing URL for ${r.recipient.name} <${r.recipient.email}> was created at ${r.createdAt.slice(11, 19)} UTC, expires in ~5 minutes (${at} UTC) and works once. ` +
        'Do not email or store it: run `esign sign-url` again when the signer is ready.',
    );
    if (f.open) await ctx.open(r.url);
    if (!listener || !waitMod) return 0;

    const waiting = `waiting up to ${timeoutS} s for the signer to come back to ${listener.returnUrl} …`;
    if (ctx.flags.json) p.err(waiting + '\n');
    else p.info(waiting);
    const event = await listener.next(timeoutS * 1000, ctx.signal);
    const w = await waitMod.judgeEvent(ctx, r.envelopeId, { recipientId: r.recipientId, clientUserId: r.recipient.clientUserId }, event);
    if (w.outcome === 'signed' || w.outcome === 'viewed') {
      p.result({ json: { ...json, ...w }, human: w.message, quiet: w.outcome });
      return 0;
    }
    throw waitMod.notSignedError(r.envelopeId, w);
  } finally {
    await listener?.close();
  }
}
