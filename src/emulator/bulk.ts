/**
 * Bulk Send v2.1 (reference §11): lists (≤1,000 copies, role-or-id rules), /test, /send (whole batch
 * queued or rejected, account queue cap) and batches that progress queued → sent/failed over time,
 * creating real envelopes.
 */
import type { Account, BulkBatch, Ctx, EmulatorImpl } from './core.js';
import { allRecipients, buildEnvelope, envelopeJson, sendEnvelope } from './envelopes.js';
import { checkShape } from './openapi.js';
import { readJson } from './rest.js';
import type { EmulatorEnvelope } from './types.js';
import { clone, dsTime, guid, jsonReply, type Reply, RestError, str, validEmail } from './util.js';

type Json = Record<string, unknown>;
interface Problem {
  code: string;
  message: string;
}

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Json[]) : []);

/** Checks a bulkSendingList on its own (create/update time). */
function listProblems(list: Json): Problem[] {
  const copies = arr(list.bulkCopies);
  if (copies.length > 1000) {
    return [{ code: 'BULK_SEND_MAX_COPIES_EXCEEDED', message: `The maximum number of copies in a bulk send list is 1000; this list has ${copies.length}.` }];
  }
  let usesRole = false;
  let usesId = false;
  for (const [ci, c] of copies.entries()) {
    for (const r of arr(c.recipients)) {
      const role = str(r.roleName);
      const id = str(r.recipientId);
      if (role && id) return [{ code: 'BULK_SEND_CANNOT_USE_BOTH_ROLE_AND_ID_ON_SAME_RECIPIENT', message: `Copy ${ci + 1}: a recipient gives both roleName and recipientId.` }];
      if (!role && !id) return [{ code: 'BULK_SEND_RECIPIENT_ID_REQUIRED', message: `Copy ${ci + 1}: a recipient needs a roleName or a recipientId.` }];
      usesRole ||= !!role;
      usesId ||= !!id;
      if (usesRole && usesId) return [{ code: 'BULK_SEND_CANNOT_USE_BOTH_ROLE_AND_ID_IN_SAME_LIST', message: 'A list must use either roleName or recipientId for all recipients.' }];
      if (!str(r.name).trim()) return [{ code: 'BULK_SEND_RECIPIENT_NAME_REQUIRED', message: `Copy ${ci + 1}: recipient name is required.` }];
      const email = str(r.email).trim();
      if (!email) return [{ code: 'BULK_SEND_EMAIL_ADDRESS_REQUIRED_FOR_EMAIL_RECIPIENT', message: `Copy ${ci + 1}: recipient email is required.` }];
      if (!validEmail(email)) return [{ code: 'BULK_SEND_EMAIL_ADDRESS_NOT_VALID', message: `Copy ${ci + 1}: email address '${email}' is not valid.` }];
    }
  }
  return [];
}

function throwFirst(problems: Problem[]): void {
  if (problems.length) throw new RestError(400, problems[0]!.code, problems[0]!.message);
}

function getList(acct: Account, id: string): Json {
  const l = acct.bulkLists.get(id);
  if (!l) throw new RestError(400, 'BULK_SEND_LIST_NOT_FOUND', `The bulk send list ${id} was not found.`);
  return l;
}

/** The envelope (draft) or template the copies are made from, as an unsaved envelope. */
function source(emu: EmulatorImpl, acct: Account, id: string, userId: string): EmulatorEnvelope | Problem {
  const env = acct.envelopes.get(id);
  if (env) {
    if (env.status !== 'created') {
      return { code: 'BULK_SEND_ENVELOPE_NOT_IN_SENDABLE_STATE', message: `Envelope ${id} is not a draft (status ${env.status}).` };
    }
    return env;
  }
  if (acct.templates.has(id)) {
    try {
      return buildEnvelope(emu, acct, { templateId: id, status: 'created' }, [], userId);
    } catch (e) {
      return { code: (e as RestError).errorCode ?? 'BULK_SEND_ENVELOPE_NOT_FOUND', message: (e as Error).message };
    }
  }
  return { code: 'BULK_SEND_ENVELOPE_NOT_FOUND', message: `No envelope or template with id ${id}.` };
}

function queuedTotal(acct: Account): number {
  return [...acct.batches.values()].reduce((n, b) => n + b.queued, 0);
}

/** Checks copies against the envelope/template (test and send). */
function sendProblems(emu: EmulatorImpl, acct: Account, list: Json, id: string, userId: string): { problems: Problem[]; src?: EmulatorEnvelope } {
  if (!id) return { problems: [{ code: 'BULK_SEND_ENVELOPE_NOT_FOUND', message: 'envelopeOrTemplateId is required.' }] };
  const src = source(emu, acct, id, userId);
  if ('code' in src) return { problems: [src] };
  const problems: Problem[] = [...listProblems(list)];
  const copies = arr(list.bulkCopies);
  if (!copies.length) problems.push({ code: 'BULK_SEND_ENVELOPE_LIST_CONTAINS_NO_COPIES', message: 'The bulk send list contains no copies.' });
  const recips = allRecipients(src);
  if (!recips.length) problems.push({ code: 'BULK_SEND_ENVELOPE_HAS_NO_RECIPIENTS', message: 'The envelope has no recipients.' });
  const labels = new Set(recips.flatMap((r) => Object.values(r.tabs ?? {}).flatMap((l) => (Array.isArray(l) ? l.map((t) => str(t.tabLabel)) : []))));
  const fieldNames = new Set(
    [...arr(src.customFields?.textCustomFields), ...arr(src.customFields?.listCustomFields)].map((f) => str(f.name)),
  );
  for (const [ci, c] of copies.entries()) {
    for (const r of arr(c.recipients)) {
      const role = str(r.roleName);
      const rid = str(r.recipientId);
      if (role && !recips.some((x) => x.roleName === role)) {
        problems.push({ code: 'BULK_SEND_RECIPIENT_ROLE_DOES_NOT_MATCH', message: `Copy ${ci + 1}: role '${role}' does not exist in the envelope.` });
      }
      if (rid && !recips.some((x) => x.recipientId === rid)) {
        problems.push({ code: 'BULK_SEND_RECIPIENT_ID_DOES_NOT_EXIST_IN_ENVELOPE', message: `Copy ${ci + 1}: recipientId '${rid}' does not exist in the envelope.` });
      }
      for (const t of arr(r.tabs)) {
        if (!labels.has(str(t.tabLabel))) {
          problems.push({ code: 'BULK_SEND_TAB_LABEL_DOES_NOT_EXIST_IN_ENVELOPE', message: `Copy ${ci + 1}: tab label '${str(t.tabLabel)}' does not exist in the envelope.` });
        }
      }
    }
    for (const f of arr(c.customFields)) {
      if (!fieldNames.has(str(f.name))) {
        problems.push({ code: 'BULK_SEND_ENVELOPE_CUSTOM_FIELD_DOES_NOT_EXIST_IN_ENVELOPE', message: `Copy ${ci + 1}: custom field '${str(f.name)}' does not exist in the envelope.` });
      }
    }
  }
  if (queuedTotal(acct) + copies.length > emu.cfg.bulkQueueLimit) {
    problems.push({
      code: 'BULK_SEND_ACCOUNT_HAS_TOO_MANY_QUEUED_ENVELOPES',
      message: `The account has too many queued envelopes. Queue limit: ${emu.cfg.bulkQueueLimit}, queued: ${queuedTotal(acct)}.`,
    });
  }
  return { problems, src };
}

/** Makes one envelope of the batch from the source and a copy. */
function makeCopy(emu: EmulatorImpl, acct: Account, src: EmulatorEnvelope, copy: Json, batch: BulkBatch): void {
  const recipients = clone(src.recipients);
  for (const r of arr(copy.recipients)) {
    const target = Object.values(recipients)
      .flat()
      .find((x) => (str(r.roleName) ? x.roleName === str(r.roleName) : x.recipientId === str(r.recipientId)));
    if (!target) throw new Error(`recipient ${str(r.roleName) || str(r.recipientId)} not found`);
    target.name = str(r.name);
    target.email = str(r.email);
    if (str(r.clientUserId)) target.clientUserId = str(r.clientUserId);
    for (const t of arr(r.tabs)) {
      for (const list of Object.values(target.tabs ?? {})) {
        if (!Array.isArray(list)) continue;
        for (const tab of list) if (str(tab.tabLabel) === str(t.tabLabel)) tab.value = str(t.initialValue ?? t.value);
      }
    }
  }
  for (const r of Object.values(recipients).flat()) {
    if (!validEmail(r.email)) throw new Error(`recipient ${r.recipientId} has no valid email`);
    r.recipientIdGuid = guid();
  }
  const customFields = clone(src.customFields);
  for (const f of arr(copy.customFields)) {
    for (const cf of [...arr(customFields?.textCustomFields), ...arr(customFields?.listCustomFields)]) {
      if (str(cf.name) === str(f.name)) cf.value = str(f.value);
    }
  }
  const now = emu.now();
  const env: EmulatorEnvelope = {
    ...src,
    envelopeId: guid(),
    status: 'created',
    emailSubject: str(copy.emailSubject) || src.emailSubject,
    emailBlurb: str(copy.emailBlurb) || src.emailBlurb,
    recipients,
    customFields,
    createdDateTime: dsTime(now),
    statusChangedDateTime: dsTime(now),
    lastModifiedDateTime: dsTime(now),
    createdMs: now,
    changedMs: now,
    emails: [],
    bulkBatchId: batch.batchId,
    extra: { ...src.extra },
  };
  sendEnvelope(emu, env);
  acct.envelopes.set(env.envelopeId, env);
  batch.envelopeIds.push(env.envelopeId);
}

function batchJson(b: BulkBatch): Json {
  return {
    batchId: b.batchId,
    batchName: b.batchName,
    batchSize: String(b.batchSize),
    queued: String(b.queued),
    sent: String(b.sent),
    failed: String(b.failed),
    bulkErrors: b.bulkErrors,
    envelopesUri: `/bulk_send_batch/${b.batchId}/envelopes`,
    envelopeIdOrTemplateId: b.envelopeOrTemplateId,
    mailingListId: b.listId,
    mailingListName: '',
    ownerUserId: b.senderUserId,
    senderUserId: b.senderUserId,
    submittedDate: b.submittedDate,
    action: 'send',
    actionStatus: b.queued > 0 ? 'processing' : 'completed',
  };
}

/** Handles bulk_send_lists/… and bulk_send_batch/…; undefined for unknown routes. */
export async function handleBulk(
  emu: EmulatorImpl,
  ctx: Ctx,
  acct: Account,
  userId: string,
  seg: string[],
  method: string,
): Promise<Reply | undefined> {
  const now = dsTime(emu.now());
  if (seg[0] === 'bulk_send_lists') {
    if (seg.length === 1 && method === 'GET') {
      return jsonReply(200, {
        bulkListSummaries: [...acct.bulkLists.values()].map((l) => ({ bulkSendListId: l.listId, name: l.name, createdDate: l.createdDate, createdByUser: l.createdByUser })),
      });
    }
    if (seg.length === 1 && method === 'POST') {
      const body = await readJson(emu, ctx);
      checkShape('bulkSendingList', body);
      throwFirst(listProblems(body));
      const listId = guid();
      const list = { listId, name: str(body.name), bulkCopies: clone(arr(body.bulkCopies)), createdDate: now, createdByUser: userId };
      acct.bulkLists.set(listId, list);
      return jsonReply(201, { listId, name: list.name, bulkCopies: list.bulkCopies });
    }
    const id = seg[1]!;
    if (seg.length === 2 && method === 'GET') {
      const l = getList(acct, id);
      return jsonReply(200, { listId: l.listId, name: l.name, bulkCopies: l.bulkCopies });
    }
    if (seg.length === 2 && method === 'PUT') {
      const l = getList(acct, id);
      const body = await readJson(emu, ctx);
      checkShape('bulkSendingList', body);
      throwFirst(listProblems(body));
      l.name = str(body.name) || l.name;
      l.bulkCopies = clone(arr(body.bulkCopies));
      return jsonReply(200, { listId: l.listId, name: l.name, bulkCopies: l.bulkCopies });
    }
    if (seg.length === 2 && method === 'DELETE') {
      getList(acct, id);
      acct.bulkLists.delete(id);
      return jsonReply(200, {
        summaries: [...acct.bulkLists.values()].map((l) => ({ bulkSendListId: l.listId, name: l.name, createdDate: l.createdDate, createdByUser: l.createdByUser })),
      });
    }
    if (seg.length === 3 && method === 'POST' && (seg[2] === 'test' || seg[2] === 'send')) {
      const list = getList(acct, id);
      const body = await readJson(emu, ctx);
      checkShape('bulkSendRequest', body);
      const eotId = str(body.envelopeOrTemplateId);
      const { problems, src } = sendProblems(emu, acct, list, eotId, userId);
      if (seg[2] === 'test') {
        return jsonReply(201, {
          canBeSent: problems.length ? 'false' : 'true',
          validationErrors: problems.map((p) => p.code),
          validationErrorDetails: problems.map((p) => p.message),
        });
      }
      throwFirst(problems); // whole batch rejected, nothing queued
      const copies = arr(list.bulkCopies);
      const batch: BulkBatch = {
        batchId: guid(),
        batchName: str(body.batchName) || str(list.name),
        listId: str(list.listId),
        envelopeOrTemplateId: eotId,
        batchSize: copies.length,
        queued: copies.length,
        sent: 0,
        failed: 0,
        bulkErrors: [],
        envelopeIds: [],
        submittedDate: now,
        submittedMs: emu.now(),
        senderUserId: userId,
      };
      acct.batches.set(batch.batchId, batch);
      const snapshot = clone(copies);
      snapshot.forEach((copy, i) => {
        emu.later(emu.cfg.bulkCopyDelayMs * (i + 1), () => {
          try {
            makeCopy(emu, acct, src!, copy, batch);
            batch.sent++;
          } catch (e) {
            batch.failed++;
            const r0 = arr(copy.recipients)[0];
            batch.bulkErrors.push({ recipientEmail: str(r0?.email), recipientName: str(r0?.name), errorMessage: (e as Error).message, created: dsTime(emu.now()) });
          }
          batch.queued--;
        });
      });
      return jsonReply(201, {
        batchId: batch.batchId,
        batchName: batch.batchName,
        batchSize: String(batch.batchSize),
        envelopeOrTemplateId: eotId,
        errors: [],
        errorDetails: [],
        queueLimit: String(emu.cfg.bulkQueueLimit),
        totalQueued: String(queuedTotal(acct)),
      });
    }
    return undefined;
  }
  // bulk_send_batch
  if (seg.length === 1 && method === 'GET') {
    const q = ctx.url.searchParams;
    const status = (q.get('status') ?? 'all').toLowerCase();
    let list = [...acct.batches.values()];
    if (status === 'queued') list = list.filter((b) => b.queued > 0);
    else if (status === 'sent') list = list.filter((b) => b.sent > 0);
    else if (status === 'failed') list = list.filter((b) => b.failed > 0);
    else if (status !== 'all') {
      throw new RestError(400, 'INVALID_REQUEST_PARAMETER', "The request contained at least one invalid parameter. 'status' must be one of all, failed, sent, queued.");
    }
    list.sort((a, b) => b.submittedMs - a.submittedMs);
    const count = Math.max(1, Math.min(100, Number(q.get('count') ?? 100) || 100));
    const start = Math.max(0, Number(q.get('start_position') ?? 0) || 0);
    const page = list.slice(start, start + count);
    return jsonReply(200, {
      batchSizeLimit: '1000',
      queueLimit: String(emu.cfg.bulkQueueLimit),
      totalQueued: String(queuedTotal(acct)),
      resultSetSize: String(page.length),
      totalSetSize: String(list.length),
      startPosition: String(start),
      endPosition: String(page.length ? start + page.length - 1 : start),
      bulkBatchSummaries: page.map((b) => ({ ...batchJson(b), bulkBatchUri: `/bulk_send_batch/${b.batchId}` })),
    });
  }
  const batch = acct.batches.get(seg[1] ?? '');
  if (!batch) throw new RestError(400, 'BULK_SEND_BATCH_NOT_FOUND', `The bulk send batch ${seg[1]} was not found.`); // (U)
  if (seg.length === 2 && method === 'GET') return jsonReply(200, batchJson(batch));
  if (seg.length === 3 && seg[2] === 'envelopes' && method === 'GET') {
    const envs = batch.envelopeIds.map((id) => acct.envelopes.get(id)!).filter(Boolean);
    return jsonReply(200, {
      resultSetSize: String(envs.length),
      totalSetSize: String(envs.length),
      startPosition: '0',
      endPosition: String(Math.max(0, envs.length - 1)),
      envelopes: envs.map((e) => envelopeJson(emu, e, [])),
    });
  }
  return undefined;
}
