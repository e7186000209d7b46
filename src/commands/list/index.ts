import { Option } from 'commander';
import type { CommandDef } from '../types.js';

export const listCommand: CommandDef = {
  name: 'list',
  summary: 'list envelopes whose status changed in a date range (default: the last 30 days)',
  examples: [
    'esign list',
    'esign list --status sent,delivered --from 7d',
    'esign list --from 2024-01-01 --to 2024-02-01 --limit 500 --json',
    'esign list --json | jq -r \'.envelopes[] | select(.status=="completed") | .envelopeId\'',
    'esign list --start-position 100 --limit 100   # the next page',
    'esign list --transaction-id 5f0c…             # did that interrupted send create an envelope?',
  ],
  configure(cmd) {
    cmd
      .option('--from <date>', 'start of the range: YYYY-MM-DD, an ISO date-time, or Nd (N days ago); default 30d')
      .option('--to <date>', 'end of the range (same forms); default now')
      .option('--status <list>', 'comma list: created, sent, delivered, signed, completed, declined, voided, any, …')
      .addOption(new Option('--limit <n>', 'at most this many envelopes (esign pages through the results)').default('100'))
      .option('--start-position <n>', 'skip this many results (continue where a previous page ended)')
      .option('--transaction-id <id>', 'the envelope(s) created with this transactionId (what esign prints when a send\'s outcome is unknown)');
  },
  async run(ctx, opts) {
    const { runList } = await import('./run.js');
    return runList(ctx, opts as never);
  },
};
