import type { Reporter, File, Task } from 'vitest';

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
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
