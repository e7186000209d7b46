import type { CommandDef } from '../types.js';

export const initCommand: CommandDef = {
  name: 'init',
  summary: 'create or update a profile (prompts on a TTY for what the flags did not give)',
  examples: [
    'esign init',
    'esign init --profile prod --env production --integration-key <GUID> --user-id <GUID> --private-key-file ./private.key --redirect-uri https://example.com/callback',
  ],
  configure() {},
  async run(ctx) {
    const { runInit } = await import('./run.js');
    return runInit(ctx);
  },
};
