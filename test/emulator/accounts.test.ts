import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { seedDemo } from '../../src/emulator/seed.js';
import { getToken, restClient, withEmulator } from '../helpers/emulator.js';

const fx = withEmulator();
const LIST = '/envelopes?from_date=2020-01-01';
const body = { emailSubject: 's', status: 'created', transactionId: 'acct-number-1' };

describe('accountId in REST paths (reference §1: GUID or external account number)', () => {
  it('the account GUID is compared case-insensitively', async () => {
    const upper = await restClient(fx.emu, fx.seed, fx.seed.accountId.toUpperCase());
    const r = await upper.call('GET', LIST);
    expect(r.status).toBe(200);
    const c = await upper.call('POST', '/envelopes', { ...body, transactionId: 'upper-guid' });
    expect(c.status).toBe(201);
    expect(fx.emu.state.envelope(c.body.envelopeId)?.accountId).toBe(fx.seed.accountId);
  });

  it('seeded accounts have an 8-digit account number, accepted in paths for the same account', async () => {
    expect(fx.seed.accountNumber).toMatch(/^[1-9]\d{7}$/);
    expect(fx.seed.otherAccountNumber).toMatch(/^[1-9]\d{7}$/);
    expect(fx.seed.otherAccountNumber).not.toBe(fx.seed.accountNumber);
    const byNumber = await restClient(fx.emu, fx.seed, fx.seed.accountNumber);
    const c = await byNumber.call('POST', '/envelopes', body);
    expect(c.status).toBe(201);
    const byGuid = await restClient(fx.emu, fx.seed);
    const l = await byGuid.call('GET', '/envelopes?transaction_ids=acct-number-1');
    expect(l.body.envelopes.map((e: { envelopeId: string }) => e.envelopeId)).toEqual([c.body.envelopeId]);
  });

  it('GET /accounts/{id} names the number as externalAccountId; userinfo does not list it', async () => {
    const api = await restClient(fx.emu, fx.seed, fx.seed.accountNumber);
    const a = await api.call('GET', '');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ accountIdGuid: fx.seed.accountId, externalAccountId: fx.seed.accountNumber, accountName: 'esign Demo Account' });
    const token = await getToken(fx.emu, fx.seed);
    const ui = await (await fetch(`${fx.emu.oauthUrl}/oauth/userinfo`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(ui).toContain(fx.seed.accountId);
    expect(ui).not.toContain(fx.seed.accountNumber);
  });

  it("another user's account number is USER_DOES_NOT_BELONG_TO_SPECIFIED_ACCOUNT; numbers are stable when the seed is reused", async () => {
    const stranger = fx.emu.addUser({ name: 'Other', email: 'other@example.test', accounts: [{ name: 'Theirs' }] });
    expect(stranger.accounts[0]!.accountNumber).toMatch(/^[1-9]\d{7}$/);
    const api = await restClient(fx.emu, fx.seed, stranger.accounts[0]!.accountNumber);
    const r = await api.call('GET', LIST);
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('USER_DOES_NOT_BELONG_TO_SPECIFIED_ACCOUNT');
    const again = await startEmulator({ quiet: true });
    try {
      const seed2 = await seedDemo(again, fx.seed);
      expect([seed2.accountNumber, seed2.otherAccountNumber]).toEqual([fx.seed.accountNumber, fx.seed.otherAccountNumber]);
    } finally {
      await again.close();
    }
  });
});
