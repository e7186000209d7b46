/**
 * `--data`: a row that cannot be read (a ragged CSV row, a JSON item that is not an object, a
 * JSON Lines line that does not parse) is reported together with every other row's problems,
 * not instead of them.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, dataRowProblem, loadTemplate, parseDataFile, ROW_PROBLEM, rowProblem, validateRows } from '../../src/templates/index.js';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import { put, rejection, tmp } from './helpers.js';

const NDA = 'templates/nda.yaml';
const LEGAL = { role: 'Legal', name: 'Lee Legal', email: 'legal@example.test' };
const HEADER = 'company,counterparty.name,counterparty.email\n';
const RAGGED_AND_BAD =
  HEADER +
  'Acme,Pat Example,pat@example.test\n' + // row 1 fine
  'Acme,Bo, Jr.,bo@example.test\n' + // row 2: 4 fields (unquoted comma)
  'Acme,not-an-email\n' + // row 3: 2 fields
  'Acme,Cy,not-an-email\n' + // row 4: bad email
  'Acme,,dee@example.test\n'; // row 5: empty name

let dir: string;
beforeAll(async () => {
  dir = await tmp();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bad rows come back marked instead of hiding the other rows', () => {
  it('a ragged CSV row is a row problem; the good rows keep their variables', async () => {
    const rows = await parseDataFile(await put(dir, 'r.csv', RAGGED_AND_BAD));
    expect(rows.map((r) => [r.line, r.problem])).toEqual([
      [2, undefined],
      [3, 'has 4 fields, the header has 3; a value that contains a comma must be in double quotes ("Bo, Jr.")'],
      [4, 'has 2 fields, the header has 3'],
      [5, undefined],
      [6, undefined],
    ]);
    expect(rows[0]!.vars).toEqual({ company: 'Acme', 'counterparty.name': 'Pat Example', 'counterparty.email': 'pat@example.test' });
    // the mark survives merging, as `send --data` merges --var values under each row
    expect(rowProblem({ extra: 1, ...rows[2]!.vars })).toBe('has 2 fields, the header has 3');
    expect(rowProblem({ ...rows[0]!.vars })).toBeUndefined();
  });
  it('buildEnvelope refuses a marked row with its reason only', async () => {
    const rows = await parseDataFile(await put(dir, 'one.csv', HEADER + 'Acme,Bo\n'));
    const e = await rejection(async () => buildEnvelope(await loadTemplate(NDA), { vars: { company: 'X', ...rows[0]!.vars }, roles: [LEGAL] }));
    expect(e.exitCode).toBe(2);
    expect(e.problems!.map((p) => p.message)).toEqual(['has 2 fields, the header has 3']);
  });
  it('validateRows lists ragged rows alongside the other rows, in row order', async () => {
    const rows = await parseDataFile(await put(dir, 'v.csv', RAGGED_AND_BAD));
    const problems = await validateRows(await loadTemplate(NDA), rows, { roles: [LEGAL] });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'row 2 (line 3): has 4 fields, the header has 3; a value that contains a comma must be in double quotes ("Bo, Jr.")',
      'row 3 (line 4): has 2 fields, the header has 3',
      "row 4 (line 5): signers[0].email: 'not-an-email' is not a valid email address (role 'Counterparty')",
      'row 5 (line 6): signers[0].name: empty because {{ counterparty.name }} is empty; give counterparty.name a value',
    ]);
  });
  it('JSON arrays and JSON Lines: a non-object item or a line that does not parse is a row problem too', async () => {
    const t = await loadTemplate(NDA);
    const ok = '{"company": "Acme", "counterparty": {"name": "Pat", "email": "pat@example.test"}}';
    const bad = '{"company": "Acme", "counterparty": {"name": "Cy", "email": "nope"}}';
    const arr = await parseDataFile(await put(dir, 'a.json', `[\n${ok},\n3,\n${bad}\n]\n`));
    expect((await validateRows(t, arr, { roles: [LEGAL] })).map((p) => p.path)).toEqual(['row 2 (line 3)', 'row 3 (line 4)']);
    const lines = await parseDataFile(await put(dir, 'l.jsonl', `${ok}\n{oops\n${bad}\n`));
    const problems = await validateRows(t, lines, { roles: [LEGAL] });
    expect(problems.map((p) => p.path)).toEqual(['row 2 (line 2)', 'row 3 (line 3)']);
    expect(problems[0]!.message).toMatch(/^invalid JSON/);
  });
  it('a bad header is still a file error, listing the ragged rows with it', async () => {
    const e = await rejection(async () => parseDataFile(await put(dir, 'h.csv', 'name,email,name\nAnn\n')));
    expect(e.problems!.map((p) => `${p.path}: ${p.message}`)).toEqual(["line 1: column 'name' appears twice in the header row", 'row 1 (line 2): has 1 field, the header has 3']);
  });
});

describe('esign send --data with ragged and bad rows', () => {
  let h: CliHarness;
  beforeAll(async () => {
    h = await cliHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  it('exit 2 with every bad row at once, nothing sent', async () => {
    const data = await put(dir, 'send.csv', RAGGED_AND_BAD);
    const r = await h.run(['send', NDA, '--data', data, '--role', 'Legal=Lee Legal <legal@example.test>']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('4 of 5 rows cannot be sent; nothing was sent');
    for (const row of ['row 2 (line 3): has 4 fields', 'row 3 (line 4): has 2 fields', 'row 4 (line 5): signers[0].email', 'row 5 (line 6): signers[0].name: empty because']) {
      expect(r.err).toContain(`${data}: ${row}`);
    }
    expect(r.requests).toEqual([]);
  });
});

describe('DataRow.problem is the API (the ROW_PROBLEM mark stays for compatibility)', () => {
  it('parseDataFile sets problem and the mark to the same reason; good rows have neither', async () => {
    const rows = await parseDataFile(await put(dir, 'api.csv', HEADER + 'Acme,Pat,pat@example.test\nAcme,Bo\n'));
    expect(rows.map((r) => [r.problem, rowProblem(r.vars), dataRowProblem(r)])).toEqual([
      [undefined, undefined, undefined],
      ['has 2 fields, the header has 3', 'has 2 fields, the header has 3', 'has 2 fields, the header has 3'],
    ]);
  });
  it('validateRows reports a row by its problem field alone, without building it', async () => {
    const t = await loadTemplate(NDA);
    // Rows made by a caller: problem set, no mark in vars (and vars that would build fine).
    const good = { company: 'Acme', counterparty: { name: 'Pat', email: 'pat@example.test' } };
    const problems = await validateRows(t, [{ line: 2, vars: good }, { line: 3, vars: good, problem: 'rejected upstream' }], { roles: [LEGAL] });
    expect(problems).toEqual([{ path: 'row 2 (line 3)', message: 'rejected upstream' }]);
  });
  it('a row carrying only the old mark is still reported the same way', async () => {
    const t = await loadTemplate(NDA);
    const problems = await validateRows(t, [{ line: 4, vars: { [ROW_PROBLEM]: 'marked only' } as Record<string, unknown> }], { roles: [LEGAL] });
    expect(problems).toEqual([{ path: 'row 1 (line 4)', message: 'marked only' }]);
  });
});
