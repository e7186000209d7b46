/**
 * The suite-wide secret scan (issue 8): every CLI run made through the shared test harnesses
 * records its output here, and every harness records the secrets it knows (its private keys, the
 * tokens its emulator issued). After all test files, test/global-leak-scan.ts reads both and
 * fails the run if any output carries a secret, a private-key block or a JWT.
 */
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    leakLogDir: string;
  }
}

function dir(): string | undefined {
  try {
    return inject('leakLogDir');
  } catch {
    return undefined; // outside vitest's runner (not a test process)
  }
}

const file = (kind: 'outputs' | 'secrets') => {
  const d = dir();
  return d ? path.join(d, `${kind}-${process.pid}.jsonl`) : undefined;
};

/** The command a run's argv names (its first word that is not an option or an option's value). */
function commandOf(argv: string[]): string | undefined {
  return argv.find((a) => !a.startsWith('-'));
}

/** Records one CLI run's output. `esign token`'s stdout is its result (the one allowed token). */
export function recordOutput(argv: string[], out: string, err: string): void {
  const f = file('outputs');
  if (!f) return;
  const tokenResult = commandOf(argv) === 'token';
  fs.appendFileSync(f, JSON.stringify({ argv: argv.slice(0, 6), out: tokenResult ? '' : out, err }) + '\n');
}

/** Records secrets a harness knows: key PEMs (each base64 line counts) and access tokens. */
export function recordSecrets(values: Iterable<string>): void {
  const f = file('secrets');
  if (!f) return;
  const lines: string[] = [];
  for (const v of values) {
    for (const part of v.includes('-----BEGIN') ? v.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')) : [v]) {
      if (part.length >= 12) lines.push(JSON.stringify(part));
    }
  }
  if (lines.length) fs.appendFileSync(f, lines.join('\n') + '\n');
}

/** The access tokens an emulator has issued so far (its internal map). */
export function emulatorTokens(emu: unknown): string[] {
  const m = (emu as { tokens?: Map<string, unknown> }).tokens;
  return m ? [...m.keys()] : [];
}
