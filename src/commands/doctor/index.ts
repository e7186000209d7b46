import type { CommandDef } from '../types.js';

export const doctorCommand: CommandDef = {
  name: 'doctor',
  summary: 'check settings, key, key/integration match, clock, consent and account access',
  examples: [
    'esign doctor',
    'esign doctor --profile production',
    'esign doctor --json | jq \'.checks[] | select(.ok == false)\'',
  ],
  configure(cmd) {
    cmd.addHelpText(
      'after',
      '\nEach failed check has a hint. Exit 0 when every check passes; otherwise the code of the first\nfailure (3 consent, 4 key/settings, 5 account access, 6 network).\n',
    );
  },
  async run(ctx) {
    const { runDoctor } = await import('./run.js');
    return runDoctor(ctx);
  },
};
