/**
 * esign's error family. Every failure a user can cause or meet is one of these; each carries
 * the documented exit code, a one-line message (what happened, where) and a hint (what to do).
 * Only src/cli.ts turns them into output and an exit code.
 */

/** The documented exit codes (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  consent: 3,
  auth: 4,
  api: 5,
  network: 6,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable machine-readable error codes used in `--json` error output. */
export type ErrorCode =
  | 'USAGE'
  | 'INVALID_INPUT'
  | 'CONSENT_REQUIRED'
  | 'AUTH'
  | 'CONFIG'
  | 'API'
  | 'NETWORK'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'INTERRUPTED'
  | 'INTERNAL';

export interface EsignErrorOptions {
  hint?: string;
  /** Extra structured data surfaced in --json output (never secrets). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** Base class: message + hint + exit code. */
export class EsignError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, exitCode: ExitCodeValue, message: string, opts: EsignErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = opts.hint;
    this.details = opts.details;
  }
}

/** Bad flags, template files, variables or data files (exit 2). Nothing was sent. */
export class UsageError extends EsignError {
  constructor(message: string, opts: EsignErrorOptions & { code?: 'USAGE' | 'INVALID_INPUT' } = {}) {
    super(opts.code ?? 'USAGE', ExitCode.usage, message, opts);
  }
}

/** One problem in an input file, located by file and field path. */
export interface InputProblem {
  file?: string;
  /** JSON-pointer-like path, e.g. `recipients.signers[0].email`, or `line 4` for data files. */
  path?: string;
  message: string;
}

/** Several input problems reported at once (exit 2). */
export class InvalidInputError extends UsageError {
  readonly problems: InputProblem[];
  constructor(summary: string, problems: InputProblem[], opts: EsignErrorOptions = {}) {
    const lines = problems.map((p) => `  - ${formatProblem(p)}`);
    super([summary, ...lines].join('\n'), {
      ...opts,
      code: 'INVALID_INPUT',
      details: { ...(opts.details ?? {}), problems },
    });
    this.problems = problems;
  }
}

/** Formats `file: path: message` leaving out the parts that are unknown. */
export function formatProblem(p: InputProblem): string {
  return [p.file, p.path, p.message].filter((s) => s !== undefined && s !== '').join(': ');
}

/** The impersonated user has not granted consent (exit 3). Carries the consent URL. */
export class ConsentRequiredError extends EsignError {
  readonly consentUrl: string;
  constructor(message: string, consentUrl: string, opts: EsignErrorOptions = {}) {
    super('CONSENT_REQUIRED', ExitCode.consent, message, {
      ...opts,
      details: { ...(opts.details ?? {}), consentUrl },
    });
    this.consentUrl = consentUrl;
  }
}

/** Authentication or configuration problem: bad key, unknown integration key/user, missing setting (exit 4). */
export class AuthError extends EsignError {
  constructor(message: string, opts: EsignErrorOptions & { code?: 'AUTH' | 'CONFIG' } = {}) {
    super(opts.code ?? 'AUTH', ExitCode.auth, message, opts);
  }
}

/** A missing required setting: names the flag and the environment variable (exit 4). */
export class MissingSettingError extends AuthError {
  constructor(setting: string, flag: string, envVar: string | undefined, extraHint?: string) {
    const where = envVar ? `${flag} or ${envVar}` : flag;
    super(`missing setting: ${setting}`, {
      code: 'CONFIG',
      hint: [`Set it with ${where}, or save it in a profile with \`esign init\`.`, extraHint]
        .filter(Boolean)
        .join(' '),
      details: { setting, flag, envVar },
    });
  }
}

/** DocuSign answered with an error (exit 5). */
export class ApiError extends EsignError {
  readonly status: number;
  readonly errorCode?: string;
  readonly traceToken?: string;
  constructor(
    message: string,
    opts: EsignErrorOptions & { status: number; errorCode?: string; traceToken?: string },
  ) {
    super('API', ExitCode.api, message, {
      ...opts,
      details: {
        ...(opts.details ?? {}),
        status: opts.status,
        ...(opts.errorCode ? { errorCode: opts.errorCode } : {}),
        ...(opts.traceToken ? { traceToken: opts.traceToken } : {}),
      },
    });
    this.status = opts.status;
    this.errorCode = opts.errorCode;
    this.traceToken = opts.traceToken;
  }
}

/** Network failure, timeout, or rate limit still exceeded after retries (exit 6). */
export class NetworkError extends EsignError {
  constructor(
    message: string,
    opts: EsignErrorOptions & { code?: 'NETWORK' | 'RATE_LIMITED' | 'TIMEOUT' } = {},
  ) {
    super(opts.code ?? 'NETWORK', ExitCode.network, message, opts);
  }
}

/** Ctrl-C (exit 130). */
export class InterruptedError extends EsignError {
  constructor(message = 'interrupted', opts: EsignErrorOptions = {}) {
    super('INTERRUPTED', ExitCode.interrupted, message, opts);
  }
}

/** True for errors that belong to the family (anything else is an internal error, exit 1). */
export function isEsignError(e: unknown): e is EsignError {
  return e instanceof EsignError;
}
