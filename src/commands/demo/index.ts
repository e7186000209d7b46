import type { CommandDef } from '../types.js';

export const demoCommand: CommandDef = {
  name: 'demo',
  summary: 'the whole job offline: emulator, throw-away profile, consent, send templates/nda.yaml, embedded signing',
  examples: ['esign demo', 'npm run demo', 'esign demo --template templates/offer-letter.yaml --var company=Acme --var candidate.name="Pat Example" --var candidate.email=pat@example.com --var job.title=Engineer --var job.start=2025-01-01 --var job.salary=1',  'esign demo --port 8080   # emulator on fixed ports 8080/8081', 'esign demo < /dev/null   # no TTY: signs by itself and exits'],
  configure(cmd) {
    cmd
      .option('--port <n>', 'port of the emulator\'s OAuth host (REST host: the next port); 0 = any free port', '0')
      .option('--template <file>', 'template to send (default: the packaged templates/nda.yaml, with its variables filled)')
      .option('--var <name=value>', 'with --template: a template variable (repeatable)', (v: string, prev: string[] = []) => [...prev, v], [])
      .option('--vars <file>', 'with --template: variables from a JSON or YAML file')
      .option('--role <"ROLE=Name <email>">', 'with --template: fill a template role (repeatable)', (v: string, prev: string[] = []) => [...prev, v], []);
    cmd.addHelpText(
      'after',
      '\nOn a terminal the demo waits until you sign in a browser, then keeps the emulator up until Ctrl-C.\n' +
        'Without a terminal (or with CI=true) it signs through the emulator\'s signing page itself, shows the\n' +
        'envelope completed and exits 0. Everything it creates lives in a temp folder removed at exit.\n',
    );
  },
  async run(ctx, opts) {
    const { runDemo } = await import('./run.js');
    return runDemo(ctx, opts as never);
  },
};
