import { expect, it } from 'vitest';
import { findByTransactionId } from '../../src/docusign/envelopes.js';
import type { RestClient } from '../../src/docusign/rest.js';

const fakeRest = (envelopes: unknown[]) => {
  const calls: unknown[] = [];
  const rest = { json: async (c: unknown) => (calls.push(c), { envelopes }) } as unknown as RestClient;
  return { rest, calls };
};

it('finds the envelope by transactionId with one GET envelopes?transaction_ids=', async () => {
  const { rest, calls } = fakeRest([{ envelopeId: 'E1', status: 'sent', transactionId: 'T', createdDateTime: new Date().toISOString() }]);
  expect(await findByTransactionId(rest, 'T')).toMatchObject({ envelopeId: 'E1', recovered: true });
  expect(calls).toEqual([{ method: 'GET', path: '/envelopes', query: { transaction_ids: 'T' } }]);
});

it('ignores an envelope an earlier run created with the same deterministic transactionId', async () => {
  const old = new Date(Date.now() - 3600_000).toISOString();
  const recent = new Date().toISOString();
  const { rest } = fakeRest([
    { envelopeId: 'EARLIER-RUN', status: 'sent', transactionId: 'T', createdDateTime: old },
    { envelopeId: 'THIS-RUN', status: 'sent', transactionId: 'T', createdDateTime: recent },
  ]);
  const notBefore = Date.now() - 120_000;
  expect((await findByTransactionId(rest, 'T', { notBefore }))?.envelopeId).toBe('THIS-RUN');
  const onlyOld = fakeRest([{ envelopeId: 'EARLIER-RUN', status: 'sent', transactionId: 'T', createdDateTime: old }]);
  expect(await findByTransactionId(onlyOld.rest, 'T', { notBefore })).toBeUndefined();
});

it('ignores envelopes whose transactionId differs (DocuSign matching loosely)', async () => {
  const { rest } = fakeRest([{ envelopeId: 'X', status: 'sent', transactionId: 'OTHER' }]);
  expect(await findByTransactionId(rest, 'T')).toBeUndefined();
});
