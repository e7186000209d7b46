import type { Io } from './output/io.js';
import { Printer } from './output/printer.js';
import { resolveSettings, type SettingFlags, type Settings } from './settings/resolve.js';
import { Transport } from './http/transport.js';
import { authConfig, type AuthConfig } from './auth/config.js';
import { TokenCache, TokenProvider } from './auth/token.js';
import { RestClient } from './docusign/rest.js';
import { UsageError } from './errors.js';

/** The longest per-request timeout (--request-timeout / ESIGN_TIMEOUT), in seconds. */
export const MAX_TIMEOUT_S = 3600;

/** Global flags every command accepts. */
export interface GlobalFlags extends SettingFlags {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  cache?: boolean;
}

/** Opens a URL in the user's browser (replaced in tests). */
export type Opener = (url: string) => Promise<void>;

/** Asks the user for a value (TTY only; replaced in tests). */
export interface Prompter {
  input(message: string, opts?: { default?: string; validate?: (v: string) => true | string }): Promise<string>;
  confirm(message: string, def?: boolean): Promise<boolean>;
}

/** Things tests can inject into main(). */
export interface Overrides {
  opener?: Opener;
  prompter?: Prompter;
  fetchImpl?: typeof fetch;
  backoffMs?: number;
  /** Transport created for the run (tests read `.calls`). */
  onTransport?: (t: Transport) => void;
}

/**
 * Everything a command needs, created per run: io, settings, HTTP, auth, REST, browser opener and
 * prompter. Parts are built lazily, so a command that makes no HTTP call never builds them.
 */
export class Context {
  readonly printer: Printer;
  private settingsMemo?: Settings;
  private transportMemo?: Transport;
  private authMemo?: TokenProvider;
  private restMemo?: RestClient;

  constructor(
    readonly io: Io,
    readonly env: NodeJS.ProcessEnv,
    readonly flags: GlobalFlags,
    readonly signal: AbortSignal,
    readonly overrides: Overrides = {},
  ) {
    const noColor = flags.color === false || 'NO_COLOR' in env || env.TERM === 'dumb' || !io.stdout.isTTY;
    this.printer = new Printer(io, {
      json: Boolean(flags.json),
      quiet: Boolean(flags.quiet),
      verbose: Boolean(flags.verbose),
      color: !noColor,
    });
  }

  /** stdin and stdout are terminals and CI is not set: prompts are allowed. */
  get interactive(): boolean {
    const ci = this.env.CI !== undefined && this.env.CI !== '' && this.env.CI !== 'false' && this.env.CI !== '0';
    return !ci && Boolean(this.io.stdin.isTTY) && Boolean(this.io.stdout.isTTY);
  }

  get settings(): Settings {
    if (!this.settingsMemo) {
      this.settingsMemo = resolveSettings(this.flags, this.env);
      this.traceSettings(this.settingsMemo);
    }
    return this.settingsMemo;
  }

  /** --verbose: each setting and where it came from (the key's text is never shown, only that it is set). */
  private traceSettings(s: Settings): void {
    if (!this.flags.verbose) return;
    const parts = [`profile=${s.profileName.value} (${s.profileName.origin ?? s.profileName.source})`];
    for (const [name, v] of Object.entries(s.values)) {
      if (v.source === 'unset') continue;
      const shown = name === 'privateKey' ? '(set)' : v.value;
      parts.push(`${name}=${shown} (${v.origin ?? v.source})`);
    }
    this.printer.trace(`settings: ${parts.join(', ')}`);
  }

  /** Timeout per request (ms) from --request-timeout / ESIGN_TIMEOUT. */
  get timeoutMs(): number {
    const v = this.settings.values.timeout;
    const n = Number(v.value);
    if (!Number.isFinite(n) || n <= 0) {
      throw new UsageError(`the timeout ${JSON.stringify(v.value)} (${v.origin}) is not a positive number of seconds`);
    }
    // Node's timers stop at about 24.8 days; a request waiting more than an hour is a typo anyway.
    if (n > MAX_TIMEOUT_S) {
      throw new UsageError(`the timeout ${JSON.stringify(v.value)} (${v.origin}) is too long: at most ${MAX_TIMEOUT_S} seconds (1 hour) per request`, {
        hint: 'It is the timeout of each HTTP request, in seconds (default 30).',
      });
    }
    return Math.round(n * 1000);
  }

  get transport(): Transport {
    if (!this.transportMemo) {
      const mr = Number(this.settings.values.maxRetries.value);
      if (!Number.isInteger(mr) || mr < 0 || mr > 20) {
        throw new UsageError(`ESIGN_MAX_RETRIES must be a whole number from 0 to 20 (got ${JSON.stringify(this.settings.values.maxRetries.value)})`);
      }
      this.transportMemo = new Transport({
        timeoutMs: this.timeoutMs,
        maxRetries: mr,
        env: this.env,
        sink: this.printer,
        signal: this.signal,
        backoffMs: this.overrides.backoffMs,
        fetchImpl: this.overrides.fetchImpl,
      });
      this.overrides.onTransport?.(this.transportMemo);
    }
    return this.transportMemo;
  }

  /** The checked auth configuration (fails fast, before any network call). */
  get authConfig(): AuthConfig {
    return authConfig(this.settings);
  }

  get auth(): TokenProvider {
    if (!this.authMemo) {
      const cache = this.flags.cache === false ? undefined : new TokenCache(this.settings.configDir);
      this.authMemo = new TokenProvider(this.authConfig, this.transport, cache, this.printer);
    }
    return this.authMemo;
  }

  get rest(): RestClient {
    return (this.restMemo ??= new RestClient(this.transport, this.auth));
  }

  /** Opens a URL in the browser; with no display or in CI it only prints. */
  async open(url: string): Promise<boolean> {
    if (this.overrides.opener) {
      await this.overrides.opener(url);
      return true;
    }
    const ci = this.env.CI && this.env.CI !== 'false';
    const noDisplay = process.platform === 'linux' && !this.env.DISPLAY && !this.env.WAYLAND_DISPLAY;
    if (ci || noDisplay) {
      this.printer.info('(no browser here: open the URL yourself)');
      return false;
    }
    try {
      const { default: open } = await import('open');
      const child = await open(url, { wait: false });
      child.on('error', () => undefined);
      child.unref();
      return true;
    } catch {
      this.printer.warn('could not open a browser; open the URL yourself');
      return false;
    }
  }

  /** The prompter (inquirer on a TTY). Callers check `interactive` first. */
  async prompter(): Promise<Prompter> {
    if (this.overrides.prompter) return this.overrides.prompter;
    const p = await import('@inquirer/prompts');
    const ioOpts = { input: this.io.stdin, output: this.io.stderr };
    return {
      input: (message, o) => p.input({ message, default: o?.default, validate: o?.validate }, ioOpts as never),
      confirm: (message, def) => p.confirm({ message, default: def }, ioOpts as never),
    };
  }
}
