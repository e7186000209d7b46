/**
 * A document `path` that comes from a variable (a --data row, a --var) must name a file inside the
 * template's folder: the data's author may not be the template's author, and must not be able to
 * upload any local file. A path written in the template itself may point anywhere.
 */
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, loadTemplate, parseDataFile, validateRows } from '../../src/templates/index.js';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import { pdfWithText, put, rejection, tmp } from './helpers.js';

const template = (path: string) =>
  [
    'emailSubject: Contract',
    'documents:',
    `  - path: "${path}"`,
    'signers:',
    '  - name: Pat Example',
    '    email: pat@example.test',
    '    tabs: { signHere: [ { anchor: /sig/ } ] }',
    '',
  ].join('\n');

let root: string;
let dir: string;
let secret: string;
let tpl: string;
beforeAll(async () => {
  root = await tmp();
  dir = join(root, 'templates');
  await mkdir(join(dir, 'docs'), { recursive: true });
  await put(join(dir, 'docs'), 'a.pdf', pdfWithText(['Contract A /sig/']));
  await put(dir, 'b.pdf', pdfWithText(['Contract B /sig/']));
  secret = await put(root, 'secret.pdf', pdfWithText(['private /sig/']));
  await symlink(secret, join(dir, 'docs', 'link.pdf'));
  tpl = await put(dir, 'by-var.yaml', template('{{ file }}'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const build = async (t: string, vars: Record<string, unknown>) => buildEnvelope(await loadTemplate(t), { vars });

describe('document paths from variables stay in the template folder', () => {
  it('a file in the folder or a subfolder is fine', async () => {
    for (const file of ['b.pdf', 'docs/a.pdf', './docs/../b.pdf']) {
      const built = await build(tpl, { file });
      expect(built.documents[0]!.path).toMatch(/b\.pdf$|a\.pdf$/);
    }
  });
  it.each([
    ['a .. escape', '../secret.pdf', /resolves to .*secret\.pdf, outside the template's folder/],
    ['deep .. escapes', '../../../../../../etc/passwd', /resolves to \/etc\/passwd, outside/],
    ['an absolute path', '/etc/passwd', /is an absolute path, outside the template's folder/],
    ['a symbolic link that leads outside', 'docs/link.pdf', /resolves \(through a symbolic link\) to .*secret\.pdf, outside/],
  ])('%s is refused naming the field, the variable and the resolved path', async (_what, file, why) => {
    const e = await rejection(() => build(tpl, { file }));
    expect(e.exitCode).toBe(2);
    const p = e.problems!.find((x) => x.path === 'documents[0].path');
    expect(p, e.message).toBeDefined();
    expect(p!.message).toContain(`"{{ file }}" became ${JSON.stringify(file)} (from {{ file }})`);
    expect(p!.message).toMatch(why);
    expect(p!.message).toContain(dir);
  });
  it('a path that is only partly a variable is held to the folder too', async () => {
    const t = await put(dir, 'partly.yaml', template('docs/{{ name }}.pdf'));
    expect((await build(t, { name: 'a' })).documents[0]!.size).toBeGreaterThan(0);
    const e = await rejection(() => build(t, { name: '../../secret' }));
    expect(e.problems!.map((p) => p.message).join('\n')).toMatch(/"docs\/\{\{ name \}\}\.pdf" became "docs\/\.\.\/\.\.\/secret\.pdf" \(from \{\{ name \}\}\), which resolves to/);
  });
  it('a missing file inside the folder is still "file not found"', async () => {
    const e = await rejection(() => build(tpl, { file: 'nope.pdf' }));
    expect(e.problems![0]!.message).toMatch(/^file not found: nope\.pdf/);
  });
  it('a path written in the template itself may point anywhere (the author chose it)', async () => {
    const t = await put(dir, 'literal.yaml', template('../secret.pdf'));
    expect((await build(t, {})).documents[0]!.path).toBe(secret);
    const linked = await put(dir, 'literal-link.yaml', template('docs/link.pdf'));
    expect((await build(linked, {})).documents[0]!.size).toBeGreaterThan(0);
  });
  it('--data rows: each bad row is named', async () => {
    const data = await put(root, 'rows.csv', 'file\nb.pdf\n../secret.pdf\n/etc/passwd\n');
    const problems = await validateRows(await loadTemplate(tpl), await parseDataFile(data), {});
    expect(problems.map((p) => p.path)).toEqual(['row 2 (line 3)', 'row 3 (line 4)']);
    expect(problems[0]!.message).toMatch(/^documents\[0\]\.path: "\{\{ file \}\}" became "\.\.\/secret\.pdf"/);
  });
});

describe('esign send: nothing is uploaded', () => {
  let h: CliHarness;
  beforeAll(async () => {
    h = await cliHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  it('--data with a row naming /etc/passwd: exit 2, row and path named, no request', async () => {
    const data = await put(root, 'send.csv', 'file\nb.pdf\n../../../../../../../../etc/passwd\n');
    const r = await h.run(['send', tpl, '--data', data]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(`${data}: row 2 (line 3): documents[0].path: "{{ file }}" became "../../../../../../../../etc/passwd"`);
    expect(r.err).toContain('resolves to /etc/passwd');
    expect(r.requests).toEqual([]);
  });
  it('--var pointing outside: exit 2, no request', async () => {
    const r = await h.run(['send', tpl, '--var', `file=${secret}`]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('is an absolute path');
    expect(r.requests).toEqual([]);
  });
});
