import { randomUUID } from 'node:crypto';
import type { Context } from '../../context.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { assertSecureUrl } from '../../settings/environment.js';
import {
  abbreviateForDryRun,
  buildEnvelope,
  buildServerTemplateEnvelope,
  loadTemplate,
  loadVarsFile,
  parseRoleFlag,
  parseVarFlag,
  type BuildOptions,
  type BuiltEnvelope,
  type RecipientSummary,
} from '../../templates/index.js';
import { createEnvelope, createRecipientView, defaultReturnUrl } from '../../docusign/envelopes.js';

export interface SendFlags {
  var: string[];
  vars?: string;
  role: string[];
  templateId?: string;
  embedded?: boolean;
  draft?: boolean;
  dryRun?: boolean;
  signUrl?: boolean;
  open?: boolean;
  returnUrl?: string;
  data?: string;
  concurrency?: string;
  bulk?: boolean;
  resume?: boolean;
}

export interface SentRecipient {
  recipientId: string;
  roleName?: string;
  name: string;
  email: string;
  embedded: boolean;
  clientUserId?: string;
  signingUrl?: string;
}

export interface SendResult {
  envelopeId: string;
  status: string;
  recipients: SentRecipient[];
}

/** Variables from --vars FILE then --var NAME=VALUE (flags win); dot paths become nested objects. */
export async function collectVars(f: Pick<SendFlags, 'var' | 'vars'>): Promise<Record<string, unknown>> {
  const vars: Record<string, unknown> = f.vars ? { ...(await loadVarsFile(f.vars)) } : {};
  for (const v of f.var ?? []) {
    const [name, value] = parseVarFlag(v);
    setPath(vars, name, value);
  }
  return vars;
}

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  // `--var __proto__.x=1` would reach Object.prototype and change every object in the process.
  const bad = parts.find((p) => p === '__proto__' || p === 'prototype' || p === 'constructor' || p === '');
  if (bad !== undefined) {
    throw new UsageError(`--var ${dotted}: ${bad === '' ? 'an empty name part' : `"${bad}"`} is not allowed in a variable name`, {
      hint: 'Variable names are words separated by dots: --var counterparty.name="Pat Example"',
    });
  }
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
  // Also keep the flat name, so `{{ a.b }}` resolves whichever way the template engine looks it up.
  if (parts.length > 1) obj[dotted] = value;
}

/** Checks flag combinations before anything is read or sent. */
function checkFlags(f: SendFlags, file: string | undefined): void {
  if (!file && !f.templateId) {
    throw new UsageError('send needs a template file or --template-id', { hint: 'esign send templates/nda.yaml --var company=Acme --var counterparty.name="Pat Example" --var counterparty.email=pat@example.com --role "Legal=Lee Legal <legal@example.com>" --sign-url' });
  }
  if (file && f.templateId) throw new UsageError('give either a template file or --template-id, not both');
  if (f.draft && (f.signUrl || f.open)) {
    throw new UsageError('--sign-url/--open need a sent envelope; a draft (--draft) cannot be signed yet', { hint: 'Drop --draft, or send the draft later and run `esign sign-url`.' });
  }
  if (!f.data && (f.concurrency || f.bulk || f.resume)) throw new UsageError('--concurrency, --bulk and --resume go with --data FILE');
  if (f.returnUrl) assertSecureUrl(f.returnUrl, '--return-url');
}

/** `esign send`: validate everything locally, then create the envelope (and signing URLs). */
export async function runSend(ctx: Context, f: SendFlags, file: string | undefined): Promise<number> {
  checkFlags(f, file);
  if (f.open) f.signUrl = true;
  if (f.data) {
    if (!file) throw new UsageError('--data needs a template file');
    const { runSendData } = await import('./data.js');
    return runSendData(ctx, f, file);
  }
  const roles = (f.role ?? []).map(parseRoleFlag);
  const vars = await collectVars(f);
  const base: BuildOptions = { vars, roles, embedded: f.embedded, draft: f.draft };

  let built: BuiltEnvelope;
  if (file) {
    const t = await loadTemplate(file);
    built = await buildEnvelope(t, base);
    if (!f.dryRun) await checkRawTemplateRoles(ctx, built);
  } else {
    // A server template: check the roles against it first (BR-18) unless this is a dry run.
    let server: Record<string, unknown> | undefined;
    if (!f.dryRun) {
      server = await ctx.rest.json<Record<string, unknown>>({ method: 'GET', path: `/templates/${encodeURIComponent(f.templateId!)}` });
    }
    built = buildServerTemplateEnvelope(f.templateId!, server, base);
  }
  for (const w of built.warnings) ctx.printer.warn(w);

  if (f.dryRun) {
    ctx.printer.result({
      json: abbreviateForDryRun(built),
      human: JSON.stringify(abbreviateForDryRun(built), null, 2),
      quiet: '',
    });
    ctx.printer.info(`dry run: nothing was sent (${built.documents.length} document(s), ${built.recipients.length} recipient(s), status "${built.status}")`);
    return 0;
  }

  const result = await sendBuilt(ctx, built, { signUrl: f.signUrl, returnUrl: f.returnUrl });
  printSendResult(ctx, built, result);
  if (f.open) {
    const first = result.recipients.find((r) => r.signingUrl);
    if (first?.signingUrl) await ctx.open(first.signingUrl);
  }
  return 0;
}

/**
 * A raw definition that names a server template (`templateId` + `templateRoles`): match its roles
 * against the template before sending (BR-18), as `--template-id` does.
 */
async function checkRawTemplateRoles(ctx: Context, built: BuiltEnvelope): Promise<void> {
  const def = built.definition;
  if (typeof def.templateId !== 'string' || !Array.isArray(def.templateRoles)) return;
  const server = await ctx.rest.json<Record<string, unknown>>({ method: 'GET', path: `/templates/${encodeURIComponent(def.templateId)}` });
  const roles = (def.templateRoles as Record<string, unknown>[]).map((r) => ({
    role: String(r.roleName ?? ''),
    name: String(r.name ?? ''),
    email: String(r.email ?? ''),
  }));
  buildServerTemplateEnvelope(def.templateId, server, { roles });
}

/** Creates the envelope for a built definition and, if asked, signing URLs for embedded signers. */
export async function sendBuilt(
  ctx: Context,
  built: BuiltEnvelope,
  o: { signUrl?: boolean; returnUrl?: string; transactionId?: string },
): Promise<SendResult> {
  const transactionId = o.transactionId ?? randomUUID();
  let summary;
  try {
    summary = await createEnvelope(ctx.rest, built.definition, built.documents, transactionId);
  } catch (e) {
    if (!(e instanceof InterruptedError)) throw e;
    // Ctrl-C while the create was in flight: DocuSign may have the envelope already.
    throw new InterruptedError('interrupted while the envelope was being created: it may or may not exist', {
      hint: `Look it up before sending again: esign list --transaction-id ${transactionId}`,
      details: { transactionId, outcome: 'unknown' },
    });
  }
  if (summary.recovered) ctx.printer.info(`the answer was lost, but the envelope was found by its transactionId (${transactionId}): not sent twice`);
  const recipients: SentRecipient[] = built.recipients.map((r) => ({
    recipientId: r.recipientId,
    roleName: r.roleName,
    name: r.name,
    email: r.email,
    embedded: r.embedded,
    ...(r.clientUserId ? { clientUserId: r.clientUserId } : {}),
  }));
  const status = (summary.status ?? built.status).toLowerCase();
  if (o.signUrl && status === 'sent') {
    const returnUrl = o.returnUrl ?? defaultReturnUrl(ctx.authConfig.environment);
    for (const r of signersWhoseTurnItIs(built.recipients)) {
      const view = await createRecipientView(ctx.rest, summary.envelopeId, {
        returnUrl,
        userName: r.name,
        email: r.email,
        clientUserId: r.clientUserId!,
        recipientId: r.recipientId,
      });
      const out = recipients.find((x) => x.recipientId === r.recipientId);
      if (out) out.signingUrl = view.url;
    }
  }
  return { envelopeId: summary.envelopeId, status, recipients };
}

/** Embedded signers in the lowest routing order among signers: the only ones DocuSign lets sign now. */
function signersWhoseTurnItIs(rs: RecipientSummary[]): RecipientSummary[] {
  const signers = rs.filter((r) => r.type === 'signer');
  const orders = signers.map((r) => Number(r.routingOrder ?? 1)).filter((n) => Number.isFinite(n));
  const first = orders.length ? Math.min(...orders) : 1;
  return signers.filter((r) => r.embedded && r.clientUserId && Number(r.routingOrder ?? 1) === first);
}

/** The JSON Lines record of a sent envelope (the contract's send shape). */
export function resultJson(r: SendResult): Record<string, unknown> {
  return {
    envelopeId: r.envelopeId,
    status: r.status,
    recipients: r.recipients.map((x) => ({
      recipientId: x.recipientId,
      roleName: x.roleName,
      name: x.name,
      email: x.email,
      embedded: x.embedded,
      ...(x.clientUserId ? { clientUserId: x.clientUserId } : {}),
      ...(x.signingUrl ? { signingUrl: x.signingUrl } : {}),
    })),
  };
}

/** Human and JSON output of one send. */
export function printSendResult(ctx: Context, built: BuiltEnvelope, r: SendResult): void {
  const p = ctx.printer;
  const json = resultJson(r);
  const urls = r.recipients.filter((x) => x.signingUrl).map((x) => x.signingUrl!);
  p.result({
    json,
    quiet: urls.length ? `${r.envelopeId}\n${urls.join('\n')}` : r.envelopeId,
    human: () => {
      const lines = [`${p.c.green('✔')} envelope ${p.c.bold(r.envelopeId)} ${r.status === 'created' ? 'created as a draft' : r.status}`];
      if (built.explicitDraft && r.status === 'created') lines.push('  (the definition says "status": "created", so it stays a draft; send it from DocuSign or remove that field)');
      for (const x of r.recipients) {
        const how = x.embedded
          ? `embedded (clientUserId ${x.clientUserId}): no email from DocuSign; get a signing URL with \`esign sign-url ${r.envelopeId} --recipient ${x.recipientId}\``
          : r.status === 'created'
            ? 'will be emailed when the draft is sent'
            : 'emailed by DocuSign';
        lines.push(`  ${x.recipientId}. ${x.roleName ? `${x.roleName}: ` : ''}${x.name} <${x.email}> — ${how}`);
        if (x.signingUrl) lines.push(`     signing URL (single use, expires in ~5 min): ${x.signingUrl}`);
      }
      return lines.join('\n');
    },
  });
}
