/**
 * vitest globalSetup: gives every test process a folder for the leak log (test/helpers/leak-log.ts)
 * and, after the whole suite, fails the run if any recorded CLI output carries a secret
 * (test/leak-scan.ts). The summary reporter prints the scan's result before the closing line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { scanLeaks } from './leak-scan.js';

export default function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-leak-log-'));
  project.provide('leakLogDir', dir);
  // The summary reporter runs in this process too and finds the folder here.
  process.env.ESIGN_LEAK_LOG_DIR = dir;
  return () => {
    try {
      const { leaks } = scanLeaks(dir);
      if (leaks.length) throw new Error(`secret material in CLI output:\n${leaks.slice(0, 20).join('\n')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}
