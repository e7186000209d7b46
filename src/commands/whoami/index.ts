import type { CommandDef } from '../types.js';

export const whoamiCommand: CommandDef = {
  name: 'whoami',
  summary: 'show the impersonated user, the account in use and the user\'s accounts',
  examples: ['esign whoami', 'esign whoami --json | jq -r .account.baseUri'],
  configure() {},
  async run(ctx) {
    const t = await ctx.auth.tokenWithUser();
    const info = t.userinfo;
    const acct = ctx.auth.chooseAccount(info);
    const accounts = info.accounts.map((a) => ({ accountId: a.accountId, name: a.name, baseUri: a.baseUri, isDefault: a.isDefault }));
    const p = ctx.printer;
    p.result({
      json: {
        userId: info.userId,
        name: info.name,
        email: info.email,
        account: { accountId: acct.accountId, name: acct.name, baseUri: acct.baseUri },
        accounts,
      },
      quiet: info.userId,
      human: () =>
        [
          `${p.c.bold(info.name)} <${info.email}>  user ${info.userId}`,
          `account: ${acct.name} (${acct.accountId}) at ${acct.baseUri}`,
          `environment: ${ctx.auth.config.environment.name} (${ctx.auth.config.environment.oauthBase})`,
          '',
          'accounts:',
          ...accounts.map((a) => `  ${a.accountId === acct.accountId ? '*' : ' '} ${a.accountId}  ${a.name}${a.isDefault ? ' (default)' : ''}  ${a.baseUri}`),
        ].join('\n'),
    });
  },
};
