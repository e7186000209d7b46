import type { Command } from 'commander';
import type { Context } from '../context.js';

/**
 * A command = its definition (flags, help, examples) + its work, loaded only when it runs.
 * Definitions import nothing heavy, so `esign --help` stays as fast as Node's start-up.
 */
export interface CommandDef {
  name: string;
  /** `<envelope-id>` etc. */
  args?: string;
  summary: string;
  /** Shown under "Examples:" in the command's help. */
  examples: string[];
  configure(cmd: Command): void;
  run(ctx: Context, opts: Record<string, unknown>, args: string[]): Promise<number | void>;
}
