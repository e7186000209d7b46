/**
 * Literal braces: `{{ '…' }}` (or `{{ "…" }}`) sends the quoted text as it is, so a formula, a
 * message or an HTML document can contain `{{ 1 + 1 }}`; the broken-placeholder check respects it.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, classify, loadTemplate, referencedVariables } from '../../src/templates/index.js';
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

describe('the escape itself', () => {
  it.each([
    [`{{ '{{' }}`, '{{'],
    [`{{ '}}' }}`, '}}'],
    [`Total: {{ '{{' }} 1 + 1 {{ '}}' }}`, 'Total: {{ 1 + 1 }}'],
    [`Total: {{ '{{ 1 + 1 }}' }}`, 'Total: {{ 1 + 1 }}'],
    [`{{ "it's {{ x }}" }}`, "it's {{ x }}"],
    [`{{'{{'}}name{{'}}'}} is {{ name }}`, '{{name}} is Pat'],
  ])('%s → %s, with no problem', (input, output) => {
    const scope = new VariableScope({ name: 'Pat' }, 'f.yaml');
    expect(scope.substitute(input, 'message')).toBe(output);
    expect(scope.substitute(input, 'html', { content: true })).toBe(output);
    expect(scope.problems).toEqual([]);
    expect(scope.missing.size).toBe(0);
    expect(brokenBraces(input)).toEqual([]);
  });
  it('a literal is not a variable reference', () => {
    expect([...referencedVariables({ a: `{{ '{{ company }}' }} {{ name }}` })]).toEqual(['name']);
  });
  it('a value from a variable is never re-read, so data cannot inject references', () => {
    const scope = new VariableScope({ a: `{{ '{{' }} {{ b }}`, b: 'B' });
    expect(scope.substitute('{{ a }}', 'x')).toBe(`{{ '{{' }} {{ b }}`);
  });
  it('an extra brace next to a literal is still an error', () => {
    expect(brokenBraces(`{{{ '{{' }}`)).toEqual([expect.stringContaining('extra brace')]);
  });
});

describe('the problems that need it say how to write it', () => {
  it('a malformed variable shows its literal form', () => {
    const scope = new VariableScope({}, 'f.yaml');
    scope.substitute('Total: {{ 1 + 1 }}', 'message');
    expect(scope.problems[0]!.message).toContain(`to send it as text, write {{ '{{ 1 + 1 }}' }}`);
  });
  it("an unclosed '{{' or a stray '}}' that is not a near-miss variable", () => {
    expect(brokenBraces('a {{ + b')[0]).toContain(`a literal '{{' is written {{ '{{' }}`);
    expect(brokenBraces('a + b }}')[0]).toContain(`a literal '}}' is written {{ '}}' }}`);
    expect(brokenBraces('{{ company')[0]).not.toContain('literal');
  });
});

const YAML = `emailSubject: "Quote for {{ company }}"
message: "Your total is {{ '{{' }} price * qty {{ '}}' }} as computed"
documents:
  - html: "<p>Handlebars example: {{ '{{ user.name }}' }}</p> /sn1/"
signers:
  - name: Pat Example
    email: pat@example.test
    tabs:
      number:
        - anchor: /sn1/
          label: Total
          docusign: { formula: "{{ '{{' }}[Price] * 2{{ '}}' }}" }
`;

describe('templates', () => {
  it('esign format: message, inline HTML and a raw tab property keep the literal braces', async () => {
    const t = await loadTemplate(await put(dir, 'lit.yaml', YAML));
    const b = await buildEnvelope(t, { vars: { company: 'Acme' } });
    expect(b.definition.emailBlurb).toBe('Your total is {{ price * qty }} as computed');
    expect(b.documents[0]!.bytes!.toString()).toContain('Handlebars example: {{ user.name }}');
    const tab = (b.definition.recipients as any).signers[0].tabs.numberTabs[0];
    expect(tab.formula).toBe('{{[Price] * 2}}');
    expect(b.warnings.filter((w) => /variable/.test(w))).toEqual([]);
  });
  it('a JSON envelope definition with {{ "{{" }}', async () => {
    const raw = {
      emailSubject: 'Hi {{ "{{" }}x{{ "}}" }}',
      documents: [{ documentId: '1', name: 'd.txt', documentBase64: Buffer.from('sign /sn1/').toString('base64') }],
      recipients: { signers: [{ recipientId: '1', name: 'Pat', email: 'pat@example.test', tabs: { signHereTabs: [{ anchorString: '/sn1/' }] } }] },
    };
    const b = await buildEnvelope(classify(raw, 'raw.json'));
    expect(b.definition.emailSubject).toBe('Hi {{x}}');
  });
  it('a subject made long by literal braces is still held to 100 characters', async () => {
    const subject = `${'x'.repeat(95)} {{ '{{' }}a{{ '}}' }}`; // 101 characters once written
    const t = classify({ emailSubject: subject, documents: [{ text: 'Sign /sn1/' }], signers: [{ name: 'Pat Example', email: 'pat@example.test', tabs: { signHere: { anchor: '/sn1/' } } }] }, 'long.yaml');
    const e = await rejection(() => buildEnvelope(t));
    expect(e.problems!.map((p) => p.message)).toEqual([expect.stringContaining('emailSubject is 101 characters')]);
  });
});

describe('esign send', () => {
  let h: CliHarness;
  beforeAll(async () => {
    h = await cliHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  it('--dry-run shows the literal text; nothing is refused', async () => {
    const file = await put(dir, 'send.yaml', YAML);
    const r = await h.run(['send', file, '--var', 'company=Acme', '--dry-run', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).emailBlurb).toBe('Your total is {{ price * qty }} as computed');
    expect(r.requests).toEqual([]);
  });
});
