import type { CommandDef } from '../types.js';

export const downloadCommand: CommandDef = {
  name: 'download',
  args: '<envelope-id>',
  summary: 'download an envelope\'s documents as one combined PDF',
  examples: [
    'esign download 3f0c5b1e-8a4e-4c47-9a57-0c1d2e3f4a5b            # writes <envelope-id>.pdf',
    'esign download "$ENVELOPE_ID" --output signed/contract.pdf --force',
    'esign download "$ENVELOPE_ID" --output - > contract.pdf      # to stdout',
  ],
  configure(cmd) {
    cmd
      .option('-o, --output <file>', 'where to write the PDF (a folder takes <envelope-id>.pdf; "-" is stdout); default ./<envelope-id>.pdf')
      .option('--force', 'overwrite an existing file');
  },
  async run(ctx, opts, args) {
    const { runDownload } = await import('./run.js');
    return runDownload(ctx, args[0], opts as never);
  },
};
