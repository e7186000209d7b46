import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { colourStatus } from '../status/run.js';

interface ListOptions {
  from?: string;
  to?: string;
  status?: string;
  limit: string;
  startPosition?: string;
  transactionId?: string;
}

/** Statuses DocuSign's envelope search accepts. */
export const LIST_STATUSES = ['any', 'completed', 'created', 'declined', 'deleted', 'delivered', 'processing', 'sent', 'signed', 'timedout', 'voided'];

/** Largest page esign asks for; DocuSign may return fewer. */
const PAGE = 100;
const DAY = 86_400_000;

/** Parses `YYYY-MM-DD`, an ISO date-time, or `Nd` (N days before now) into a Date. */
export function parseDateArg(v: string, flag: string, now = Date.now()): Date {
  const s = v.trim();
  const rel = /^(\d+)d$/i.exec(s);
  if (rel) return new Date(now - Number(rel[1]) * DAY);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) {
    // A bare date is midnight UTC, so a range means the same thing on every machine.
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new UsageError(`${flag} ${JSON.stringify(v)} is not a date`, { hint: `Use YYYY-MM-DD, an ISO date-time (2024-05-01T12:00:00Z), or Nd for N days ago (${flag} 7d).` });
}

/** Parses a whole number flag within bounds. */
function wholeNumber(v: string, flag: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`);
  return n;
}

/** One envelope as `esign list` reports it. */
export interface ListedEnvelope {
  envelopeId: string;
  status: string;
  emailSubject: string;
  createdDateTime?: string;
  sentDateTime?: string;
  completedDateTime?: string;
  statusChangedDateTime?: string;
}

/** `esign list`: GET /envelopes with a date range and filters, paging with start_position up to --limit. */
export async function runList(ctx: Context, o: ListOptions): Promise<number> {
  if (o.transactionId !== undefined && o.transactionId.trim() === '') {
    // An empty id from an unset shell variable must not turn "was it created?" into "list everything".
    throw new UsageError('--transaction-id is empty', { hint: 'Give the transactionId esign printed, e.g. esign list --transaction-id 5f0c2a1e-…' });
  }
  const now = Date.now();
  const from = o.from ? parseDateArg(o.from, '--from', now) : new Date(now - 30 * DAY);
  const to = o.to ? parseDateArg(o.to, '--to', now) : undefined;
  if (to && to.getTime() <= from.getTime()) throw new UsageError(`--to (${to.toISOString()}) must be after --from (${from.toISOString()})`);
  const limit = wholeNumber(o.limit, '--limit', 1, 10_000);
  let start = o.startPosition !== undefined ? wholeNumber(o.startPosition, '--start-position', 0, 1_000_000) : 0;
  let status: string | undefined;
  if (o.status) {
    const wanted = o.status.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    const bad = wanted.filter((s) => !LIST_STATUSES.includes(s));
    if (bad.length || !wanted.length) {
      throw new UsageError(`--status ${JSON.stringify(o.status)} has unknown status${bad.length > 1 ? 'es' : ''} ${bad.map((s) => `"${s}"`).join(', ')}`, {
        hint: `Use a comma list of: ${LIST_STATUSES.join(', ')}.`,
      });
    }
    status = wanted.join(',');
  }

  const envelopes: ListedEnvelope[] = [];
  let totalSetSize: number | undefined;
  const firstStart = start;
  let more = true;
  while (envelopes.length < limit && more) {
    const count = Math.min(PAGE, limit - envelopes.length);
    const page = await ctx.rest.json<{
      envelopes?: Record<string, unknown>[];
      resultSetSize?: string;
      totalSetSize?: string;
      endPosition?: string;
    }>({
      method: 'GET',
      path: '/envelopes',
      // DocuSign wants from_date, envelope_ids or transaction_ids; a transactionId lookup needs no date.
      query: o.transactionId
        ? { transaction_ids: o.transactionId, status, count, start_position: start }
        : { from_date: from.toISOString(), to_date: to?.toISOString(), status, count, start_position: start, order: 'desc', order_by: 'last_modified' },
    });
    const got = page.envelopes ?? [];
    if (page.totalSetSize !== undefined) totalSetSize = Number(page.totalSetSize);
    for (const e of got.slice(0, limit - envelopes.length)) envelopes.push(pick(e));
    start += got.length;
    more = got.length > 0 && (totalSetSize === undefined ? got.length === count : start < totalSetSize);
  }
  const nextStartPosition = more ? start : null;
  const json = {
    envelopes,
    resultSetSize: envelopes.length,
    totalSetSize: totalSetSize ?? firstStart + envelopes.length,
    startPosition: firstStart,
    nextStartPosition,
    fromDate: from.toISOString(),
    ...(to ? { toDate: to.toISOString() } : {}),
  };
  const p = ctx.printer;
  p.result({
    json,
    quiet: envelopes.length ? envelopes.map((e) => e.envelopeId).join('\n') : undefined,
    human: () => {
      if (!envelopes.length) return `no envelopes changed since ${from.toISOString()}${to ? ` until ${to.toISOString()}` : ''}${status ? ` with status ${status}` : ''}`;
      const lines = envelopes.map(
        (e) => `${e.envelopeId}  ${colourStatus(p.c, e.status.padEnd(9))}  ${(e.statusChangedDateTime ?? '').slice(0, 19).replace('T', ' ')}  ${e.emailSubject}`,
      );
      return lines.join('\n');
    },
  });
  if (!ctx.flags.json && nextStartPosition !== null) {
    p.info(`${envelopes.length} of ${json.totalSetSize}; next page: esign list --start-position ${nextStartPosition}${o.from ? ` --from ${o.from}` : ''}${o.to ? ` --to ${o.to}` : ''}${o.status ? ` --status ${o.status}` : ''}`);
  }
  return 0;
}

function pick(e: Record<string, unknown>): ListedEnvelope {
  const out: ListedEnvelope = { envelopeId: String(e.envelopeId ?? ''), status: String(e.status ?? ''), emailSubject: String(e.emailSubject ?? '') };
  for (const k of ['createdDateTime', 'sentDateTime', 'completedDateTime', 'statusChangedDateTime'] as const) {
    if (typeof e[k] === 'string' && e[k]) out[k] = e[k] as string;
  }
  return out;
}
