import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './tmp.js';

describe('tempDir', () => {
  it('makes a fresh folder under the OS temp dir (or a given parent) and removes every one it made', () => {
    const a = tempDir('esign-tmptest-');
    const b = tempDir('esign-tmptest-', a);
    fs.writeFileSync(path.join(b, 'f.txt'), 'x');
    expect(path.dirname(a)).toBe(os.tmpdir());
    expect(path.basename(a)).toMatch(/^esign-tmptest-/);
    expect(a).not.toBe(tempDir('esign-tmptest-'));
    removeTempDirs();
    expect(fs.existsSync(a)).toBe(false);
    expect(fs.existsSync(b)).toBe(false);
  });
});
