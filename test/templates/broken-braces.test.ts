/** A `{{ … }}` with a brace missing or extra is an input error, never literal text in a sent envelope. */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, classify, loadTemplate } from '../../src/templates/index.js';
import { VariableScope, brokenBraces } from '../../src/templates/variables.js';
import { cliHarness, type CliHarness } from '../helpers/cli.js';
import { put, rejection, tmp } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await tmp();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const esign = (subject: string, extra = '') => `emailSubject: ${JSON.stringify(subject)}
documents: [{ text: "Sign here /sn1/" }]
signers: [{ name: Pat Example, email: pat@example.test, tabs: { signHere: [{ anchor: /sn1/ }] } }]
${extra}`;

describe('brokenBraces', () => {
  it.each([
    ['NDA for {{ company }', `'{{' is not closed: "NDA for {{ company }" (did you mean {{ company }}?)`],
    ['NDA for {{ company', `'{{' is not closed: "NDA for {{ company" (did you mean {{ company }}?)`],
    ['NDA for {{ company } and {{ other }}', `'{{' is not closed: "NDA for {{ company } and {{ other }}" (did you mean {{ company }}?)`],
    ['NDA for { company }}', `'}}' has no opening '{{': "NDA for { company }}" (did you mean {{ company }}?)`],
    ['NDA for company }}', `'}}' has no opening '{{': "NDA for company }}"`],
    ['NDA for {{ company }}}', `extra brace around {{ company }}: "NDA for {{ company }}}"`],
    ['NDA for {{{ company }}', `extra brace around {{ company }}: "NDA for {{{ company }}"`],
  ])('%s is broken', (s, message) => {
    const found = brokenBraces(s);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });
  it('leaves complete references and DocuSign syntax alone', () => {
    expect(brokenBraces('{{ a }} {{b.c}} [[Signer_UserName]] [Amount]*[Rate] {single} { a: 1 }')).toEqual([]);
  });
  it('document content: CSS and code may close two blocks at once, but { name }} and {{ name } are still broken', () => {
    const css = '<style>@media print { p { color: red }}</style><p style="x">{{ a }}</p><script>if (x) { f({a: 1}) }}</script>';
    expect(brokenBraces(css, true)).toEqual([]);
    expect(brokenBraces('<b style="color:{{ brand.color }}}">', true)).toEqual([]);
    expect(brokenBraces('<p>Dear { name }}</p>', true)).toEqual([expect.stringContaining('(did you mean {{ name }}?)')]);
    expect(brokenBraces('<p>Dear {{ name }</p>', true)).toEqual([expect.stringContaining(`'{{' is not closed`)]);
  });
  it('quotes the line (with its number) around a break in a long text, and caps the count', () => {
    const html = `<h1>Offer</h1>\n<p>${'x'.repeat(120)} Dear {{ candidate.name },</p>\n`;
    expect(brokenBraces(html, true)).toEqual([`'{{' is not closed: "…${'x'.repeat(34)} Dear {{ candidate.name },</p>" (line 2) (did you mean {{ candidate.name }}?); a variable is written {{ name }}`]);
    const many = brokenBraces('{{ a } {{ b } {{ c } {{ d } {{ e }');
    expect(many).toHaveLength(4);
    expect(many[3]).toBe(`and 2 more unmatched '{{' or '}}'`);
  });
  it('VariableScope reports each broken string at its field path and leaves the text as it was', () => {
    const s = new VariableScope({ company: 'Acme' }, 'f.yaml');
    const out = s.substituteDeep({ subject: 'NDA for {{ company }', docs: [{ html: '<style>a { b { c: d }}</style>{{ company }}' }] }, '') as any;
    expect(out.docs[0].html).toBe('<style>a { b { c: d }}</style>Acme');
    expect(s.problems.map((p) => [p.file, p.path])).toEqual([['f.yaml', 'subject']]);
  });
});

describe('buildEnvelope refuses broken placeholders in every format', () => {
  it('esign format: subject, message, names, tab values, custom fields and inline HTML', async () => {
    const yaml = `emailSubject: "NDA for {{ company }"
message: "Hello { counterparty.name }}"
documents:
  - html: "<p>{{ company }</p> /sn1/"
signers:
  - name: "{{ counterparty.name }}}"
    email: pat@example.test
    tabs: { text: [{ anchor: /sn1/, value: "{{ company" }] }
customFields: { Deal: "{{ deal.id }" }
`;
    const t = await loadTemplate(await put(dir, 'all.yaml', yaml));
    const e = await rejection(() => buildEnvelope(t, { vars: { company: 'A', counterparty: { name: 'Pat' }, deal: { id: '7' } } }));
    expect(e.exitCode).toBe(2);
    const at = e.problems!.map((p) => `${p.path}: ${p.message.split(':')[0]}`);
    expect(at).toEqual([
      `emailSubject: '{{' is not closed`,
      `message: '}}' has no opening '{{'`,
      `documents[0].html: '{{' is not closed`,
      `signers[0].name: extra brace around {{ counterparty.name }}`,
      `signers[0].tabs.text[0].value: '{{' is not closed`,
      `customFields.Deal: '{{' is not closed`,
    ]);
    expect(e.problems!.every((p) => p.file?.endsWith('all.yaml'))).toBe(true);
  });
  it('esign format: an HTML file given by path is checked too, with the line', async () => {
    await put(dir, 'letter.html', '<html><body>\n<p>Dear {{ name },</p> /sn1/\n</body></html>\n');
    const t = await loadTemplate(await put(dir, 'file.yaml', esign('Hi').replace('{ text: "Sign here /sn1/" }', '{ path: letter.html }')));
    const e = await rejection(() => buildEnvelope(t, { vars: { name: 'Pat' } }));
    expect(e.problems!.map((p) => `${p.path}: ${p.message}`)).toEqual([
      `documents[0].path (letter.html): '{{' is not closed: "<p>Dear {{ name },</p> /sn1/" (line 2) (did you mean {{ name }}?); a variable is written {{ name }}`,
    ]);
  });
  it('envelope definitions and web-app exports', async () => {
    const raw = {
      emailSubject: 'NDA for {{ company }',
      documents: [{ documentId: '1', name: 'd.txt', fileExtension: 'txt', documentBase64: Buffer.from('sign /sn1/').toString('base64') }],
      recipients: { signers: [{ recipientId: '1', name: 'Pat', email: 'pat@example.test', tabs: { signHereTabs: [{ anchorString: '/sn1/' }] } }] },
    };
    const e = await rejection(() => buildEnvelope(classify(raw, 'raw.json'), { vars: { company: 'A' } }));
    expect(e.problems!.map((p) => [p.file, p.path])).toEqual([['raw.json', 'emailSubject']]);
  });
  it('a correct template with DocuSign brackets still builds', async () => {
    const t = await loadTemplate(await put(dir, 'ok.yaml', esign('NDA for {{ company }} [[Signer_UserName]]')));
    const b = await buildEnvelope(t, { vars: { company: 'A' } });
    expect(b.definition.emailSubject).toBe('NDA for A [[Signer_UserName]]');
  });
});

describe('esign send with a broken placeholder', () => {
  let h: CliHarness;
  beforeAll(async () => {
    h = await cliHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  it('exits 2 naming the file, the field and the text, and sends nothing (with or without --dry-run)', async () => {
    const file = await put(dir, 'nda.yaml', esign('NDA for {{ company }'));
    for (const extra of [['--dry-run'], []]) {
      const r = await h.run(['send', file, '--var', 'company=A', ...extra]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${file}: emailSubject: '{{' is not closed: "NDA for {{ company }" (did you mean {{ company }}?)`);
      expect(r.err).not.toContain('was given but the template does not use it');
      expect(r.out).toBe('');
      expect(r.requests).toEqual([]);
    }
  });
});
