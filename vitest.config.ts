import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The browser test needs Debian's chromium; it skips itself when it is absent
    // unless ESIGN_REQUIRE_BROWSER=1 (set by .ci/run), where absence is a failure.
    pool: 'forks',
    reporters: ['default', './test/reporters/summary.ts'],
    // After all files: scan every recorded CLI output for secrets (test/helpers/leak-log.ts).
    globalSetup: ['./test/global-leak-scan.ts'],
  },
});
