/**
 * vitest globalSetup: gives every test process a folder for the leak log (test/helpers/leak-log.ts)
 * and, after the whole suite, scans every recorded output for every recorded secret, private-key
 * blocks and JWTs. A leak fails the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

const PRIVATE_KEY_BLOCK = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----(?:\s|\\n)*[A-Za-z0-9+/=]{16}/;
// A JWT, unless it is the value of a URL parameter (DocuSign's signing URLs carry one in `slt=`).
const JWT = /(?<![?&][\w.-]{1,40}=)eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/;

export default function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-leak-log-'));
  project.provide('leakLogDir', dir);
  return () => {
    try {
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
      process.stdout.write(`\nleak scan: ${outputs.length} CLI runs checked against ${secrets.size} known secrets, ${leaks.length} leak(s)\n`);
      if (leaks.length) throw new Error(`secret material in CLI output:\n${[...new Set(leaks)].slice(0, 20).join('\n')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}
