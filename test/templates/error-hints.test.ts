/** DocuSign error hints (src/docusign/errors.ts) only suggest what esign can do. */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/registry.js';
import { ERROR_HINTS } from '../../src/docusign/errors.js';

const commands = new Set(COMMANDS.map((c) => c.name));

describe('ERROR_HINTS', () => {
  it('ENVELOPE_CANNOT_VOID_INVALID_STATE does not tell users to delete a draft (esign has no delete)', () => {
    expect(commands.has('delete')).toBe(false);
    expect(ERROR_HINTS.ENVELOPE_CANNOT_VOID_INVALID_STATE).not.toMatch(/delet/i);
    expect(ERROR_HINTS.ENVELOPE_CANNOT_VOID_INVALID_STATE).toContain('discard it in the DocuSign web app');
  });
  it.each(Object.entries(ERROR_HINTS))('%s names only esign commands that exist', (_code, hint) => {
    // invocations: "Run esign whoami", "(esign list)", "`esign status`"
    for (const m of hint.matchAll(/(?:\brun |`|\()esign ([a-z][\w-]*)/gi)) expect(commands, `esign ${m[1]}`).toContain(m[1]);
    // an action esign has no command for must say where to do it instead
    if (/\bdelet/i.test(hint)) expect(hint).toMatch(/web app/);
  });
});
