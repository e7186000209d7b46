/**
 * Temporary folders for tests that clean up after themselves: `tempDir('esign-x-')` makes a fresh
 * folder under the OS temp dir, and every folder made during a test file is removed after that
 * file's tests (importing this module registers the afterAll hook; vitest evaluates modules anew
 * for each test file, so each file removes its own).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made = new Set<string>();

/** A fresh folder (under `parent`, default the OS temp dir), removed after the current test file. */
export function tempDir(prefix: string, parent = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(parent, prefix));
  made.add(dir);
  return dir;
}

/** Removes every folder tempDir has made so far (also run by the afterAll hook). */
export function removeTempDirs(): void {
  for (const dir of made) {
    // maxRetries: a child process killed on purpose may still be closing files on slow machines.
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    made.delete(dir);
  }
}

afterAll(removeTempDirs);
