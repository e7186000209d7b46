import type { CommandDef } from '../types.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export const signUrlCommand: CommandDef = {
  name: 'sign-url',
  args: '<envelope-id>',
  summary: 'create an embedded signing URL (single use, expires in ~5 minutes)',
  examples: [
    'esign sign-url 3f0c5b1e-8a4e-4c47-9a57-0c1d2e3f4a5b',
    'esign sign-url "$ENVELOPE_ID" --recipient pat@example.com --return-url https://app.example.com/signed --open',
    'esign sign-url "$ENVELOPE_ID" --recipient 2 --json | jq -r .url',
    'esign sign-url "$ENVELOPE_ID" --open --wait   # exit 0 once the signer has signed',
    'esign sign-url "$ENVELOPE_ID" --frame-ancestor https://app.example.com   # focused view in an iframe',
    'esign sign-url "$ENVELOPE_ID" --name "Pat Example" --email pat@example.com --client-user-id 1001   # one HTTP call',
  ],
  configure(cmd) {
    cmd
      .option('--recipient <who>', 'email, recipient id or role name of the embedded signer (optional when there is only one)')
      .option('--return-url <url>', 'absolute https URL the signer returns to, with ?event=… (default: https://www.docusign.com/; on the emulator a page of the emulator)')
      .option('--open', 'open the URL in the browser (in CI or without a display it only prints)')
      .option('--frame-ancestor <url>', 'focused view: an origin allowed to show the signing session in an iframe (repeatable)', collect)
      .option('--name <name>', "the signer's name exactly as sent (with --email and --client-user-id: skips reading the envelope)")
      .option('--email <email>', "the signer's email as sent")
      .option('--client-user-id <id>', "the signer's clientUserId as sent (also selects the signer)")
      .option('--wait', 'listen on loopback for the signer to come back, report the event (confirmed by the recipient status); exit 0 when signed or viewed')
      .option('--timeout <seconds>', 'how long --wait listens', '600');
    cmd.addHelpText(
      'after',
      '\nA signing URL works once and expires about 5 minutes after it is created: create it when the\n' +
        'signer clicks, never email or store it. esign reads the recipient\'s name, email and clientUserId\n' +
        'from the envelope, so the view request always matches what was sent.\n',
    );
  },
  async run(ctx, opts, args) {
    const { runSignUrl } = await import('./run.js');
    return runSignUrl(ctx, opts as never, args[0]);
  },
};
