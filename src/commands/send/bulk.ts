/**
 * `esign send TEMPLATE --data FILE --bulk` (automatic above AUTO_BULK_ROWS rows): the batch runs on
 * DocuSign's side through its Bulk Send API (reference §11). esign uploads the documents once in a
 * draft envelope with placeholder recipients, sends lists of ≤1,000 copies against it, and follows
 * the batches until every copy is sent or failed. 2,500 rows = 1 draft + 3 lists + 3 sends + polls.
 */
import { createHash, randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from '../../context.js';
import { ApiError, InterruptedError, UsageError } from '../../errors.js';
import { createEnvelope, isOutcomeUnknown } from '../../docusign/envelopes.js';
import {
  batchSettled,
  chunkCopies,
  createBulkList,
  getBatch,
  sendBulkList,
  type BatchStatus,
  type BulkCopy,
  type BulkCopyRecipient,
} from '../../docusign/bulk.js';
import type { LoadedTemplate } from '../../templates/index.js';
import { eachRecipient, eachTab } from '../../templates/recipients.js';
import { clone, isObject, type Json } from '../../templates/util.js';
import { startProgress, type PreparedRow } from './data.js';
import type { SendFlags } from './run.js';

/** Batch polling: first wait, growth, cap, and how long esign follows a batch before handing it over. */
export const BULK_POLL = { firstMs: 2000, factor: 1.5, maxMs: 30_000, giveUpMs: 15 * 60_000 };

/** What goes into the draft and what each copy overrides. */
export interface BulkPlan {
  draft: Json;
  copies: BulkCopy[];
  idKind: 'recipientId' | 'roleName';
}

const PLACEHOLDER_DOMAIN = 'docusign.com';

/** A sorted-key JSON form for comparing row definitions. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** The first path at which two values differ (for telling the user why a row cannot be bulk-sent). */
function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (canonical(a) === canonical(b)) return undefined;
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
  }
  return path || '(whole envelope)';
}

/** The row's definition with everything a bulk copy may change blanked out; equal for every row or bulk cannot express the file. */
function invariantPart(row: PreparedRow): Json {
  const def = clone(row.built.definition);
  delete def.transactionId;
  delete def.emailSubject;
  delete def.emailBlurb;
  for (const ref of eachRecipient(def)) {
    for (const k of ['name', 'email', 'clientUserId', 'userName']) delete ref.r[k];
    for (const t of eachTab(ref.r, ref.path)) if (typeof t.tab.tabLabel === 'string' && t.tab.tabLabel !== '') delete t.tab.value;
  }
  const cf = def.customFields;
  if (isObject(cf)) for (const key of ['textCustomFields', 'listCustomFields']) if (Array.isArray(cf[key])) for (const f of cf[key] as Json[]) if (isObject(f)) delete f.value;
  // Document names may carry a variable; DocuSign's copies keep the draft's names (warned about below).
  const docs = (list: unknown) => (Array.isArray(list) ? (list as Json[]).forEach((d) => isObject(d) && delete d.name) : undefined);
  docs(def.documents);
  if (Array.isArray(def.compositeTemplates)) for (const ct of def.compositeTemplates as Json[]) if (isObject(ct)) {
    if (isObject(ct.document)) delete ct.document.name;
    if (Array.isArray(ct.inlineTemplates)) for (const it of ct.inlineTemplates as Json[]) if (isObject(it)) docs(it.documents);
  }
  const parts = row.built.documents.map((p) => ({
    documentId: p.documentId,
    fileExtension: p.fileExtension,
    size: p.size,
    path: p.path,
    bytes: p.bytes ? createHash('sha256').update(p.bytes).digest('hex') : undefined,
  }));
  return { def, parts };
}

/**
 * Splits the rows into one draft (the first row, with placeholder recipients) and one copy per
 * row. A bulk copy can change recipients (name, email, clientUserId), labelled tab values, custom
 * field values, the email subject and message — nothing else — so rows that differ elsewhere (a
 * variable inside a document, an unlabelled tab) are refused before anything is sent.
 */
export function planBulk(rows: PreparedRow[], dataFile: string): BulkPlan & { warnings: string[] } {
  const first = rows[0]!;
  const base = invariantPart(first);
  const baseKey = canonical(base);
  const bad: string[] = [];
  for (const r of rows.slice(1)) {
    const inv = invariantPart(r);
    if (canonical(inv) !== baseKey) {
      const where = firstDifference(base, inv);
      bad.push(`row ${r.row} (line ${r.line}) differs from row 1 at ${where?.replace(/^def\./, '').replace(/^parts/, 'documents')}`);
    }
  }
  if (bad.length) {
    throw new UsageError(
      `--data ${dataFile}: these rows cannot go through DocuSign's Bulk Send API, which copies one draft and can only change recipients, labelled tab values, custom field values and the email subject/message:\n${bad
        .slice(0, 10)
        .map((b) => `  - ${b}`)
        .join('\n')}${bad.length > 10 ? `\n  … and ${bad.length - 10} more` : ''}`,
      { code: 'INVALID_INPUT', hint: 'drop --bulk to send each row as its own envelope (with fewer than 500 rows that is the default), or give varying tabs a tabLabel; nothing was sent' },
    );
  }

  const refs0 = eachRecipient(first.built.definition);
  const idKind: BulkPlan['idKind'] = refs0.every((r) => r.listKey !== 'templateRoles' && r.r.recipientId !== undefined) ? 'recipientId' : 'roleName';
  if (idKind === 'roleName' && !refs0.every((r) => typeof r.r.roleName === 'string' && r.r.roleName !== '')) {
    throw new UsageError(`--bulk: every recipient needs a recipientId or a role name for DocuSign to match the copies to the draft`, { code: 'INVALID_INPUT' });
  }

  const warnings: string[] = [];
  const names = new Set(rows.map((r) => r.built.documents.map((d) => d.name).join('|')));
  if (names.size > 1) warnings.push(`--bulk: document names vary by row, but bulk copies keep the draft's names (row 1: ${first.built.documents.map((d) => `'${d.name}'`).join(', ')})`);

  // The draft: row 1 with placeholder recipients (DocuSign's own sample does the same).
  const draft = clone(first.built.definition);
  delete draft.transactionId;
  draft.status = 'created';
  for (const ref of eachRecipient(draft)) {
    const label = String(ref.r.roleName ?? ref.r.recipientId ?? 'signer');
    ref.r.name = `Multi Bulk Recipient::${label}`;
    ref.r.email = `multiBulkRecipients-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@${PLACEHOLDER_DOMAIN}`;
  }

  const copies = rows.map((row): BulkCopy => {
    const def = row.built.definition;
    const recipients: BulkCopyRecipient[] = eachRecipient(def).map((ref) => {
      const tabs = eachTab(ref.r, ref.path)
        .filter((t) => typeof t.tab.tabLabel === 'string' && t.tab.tabLabel !== '' && typeof t.tab.value === 'string')
        .map((t) => ({ tabLabel: String(t.tab.tabLabel), initialValue: String(t.tab.value) }));
      return {
        ...(idKind === 'recipientId' ? { recipientId: String(ref.r.recipientId) } : { roleName: String(ref.r.roleName) }),
        name: String(ref.r.name ?? ''),
        email: String(ref.r.email ?? ''),
        ...(ref.r.clientUserId !== undefined && ref.r.clientUserId !== '' ? { clientUserId: String(ref.r.clientUserId) } : {}),
        ...(tabs.length ? { tabs } : {}),
      };
    });
    const fields: { name: string; value: string }[] = [];
    const cf = def.customFields;
    if (isObject(cf)) {
      for (const key of ['textCustomFields', 'listCustomFields']) {
        if (Array.isArray(cf[key])) for (const fl of cf[key] as Json[]) if (isObject(fl) && typeof fl.name === 'string') fields.push({ name: fl.name, value: String(fl.value ?? '') });
      }
    }
    return {
      recipients,
      ...(fields.length ? { customFields: fields } : {}),
      ...(typeof def.emailSubject === 'string' ? { emailSubject: def.emailSubject } : {}),
      ...(typeof def.emailBlurb === 'string' ? { emailBlurb: def.emailBlurb } : {}),
    };
  });
  return { draft, copies, idKind, warnings };
}

interface BatchRun {
  listId: string;
  batchId: string;
  batchName: string;
  firstRow: number;
  lastRow: number;
  status: BatchStatus;
}

/** Sends prepared rows through the Bulk Send API and follows the batches until they settle. */
export async function runBulk(ctx: Context, f: SendFlags, _template: LoadedTemplate, rows: PreparedRow[]): Promise<number> {
  const p = ctx.printer;
  const started = performance.now();
  const plan = planBulk(rows, f.data!);
  for (const w of plan.warnings) p.warn(w);
  const chunks = chunkCopies(plan.copies);
  // Part of every batch name: a send request whose answer is lost is found again by its name, so
  // the name must not match a batch of an earlier run.
  const runId = randomUUID().replace(/-/g, '').slice(0, 16);
  const label = basename(f.data!);

  // 1. The draft: documents are uploaded once, here.
  const draft = await createEnvelope(ctx.rest, plan.draft, rows[0]!.built.documents, `esign-bulk-${runId}`);
  p.info(`draft envelope ${draft.envelopeId} created (documents uploaded once); ${chunks.length} bulk send list${chunks.length === 1 ? '' : 's'} of up to 1,000 copies follow`);

  // 2. Lists and send requests; a full account queue waits for this run's earlier batches to drain.
  const batches: BatchRun[] = [];
  let offset = 0;
  for (const [i, copies] of chunks.entries()) {
    const name = `esign ${label} ${i + 1}/${chunks.length} (${runId})`;
    const listId = await createBulkList(ctx.rest, name, copies);
    let sent: Awaited<ReturnType<typeof sendBulkList>> | undefined;
    for (let attempt = 0; !sent; attempt++) {
      try {
        sent = await sendBulkList(ctx.rest, listId, draft.envelopeId, name);
      } catch (e) {
        const queueFull = e instanceof ApiError && e.errorCode === 'BULK_SEND_ACCOUNT_HAS_TOO_MANY_QUEUED_ENVELOPES';
        const pending = batches.filter((b) => !batchSettled(b.status));
        if (!queueFull || pending.length === 0 || attempt >= 20) {
          const these = `rows ${offset + 1}–${offset + copies.length}`;
          const later = offset + copies.length < rows.length ? `; rows ${offset + copies.length + 1}–${rows.length} were not queued` : '';
          const unknown = isOutcomeUnknown(e);
          if (batches.length) p.warn(`${batches.length} batch(es) were already queued (${batches.map((b) => b.batchId).join(', ')}); DocuSign sends them without esign`);
          if (unknown) p.warn(`${these} (batch '${name}') may or may not have been queued${later}`);
          else if (batches.length) p.warn(`rows ${offset + 1}–${rows.length} were not queued`);
          throw e;
        }
        p.info(`DocuSign's bulk queue for the account is full; waiting for the earlier batches to progress`);
        await pollUntil(ctx, pending, () => pending.some((b) => batchSettled(b.status)) || pending.every((b) => b.status.queued < b.status.batchSize));
      }
    }
    if (sent.recovered) p.info(`the answer to the send request was lost, but DocuSign has the batch (found by its name '${name}'): not sent twice`);
    const run: BatchRun = {
      listId,
      batchId: sent.batchId,
      batchName: name,
      firstRow: offset + 1,
      lastRow: offset + copies.length,
      status: { batchId: sent.batchId, batchName: name, batchSize: copies.length, queued: copies.length, sent: 0, failed: 0, bulkErrors: [] },
    };
    batches.push(run);
    offset += copies.length;
    p.info(`batch ${run.batchId}: rows ${run.firstRow}–${run.lastRow} queued (${copies.length} copies)`);
  }

  // 3. Follow the batches until every copy is sent or failed.
  const settled = await pollUntil(ctx, batches, () => batches.every((b) => batchSettled(b.status)), rows.length);

  const secs = ((performance.now() - started) / 1000).toFixed(1);
  let sentN = 0;
  let failedN = 0;
  let queuedN = 0;
  for (const b of batches) {
    sentN += b.status.sent;
    failedN += b.status.failed;
    queuedN += b.status.queued;
    const out = {
      batchId: b.batchId,
      batchName: b.batchName,
      listId: b.listId,
      envelopeOrTemplateId: draft.envelopeId,
      rows: { first: b.firstRow, last: b.lastRow },
      batchSize: b.status.batchSize,
      queued: b.status.queued,
      sent: b.status.sent,
      failed: b.status.failed,
      ...(b.status.bulkErrors.length ? { errors: b.status.bulkErrors } : {}),
    };
    if (p.opts.json) p.jsonLine(out);
    else if (p.opts.quiet) p.out(`${b.batchId}\n`);
    else {
      const mark = b.status.failed ? p.c.red('✖') : batchSettled(b.status) ? p.c.green('✔') : p.c.yellow('…');
      p.out(`${mark} batch ${b.batchId} (rows ${b.firstRow}–${b.lastRow}): ${b.status.sent} sent, ${b.status.failed} failed${b.status.queued ? `, ${b.status.queued} still queued` : ''}\n`);
    }
  }
  if (!p.opts.quiet || failedN) {
    p.err(`${rows.length} rows through Bulk Send: ${sentN} sent, ${failedN} failed${queuedN ? `, ${queuedN} still queued at DocuSign` : ''} in ${batches.length} batch${batches.length === 1 ? '' : 'es'}, ${secs} s\n`);
  }
  if (!settled) {
    p.warn(`DocuSign is still working through ${queuedN} queued copies; it finishes them without esign. Follow the batches in the web app (Reports → Bulk Send) or with GET /bulk_send_batch/{batchId}.`);
  }
  if (failedN > 0) {
    const errs = batches.flatMap((b) => b.status.bulkErrors.map((x) => `  - batch ${b.batchId}: ${x.recipientName ?? ''} <${x.recipientEmail ?? ''}>: ${x.errorMessage ?? 'failed'}`));
    throw new ApiError(`${failedN} of ${rows.length} bulk copies failed:\n${errs.slice(0, 20).join('\n')}${errs.length > 20 ? `\n  … and ${errs.length - 20} more` : ''}`, {
      status: 0,
      errorCode: 'BULK_SEND_COPIES_FAILED',
      hint: 'fix those recipients and send just their rows again (a smaller --data file)',
      details: { batches: batches.map((b) => ({ batchId: b.batchId, failed: b.status.failed, errors: b.status.bulkErrors })) },
    });
  }
  return 0;
}

/**
 * Polls the batches with a growing interval until `done()` or the give-up time. One GET per unsettled
 * batch per round: batch status is one resource for up to 1,000 envelopes, so this stays far from
 * DocuSign's per-envelope polling limits. Returns whether `done()` became true.
 */
async function pollUntil(ctx: Context, batches: BatchRun[], done: () => boolean, total?: number): Promise<boolean> {
  const p = ctx.printer;
  const progress = total !== undefined ? await startProgress(ctx, total, 'bulk send') : undefined;
  const deadline = Date.now() + BULK_POLL.giveUpMs;
  let wait = BULK_POLL.firstMs;
  let shown = -1;
  try {
    while (!done()) {
      if (Date.now() + wait > deadline) return false;
      try {
        await sleep(wait, undefined, { signal: ctx.signal });
      } catch {
        // The batches are queued at DocuSign and go on without esign: say which they are.
        p.warn(`stopped following; DocuSign still sends the queued batches: ${batches.map((b) => b.batchId).join(', ')}`);
        throw new InterruptedError();
      }
      wait = Math.min(BULK_POLL.maxMs, Math.round(wait * BULK_POLL.factor));
      try {
        for (const b of batches) if (!batchSettled(b.status)) b.status = await getBatch(ctx.rest, b.batchId);
      } catch (e) {
        p.warn(`stopped following; DocuSign still sends the queued batches: ${batches.map((b) => b.batchId).join(', ')}`);
        throw e;
      }
      const processed = batches.reduce((n, b) => n + b.status.sent + b.status.failed, 0);
      if (progress && processed !== shown) {
        progress.tick(processed - Math.max(0, shown));
        if (!p.isTTY) {
          const failed = batches.reduce((n, b) => n + b.status.failed, 0);
          p.info(`bulk send: ${processed}/${total} processed (${processed - failed} sent, ${failed} failed)`);
        }
        shown = processed;
      }
    }
    return true;
  } finally {
    progress?.stop();
  }
}
