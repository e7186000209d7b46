import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/registry.js';
import { ensureBuilt, esign } from './spawn.js';

const env = { PATH: process.env.PATH, NO_COLOR: '1', CI: 'true', COLUMNS: '100' };

beforeAll(() => ensureBuilt());

describe('help (real binary)', () => {
  it('esign --help and every command --help are pinned (update with `npx vitest run test/cli/help.test.ts -u`)', async () => {
    const parts: string[] = [];
    const top = await esign(['--help'], env);
    expect(top.code).toBe(0);
    expect(top.err).toBe('');
    parts.push('$ esign --help', top.out);
    for (const c of COMMANDS) {
      const r = await esign([c.name, '--help'], env);
      expect(r.code, c.name).toBe(0);
      parts.push(`$ esign ${c.name} --help`, r.out);
    }
    await expect(parts.join('\n')).toMatchFileSnapshot('./__snapshots__/help.txt');
  });

  it('every command has help examples', async () => {
    for (const c of COMMANDS) {
      expect(c.examples.length, `${c.name} has no examples`).toBeGreaterThan(0);
      const r = await esign([c.name, '--help'], env);
      expect(r.out, c.name).toMatch(/\nExamples:\n {2}\$ esign /);
    }
  });

  it('--version answers without loading the CLI', async () => {
    const r = await esign(['--version'], env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
