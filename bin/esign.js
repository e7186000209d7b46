#!/usr/bin/env node
// Thin entry: check Node, enable the compile cache, answer --version without loading anything,
// then hand over to the built CLI. Only this file calls process.exit.
import { readFileSync } from 'node:fs';
import module from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 17)) {
  process.stderr.write(`esign needs Node.js 20.17 or newer (this is ${process.versions.node}).\n`);
  process.exit(1);
}
// Node 22.1+: cache compiled code between runs. Absent on Node 20, where it is simply skipped.
module.enableCompileCache?.();

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(pkg.version + '\n');
  process.exit(0);
}

// `esign ... | head`: a closed pipe is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const controller = new AbortController();
let interrupted = false;
const onSigint = () => {
  if (interrupted) process.exit(130); // a second Ctrl-C: leave now
  interrupted = true;
  controller.abort();
};
process.on('SIGINT', onSigint);
process.on('SIGTERM', onSigint);

let mod;
try {
  mod = await import('../dist/cli.js');
} catch (e) {
  process.stderr.write('esign is not built: run `npm install` (or `npm run build`) in its folder.\n');
  process.exit(1);
}
const code = await mod.main(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }, process.env, {
  signal: controller.signal,
});
process.exitCode = interrupted ? 130 : code;
// Let stdout drain, then exit even if a keep-alive socket or a prompt is still around.
const finish = () => process.exit(process.exitCode);
if (process.stdout.writableNeedDrain) process.stdout.once('drain', finish);
else setImmediate(finish);
