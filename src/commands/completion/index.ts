import type { CommandDef } from '../types.js';

export const completionCommand: CommandDef = {
  name: 'completion',
  args: '<shell>',
  summary: 'print a shell completion script (bash, zsh or fish)',
  examples: [
    'esign completion bash > ~/.local/share/bash-completion/completions/esign',
    'esign completion zsh > "${fpath[1]}/_esign"',
    'esign completion fish > ~/.config/fish/completions/esign.fish',
    'source <(esign completion bash)   # this shell only',
  ],
  configure() {},
  async run(ctx, _opts, args) {
    const { runCompletion } = await import('./run.js');
    return runCompletion(ctx, args[0]);
  },
};
