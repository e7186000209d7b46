import path from 'node:path';
import { expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIo } from '../../src/output/io.js';
import { COMMANDS } from '../../src/commands/registry.js';

const root = path.resolve(__dirname, '../..');

/** Splits a shell command line like sh does for double quotes (which may sit inside a word). */
function words(line: string): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') {
      quoted = !quoted;
      cur ??= '';
    } else if (/\s/.test(ch) && !quoted) {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else cur = (cur ?? '') + ch;
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

it('every `esign send templates/…` example in the help builds as written (checked with --dry-run)', async () => {
  const { buildProgram } = await import('../../src/cli.js');
  const io = memoryIo();
  const help: string[] = [];
  buildProgram(io, async () => undefined).outputHelp({ error: false });
  help.push(io.out());
  const examples = [...COMMANDS.flatMap((c) => c.examples), ...help.join('\n').split('\n').map((l) => l.replace(/^\s*\$\s*/, '').replace(/\s+#.*$/, ''))]
    .map((e) => e.trim())
    .filter((e) => /^esign send templates\/\S+\.yaml/.test(e) && !/…| > |--data|--vars/.test(e));
  expect(examples.length).toBeGreaterThanOrEqual(2);
  for (const e of examples) {
    const argv = words(e).slice(1).map((w) => (w.startsWith('templates/') ? path.join(root, w) : w));
    const run = memoryIo();
    const code = await main([...argv.filter((a) => a !== '--sign-url' && a !== '--open'), '--dry-run'], run, { PATH: process.env.PATH, CI: 'true' });
    expect(code, `${e}\n${run.err()}`).toBe(0);
  }
});

it('an unquoted value with a space gets a quoting hint (exit 2)', async () => {
  const io = memoryIo();
  const code = await main(['send', 'templates/nda.yaml', '--var', 'counterparty.name=Pat', 'Example'], io, { PATH: process.env.PATH, CI: 'true' });
  expect(code).toBe(2);
  expect(io.err()).toContain('A value with spaces needs quotes');
});

it('--wait --timeout is bounded (1 to 86400 s) for consent and sign-url: exit 2 before any call', async () => {
  for (const argv of [
    ['consent', '--wait', '--timeout', '99999999'],
    ['sign-url', '6c2f6e1a-0000-4000-8000-000000000001', '--wait', '--timeout', '99999999', '--return-url', 'http://127.0.0.1:9999/done'],
    ['consent', '--wait', '--timeout', '0'],
  ]) {
    const io = memoryIo();
    const env = { PATH: process.env.PATH, CI: 'true', ESIGN_ENV: 'http://127.0.0.1:9', ESIGN_INTEGRATION_KEY: '11111111-1111-4111-8111-111111111111', ESIGN_USER_ID: '22222222-2222-4222-8222-222222222222', ESIGN_PRIVATE_KEY_FILE: '/nonexistent', ESIGN_REDIRECT_URI: 'http://127.0.0.1:9/cb' };
    const code = await main(argv, io, env);
    expect(code, `${argv.join(' ')}: ${io.err()}`).toBe(2);
    expect(io.err()).toContain('from 1 to 86400');
  }
});
