import { Command, CommanderError, Option } from 'commander';
import type { GlobalFlags, Overrides } from './context.js';
import { ExitCode, isEsignError, type EsignError } from './errors.js';
import type { Io } from './output/io.js';
import { redact } from './output/redact.js';
import { COMMANDS } from './commands/registry.js';
import { VERSION } from './version.js';

/** Output of an error, human or JSON, on stderr. */
function reportError(io: Io, e: EsignError, json: boolean, color: boolean): void {
  if (json) {
    const out = {
      error: {
        code: e.code,
        message: e.message,
        ...(e.hint ? { hint: e.hint } : {}),
        exitCode: e.exitCode,
        ...(e.details ? { details: e.details } : {}),
      },
    };
    io.stderr.write(redact(JSON.stringify(out, null, 2)) + '\n');
    return;
  }
  const red = (s: string) => (color ? `\u001b[31m${s}\u001b[39m` : s);
  const dim = (s: string) => (color ? `\u001b[2m${s}\u001b[22m` : s);
  io.stderr.write(redact(`${red('error:')} ${e.message}\n`));
  if (e.hint) io.stderr.write(redact(`${dim('hint:')} ${e.hint}\n`));
}

/** Builds the commander program (also used by completion and the help test). */
export function buildProgram(io: Io, run: (def: (typeof COMMANDS)[number], cmd: Command, args: string[]) => Promise<void>): Command {
  const program = new Command('esign')
    .description('DocuSign eSignature from the command line: service-account (JWT) auth, templates, embedded signing.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpCommand(false)
    .showSuggestionAfterError(true)
    // Every command's --help also lists the global options (settings flags, --json, …).
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => undefined, // reported by main() with the documented exit code
    })
    .exitOverride();

  program
    .option('--json', 'one JSON document on stdout; errors as JSON on stderr')
    .option('-q, --quiet', 'print only the essential value (URL, envelope id)')
    .option('-v, --verbose', 'HTTP trace on stderr (secrets always redacted)')
    .option('--no-color', 'disable colour (also NO_COLOR)')
    .option('--profile <name>', 'profile to use (ESIGN_PROFILE; default "default")')
    .option('--env <env>', 'demo, production, or an OAuth base URL (ESIGN_ENV)')
    .option('--integration-key <guid>', 'integration key / client id (ESIGN_INTEGRATION_KEY)')
    .option('--user-id <guid>', 'API user id to impersonate (ESIGN_USER_ID)')
    .option('--private-key-file <path>', 'RSA private key PEM (ESIGN_PRIVATE_KEY_FILE; or ESIGN_PRIVATE_KEY text)')
    .option('--account-id <guid>', 'account to use; default: the user\'s default account (ESIGN_ACCOUNT_ID)')
    .option('--redirect-uri <url>', 'consent redirect URI registered on the integration key (ESIGN_REDIRECT_URI)')
    .option('--request-timeout <seconds>', 'per-request timeout in seconds (ESIGN_TIMEOUT; default 30)')
    .addOption(new Option('--no-cache', 'do not read or write the token cache').hideHelp(false));

  program.addHelpText(
    'after',
    `
Settings precedence: flags > environment variables > the selected profile > defaults.
Exit codes: 0 ok, 1 internal error, 2 usage/invalid input, 3 consent required,
            4 auth/configuration, 5 DocuSign rejected the request, 6 network/rate limit, 130 interrupted.

Examples:
  $ esign init                                   # create a profile (prompts on a TTY)
  $ esign consent --open --wait                  # grant consent once, wait for it
  $ esign send templates/nda.yaml --var company=Acme --var counterparty.name="Pat Example" --var counterparty.email=pat@example.com --role "Legal=Lee Legal <legal@example.com>" --sign-url
  $ esign demo                                   # everything, offline, against the built-in emulator
`,
  );

  for (const def of COMMANDS) {
    const cmd = program.command(def.args ? `${def.name} ${def.args}` : def.name).description(def.summary);
    cmd.helpOption('-h, --help', 'show help');
    def.configure(cmd);
    if (def.examples.length) cmd.addHelpText('after', `\nExamples:\n${def.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
    cmd.action(async (...a: unknown[]) => {
      const self = a[a.length - 1] as Command;
      await run(def, self, self.args);
    });
  }
  return program;
}

/**
 * Runs esign with argv (without `node esign`) and returns the exit code. Nothing else in esign
 * decides an exit code or calls process.exit.
 */
export async function main(
  argv: string[],
  io: Io,
  env: NodeJS.ProcessEnv,
  overrides: Overrides & { signal?: AbortSignal } = {},
): Promise<number> {
  const wantsJson = argv.includes('--json');
  const color = !argv.includes('--no-color') && !('NO_COLOR' in env) && Boolean(io.stderr.isTTY);
  let exit: number = ExitCode.ok;
  const signal = overrides.signal ?? new AbortController().signal;

  const program = buildProgram(io, async (def, cmd, args) => {
    // The per-request timeout is --request-timeout, so `consent --wait --timeout S` and
    // `sign-url --wait --timeout S` (how long to wait) cannot be mistaken for it.
    const flags = { ...cmd.optsWithGlobals(), timeout: program.opts().requestTimeout } as GlobalFlags & Record<string, unknown>;
    // Loaded only when a command runs: `esign --help` never pays for settings, HTTP or auth.
    const { Context } = await import('./context.js');
    const ctx = new Context(io, env, flags, signal, overrides);
    const r = await def.run(ctx, cmd.opts(), args);
    exit = typeof r === 'number' ? r : ExitCode.ok;
  });

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return ExitCode.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.ok;
      const msg = e.message.replace(/^error: /, '');
      const { UsageError } = await import('./errors.js');
      const hint =
        e.code === 'commander.excessArguments'
          ? 'A value with spaces needs quotes: --var counterparty.name="Pat Example". See `esign <command> --help`.'
          : 'Run `esign --help` or `esign <command> --help`.';
      reportError(io, new UsageError(msg, { hint }), wantsJson, color);
      return ExitCode.usage;
    }
    if (isEsignError(e)) {
      reportError(io, e, wantsJson, color);
      return e.exitCode;
    }
    if (signal.aborted) {
      const { InterruptedError } = await import('./errors.js');
      reportError(io, new InterruptedError(), wantsJson, color);
      return ExitCode.interrupted;
    }
    // An unexpected error: a short message without the stack (redacted like everything else).
    const { EsignError } = await import('./errors.js');
    const msg = e instanceof Error ? e.message : String(e);
    reportError(
      io,
      new EsignError('INTERNAL', ExitCode.internal, `internal error: ${msg}`, {
        hint: 'This is a bug in esign. Run again with --verbose and report it (the output is safe to share: secrets are redacted).',
      }),
      wantsJson,
      color,
    );
    if (env.ESIGN_DEBUG_STACK === '1' && e instanceof Error && e.stack) io.stderr.write(redact(e.stack) + '\n');
    return ExitCode.internal;
  }
}
