/**
 * Messages name fields the way the user's file spells them: the esign format says `anchor`,
 * `ignoreIfNotPresent`, `message`, `document`; web-app exports and envelope definitions use
 * DocuSign's own names (`anchorString`, `anchorIgnoreIfNotPresent`).
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_HINTS } from '../../src/docusign/errors.js';
import { buildEnvelope, classify, loadTemplate } from '../../src/templates/index.js';
import { put, rejection, tmp } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await tmp();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DOC = 'Please sign here: /sn1/';
const esign = (tab: string, extra = '') => `emailSubject: S
documents: [{ text: ${JSON.stringify(DOC)} }]
signers:
  - name: Pat Example
    email: pat@example.test
    tabs: { signHere: [${tab}] }
${extra}`;
const b64 = Buffer.from(DOC).toString('base64');
const raw = (tab: Record<string, unknown>) => ({
  emailSubject: 'S',
  documents: [{ documentId: '1', name: 'd.txt', fileExtension: 'txt', documentBase64: b64 }],
  recipients: { signers: [{ recipientId: '1', name: 'Pat Example', email: 'pat@example.test', tabs: { signHereTabs: [tab] } }] },
});
const webapp = (tab: Record<string, unknown>) => ({
  templateId: '0f1e2d3c-0000-4000-8000-000000000001',
  owner: { userName: 'Owner' },
  emailSubject: 'S',
  documents: [{ documentId: '1', name: 'd.txt', fileExtension: 'txt', documentBase64: b64 }],
  recipients: { signers: [{ recipientId: '1', roleName: 'Signer', name: '', email: '', routingOrder: '1', tabs: { signHereTabs: [{ documentId: '1', ...tab }] } }] },
});
const SIGNER = [{ role: 'Signer', name: 'Pat Example', email: 'pat@example.test' }];

describe('a missing anchor: the hint names the field of the file format, and following it works', () => {
  it('esign format: ignoreIfNotPresent', async () => {
    const e = await rejection(async () => buildEnvelope(await loadTemplate(await put(dir, 'a.yaml', esign('{ anchor: /nope/ }')))));
    expect(e.problems!.map((p) => `${p.path}: ${p.message}`)).toEqual([
      `signers[0].tabs.signHere[0]: anchor '/nope/' not found in 'Document 1.txt'; check the spelling against the document text, or set ignoreIfNotPresent: true on the tab if the field is optional`,
    ]);
    expect(e.message).not.toContain('anchorIgnoreIfNotPresent');
    const ok = await buildEnvelope(await loadTemplate(await put(dir, 'b.yaml', esign('{ anchor: /nope/, ignoreIfNotPresent: true }'))));
    expect((ok.definition.recipients as any).signers[0].tabs.signHereTabs[0].anchorIgnoreIfNotPresent).toBe('true');
  });
  it('envelope definition: anchorIgnoreIfNotPresent', async () => {
    const e = await rejection(() => buildEnvelope(classify(raw({ anchorString: '/nope/' }), 'raw.json')));
    expect(e.problems!.map((p) => `${p.path}: ${p.message}`)).toEqual([
      `recipients.signers[0].tabs.signHereTabs[0]: anchor '/nope/' not found in 'd.txt'; check the spelling against the document text, or set anchorIgnoreIfNotPresent: "true" on the tab if the field is optional`,
    ]);
    await buildEnvelope(classify(raw({ anchorString: '/nope/', anchorIgnoreIfNotPresent: 'true' }), 'raw.json'));
  });
  it('web-app export: anchorIgnoreIfNotPresent', async () => {
    const t = classify(webapp({ anchorString: '/nope/' }), 'export.json');
    expect(t.format).toBe('webapp-export');
    const e = await rejection(() => buildEnvelope(t, { roles: SIGNER }));
    expect(e.message).toContain(`or set anchorIgnoreIfNotPresent: "true" on the tab if the field is optional`);
    await buildEnvelope(classify(webapp({ anchorString: '/nope/', anchorIgnoreIfNotPresent: 'true' }), 'export.json'), { roles: SIGNER });
  });
  it("DocuSign's ANCHOR_TAB_STRING_NOT_FOUND hint names both spellings", () => {
    expect(ERROR_HINTS.ANCHOR_TAB_STRING_NOT_FOUND).toContain('ignoreIfNotPresent: true in an esign template');
    expect(ERROR_HINTS.ANCHOR_TAB_STRING_NOT_FOUND).toContain('anchorIgnoreIfNotPresent: "true" in a web-app export or envelope definition');
  });
});

describe('esign format: every problem path uses the esign field names', () => {
  it('anchor, docusign.*, message, document and custom field names', async () => {
    const yaml = esign(
      '{ anchor: "[signHere]" }, { page: 1, x: 10, y: 10, document: 3 }, { anchor: /sn1/, docusign: { tabLabel: "[label]", anchorMatchWholeWord: "[w]" } }',
      `message: ${JSON.stringify('m'.repeat(10_001))}\ncustomFields: { Deal ID: ${JSON.stringify('v'.repeat(101))} }\n`,
    );
    const e = await rejection(async () => buildEnvelope(await loadTemplate(await put(dir, 'paths.yaml', yaml))));
    const paths = e.problems!.map((p) => p.path);
    expect(paths.sort()).toEqual(
      [
        'customFields["Deal ID"]',
        'message',
        'signers[0].tabs.signHere[0].anchor',
        'signers[0].tabs.signHere[1].document',
        'signers[0].tabs.signHere[2].docusign.anchorMatchWholeWord',
      ].sort(),
    );
    // no DocuSign property names in any path of an esign template
    expect(paths.join(' ')).not.toMatch(/anchorString|documentId|emailBlurb|textCustomFields/);
  });
  it('warnings too: a placeholder value and a mis-cased DocuSign property under docusign', async () => {
    const b = await buildEnvelope(await loadTemplate(await put(dir, 'warn.yaml', esign('{ anchor: /sn1/, value: "[amount]", docusign: { xposition: "5" } }'))));
    expect(b.warnings.join('\n')).toContain(`signers[0].tabs.signHere[0].value is '[amount]'`);
    expect(b.warnings.join('\n')).toContain(`signers[0].tabs.signHere[0].docusign.xposition: DocuSign's field is xPosition`);
  });
});
