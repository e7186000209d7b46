import { Chalk, type ChalkInstance } from 'chalk';
import type { Io } from './io.js';
import { redact } from './redact.js';

export interface PrinterOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

/**
 * Everything a command prints goes through here. stdout carries results only; progress, warnings,
 * hints and the verbose trace go to stderr. Every line is passed through redact().
 */
export class Printer {
  readonly c: ChalkInstance;
  constructor(
    readonly io: Io,
    readonly opts: PrinterOptions,
  ) {
    this.c = new Chalk({ level: opts.color ? 1 : 0 });
  }

  /** Prints a command's result: JSON document, the quiet value, or the human text. */
  result(r: { human: string | (() => string); json: unknown; quiet?: string }): void {
    if (this.opts.json) {
      this.out(JSON.stringify(r.json, null, 2) + '\n');
    } else if (this.opts.quiet) {
      if (r.quiet !== undefined) this.out(r.quiet + '\n');
    } else {
      const text = typeof r.human === 'function' ? r.human() : r.human;
      if (text) this.out(text.endsWith('\n') ? text : text + '\n');
    }
  }

  /** One JSON Lines record (bulk sends). */
  jsonLine(obj: unknown): void {
    this.out(JSON.stringify(obj) + '\n');
  }

  /** Writes to stdout, redacted. */
  out(text: string): void {
    this.io.stdout.write(redact(text));
  }

  /** Writes to stderr, redacted. */
  err(text: string): void {
    this.io.stderr.write(redact(text));
  }

  /** Progress or information for humans (stderr; silent with --quiet or --json). */
  info(msg: string): void {
    if (this.opts.quiet || this.opts.json) return;
    this.err(msg + '\n');
  }

  /** A warning (stderr; shown even with --quiet and --json). */
  warn(msg: string): void {
    this.err(this.c.yellow('warning: ') + msg + '\n');
  }

  /** A --verbose trace line (stderr). */
  trace(msg: string): void {
    if (!this.opts.verbose) return;
    this.err(this.c.dim(msg) + '\n');
  }

  get isTTY(): boolean {
    return Boolean(this.io.stderr.isTTY);
  }
}
