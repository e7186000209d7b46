import type { CommandDef } from '../types.js';

export const demoCommand: CommandDef = {
  name: 'demo',
  summary: 'the whole job offline: emulator, throw-away profile, consent, send templates/nda.yaml, embedded signing',
  examples: ['esign demo', 'npm run demo', 'esign demo --port 8080   # emulator on fixed ports 8080/8081', 'esign demo < /dev/null   # no TTY: signs by itself and exits'],
  configure(cmd) {
    cmd
      .option('--port <n>', 'port of the emulator\'s OAuth host (REST host: the next port); 0 = any free port', '0')
      .option('--template <file>', 'template to send (default: the packaged templates/nda.yaml)');
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
