import type { CommandDef } from '../types.js';

export const emulatorCommand: CommandDef = {
  name: 'emulator',
  summary: 'run the built-in DocuSign emulator on loopback until Ctrl-C',
  examples: ['esign emulator --port 8080', 'esign emulator --auto-consent --latency 50 --fault-rate 0.1'],
  configure(cmd) {
    cmd
      .option('--port <n>', 'port of the OAuth host (REST host: the next port)', '8080')
      .option('--auto-consent', 'grant consent automatically on the first token request')
      .option('--latency <ms>', 'added latency per response', '0')
      .option('--fault-rate <p>', 'probability (0..1) of an injected fault per REST request', '0');
  },
  async run(ctx, opts) {
    const { runEmulator } = await import('./run.js');
    return runEmulator(ctx, opts as never);
  },
};
