import { expect, it } from 'vitest';
import { SHARED_DIR } from './helpers/shared.js';

it.runIf(!SHARED_DIR)('shared inputs (../shared/real-inputs) are missing: tests that need them are skipped', () => {
  // CI lays out ../shared beside the checkout and sets ESIGN_REQUIRE_SHARED=1: there, this fails.
  expect(process.env.ESIGN_REQUIRE_SHARED, 'ESIGN_REQUIRE_SHARED=1 but ../shared/real-inputs was not found (set ESIGN_SHARED_DIR)').not.toBe('1');
});

it.runIf(Boolean(SHARED_DIR))('shared inputs are present', () => {
  expect(SHARED_DIR).toBeTruthy();
});
