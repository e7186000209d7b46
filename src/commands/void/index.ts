import type { CommandDef } from '../types.js';

export const voidCommand: CommandDef = {
  name: 'void',
  args: '<envelope-id>',
  summary: 'void a sent or delivered envelope (recipients are told, with the reason)',
  examples: [
    'esign void 3f0c5b1e-8a4e-4c47-9a57-0c1d2e3f4a5b --reason "Sent by mistake"',
    'esign void "$ENVELOPE_ID" --reason "Superseded by a new version" --json',
  ],
  configure(cmd) {
    cmd.option('--reason <text>', 'why it is voided (required; DocuSign shows it to the recipients)');
  },
  async run(ctx, opts, args) {
    const { runVoid } = await import('./run.js');
    return runVoid(ctx, args[0], opts as never);
  },
};
