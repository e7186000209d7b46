import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parseDataFile } from '../../src/templates/index.js';
import { tempDir } from '../helpers/tmp.js';

const write = (name: string, text: string) => {
  const f = path.join(tempDir('esign-data-'), name);
  fs.writeFileSync(f, text);
  return f;
};

it('a .json data file holding one object is refused with the fix, not parsed as CSV', async () => {
  for (const text of ['{"name": "Pat"}\n', '{\n  "name": "Pat"\n}\n']) {
    const err = await parseDataFile(write('rows.json', text)).catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('found one JSON object');
    expect(err.message).not.toMatch(/CSV|Quote/);
  }
});

it('one object on one line of a .jsonl file is one row; a pretty-printed object is refused', async () => {
  const rows = await parseDataFile(write('rows.jsonl', '{"name": "Pat"}\n'));
  expect(rows).toEqual([{ line: 1, vars: { name: 'Pat' } }]);
  const err = await parseDataFile(write('rows.txt', '{\n  "name": "Pat"\n}\n')).catch((e) => e);
  expect(err.message).toContain('found one JSON object');
});
