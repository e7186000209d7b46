/**
 * The suite-wide leak scan over the folder test/helpers/leak-log.ts writes to: every recorded CLI
 * output against every recorded secret, plus private-key blocks and JWTs. Used by the summary
 * reporter (to print the result before the closing line) and by the globalSetup teardown (which
 * fails the run on a leak).
 */
import fs from 'node:fs';
import path from 'node:path';

const PRIVATE_KEY_BLOCK = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----(?:\s|\\n)*[A-Za-z0-9+/=]{16}/;
// A JWT, unless it is the value of a URL parameter (DocuSign's signing URLs carry one in `slt=`).
const JWT = /(?<![?&][\w.-]{1,40}=)eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/;

export interface LeakScan {
  runs: number;
  secrets: number;
  leaks: string[];
}

/** Scans the leak log folder. */
export function scanLeaks(dir: string): LeakScan {
  const read = (prefix: string) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.startsWith(prefix))
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean));
  const secrets = new Set(read('secrets-').map((l) => JSON.parse(l) as string));
  const outputs = read('outputs-').map((l) => JSON.parse(l) as { argv: string[]; out: string; err: string });
  const leaks: string[] = [];
  for (const o of outputs) {
    const text = `${o.out}\n${o.err}`;
    const what = PRIVATE_KEY_BLOCK.test(text) ? 'a private-key block' : JWT.test(text) ? 'a JWT' : [...secrets].find((s) => text.includes(s)) ? 'a recorded secret (key line or token)' : undefined;
    if (what) leaks.push(`esign ${o.argv.join(' ')} printed ${what}`);
  }
  return { runs: outputs.length, secrets: secrets.size, leaks: [...new Set(leaks)] };
}
