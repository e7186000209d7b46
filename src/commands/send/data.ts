/**
 * `esign send TEMPLATE --data FILE`: one envelope per row. Every row is built and validated before
 * the first send (nothing is sent when any row is bad); then rows go out with bounded concurrency
 * under DocuSign's burst limit, or through DocuSign's Bulk Send API for large files (./bulk.ts).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from '../../context.js';
import {
  ApiError,
  AuthError,
  ConsentRequiredError,
  EsignError,
  InterruptedError,
  InvalidInputError,
  NetworkError,
  UsageError,
  formatProblem,
  type InputProblem,
} from '../../errors.js';
import {
  buildEnvelope,
  loadTemplate,
  lookupVar,
  parseDataFile,
  parseRoleFlag,
  type BuiltEnvelope,
  type DataRow,
  type LoadedTemplate,
  type RoleAssignment,
} from '../../templates/index.js';
import { isOutcomeUnknown } from '../../docusign/envelopes.js';
import { collectVars, resultJson, sendBuilt, type SendFlags, type SendResult } from './run.js';

/** Above this many rows `--data` goes through DocuSign's Bulk Send API by itself (see docs/bulk.md). */
export const AUTO_BULK_ROWS = 500;
/**
 * Default parallel sends. DocuSign's burst limit is 200 calls per 30 s on demo (500 on production);
 * an envelope create with a document takes roughly 0.5–1.5 s there, so 8 workers make about
 * 5–16 calls/s — at or under demo's 6.7/s on average — and the BurstWindow below holds the rest.
 */
export const DEFAULT_CONCURRENCY = 8;
export const MAX_CONCURRENCY = 32;
/** How many transactionIds one `GET /envelopes?transaction_ids=` carries (keeps the URL short). */
const RESUME_LOOKUP_BATCH = 50;
/** DocuSign's burst window (reference §13). */
const BURST_WINDOW_MS = 30_000;

/** One validated row, ready to send. */
export interface PreparedRow {
  /** 1-based position among the data rows. */
  row: number;
  line: number;
  built: BuiltEnvelope;
  transactionId: string;
}

/** A row whose create may or may not have been carried out. */
interface UnknownRow {
  row: number;
  line: number;
  transactionId: string;
  code: string;
  message: string;
}

/** A row that failed while sending. */
interface RowFailure {
  row: number;
  line: number;
  code: string;
  message: string;
  status?: number;
}

/** Parses --concurrency (1..32). */
export function parseConcurrency(v: string | undefined): number {
  if (v === undefined) return DEFAULT_CONCURRENCY;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (got ${JSON.stringify(v)})`, {
      hint: `The default (${DEFAULT_CONCURRENCY}) stays under DocuSign's burst limit; for thousands of rows use --bulk.`,
    });
  }
  return n;
}

/** `--role` flags are defaults: a row that names the role itself (ROLE, ROLE.name or ROLE.email) wins. */
export function rolesForRow(flagRoles: RoleAssignment[], vars: Record<string, unknown>): RoleAssignment[] {
  return flagRoles.filter((r) => !lookupVar(vars, r.role).found && !lookupVar(vars, `${r.role}.email`).found && !lookupVar(vars, `${r.role}.name`).found);
}

/** JSON with sorted keys, so equal inputs hash equally whatever their column order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * The transactionId of a row: a hash of the template's content and the row's effective inputs. The
 * same template and row always give the same id, so `--resume` can ask DocuSign which rows it
 * already has (GET /envelopes?transaction_ids=…; DocuSign keeps them for 7 days).
 */
export function rowTransactionId(templateHash: string, inputs: unknown): string {
  return `esign-${createHash('sha256').update(templateHash).update('\0').update(canonical(inputs)).digest('hex').slice(0, 40)}`;
}

/** Reads the data file, builds every row and reports every bad row at once (exit 2, nothing sent). */
export async function prepareRows(ctx: Context, f: SendFlags, file: string): Promise<{ template: LoadedTemplate; rows: PreparedRow[] }> {
  const dataFile = f.data!;
  const flagRoles = (f.role ?? []).map(parseRoleFlag);
  const flagVars = await collectVars(f);
  const [data, template, templateBytes] = await Promise.all([parseDataFile(dataFile), loadTemplate(file), readFile(file)]);
  const templateHash = createHash('sha256').update(templateBytes).digest('hex');
  const problems: InputProblem[] = [];
  const rows: PreparedRow[] = [];
  const warnings = new Map<string, number>();
  for (const [i, row] of data.entries()) {
    const vars = { ...flagVars, ...row.vars };
    const roles = rolesForRow(flagRoles, row.vars);
    const where = `row ${i + 1} (line ${row.line})`;
    try {
      const built = await buildEnvelope(template, { vars, roles, embedded: f.embedded, draft: f.draft });
      for (const w of built.warnings) warnings.set(w, (warnings.get(w) ?? 0) + 1);
      const transactionId = rowTransactionId(templateHash, { vars, roles, embedded: Boolean(f.embedded), draft: Boolean(f.draft) });
      rows.push({ row: i + 1, line: row.line, built, transactionId });
    } catch (e) {
      if (e instanceof InvalidInputError) {
        for (const p of e.problems) problems.push({ file: dataFile, path: where, message: formatProblem({ path: p.path, message: p.message }) });
      } else if (e instanceof UsageError) {
        problems.push({ file: dataFile, path: where, message: e.message });
      } else throw e;
    }
  }
  if (problems.length > 0) {
    const bad = new Set(problems.map((p) => p.path)).size;
    throw new InvalidInputError(`--data ${dataFile}: ${bad} of ${data.length} row${data.length === 1 ? '' : 's'} cannot be sent; nothing was sent`, problems, {
      hint: 'fix these rows and run again; add --dry-run to check the file without sending',
    });
  }
  for (const [w, n] of warnings) ctx.printer.warn(n > 1 && n < data.length ? `${w} (${n} rows)` : w);
  noteDuplicates(ctx, data, rows);
  if (rows.length > 1) await shareSmallDocuments(rows);
  return { template, rows };
}

/** Documents up to this size are read once and shared by every row instead of re-read per envelope. */
const SHARED_DOCUMENT_BYTES = 2 * 1024 * 1024;

/** Reads each small document file once for all rows (large ones keep streaming from disk per send). */
async function shareSmallDocuments(rows: PreparedRow[]): Promise<void> {
  const cache = new Map<string, Promise<Buffer>>();
  for (const r of rows) {
    for (const d of r.built.documents) {
      if (!d.path || d.bytes || d.size > SHARED_DOCUMENT_BYTES) continue;
      if (!cache.has(d.path)) cache.set(d.path, readFile(d.path));
      d.bytes = await cache.get(d.path)!;
    }
  }
}

/** Two identical rows would be two identical envelopes, and --resume could not tell them apart. */
function noteDuplicates(ctx: Context, data: DataRow[], rows: PreparedRow[]): void {
  const seen = new Map<string, number>();
  for (const r of rows) {
    const first = seen.get(r.transactionId);
    if (first !== undefined) ctx.printer.warn(`--data: row ${r.row} (line ${r.line}) repeats row ${first} (line ${data[first - 1]?.line}); both are sent, but --resume treats them as one`);
    else seen.set(r.transactionId, r.row);
  }
}

/**
 * Starts no more than `limit` calls in any 30 s window: DocuSign's burst limit counts calls per
 * account, and concurrency alone does not bound a rate. The limit follows X-BurstLimit-Limit once
 * DocuSign has reported it (90 % of it, leaving room for other apps on the account).
 */
export class BurstWindow {
  private starts: { at: number; cost: number }[] = [];
  constructor(
    private readonly limit: () => number,
    private readonly signal?: AbortSignal,
    private readonly onWait?: (ms: number) => void,
  ) {}

  /** Waits until `cost` more calls fit in the window, then records them. */
  async take(cost = 1): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.starts.length && now - this.starts[0]!.at >= BURST_WINDOW_MS) this.starts.shift();
      const used = this.starts.reduce((n, s) => n + s.cost, 0);
      if (used + cost <= Math.max(cost, this.limit())) {
        this.starts.push({ at: now, cost });
        return;
      }
      const wait = Math.max(10, BURST_WINDOW_MS - (now - this.starts[0]!.at));
      this.onWait?.(wait);
      try {
        await sleep(wait, undefined, { signal: this.signal });
      } catch {
        throw new InterruptedError();
      }
    }
  }
}

/** Errors after which the other rows cannot succeed either: stop starting rows. */
function isFatal(e: unknown): boolean {
  return (
    e instanceof AuthError ||
    e instanceof ConsentRequiredError ||
    e instanceof InterruptedError ||
    (e instanceof NetworkError && e.code === 'RATE_LIMITED')
  );
}

function failureOf(p: PreparedRow, e: unknown): RowFailure {
  if (e instanceof ApiError) return { row: p.row, line: p.line, code: e.errorCode ?? e.code, message: e.message, status: e.status };
  if (e instanceof EsignError) return { row: p.row, line: p.line, code: e.code, message: e.message };
  return { row: p.row, line: p.line, code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}


/** Progress on stderr: a bar on a terminal, nothing otherwise (the summary follows at the end). */
export interface Progress {
  tick(n?: number): void;
  /** Writes a line without tearing the bar. */
  log(stream: 'out' | 'err', text: string): void;
  stop(): void;
}

/** A cli-progress bar when stderr is a terminal (loaded only then), else plain writes. */
export async function startProgress(ctx: Context, total: number, label: string): Promise<Progress> {
  const p = ctx.printer;
  const plain: Progress = {
    tick: () => undefined,
    log: (stream, text) => (stream === 'out' ? p.out(text) : p.err(text)),
    stop: () => undefined,
  };
  if (!p.isTTY || p.opts.quiet || total < 2) return plain;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: ctx.io.stderr as NodeJS.WritableStream,
      format: `${label} [{bar}] {value}/{total} {percentage}% | {eta_formatted} left`,
      hideCursor: true,
      clearOnComplete: true,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  // Lines for a terminal stdout would tear the bar: hold them until it is gone.
  const held: string[] = [];
  return {
    tick: (n = 1) => bar.increment(n),
    log: (stream, text) => {
      if (stream === 'out' && !ctx.io.stdout.isTTY) p.out(text);
      else held.push(stream === 'out' ? `o${text}` : `e${text}`);
    },
    stop: () => {
      bar.stop();
      for (const h of held) (h[0] === 'o' ? p.out.bind(p) : p.err.bind(p))(h.slice(1));
    },
  };
}

/** Asks DocuSign which rows' transactionIds it already has; returns txId → envelope. */
export async function findSentRows(ctx: Context, rows: PreparedRow[], window: BurstWindow): Promise<Map<string, { envelopeId: string; status: string }>> {
  const found = new Map<string, { envelopeId: string; status: string }>();
  for (let i = 0; i < rows.length; i += RESUME_LOOKUP_BATCH) {
    const ids = rows.slice(i, i + RESUME_LOOKUP_BATCH).map((r) => r.transactionId);
    await window.take(1);
    const r = await ctx.rest.json<{ envelopes?: { envelopeId: string; status: string; transactionId?: string }[] }>({
      method: 'GET',
      path: '/envelopes',
      query: { transaction_ids: ids.join(',') },
    });
    for (const e of r.envelopes ?? []) {
      // A voided or deleted envelope does not count as sent: the row goes out again.
      if (!e.transactionId || /^(voided|deleted)$/i.test(e.status)) continue;
      if (!found.has(e.transactionId)) found.set(e.transactionId, { envelopeId: e.envelopeId, status: e.status });
    }
  }
  return found;
}

/** `esign send TEMPLATE --data FILE [--concurrency N] [--bulk] [--resume]`. */
export async function runSendData(ctx: Context, f: SendFlags, file: string): Promise<number> {
  const concurrency = parseConcurrency(f.concurrency);
  if (f.bulk && (f.signUrl || f.draft || f.resume)) {
    throw new UsageError('--bulk cannot be combined with --sign-url, --open, --draft or --resume', {
      hint: 'DocuSign makes bulk envelopes itself: get signing URLs later with `esign sign-url`, and track a batch by its id. Drop --bulk to send row by row.',
    });
  }
  const { template, rows } = await prepareRows(ctx, f, file);
  const bulk = f.bulk || (rows.length > AUTO_BULK_ROWS && !f.signUrl && !f.draft && !f.resume);

  if (f.dryRun) {
    if (ctx.printer.opts.json) for (const r of rows) ctx.printer.jsonLine({ row: r.row, transactionId: r.transactionId, status: r.built.status, recipients: r.built.recipients });
    ctx.printer.err(`dry run: all ${rows.length} row${rows.length === 1 ? '' : 's'} of ${f.data} are valid; nothing was sent (${bulk ? "would use DocuSign's Bulk Send API" : `would send ${Math.min(concurrency, rows.length)} at a time`})\n`);
    return 0;
  }

  if (bulk) {
    if (!f.bulk) ctx.printer.info(`${rows.length} rows (more than ${AUTO_BULK_ROWS}): sending through DocuSign's Bulk Send API (see docs/bulk.md)`);
    const { runBulk } = await import('./bulk.js');
    return runBulk(ctx, f, template, rows);
  }
  return sendRows(ctx, f, rows, concurrency);
}

/** Sends prepared rows one envelope each, `concurrency` at a time. */
async function sendRows(ctx: Context, f: SendFlags, all: PreparedRow[], concurrency: number): Promise<number> {
  const started = performance.now();
  const p = ctx.printer;
  const window = new BurstWindow(
    () => Math.floor((ctx.transport.rate.burstLimit ?? 200) * 0.9),
    ctx.signal,
    (ms) => p.trace(`  waiting ${ms} ms: keeping under DocuSign's burst limit`),
  );
  // One token and one userinfo for all rows, before the workers start (and auth problems stop here).
  await ctx.rest.account();

  let rows = all;
  let skipped = 0;
  if (f.resume) {
    const sent = await findSentRows(ctx, all, window);
    rows = all.filter((r) => !sent.has(r.transactionId));
    skipped = all.length - rows.length;
    for (const r of all) {
      const s = sent.get(r.transactionId);
      if (!s) continue;
      p.info(`↷ row ${r.row} (line ${r.line}): already sent as envelope ${s.envelopeId} (${s.status.toLowerCase()}); skipped`);
      // A script rebuilding results.jsonl from a resumed run still gets every row's envelope id.
      if (p.opts.json) p.jsonLine({ row: r.row, skipped: true, envelopeId: s.envelopeId, status: s.status.toLowerCase() });
    }
  }

  const hourly = ctx.transport.rate.remaining;
  if (hourly !== undefined && hourly < rows.length) {
    p.warn(`DocuSign reports ${hourly} API calls left this hour for the account, fewer than the ${rows.length} envelopes to send; the rest stop at the limit (then run again with --resume), or use --bulk`);
  }

  const progress = await startProgress(ctx, rows.length, 'sending');
  const failures: RowFailure[] = [];
  /** Rows whose create may or may not have happened (in flight at Ctrl-C, or answer and lookup both lost). */
  const unknown: UnknownRow[] = [];
  let sentCount = 0;
  let next = 0;
  let fatal: unknown;
  const costPerRow = 1 + (f.signUrl ? Math.max(0, rows[0]?.built.recipients.filter((r) => r.embedded).length ?? 0) : 0);

  const worker = async () => {
    while (fatal === undefined && next < rows.length) {
      const pr = rows[next++]!;
      let inFlight = false;
      try {
        await window.take(costPerRow);
        inFlight = true;
        const r = await sendBuilt(ctx, pr.built, { signUrl: f.signUrl, returnUrl: f.returnUrl, transactionId: pr.transactionId });
        sentCount++;
        emitSent(ctx, progress, pr, r);
      } catch (e) {
        // Ctrl-C aborts every create in flight, but DocuSign may have carried them out: such a
        // row is neither sent nor "not attempted". The same for a create whose answer and lookup
        // were both lost.
        const maybe = isOutcomeUnknown(e) || (inFlight && e instanceof InterruptedError);
        if (maybe) {
          const u = { row: pr.row, line: pr.line, transactionId: pr.transactionId, code: e instanceof EsignError ? e.code : 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
          unknown.push(u);
          const message = e instanceof InterruptedError ? 'interrupted while the envelope was being created: it may or may not exist' : u.message;
          if (p.opts.json) progress.log('out', JSON.stringify({ row: u.row, error: { code: u.code, message, transactionId: u.transactionId, outcome: 'unknown' } }) + '\n');
          else progress.log('err', `${p.c.yellow('?')} row ${u.row} (line ${u.line}): ${message} (transactionId ${u.transactionId})\n`);
        }
        if (isFatal(e)) {
          fatal ??= e; // the others stop starting; a refused row counts as not sent
          break;
        }
        if (maybe) continue;
        const fl = failureOf(pr, e);
        failures.push(fl);
        if (p.opts.json) progress.log('out', JSON.stringify({ row: fl.row, error: { code: fl.code, message: fl.message } }) + '\n');
        else progress.log('err', `${p.c.red('✖')} row ${fl.row} (line ${fl.line}): ${fl.message}\n`);
      } finally {
        progress.tick();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  } finally {
    progress.stop();
  }

  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const notSent = rows.length - sentCount - failures.length - unknown.length;
  const parts = [`${sentCount} sent`];
  if (failures.length) parts.push(`${failures.length} failed`);
  if (unknown.length) parts.push(`${unknown.length} outcome unknown`);
  if (skipped) parts.push(`${skipped} skipped (already sent)`);
  if (notSent > 0) parts.push(`${notSent} not attempted`);
  if (!p.opts.quiet || failures.length || unknown.length || fatal) p.err(`${all.length} row${all.length === 1 ? '' : 's'}: ${parts.join(', ')} in ${secs} s\n`);

  unknown.sort((a, b) => a.row - b.row);
  const unknownList = unknown.map((u) => `  - row ${u.row} (line ${u.line}): transactionId ${u.transactionId}`);
  const unknownDetails = unknown.map((u) => ({ row: u.row, line: u.line, transactionId: u.transactionId }));
  const resumeHint =
    'run the same command with --resume: it asks DocuSign which rows it already has (by their transactionIds) and sends only the others' +
    (unknown.length ? `; to check one row by hand: esign list --transaction-id ${unknown[0]!.transactionId}` : '');
  if (fatal !== undefined) {
    // Ctrl-C with creates in flight: the rows above (one line each) name their transactionIds.
    if (fatal instanceof InterruptedError && unknown.length) {
      throw new InterruptedError(
        `interrupted: ${sentCount} sent, ${unknown.length} may or may not have been created (in flight: rows ${unknown.map((u) => u.row).join(', ')}), ${notSent} not attempted`,
        {
          hint: resumeHint.charAt(0).toUpperCase() + resumeHint.slice(1),
          details: { sent: sentCount, outcomeUnknown: unknownDetails, notAttempted: notSent, failed: failures.length, skipped },
        },
      );
    }
    const pending = notSent + failures.length + unknown.length;
    if (pending > 0) p.warn(`${pending} row(s) were not sent${unknown.length ? ` or may not have been (${unknown.length} with an unknown outcome)` : ''}; once the problem is fixed, ${resumeHint}`);
    throw fatal;
  }
  if (failures.length || unknown.length) {
    failures.sort((a, b) => a.row - b.row);
    const list = failures.map((x) => `  - row ${x.row} (line ${x.line}): ${x.code}: ${x.message}`);
    const msgs: string[] = [];
    if (failures.length) msgs.push(`${failures.length} of ${rows.length} row${rows.length === 1 ? '' : 's'} failed:\n${list.join('\n')}`);
    if (unknown.length) msgs.push(`${unknown.length} of ${rows.length} row${rows.length === 1 ? '' : 's'} may or may not have been created:\n${unknownList.join('\n')}`);
    const details = { failed: failures.map((x) => ({ row: x.row, line: x.line, code: x.code, message: x.message })), outcomeUnknown: unknownDetails, sent: sentCount, skipped };
    const hint = failures.length ? `fix them and ${resumeHint}` : `${resumeHint.charAt(0).toUpperCase()}${resumeHint.slice(1)}`;
    // Only rows whose outcome is unknown: the network's fault, not a refusal (exit 6).
    if (!failures.length) throw new NetworkError(msgs.join('\n'), { hint, details: { ...details, outcome: 'unknown' } });
    throw new ApiError(msgs.join('\n'), { status: failures.find((x) => x.status)?.status ?? 0, hint, details });
  }
  return 0;
}

function emitSent(ctx: Context, progress: Progress, pr: PreparedRow, r: SendResult): void {
  const p = ctx.printer;
  if (p.opts.json) return progress.log('out', JSON.stringify(resultJson(r)) + '\n');
  const urls = r.recipients.filter((x) => x.signingUrl).map((x) => x.signingUrl!);
  if (p.opts.quiet) return progress.log('out', [r.envelopeId, ...urls].join('\n') + '\n');
  const who = r.recipients.map((x) => `${x.name} <${x.email}>`).join(', ');
  const lines = [`${p.c.green('✔')} row ${pr.row} (line ${pr.line}): envelope ${r.envelopeId} ${r.status === 'created' ? 'created as a draft' : r.status} — ${who}`];
  for (const u of urls) lines.push(`    signing URL (single use, expires in ~5 min): ${u}`);
  progress.log('out', lines.join('\n') + '\n');
}
