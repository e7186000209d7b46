import type { CommandDef } from '../types.js';

export const statusCommand: CommandDef = {
  name: 'status',
  args: '<envelope-id>',
  summary: 'show an envelope\'s status and its recipients (one API call)',
  examples: [
    'esign status 3f0c5b1e-8a4e-4c47-9a57-0c1d2e3f4a5b',
    'esign status "$ENVELOPE_ID" --json | jq -r .status',
    'esign status "$ENVELOPE_ID" --quiet   # prints only the status, e.g. completed',
  ],
  configure(cmd) {
    cmd.addHelpText(
      'after',
      '\nDocuSign allows about one status read per envelope every 15 minutes; for waiting on many\nenvelopes use Connect webhooks or `esign list --status completed --from <date>`.\n',
    );
  },
  async run(ctx, _opts, args) {
    const { runStatus } = await import('./run.js');
    return runStatus(ctx, args[0]);
  },
};
