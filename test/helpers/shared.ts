/**
 * The project's shared inputs (real template files, DocuSign's OpenAPI spec) live outside the
 * repository, in `../shared` beside the checkout (as CI lays them out), or where ESIGN_SHARED_DIR
 * points. Tests that need them are skipped when they are absent, unless ESIGN_REQUIRE_SHARED=1
 * (set by .ci/run), where test/shared-inputs.test.ts fails instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe } from 'vitest';

const repo = path.resolve(__dirname, '../..');
const candidates = [process.env.ESIGN_SHARED_DIR, path.resolve(repo, '../shared')].filter((d): d is string => Boolean(d));

/** The shared folder, or undefined when this checkout has none beside it. */
export const SHARED_DIR: string | undefined = candidates.find((d) => fs.existsSync(path.join(d, 'real-inputs')));

/** The real inputs folder (a path that does not exist when SHARED_DIR is undefined). */
export const REAL_INPUTS = path.join(SHARED_DIR ?? path.resolve(repo, '../shared'), 'real-inputs');

/** DocuSign's OpenAPI spec as shared with the project. */
export const OPENAPI_SPEC = path.join(SHARED_DIR ?? path.resolve(repo, '../shared'), 'docusign-openapi', 'esignature.rest.swagger-v2.1.json');

/** `describe` when the shared inputs are present, `describe.skip` otherwise. */
export const describeShared = SHARED_DIR ? describe : describe.skip;
