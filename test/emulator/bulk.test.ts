import { beforeAll, describe, expect, it } from 'vitest';
import { makePdf } from '../../src/emulator/pdf.js';
import { type RestClient, restClient, withEmulator } from '../helpers/emulator.js';

const fx = withEmulator({ bulkCopyDelayMs: 5 });
let api: RestClient;
beforeAll(async () => {
  api = await restClient(fx.emu, fx.seed);
});

const copy = (i: number, extra: Record<string, unknown> = {}) => ({
  recipients: [{ roleName: 'signer', name: `Person ${i}`, email: `p${i}@example.test`, tabs: [{ tabLabel: 'company', initialValue: `Co ${i}` }], ...extra }],
  customFields: [{ name: 'batchref', value: String(i) }],
});

async function draft(): Promise<string> {
  const r = await api.call('POST', '/envelopes', {
    emailSubject: 'Bulk',
    status: 'created',
    documents: [{ documentId: '1', name: 'D.pdf', fileExtension: 'pdf', documentBase64: makePdf([['Sign /sn1/']]).toString('base64') }],
    recipients: { signers: [{ recipientId: '1', roleName: 'signer', name: 'Multi Bulk Recipient::signer', email: 'multiBulkRecipients-signer@docusign.com', tabs: { signHereTabs: [{ anchorString: '/sn1/' }], textTabs: [{ tabLabel: 'company', anchorString: '/sn1/' }] } }] },
    customFields: { textCustomFields: [{ name: 'batchref', value: '' }] },
  });
  expect(r.status, r.text).toBe(201);
  return r.body.envelopeId;
}

async function until(fn: () => Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}

describe('bulk send lists', () => {
  it('create / get / list / update / delete', async () => {
    const c = await api.call('POST', '/bulk_send_lists', { name: 'L1', bulkCopies: [copy(1), copy(2)] });
    expect(c.status).toBe(201);
    expect(c.body.listId).toBeTruthy();
    expect(c.body.bulkCopies).toHaveLength(2);
    const g = await api.call('GET', `/bulk_send_lists/${c.body.listId}`);
    expect(g.body.name).toBe('L1');
    const l = await api.call('GET', '/bulk_send_lists');
    expect(l.body.bulkListSummaries.map((s: any) => s.bulkSendListId)).toContain(c.body.listId);
    const u = await api.call('PUT', `/bulk_send_lists/${c.body.listId}`, { name: 'L1b', bulkCopies: [copy(3)] });
    expect(u.body.bulkCopies).toHaveLength(1);
    const d = await api.call('DELETE', `/bulk_send_lists/${c.body.listId}`);
    expect(d.status).toBe(200);
    expect((await api.call('GET', `/bulk_send_lists/${c.body.listId}`)).body.errorCode).toBe('BULK_SEND_LIST_NOT_FOUND');
  });

  it('more than 1,000 copies → BULK_SEND_MAX_COPIES_EXCEEDED; 1,000 is fine', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => copy(i));
    const r = await api.call('POST', '/bulk_send_lists', { name: 'big', bulkCopies: many });
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('BULK_SEND_MAX_COPIES_EXCEEDED');
    expect((await api.call('POST', '/bulk_send_lists', { name: 'ok', bulkCopies: many.slice(0, 1000) })).status).toBe(201);
  });

  it('roleName or recipientId, never both on one recipient nor mixed in a list; name and valid email required', async () => {
    const both = await api.call('POST', '/bulk_send_lists', { name: 'x', bulkCopies: [copy(1, { recipientId: '1' })] });
    expect(both.body.errorCode).toBe('BULK_SEND_CANNOT_USE_BOTH_ROLE_AND_ID_ON_SAME_RECIPIENT');
    const mixed = await api.call('POST', '/bulk_send_lists', { name: 'x', bulkCopies: [copy(1), { recipients: [{ recipientId: '1', name: 'A', email: 'a@example.test' }] }] });
    expect(mixed.body.errorCode).toBe('BULK_SEND_CANNOT_USE_BOTH_ROLE_AND_ID_IN_SAME_LIST');
    expect((await api.call('POST', '/bulk_send_lists', { name: 'x', bulkCopies: [copy(1, { name: '' })] })).body.errorCode).toBe('BULK_SEND_RECIPIENT_NAME_REQUIRED');
    expect((await api.call('POST', '/bulk_send_lists', { name: 'x', bulkCopies: [copy(1, { email: 'nope' })] })).body.errorCode).toBe('BULK_SEND_EMAIL_ADDRESS_NOT_VALID');
  });
});

describe('bulk send', () => {
  it('/test reports mismatches; /send rejects the whole batch (nothing queued)', async () => {
    const env = await draft();
    const list = await api.call('POST', '/bulk_send_lists', { name: 'bad', bulkCopies: [copy(1), copy(2, { roleName: 'Signer' })] });
    const t = await api.call('POST', `/bulk_send_lists/${list.body.listId}/test`, { envelopeOrTemplateId: env });
    expect(t.status).toBe(201);
    expect(t.body.canBeSent).toBe('false');
    expect(t.body.validationErrors).toContain('BULK_SEND_RECIPIENT_ROLE_DOES_NOT_MATCH');
    const before = fx.emu.state.envelopes().length;
    const s = await api.call('POST', `/bulk_send_lists/${list.body.listId}/send`, { envelopeOrTemplateId: env, batchName: 'b' });
    expect(s.status).toBe(400);
    expect(s.body.errorCode).toBe('BULK_SEND_RECIPIENT_ROLE_DOES_NOT_MATCH');
    await new Promise((r) => setTimeout(r, 50));
    expect(fx.emu.state.envelopes().length).toBe(before);
    const missing = await api.call('POST', `/bulk_send_lists/${list.body.listId}/send`, { envelopeOrTemplateId: '00000000-0000-0000-0000-000000000000' });
    expect(missing.body.errorCode).toBe('BULK_SEND_ENVELOPE_NOT_FOUND');
  });

  it('a sent (not draft) envelope → BULK_SEND_ENVELOPE_NOT_IN_SENDABLE_STATE', async () => {
    const env = await draft();
    await api.call('PUT', `/envelopes/${env}`, { status: 'sent' });
    const list = await api.call('POST', '/bulk_send_lists', { name: 'ok', bulkCopies: [copy(1)] });
    const s = await api.call('POST', `/bulk_send_lists/${list.body.listId}/send`, { envelopeOrTemplateId: env });
    expect(s.body.errorCode).toBe('BULK_SEND_ENVELOPE_NOT_IN_SENDABLE_STATE');
  });

  it('batch progresses queued → sent over time, creating real envelopes with the copy values; batch list filters by status', async () => {
    const env = await draft();
    const list = await api.call('POST', '/bulk_send_lists', { name: 'good', bulkCopies: [copy(1), copy(2), copy(3)] });
    const s = await api.call('POST', `/bulk_send_lists/${list.body.listId}/send`, { envelopeOrTemplateId: env, batchName: 'Batch A' });
    expect(s.status, s.text).toBe(201);
    expect(s.body).toMatchObject({ batchName: 'Batch A', batchSize: '3', envelopeOrTemplateId: env });
    const first = await api.call('GET', `/bulk_send_batch/${s.body.batchId}`);
    expect(Number(first.body.queued)).toBeGreaterThan(0);
    await until(async () => (await api.call('GET', `/bulk_send_batch/${s.body.batchId}`)).body.sent === '3');
    const b = await api.call('GET', `/bulk_send_batch/${s.body.batchId}`);
    expect(b.body).toMatchObject({ batchSize: '3', queued: '0', sent: '3', failed: '0' });
    const envs = fx.emu.state.envelopes().filter((e) => e.bulkBatchId === s.body.batchId);
    expect(envs).toHaveLength(3);
    const e2 = envs.find((e) => e.recipients.signers![0]!.email === 'p2@example.test')!;
    expect(e2.status).toBe('sent');
    expect(e2.recipients.signers![0]!.tabs!.textTabs![0]!.value).toBe('Co 2');
    expect((e2.customFields as any).textCustomFields[0].value).toBe('2');
    const sentList = await api.call('GET', '/bulk_send_batch?status=sent');
    expect(sentList.body.bulkBatchSummaries.map((x: any) => x.batchId)).toContain(s.body.batchId);
    const queued = await api.call('GET', '/bulk_send_batch?status=queued');
    expect(queued.body.bulkBatchSummaries.map((x: any) => x.batchId)).not.toContain(s.body.batchId);
    const envelopes = await api.call('GET', `/bulk_send_batch/${s.body.batchId}/envelopes`);
    expect(envelopes.body.envelopes).toHaveLength(3);
  });

  it('account queue cap → BULK_SEND_ACCOUNT_HAS_TOO_MANY_QUEUED_ENVELOPES', async () => {
    fx.emu.setConfig({ bulkQueueLimit: 2 });
    try {
      const env = await draft();
      const list = await api.call('POST', '/bulk_send_lists', { name: 'cap', bulkCopies: [copy(1), copy(2), copy(3)] });
      const s = await api.call('POST', `/bulk_send_lists/${list.body.listId}/send`, { envelopeOrTemplateId: env });
      expect(s.status).toBe(400);
      expect(s.body.errorCode).toBe('BULK_SEND_ACCOUNT_HAS_TOO_MANY_QUEUED_ENVELOPES');
    } finally {
      fx.emu.setConfig({ bulkQueueLimit: 2000 });
    }
  });

  it('sending from a template works too', async () => {
    const tid = fx.emu.addTemplate(fx.seed.accountId, { name: 'BulkT', emailSubject: 'T', documents: [{ documentId: '1', name: 'D.pdf', fileExtension: 'pdf', documentBase64: makePdf([['Sign /sn1/']]).toString('base64') }], recipients: { signers: [{ roleName: 'signer', recipientId: '1', tabs: { textTabs: [{ tabLabel: 'company', anchorString: '/sn1/' }] } }] }, customFields: { textCustomFields: [{ name: 'batchref' }] } });
    const list = await api.call('POST', '/bulk_send_lists', { name: 'T', bulkCopies: [copy(7)] });
    const s = await api.call('POST', `/bulk_send_lists/${list.body.listId}/send`, { envelopeOrTemplateId: tid });
    expect(s.status, s.text).toBe(201);
    await until(async () => (await api.call('GET', `/bulk_send_batch/${s.body.batchId}`)).body.sent === '1');
  });
});
