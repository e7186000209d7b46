import { Option } from 'commander';
import type { CommandDef } from '../types.js';

export const consentCommand: CommandDef = {
  name: 'consent',
  summary: 'print the consent URL the impersonated user (or an org admin) opens once',
  examples: [
    'esign consent',
    'esign consent --open --wait --timeout 300',
    'esign consent --check && echo "consent is in place"',
    'esign consent --admin',
  ],
  configure(cmd) {
    cmd
      .option('--admin', 'organization admin consent URL (grants consent for all users of the org)')
      .option('--open', 'open the URL in the browser')
      .option('--wait', 'poll until consent is granted (exit 0) or --timeout passes (exit 3)')
      .option('--check', 'print a one-line verdict only: exit 0 when a token can be had, 3 when consent is missing')
      .addOption(new Option('--timeout <seconds>', 'how long --wait polls (default 300)'));
  },
  async run(ctx, opts) {
    const { runConsent } = await import('./run.js');
    // Without --timeout, --wait polls for 300 s. (The per-request timeout is --request-timeout.)
    const timeout = (opts.timeout as string | undefined) ?? '300';
    return runConsent(ctx, { ...(opts as object), timeout } as never);
  },
};
