/** A field left empty by an empty variable names the variable (and, with --data, the row), not the role. */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, loadTemplate, parseDataFile, validateRows } from '../../src/templates/index.js';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import { put, rejection, tmp } from './helpers.js';

const NDA = 'templates/nda.yaml';
const LEGAL = { role: 'Legal', name: 'Lee Legal', email: 'legal@example.test' };
const vars = (name: string, email = 'pat@example.test') => ({ company: 'Acme', counterparty: { name, email } });
const lines = (e: { problems?: { path?: string; message: string }[] }) => e.problems!.map((p) => `${p.path}: ${p.message}`);

let dir: string;
beforeAll(async () => {
  dir = await tmp();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('empty variables', () => {
  it('--var counterparty.name= : signers[0].name is empty because {{ counterparty.name }} is empty', async () => {
    for (const name of ['', '   ']) {
      const e = await rejection(async () => buildEnvelope(await loadTemplate(NDA), { vars: vars(name), roles: [LEGAL] }));
      expect(lines(e)).toEqual(['signers[0].name: empty because {{ counterparty.name }} is empty; give counterparty.name a value']);
      expect(e.message).not.toContain('is not filled');
    }
  });
  it('name and email both empty: one problem each', async () => {
    const e = await rejection(async () => buildEnvelope(await loadTemplate(NDA), { vars: vars('', ''), roles: [LEGAL] }));
    expect(lines(e)).toEqual([
      'signers[0].name: empty because {{ counterparty.name }} is empty; give counterparty.name a value',
      'signers[0].email: empty because {{ counterparty.email }} is empty; give counterparty.email a value',
    ]);
  });
  it('the role can still be filled another way: --role or ROLE.name', async () => {
    const t = await loadTemplate(NDA);
    const byRole = await buildEnvelope(t, { vars: vars(''), roles: [LEGAL, { role: 'Counterparty', name: 'Pat Example', email: 'pat@example.test' }] });
    expect(byRole.recipients[0]).toMatchObject({ name: 'Pat Example' });
    const byVar = await buildEnvelope(t, { vars: { ...vars(''), 'Counterparty.name': 'Pat Example' }, roles: [LEGAL] });
    expect(byVar.recipients[0]).toMatchObject({ name: 'Pat Example' });
  });
  it('a role with nothing to fill it still says the role is not filled', async () => {
    const e = await rejection(async () => buildEnvelope(await loadTemplate(NDA), { vars: vars('Pat') }));
    expect(lines(e)).toEqual([`carbonCopies[0]: role 'Legal' is not filled: pass --role "Legal=Full Name <email@example.com>" or set the variables Legal.name and Legal.email`]);
  });
  it('any field: subject, a name made of several variables, an email, without roles', async () => {
    const yaml = `emailSubject: "{{ subject }}"
documents: [{ text: "sign /sn1/" }]
signers:
  - { name: "{{ first }} {{ last }}", email: "{{ email }}", tabs: { signHere: [{ anchor: /sn1/ }] } }
`;
    const t = await loadTemplate(await put(dir, 't.yaml', yaml));
    const e = await rejection(() => buildEnvelope(t, { vars: { subject: '', first: '', last: ' ', email: '' } }));
    expect(lines(e)).toEqual([
      'emailSubject: empty because {{ subject }} is empty; give subject a value',
      'signers[0].name: empty because {{ first }} and {{ last }} are empty; give them a value',
      'signers[0].email: empty because {{ email }} is empty; give email a value',
    ]);
  });
  it('validateRows: an empty CSV cell names the row, its line and the variable', async () => {
    const rows = await parseDataFile(await put(dir, 'd.csv', 'company,counterparty.name,counterparty.email\nAcme,Pat,pat@example.test\nAcme,,bo@example.test\n'));
    const problems = await validateRows(await loadTemplate(NDA), rows, { roles: [LEGAL] });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'row 2 (line 3): signers[0].name: empty because {{ counterparty.name }} is empty; give counterparty.name a value',
    ]);
  });
});

describe('esign send --data with an empty cell', () => {
  let h: CliHarness;
  beforeAll(async () => {
    h = await cliHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  it('exit 2, names the row, line and variable, sends nothing', async () => {
    const data = await put(dir, 'rows.csv', 'company,counterparty.name,counterparty.email\nAcme,Pat,pat@example.test\nAcme,,bo@example.test\n');
    const r = await h.run(['send', NDA, '--data', data, '--role', 'Legal=Lee Legal <legal@example.test>']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${data}: row 2 (line 3): signers[0].name: empty because {{ counterparty.name }} is empty; give counterparty.name a value`);
    expect(r.err).not.toContain('is not filled');
    expect(r.requests).toEqual([]);
  });
});
