import type { CommandDef } from '../types.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export const sendCommand: CommandDef = {
  name: 'send',
  args: '[template-file]',
  summary: 'send an envelope built from a template file (esign YAML/JSON, web-app export, or envelope definition)',
  examples: [
    'esign send templates/nda.yaml --var company=Acme --var counterparty.name="Pat Example" --var counterparty.email=pat@example.com --role "Legal=Lee Legal <legal@example.com>" --sign-url',
    'esign send templates/offer-letter.yaml --vars offer.yaml --role "Candidate=Sam Lee <sam@example.com>"',
    'esign send exported-template.json --role "New Hire=Sam Lee <sam@example.com>" --role "HR Rep=Kim Park <kim@example.com>"',
    'esign send --template-id 1b2c… --role "Signer=Pat Example <pat@example.com>"',
    'esign send templates/nda.yaml --data signers.csv --concurrency 8 --json > results.jsonl',
    'esign send templates/nda.yaml --vars nda-vars.yaml --role "Legal=Lee Legal <legal@example.com>" --dry-run',
  ],
  configure(cmd) {
    cmd
      .option('--var <name=value>', 'a template variable (repeatable; dot paths allowed)', collect, [])
      .option('--vars <file>', 'variables from a JSON or YAML file')
      .option('--role <"ROLE=Name <email>">', 'fill a template role (repeatable)', collect, [])
      .option('--template-id <id>', 'send from a server template (no file)')
      .option('--embedded', 'signers get a clientUserId: no email from DocuSign, sign via `esign sign-url`')
      .option('--draft', 'create the envelope as a draft (status "created") instead of sending it')
      .option('--dry-run', 'validate and print the envelope definition; no token, no network')
      .option('--sign-url', 'also create signing URLs for embedded signers whose turn it is')
      .option('--open', 'open the first signing URL in the browser (implies --sign-url)')
      .option('--return-url <url>', 'where DocuSign sends the signer after signing (with --sign-url)')
      .option('--data <file>', 'CSV, JSON array or JSON Lines: one envelope per row, row fields are variables')
      .option('--concurrency <n>', 'parallel sends with --data (default 8)')
      .option('--bulk', "with --data: use DocuSign's Bulk Send API (automatic above 500 rows)")
      .option('--resume', 'with --data: skip rows already sent (looked up by their transactionId)');
  },
  async run(ctx, opts, args) {
    const { runSend } = await import('./run.js');
    return runSend(ctx, opts as never, args[0]);
  },
};
