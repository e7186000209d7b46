import type { CommandDef } from '../types.js';

export const logoutCommand: CommandDef = {
  name: 'logout',
  summary: 'forget cached access tokens (the next command gets a new one)',
  examples: ['esign logout'],
  configure() {},
  async run(ctx) {
    const { TokenCache } = await import('../../auth/token.js');
    const n = new TokenCache(ctx.settings.configDir).clear();
    ctx.printer.result({ human: `removed ${n} cached token${n === 1 ? '' : 's'}`, json: { removed: n }, quiet: String(n) });
  },
};
