#!/usr/bin/env node
// Thin entry: check Node, enable the compile cache, answer --version without loading anything,
// then hand over to the built CLI. Only this file calls process.exit.
import { readFileSync, writeSync } from 'node:fs';
import module from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 17)) {
  process.stderr.write(`esign needs Node.js 20.17 or newer (this is ${process.versions.node}).\n`);
  process.exit(1);
}
// Node 22.1+: cache compiled code between runs. Absent on Node 20, where it is simply skipped.
module.enableCompileCache?.();

// Output that cannot be written ends the run quietly, never with a stack trace: a closed pipe
// (`esign ... | head`, EPIPE) exits 141 as tools killed by SIGPIPE do; anything else (a full disk,
// ENOSPC; EIO) exits 1 with one line on stderr. A command that already failed keeps its exit code.
// Either way not 0: the output was not delivered.
let writeFailed = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (writeFailed) return;
    writeFailed = true;
    if (stream === process.stdout && e.code !== 'EPIPE') {
      const why = e.code && e.code !== e.message ? `${e.code}: ${String(e.message).replace(/^\w+: /, '').replace(/, write$/, '')}` : e.message;
      try {
        writeSync(2, `esign: cannot write to standard output (${why}); the output is incomplete.\n`);
      } catch {
        /* stderr is gone too */
      }
    }
    process.exit(process.exitCode || (e.code === 'EPIPE' ? 141 : 1));
  });
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  // Exit 0 once written; a failed write goes to the handler above (this promise never settles).
  await new Promise(() => {
    process.stdout.write(pkg.version + '\n', (e) => {
      if (!e) process.exit(0);
    });
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
