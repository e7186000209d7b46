import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV_VARS } from '../../src/settings/env.js';
import { ERROR_HINTS } from '../../src/docusign/errors.js';
import { ROOT, ensureBuilt } from './spawn.js';

const run = promisify(execFile);
const SCRIPT = path.join(ROOT, 'scripts', 'gen-settings-table.mjs');

beforeAll(() => ensureBuilt());

describe('generated docs', () => {
  it('the settings table lists every declared variable with its flag', async () => {
    const { stdout } = await run(process.execPath, [SCRIPT]);
    for (const v of ENV_VARS) expect(stdout).toMatch(new RegExp(`\\| \`${v.name}\` \\| ${v.flag ? `\`${v.flag}\`` : '—'} \\|`));
    expect(stdout.trim().split('\n')).toHaveLength(ENV_VARS.length + 2);
  });

  it('replaces only what lies between the markers', async () => {
    const { replaceBetweenMarkers, START, END } = await import('../../scripts/gen-settings-table.mjs' as string);
    const text = `intro\n${START}\nold table\n${END}\noutro\n`;
    expect(replaceBetweenMarkers(text, '| t |')).toBe(`intro\n${START}\n| t |\n${END}\noutro\n`);
    expect(replaceBetweenMarkers('no markers', '| t |')).toBeUndefined();
  });

  it('README.md and docs/cli.md hold the current tables (npm run docs:settings -- --write)', async () => {
    await expect(run(process.execPath, [SCRIPT, '--check'])).resolves.toBeDefined();
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'cli.md'), 'utf8');
    for (const code of Object.keys(ERROR_HINTS)) expect(doc).toContain(`\`${code}\``);
    for (const v of ENV_VARS) expect(doc).toContain(`\`${v.name}\``);
  });
});
