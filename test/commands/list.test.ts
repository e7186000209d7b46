import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import { createEnvelope } from '../cli/envelopes.js';
import { parseDateArg } from '../../src/commands/list/run.js';

let h: CliHarness;
const ids: string[] = [];
beforeAll(async () => {
  h = await cliHarness();
  for (let i = 0; i < 5; i++) ids.push(await createEnvelope(h.emu, h.seed, { subject: `Envelope ${i}`, status: i === 4 ? 'created' : 'sent' }));
});
afterAll(() => h.close());

describe('esign list', () => {
  it('lists the last 30 days by default with paging info', async () => {
    const r = await h.run(['list', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.envelopes.map((e: { envelopeId: string }) => e.envelopeId).sort()).toEqual([...ids].sort());
    expect(j).toMatchObject({ resultSetSize: 5, totalSetSize: 5, startPosition: 0, nextStartPosition: null });
    const q = r.requests.find((x) => x.host === 'rest')!;
    const from = Date.parse(q.query.from_date!);
    expect(Math.abs(Date.now() - 30 * 86_400_000 - from)).toBeLessThan(60_000);
  });

  it('filters by status', async () => {
    const r = await h.run(['list', '--status', 'created', '--json']);
    const j = JSON.parse(r.out);
    expect(j.envelopes.map((e: { envelopeId: string }) => e.envelopeId)).toEqual([ids[4]]);
    expect(r.requests.find((x) => x.host === 'rest')!.query.status).toBe('created');
  });

  it('--limit stops early and reports where the next page starts; --start-position continues', async () => {
    const r = await h.run(['list', '--limit', '2', '--json']);
    const j = JSON.parse(r.out);
    expect(j.envelopes).toHaveLength(2);
    expect(j.nextStartPosition).toBe(2);
    const r2 = await h.run(['list', '--limit', '10', '--start-position', '2', '--json']);
    const j2 = JSON.parse(r2.out);
    expect(j2.envelopes).toHaveLength(3);
    const all = [...j.envelopes, ...j2.envelopes].map((e: { envelopeId: string }) => e.envelopeId).sort();
    expect(all).toEqual([...ids].sort());
  });

  it('--quiet prints one id per line; human output shows the next-page command on stderr', async () => {
    const q = await h.run(['list', '--quiet']);
    expect(q.out.trim().split('\n').sort()).toEqual([...ids].sort());
    const hu = await h.run(['list', '--limit', '1']);
    expect(hu.out.split('\n').filter(Boolean)).toHaveLength(1);
    expect(hu.err).toMatch(/next page: esign list --start-position 1/);
  });

  it('a future date range finds nothing', async () => {
    const r = await h.run(['list', '--from', '2999-01-01']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no envelopes/);
  });

  it('bad flags are exit 2 before any request', async () => {
    for (const args of [
      ['--status', 'finished'],
      ['--from', 'yesterday'],
      ['--limit', '0'],
      ['--from', '2024-02-01', '--to', '2024-01-01'],
    ]) {
      const r = await h.run(['list', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.requests, args.join(' ')).toHaveLength(0);
    }
  });

  it('parses dates: YYYY-MM-DD is UTC midnight, Nd is days ago', () => {
    expect(parseDateArg('2024-05-01', '--from').toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(parseDateArg('7d', '--from', 1_000_000_000_000).getTime()).toBe(1_000_000_000_000 - 7 * 86_400_000);
    expect(() => parseDateArg('2024-13-45', '--from')).toThrow(/not a date/);
  });
});
