import type { CommandDef } from '../types.js';

export const tokenCommand: CommandDef = {
  name: 'token',
  summary: 'print a valid access token (cached while it has at least 5 minutes left)',
  examples: ['esign token', 'TOKEN=$(esign token --quiet)', 'esign token --json | jq -r .expiresAt'],
  configure() {},
  async run(ctx) {
    const t = await ctx.auth.tokenWithUser();
    const expiresAt = new Date(t.expiresAt).toISOString();
    // The one place esign prints a token: it is this command's result. Written unredacted on purpose.
    if (ctx.flags.json) ctx.io.stdout.write(JSON.stringify({ accessToken: t.accessToken, expiresAt }, null, 2) + '\n');
    else ctx.io.stdout.write(t.accessToken + '\n');
    ctx.printer.info(`expires ${expiresAt}`);
  },
};
