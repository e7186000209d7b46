import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIo } from '../../src/output/io.js';
import { COMMANDS } from '../../src/commands/registry.js';
import { tempDir } from '../helpers/tmp.js';

async function completion(shell: string) {
  const io = memoryIo();
  const code = await main(['completion', shell], io, { CI: 'true', ESIGN_CONFIG_DIR: os.tmpdir() });
  return { code, out: io.out(), err: io.err() };
}

/** Asks the generated bash function for completions of a command line (last word = the one being completed). */
function bashComplete(script: string, words: string[]): string[] {
  const file = path.join(tempDir('esign-comp-'), 'esign.bash');
  fs.writeFileSync(file, script);
  const arr = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync('bash', ['-c', `source '${file}'; COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; _esign; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('esign completion', () => {
  it('bash: completes commands and each command\'s own options from the commander program', async () => {
    const r = await completion('bash');
    expect(r.code).toBe(0);
    execFileSync('bash', ['-n'], { input: r.out });
    expect(bashComplete(r.out, ['esign', '']).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    expect(bashComplete(r.out, ['esign', 'st'])).toEqual(['status']);
    expect(bashComplete(r.out, ['esign', 'void', 'abc', '--re']).sort()).toEqual(['--reason', '--redirect-uri', '--request-timeout']);
    expect(bashComplete(r.out, ['esign', 'download', '--f'])).toEqual(['--force']);
    expect(bashComplete(r.out, ['esign', 'list', '--st']).sort()).toEqual(['--start-position', '--status']);
    expect(bashComplete(r.out, ['esign', 'status', '--js'])).toEqual(['--json']);
    expect(bashComplete(r.out, ['esign', 'completion', 'z'])).toEqual(['zsh']);
  });

  it('zsh and fish scripts name every command and option', async () => {
    const z = await completion('zsh');
    expect(z.out.startsWith('#compdef esign')).toBe(true);
    const f = await completion('fish');
    for (const c of COMMANDS) {
      expect(z.out).toContain(`'${c.name}:`);
      expect(f.out).toContain(`-a ${c.name} `);
    }
    expect(f.out).toContain("-n '__fish_seen_subcommand_from void' -l reason -r");
    expect(z.out).toMatch(/--reason\[[^\]]+\]:value/);
  });

  it('an unknown shell is exit 2', async () => {
    const r = await completion('powershell');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bash, zsh, fish/);
  });
});

describe('esign completion --json', () => {
  it('gives one JSON document holding the script, valid against the shipped schema', async () => {
    const io = memoryIo();
    const code = await main(['completion', 'fish', '--json'], io, { CI: 'true', ESIGN_CONFIG_DIR: os.tmpdir() });
    expect(code).toBe(0);
    const j = JSON.parse(io.out());
    expect(j.shell).toBe('fish');
    expect(j.script).toContain('complete -c esign');
    const { Ajv } = await import('ajv');
    const schema = JSON.parse(fs.readFileSync(new URL('../../schemas/output/completion.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ strict: true }).compile(schema);
    expect(validate(j), JSON.stringify(validate.errors)).toBe(true);
  });
});
