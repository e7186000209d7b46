import type { Reporter, File, Task } from 'vitest';
import { scanLeaks } from '../leak-scan.js';

/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, after vitest's own summary, so
 * CI systems that read a generic closing line can tell how many tests ran.
 */
export default class SummaryReporter implements Reporter {
  onFinished(files: File[] = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const walk = (t: Task) => {
      if (t.type === 'suite') return t.tasks.forEach(walk);
      const state = t.result?.state;
      if (state === 'pass') passed++;
      else if (state === 'fail') failed++;
      else skipped++;
    };
    for (const f of files) {
      if (f.result?.state === 'fail' && f.tasks.length === 0) failed++; // a file that failed to load
      f.tasks.forEach(walk);
    }
    // The suite-wide leak scan (test/leak-scan.ts) counts as one more test: a leak fails it.
    const dir = process.env.ESIGN_LEAK_LOG_DIR;
    if (dir) {
      const scan = scanLeaks(dir);
      process.stdout.write(`\nleak scan: ${scan.runs} CLI runs checked against ${scan.secrets} known secrets, ${scan.leaks.length} leak(s)\n`);
      for (const l of scan.leaks.slice(0, 20)) process.stdout.write(`  leak: ${l}\n`);
      if (scan.leaks.length) failed++;
      else passed++;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
