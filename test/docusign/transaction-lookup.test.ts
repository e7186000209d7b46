import { expect, it } from 'vitest';
import { findByTransactionId } from '../../src/docusign/envelopes.js';
import { jsonResponse, type RestClient } from '../../src/docusign/rest.js';

/** A RestClient whose lookup answers these envelopes, with DocuSign's clock at `serverNow`. */
const fakeRest = (envelopes: unknown[], serverNow = Date.now()) => {
  const calls: unknown[] = [];
  const rest = {
    send: async (c: unknown) => {
      calls.push(c);
      const r = jsonResponse({ envelopes }, 200);
      r.headers.set('date', new Date(serverNow).toUTCString());
      return r;
    },
  } as unknown as RestClient;
  return { rest, calls };
};

it('finds the envelope by transactionId with one GET envelopes?transaction_ids=', async () => {
  const { rest, calls } = fakeRest([{ envelopeId: 'E1', status: 'sent', transactionId: 'T', createdDateTime: new Date().toISOString() }]);
  expect(await findByTransactionId(rest, 'T')).toMatchObject({ envelopeId: 'E1', recovered: true });
  expect(calls).toEqual([{ method: 'GET', path: '/envelopes', query: { transaction_ids: 'T' } }]);
});

it('ignores an envelope an earlier run created with the same deterministic transactionId', async () => {
  const now = Date.now();
  const old = new Date(now - 3600_000).toISOString();
  const recent = new Date(now - 5_000).toISOString();
  const { rest } = fakeRest([
    { envelopeId: 'EARLIER-RUN', status: 'sent', transactionId: 'T', createdDateTime: old },
    { envelopeId: 'THIS-RUN', status: 'sent', transactionId: 'T', createdDateTime: recent },
  ], now);
  expect((await findByTransactionId(rest, 'T', { createdWithinMs: 120_000 }))?.envelopeId).toBe('THIS-RUN');
  const onlyOld = fakeRest([{ envelopeId: 'EARLIER-RUN', status: 'sent', transactionId: 'T', createdDateTime: old }], now);
  expect(await findByTransactionId(onlyOld.rest, 'T', { createdWithinMs: 120_000 })).toBeUndefined();
});

it("the cutoff uses DocuSign's clock: this machine 5 minutes ahead still finds this run's envelope", async () => {
  // DocuSign's clock (and createdDateTime) are 5 minutes behind this machine's.
  const serverNow = Date.now() - 5 * 60_000;
  const { rest } = fakeRest([{ envelopeId: 'THIS-RUN', status: 'sent', transactionId: 'T', createdDateTime: new Date(serverNow - 3_000).toISOString() }], serverNow);
  expect((await findByTransactionId(rest, 'T', { createdWithinMs: 120_000 }))?.envelopeId).toBe('THIS-RUN');
});

it('ignores envelopes whose transactionId differs (DocuSign matching loosely)', async () => {
  const { rest } = fakeRest([{ envelopeId: 'X', status: 'sent', transactionId: 'OTHER' }]);
  expect(await findByTransactionId(rest, 'T')).toBeUndefined();
});
