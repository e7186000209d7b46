import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { buildEnvelope, loadTemplate, abbreviateForDryRun } from '../../src/templates/index.js';
import { convertEsign } from '../../src/templates/esign-format.js';
import { VariableScope } from '../../src/templates/variables.js';
import { pdfWithText, put, rejection, tmp } from './helpers.js';

const NDA_VARS = { company: 'Acme', counterparty: { name: 'Zoë Ñúñez', email: 'zoe@example.test' } };

describe('shipped examples', () => {
  it('templates/nda.yaml builds: embedded signer with anchor tabs on the PDF, cc filled by --role', async () => {
    const t = await loadTemplate('templates/nda.yaml');
    expect(t.format).toBe('esign');
    const b = await buildEnvelope(t, { vars: NDA_VARS, roles: [{ role: 'Legal', name: 'Lee Legal', email: 'legal@example.test' }] });
    expect(b.definition.emailSubject).toBe('NDA between Acme and Zoë Ñúñez');
    expect(b.documents[0]).toMatchObject({ documentId: '1', name: 'NDA - Zoë Ñúñez.pdf', fileExtension: 'pdf' });
    expect(b.documents[0]!.path).toMatch(/templates[/\\]nda\.pdf$/);
    expect(b.recipients).toEqual([
      { recipientId: '1', roleName: 'Counterparty', name: 'Zoë Ñúñez', email: 'zoe@example.test', type: 'signer', embedded: true, clientUserId: '1', routingOrder: '1' },
      { recipientId: '2', roleName: 'Legal', name: 'Lee Legal', email: 'legal@example.test', type: 'carbonCopy', embedded: false, routingOrder: '2' },
    ]);
    expect(b.warnings).toEqual([]);
    expect(b.usedVariables).toEqual(['company', 'counterparty.email', 'counterparty.name']);
    const view = abbreviateForDryRun(b) as any;
    expect(view.documents[0].documentBase64).toBe(`<${b.documents[0]!.size} bytes>`);
  });
  it('templates/nda.yaml without variables lists every missing one at once', async () => {
    const e = await rejection(async () => buildEnvelope(await loadTemplate('templates/nda.yaml'), {}));
    const missing = e.problems!.filter((p) => /is not set/.test(p.message)).map((p) => p.message.match(/variable '([\w.]+)'/)![1]);
    expect(missing.sort()).toEqual(['company', 'counterparty.email', 'counterparty.name']);
    expect(e.message).toContain(`role 'Legal' is not filled`);
    expect(e.message).toContain('pass --var counterparty.name=VALUE');
    // an unfilled {{ }} is not also reported as a bad email
    expect(e.message).not.toMatch(/not a valid email/);
  });
  it('templates/offer-letter.yaml builds an HTML document with the variables filled in', async () => {
    const vars = parseYaml(`candidate: { name: Pat Example, email: pat@example.test }\njob: { title: Staff Engineer, start: 2025-03-01, salary: "120,000 EUR" }\ncompany: Acme`);
    const b = await buildEnvelope(await loadTemplate('templates/offer-letter.yaml'), { vars });
    const html = b.documents[0]!.bytes!.toString('utf8');
    expect(html).toContain('<strong>Staff Engineer</strong>');
    expect(html).toContain('120,000 EUR');
    expect(html).not.toContain('{{');
    expect(b.documents[0]).toMatchObject({ fileExtension: 'html', name: 'Offer letter - Pat Example.html' });
    expect(b.recipients).toHaveLength(1);
    expect(b.recipients[0]!.embedded).toBe(false);
    expect((b.definition.recipients as any).signers[0].clientUserId).toBeUndefined();
  });
});

describe('esign format rules', () => {
  async function build(yaml: string, opts = {}, files: Record<string, string | Buffer> = {}) {
    const dir = await tmp();
    for (const [n, c] of Object.entries(files)) await put(dir, n, c);
    return buildEnvelope(await loadTemplate(await put(dir, 't.yaml', yaml)), opts);
  }
  it('reports every structural problem with its field path, including typos with did-you-mean', async () => {
    const e = await rejection(() =>
      build(`
emailSubject: Hi
documents:
  - path: ./missing.pdf
  - html: "<p>x</p>"
    nmae: oops
signers:
  - role: A
    tabs:
      signhere:
        - anchor: x
      text:
        - page: 1
          x: 10
      dateSigned:
        - anchor: /d/
          page: 1
          x: 1
          y: 1
  - email: a@example.test
carbonCopies:
  - { name: C, email: not-an-email, routingOrder: zero }
status: completed
`),
    );
    const byPath: Record<string, string> = {};
    for (const p of e.problems!) byPath[p.path ?? ''] = `${byPath[p.path ?? ''] ?? ''}${p.message}\n`;
    expect(byPath['documents[0].path']).toMatch(/file not found: \.\/missing\.pdf/);
    expect(byPath['documents[1].nmae']).toMatch(/unknown field 'nmae' \(did you mean 'name'\?\)/);
    expect(byPath['signers[0].tabs.signhere']).toMatch(/did you mean 'signHere'/);
    expect(byPath['signers[0].tabs.text[0].y']).toMatch(/y is required/);
    expect(byPath['signers[0].tabs.dateSigned[0]']).toMatch(/either anchor .* or page, x and y, not both/);
    expect(byPath['signers[1]']).toMatch(/give a role .* or both name and email/);
    expect(byPath['carbonCopies[0].routingOrder']).toMatch(/whole number/);
    expect(byPath['status']).toMatch(/"sent" or "created"/);
    expect(e.exitCode).toBe(2);
  });
  it('validates emails, names and the subject length after substitution', async () => {
    const e = await rejection(() =>
      build(
        `emailSubject: "{{ s }}"\ndocuments: [{ text: hello }]\nsigners:\n  - { name: "{{ n }}", email: "{{ m }}", tabs: { signHere: [{ anchor: hello }] } }\n`,
        { vars: { s: 'x'.repeat(101), n: 'y'.repeat(101), m: 'a@b' } },
      ),
    );
    expect(e.message).toMatch(/emailSubject: emailSubject is 101 characters after variables are filled in; DocuSign allows 100/);
    expect(e.message).toMatch(/signers\[0\]\.name: name is 101 characters/);
    expect(e.message).toMatch(/'a@b' is not a valid email address/);
  });
  it('an exactly 100-character subject with non-ASCII letters passes', async () => {
    const b = await build(`emailSubject: "${'é'.repeat(100)}"\ndocuments: [{ text: hi }]\nsigners: [{ name: A, email: a@example.test, tabs: { signHere: { anchor: hi } } }]\n`);
    expect([...(b.definition.emailSubject as string)]).toHaveLength(100);
  });
  it('positioned tabs need a document when there are several; ids default to positions', async () => {
    const e = await rejection(() =>
      build(`emailSubject: S\ndocuments: [{ text: a }, { text: b, id: 5 }]\nsigners: [{ name: A, email: a@example.test, tabs: { signHere: [{ page: 1, x: 1, y: 1 }, { page: 1, x: 1, y: 1, document: 3 }] } }]\n`),
    );
    expect(e.message).toMatch(/signHere\[0\]\.document: document is required when there are several documents \(one of 1, 5\)/);
    expect(e.message).toMatch(/signHere\[1\]\.document: document 3 is not one of the template's document ids \(1, 5\)/);
  });
  it('HTML files on disk are templated; .docx names with PDF bytes become pdf', async () => {
    const b = await build(
      `emailSubject: S\ndocuments: [{ path: letter.html }, { path: scan.docx }]\nsigners: [{ name: A, email: a@example.test, tabs: { signHere: [{ anchor: "Dear {{ who }}" }] } }]\n`,
      { vars: { who: 'Ada' } },
      { 'letter.html': '<p>Dear {{ who }}</p>', 'scan.docx': pdfWithText(['hello']) },
    );
    expect(b.documents[0]!.bytes!.toString()).toBe('<p>Dear Ada</p>');
    expect(b.documents[1]!.fileExtension).toBe('pdf');
    expect(b.documents[1]!.path).toMatch(/scan\.docx$/);
    expect(b.warnings.join()).toMatch(/name ends \.docx but the content is PDF/);
  });
  it('status: created stays a draft and says so; --draft makes any template a draft', async () => {
    const y = `emailSubject: S\nstatus: created\ndocuments: [{ text: hi }]\nsigners: [{ name: A, email: a@example.test, tabs: { signHere: { anchor: hi } } }]\n`;
    const b = await build(y);
    expect([b.status, b.explicitDraft, b.definition.status]).toEqual(['created', true, 'created']);
    const b2 = await build(y.replace('status: created\n', ''), { draft: true, transactionId: 'tx-1' });
    expect([b2.status, b2.explicitDraft, b2.definition.transactionId]).toEqual(['created', false, 'tx-1']);
  });
  it('custom fields and envelope passthrough', async () => {
    const b = await build(`emailSubject: S\ndocuments: [{ text: hi }]\nsigners: [{ name: A, email: a@example.test, tabs: { signHere: { anchor: hi } } }]\ncustomFields: { Deal: "{{ id }}", Count: 3 }\nenvelope: { brandId: b-1 }\n`, { vars: { id: 'D-9' } });
    expect(b.definition.customFields).toEqual({ textCustomFields: [{ name: 'Deal', value: 'D-9', show: 'true' }, { name: 'Count', value: '3', show: 'true' }] });
    expect(b.definition.brandId).toBe('b-1');
  });
  it('YAML syntax errors point at line:column', async () => {
    const dir = await tmp();
    const e = await rejection(async () => loadTemplate(await put(dir, 'bad.yaml', 'emailSubject: a\nsigners:\n  - name: x\n   email: y\n')));
    expect(e.message).toMatch(/bad\.yaml:\d+:\d+: invalid YAML/);
  });
  it('JSON syntax errors point at line:column', async () => {
    const dir = await tmp();
    const e = await rejection(async () => loadTemplate(await put(dir, 'bad.json', '{\n  "emailSubject": "a",\n  "documents": [],\n}\n')));
    expect(e.message).toMatch(/bad\.json:4:1: invalid JSON/);
  });
  it('an unknown shape names what esign expected', async () => {
    const dir = await tmp();
    const e = await rejection(async () => loadTemplate(await put(dir, 'x.json', { hello: 1 })));
    expect(e.message).toMatch(/not a template esign recognizes \(top-level keys: hello\)/);
    expect(e.hint).toMatch(/esign template.*web app.*envelope definition/);
  });
});

describe('schema and validator agree', () => {
  const cases: [string, unknown][] = [
    ['minimal', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [{ role: 'A' }] }],
    ['full', {
      $schema: '../schemas/esign-template.schema.json', emailSubject: 'S', message: 'm', status: 'created',
      documents: [{ html: '<p/>', name: 'n', id: 2, fileExtension: 'html' }],
      signers: [{ role: 'A', name: 'n', email: 'e@x.io', id: 3, routingOrder: 2, embedded: true, note: 'x', tabs: { signHere: [{ anchor: 'a', xOffset: 1, yOffset: '-2', units: 'inches', ignoreIfNotPresent: true }], text: { page: 1, x: 2, y: 3, document: 2, label: 'L', value: 'v', required: true, docusign: { font: 'arial' } } } }],
      carbonCopies: [{ name: 'C', email: 'c@x.io' }], customFields: { a: 'b', n: 1 }, envelope: { brandId: 'x' },
    }],
    ['no subject', { documents: [{ text: 'x' }], signers: [{ role: 'A' }] }],
    ['unknown top key', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [{ role: 'A' }], emailSubjcet: 'x' }],
    ['two sources', { emailSubject: 'S', documents: [{ text: 'x', html: 'y' }], signers: [{ role: 'A' }] }],
    ['no source', { emailSubject: 'S', documents: [{ name: 'x' }], signers: [{ role: 'A' }] }],
    ['no documents', { emailSubject: 'S', documents: [], signers: [{ role: 'A' }] }],
    ['no signers', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [] }],
    ['signer without role or email', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [{ name: 'A' }] }],
    ['anchor and position', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [{ role: 'A', tabs: { signHere: [{ anchor: 'a', page: 1, x: 1, y: 1 }] } }] }],
    ['position incomplete', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [{ role: 'A', tabs: { signHere: [{ page: 1, x: 1 }] } }] }],
    ['bad units', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [{ role: 'A', tabs: { signHere: [{ anchor: 'a', units: 'px' }] } }] }],
    ['unknown tab kind', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [{ role: 'A', tabs: { sign: [{ anchor: 'a' }] } }] }],
    ['unknown tab field', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [{ role: 'A', tabs: { signHere: [{ anchor: 'a', xoffset: 1 }] } }] }],
    ['bad status', { emailSubject: 'S', status: 'Sent', documents: [{ text: 'x' }], signers: [{ role: 'A' }] }],
    ['message and blurb', { emailSubject: 'S', message: 'a', emailBlurb: 'b', documents: [{ text: 'x' }], signers: [{ role: 'A' }] }],
    ['embedded not boolean', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [{ role: 'A', embedded: 'yes' }] }],
    ['cc with tabs', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [{ role: 'A' }], carbonCopies: [{ role: 'C', tabs: {} }] }],
    ['envelope overriding documents', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [{ role: 'A' }], envelope: { documents: [] } }],
    ['custom field object', { emailSubject: 'S', documents: [{ text: 'x' }], signers: [{ role: 'A' }], customFields: { a: { b: 1 } } }],
    ['document id zero', { emailSubject: 'S', documents: [{ text: 'x', id: 0 }], signers: [{ role: 'A' }] }],
  ];
  it.each(cases)('%s', async (_name, doc) => {
    const schema = JSON.parse(await readFile(join('schemas', 'esign-template.schema.json'), 'utf8'));
    const ajv = new (Ajv as unknown as typeof Ajv.default)({ allErrors: true, strict: false });
    const schemaValid = ajv.validate(schema, doc);
    const conv = await convertEsign(structuredClone(doc) as Record<string, unknown>, 't.yaml', '/tmp', new VariableScope({}));
    expect(conv.problems.length === 0, JSON.stringify(conv.problems)).toBe(schemaValid);
  });
});
