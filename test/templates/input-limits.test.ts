/**
 * Bounded work on hostile input: a YAML alias bomb ("billion laughs") or lists/objects nested
 * hundreds of thousands deep in a template, a --vars file or a --data file is exit 2 naming the
 * file and the limit, never an internal error or a stack overflow, and nothing is sent.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate, loadVarsFile, parseDataFile } from '../../src/templates/index.js';
import { jsonNestingOffset, MAX_NESTING, nestingDepthExceeds } from '../../src/templates/parse.js';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import { put, rejection, tmp } from './helpers.js';

/** Nine levels of nine aliases each: 9^9 (387 million) strings once expanded. */
const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((k, i) => {
    const prev = 'abcdefghi'[i]!;
    return `${k}: &${k} [${Array(9).fill(`*${prev}`).join(',')}]`;
  }),
  '',
].join('\n');
const DEEP = 200_000;
const deepList = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

const OK_TEMPLATE = [
  'emailSubject: "Offer for {{ name }}"',
  'documents:',
  '  - name: Letter.html',
  '    html: "<p>Hello {{ name }}</p><p>/sig/</p>"',
  'signers:',
  '  - name: "{{ name }}"',
  '    email: "{{ email }}"',
  '    tabs: { signHere: [ { anchor: /sig/ } ] }',
  '',
].join('\n');

let dir: string;
beforeAll(async () => {
  dir = await tmp();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('YAML alias bombs', () => {
  it('a template is refused naming the file and the alias limit', async () => {
    const file = await put(dir, 'bomb.yaml', BOMB);
    const e = await rejection(() => loadTemplate(file));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`${file}: its YAML aliases (*name) expand beyond esign's limit of 100 expansions`);
    expect(e.message).not.toMatch(/internal|resource exhaustion/i);
  });
  it('a --vars file too', async () => {
    const file = await put(dir, 'bomb-vars.yaml', BOMB);
    const e = await rejection(() => loadVarsFile(file));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`${file}: its YAML aliases`);
  });
  it('a few aliases (normal reuse) still work', async () => {
    const file = await put(dir, 'few.yaml', 'base: &b { name: Pat, email: pat@example.test }\nsigner: *b\nother: *b\n');
    expect(await loadVarsFile(file)).toEqual({ base: { name: 'Pat', email: 'pat@example.test' }, signer: { name: 'Pat', email: 'pat@example.test' }, other: { name: 'Pat', email: 'pat@example.test' } });
  });
  it('an alias that makes a cycle is refused, not walked forever', async () => {
    const file = await put(dir, 'cycle.yaml', 'a: &a [1, *a]\n');
    const e = await rejection(() => loadVarsFile(file));
    expect(e.message).toContain(`nested more than ${MAX_NESTING} levels deep`);
  });
});

describe('nesting depth', () => {
  it(`a JSON template nested ${DEEP} deep is refused with file:line:col and the limit`, async () => {
    const file = await put(dir, 'deep.json', `{"emailSubject":"x","signers":[],"envelope":${deepObject(DEEP)}}`);
    const e = await rejection(() => loadTemplate(file));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(new RegExp(`deep\\.json:1:\\d+: lists and objects are nested more than ${MAX_NESTING} levels deep`));
  });
  it('a YAML --vars file with deep flow lists', async () => {
    const file = await put(dir, 'deep-vars.yaml', `a: ${deepList(20_000)}\n`);
    const e = await rejection(() => loadVarsFile(file));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`${file}:1:`);
    expect(e.message).toContain(`nested more than ${MAX_NESTING} levels deep`);
  });
  it('a JSON --vars file', async () => {
    const file = await put(dir, 'deep-vars.json', deepObject(DEEP));
    const e = await rejection(() => loadVarsFile(file));
    expect(e.message).toContain(`nested more than ${MAX_NESTING} levels deep`);
  });
  it('--data: a JSON array and JSON Lines, naming the line', async () => {
    const arr = await put(dir, 'deep-rows.json', `[\n{"name":"x"},\n{"z":${deepList(DEEP)}}\n]`);
    const e1 = await rejection(() => parseDataFile(arr));
    expect(e1.exitCode).toBe(2);
    expect(e1.message).toContain(`--data ${arr}: lists and objects are nested more than ${MAX_NESTING} levels deep`);
    expect(e1.problems![0]!.path).toMatch(/^line 3:\d+$/);
    const lines = await put(dir, 'deep-rows.jsonl', `{"name":"x"}\n{"z":${deepList(DEEP)}}\n`);
    const e2 = await rejection(() => parseDataFile(lines));
    expect(e2.problems![0]!.path).toMatch(/^line 2:\d+$/);
  });
  it('exactly the limit is fine; one more is not (JSON text and parsed values agree)', async () => {
    expect(jsonNestingOffset(deepList(MAX_NESTING))).toBeUndefined();
    expect(jsonNestingOffset(deepList(MAX_NESTING + 1))).toBe(MAX_NESTING);
    expect(jsonNestingOffset(`["${'['.repeat(500)}"]`)).toBeUndefined(); // brackets in strings do not count
    expect(nestingDepthExceeds(JSON.parse(deepList(MAX_NESTING)))).toBe(false);
    expect(nestingDepthExceeds(JSON.parse(deepList(MAX_NESTING + 1)))).toBe(true);
    const ok = await put(dir, 'limit.json', `{"a":${deepList(MAX_NESTING - 1)}}`);
    expect(await loadVarsFile(ok)).toHaveProperty('a');
  });
});

describe('esign send with hostile files: exit 2, no stack, nothing sent', () => {
  let h: CliHarness;
  beforeAll(async () => {
    h = await cliHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  const OK_VARS = ['--var', 'name=Pat Example', '--var', 'email=pat@example.test'];
  it.each([
    ['template alias bomb', async () => ['send', await put(dir, 'c-bomb.yaml', BOMB)], 'c-bomb.yaml: its YAML aliases'],
    ['--vars alias bomb', async () => ['send', await put(dir, 'c-ok.yaml', OK_TEMPLATE), ...OK_VARS, '--vars', await put(dir, 'c-bomb-vars.yaml', BOMB)], 'c-bomb-vars.yaml: its YAML aliases'],
    ['deep JSON template', async () => ['send', await put(dir, 'c-deep.json', `{"emailSubject":"x","signers":[],"envelope":${deepObject(DEEP)}}`)], 'c-deep.json:1:'],
    ['deep --data rows', async () => ['send', await put(dir, 'c-ok2.yaml', OK_TEMPLATE), '--data', await put(dir, 'c-deep.jsonl', `{"name":"x","email":"a@example.test","z":${deepList(DEEP)}}\n`)], 'c-deep.jsonl: lists and objects are nested more than 100 levels deep'],
  ])('%s', async (_name, argv, fragment) => {
    const r = await h.run(await argv());
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(fragment);
    expect(r.err).not.toMatch(/internal error|Maximum call stack|\n\s+at /);
    expect(r.requests).toEqual([]);
  });
});
