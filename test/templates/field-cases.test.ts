/** BR-17 (clientUserId), BR-18 (role names), BR-20 (anchors), BR-22 (sizes). */
import { describe, expect, it } from 'vitest';
import { buildEnvelope, buildServerTemplateEnvelope, loadTemplate } from '../../src/templates/index.js';
import { pdfWithText, pdfWithoutText, put, rejection, tmp } from './helpers.js';

const env = (extra = '') => `emailSubject: S
documents: [{ path: doc.pdf }]
signers:
  - role: Signer
    tabs: { signHere: [{ anchor: "/sn1/" }] }
  - { name: Remote Person, email: remote@example.test, tabs: { signHere: [{ anchor: "/sn1/" }] } }
carbonCopies: [{ name: Copy, email: cc@example.test }]
${extra}`;
async function tpl(yaml: string, pdf: Buffer) {
  const dir = await tmp();
  await put(dir, 'doc.pdf', pdf);
  return loadTemplate(await put(dir, 't.yaml', yaml));
}
const pat = { role: 'Signer', name: 'Pat Example', email: 'pat@example.test' };

describe('BR-17 clientUserId only when embedded is asked for', () => {
  it('default: no signer gets a clientUserId', async () => {
    const b = await buildEnvelope(await tpl(env(), pdfWithText(['/sn1/'])), { roles: [pat] });
    expect(JSON.stringify(b.definition)).not.toContain('clientUserId');
    expect(b.recipients.every((r) => !r.embedded)).toBe(true);
  });
  it('--embedded: every signer gets clientUserId = recipientId, carbon copies never', async () => {
    const b = await buildEnvelope(await tpl(env(), pdfWithText(['/sn1/'])), { roles: [pat], embedded: true });
    const r = b.definition.recipients as any;
    expect(r.signers.map((s: any) => s.clientUserId)).toEqual(['1', '2']);
    expect(r.carbonCopies[0].clientUserId).toBeUndefined();
    expect(b.recipients.map((x) => [x.type, x.embedded, x.clientUserId])).toEqual([
      ['signer', true, '1'],
      ['signer', true, '2'],
      ['carbonCopy', false, undefined],
    ]);
  });
  it('embedded: true on one signer only affects that signer; an explicit clientUserId is kept', async () => {
    const y = env().replace('  - role: Signer\n', '  - role: Signer\n    embedded: true\n').replace('{ name: Remote Person,', '{ clientUserId: app-user-7, name: Remote Person,');
    const b = await buildEnvelope(await tpl(y, pdfWithText(['/sn1/'])), { roles: [pat] });
    expect(b.recipients.map((x) => x.clientUserId)).toEqual(['1', 'app-user-7', undefined]);
  });
  it('server template: --embedded sets clientUserId on signer roles only', () => {
    const server = { recipients: { signers: [{ roleName: 'Signer', recipientId: '4', routingOrder: '1' }], carbonCopies: [{ roleName: 'CC', recipientId: '5' }] } };
    const b = buildServerTemplateEnvelope('tpl-1', server, { embedded: true, roles: [pat, { role: 'CC', name: 'C', email: 'c@example.test' }] });
    expect(b.definition.templateRoles).toEqual([
      { roleName: 'Signer', name: 'Pat Example', email: 'pat@example.test', clientUserId: '4', routingOrder: '1' },
      { roleName: 'CC', name: 'C', email: 'c@example.test' },
    ]);
    const plain = buildServerTemplateEnvelope('tpl-1', server, { roles: [pat, { role: 'CC', name: 'C', email: 'c@example.test' }] });
    expect(JSON.stringify(plain.definition)).not.toContain('clientUserId');
  });
});

describe('BR-18 role names must match the template exactly', () => {
  const server = { recipients: { signers: [{ roleName: 'Signer', recipientId: '1', routingOrder: '1', tabs: { signHereTabs: [{ pageNumber: '1' }] } }] } };
  it('a case near-miss is an error with the roles and a did-you-mean', async () => {
    const e = await rejection(() => buildServerTemplateEnvelope('T1', server, { roles: [{ ...pat, role: 'signer' }] }));
    expect(e.message).toContain(`role 'signer' not found; template roles: 'Signer' (did you mean 'Signer'? role names must match exactly, including case and spaces)`);
    expect(e.message).toContain(`template T1 role 'Signer' is not filled`);
  });
  it('a trailing-space near-miss too', async () => {
    const e = await rejection(() => buildServerTemplateEnvelope('T1', server, { roles: [{ ...pat, role: 'Signer ' }] }));
    expect(e.message).toContain(`role 'Signer ' not found`);
    expect(e.message).toContain(`did you mean 'Signer'?`);
  });
  it('the exact name builds one templateRole', () => {
    const b = buildServerTemplateEnvelope('T1', server, { roles: [pat] });
    expect(b.definition).toEqual({ templateId: 'T1', templateRoles: [{ roleName: 'Signer', name: 'Pat Example', email: 'pat@example.test', routingOrder: '1' }], status: 'sent' });
    expect(b.recipients).toEqual([{ recipientId: '1', roleName: 'Signer', name: 'Pat Example', email: 'pat@example.test', type: 'signer', embedded: false, routingOrder: '1' }]);
    expect(b.documents).toEqual([]);
  });
  it('a role filled from variables counts; a placeholder template id is refused', async () => {
    const b = buildServerTemplateEnvelope('T1', server, { vars: { Signer: { name: 'V Person', email: 'v@example.test' } }, draft: true });
    expect(b.definition.templateRoles).toEqual([{ roleName: 'Signer', name: 'V Person', email: 'v@example.test', routingOrder: '1' }]);
    expect(b.status).toBe('created');
    const e = await rejection(() => buildServerTemplateEnvelope('[templateId]', undefined, { roles: [pat] }));
    expect(e.message).toMatch(/'\[templateId\]' is not a template id/);
  });
  it('without the fetched template, roles pass through as given', () => {
    const b = buildServerTemplateEnvelope('T1', undefined, { roles: [pat] });
    expect((b.definition.templateRoles as any[])[0].roleName).toBe('Signer');
  });
  it('file templates: an unknown --role lists the roles', async () => {
    const e = await rejection(async () => buildEnvelope(await tpl(env(), pdfWithText(['/sn1/'])), { roles: [{ ...pat, role: 'Signer ' }] }));
    expect(e.message).toContain(`role 'Signer ' not found; template roles: 'Signer' (did you mean 'Signer'?`);
  });
});

describe('BR-20 anchors are checked in text-based documents', () => {
  it('a missing anchor fails naming the anchor and the file', async () => {
    const e = await rejection(async () => buildEnvelope(await tpl(env(), pdfWithText(['Sign here: /sig/'])), { roles: [pat] }));
    expect(e.message).toContain(`anchor '/sn1/' not found in 'doc.pdf'`);
    expect(e.problems!.find((p) => /anchor/.test(p.message))!.path).toBe('signers[0].tabs.signHere[0]');
  });
  it('anchor search ignores case and spacing like DocuSign, unless caseSensitive', async () => {
    const y = env().replaceAll('"/sn1/"', '"sign  HERE"');
    await expect(buildEnvelope(await tpl(y, pdfWithText(['Please Sign here'])), { roles: [pat] })).resolves.toBeTruthy();
    const cs = y.replace('{ anchor: "sign  HERE" }', '{ anchor: "sign  HERE", caseSensitive: true }');
    await expect(buildEnvelope(await tpl(cs, pdfWithText(['Please Sign here'])), { roles: [pat] })).rejects.toThrow(/case-sensitive/);
  });
  it('ignoreIfNotPresent skips the check', async () => {
    const y = env().replace('{ signHere: [{ anchor: "/sn1/" }] }\n  - {', '{ signHere: [{ anchor: "/zz/", ignoreIfNotPresent: true }] }\n  - {');
    const b = await buildEnvelope(await tpl(y, pdfWithText(['/sn1/'])), { roles: [pat] });
    expect((b.definition.recipients as any).signers[0].tabs.signHereTabs[0].anchorIgnoreIfNotPresent).toBe('true');
  });
  it('a PDF without a text layer gives a warning, not an error', async () => {
    const b = await buildEnvelope(await tpl(env(), pdfWithoutText()), { roles: [pat] });
    expect(b.warnings.join('\n')).toMatch(/anchor '\/sn1\/' .* could not be checked: 'doc.pdf' has no text layer/);
  });
  it('a signer with no tabs is a warning', async () => {
    const y = env().replace('    tabs: { signHere: [{ anchor: "/sn1/" }] }\n', '');
    const b = await buildEnvelope(await tpl(y, pdfWithText(['/sn1/'])), { roles: [pat] });
    expect(b.warnings.join('\n')).toMatch(/signer role 'Signer' \(recipientId 1\) has no tabs/);
  });
});

describe('BR-22 document size limits', () => {
  it('a document over the per-document limit is refused with its size and the limit', async () => {
    const big = Buffer.concat([pdfWithText(['/sn1/']), Buffer.alloc(3 * 1024 * 1024, 0x20)]);
    const e = await rejection(async () => buildEnvelope(await tpl(env(), big), { roles: [pat], maxDocumentBytes: 2 * 1024 * 1024 }));
    expect(e.message).toMatch(/file \S+doc\.pdf is 3\.0 MB, limit is 2\.0 MB per document/);
    expect(e.problems![0]!.path).toBe('documents[0]');
  });
  it('the default limit is 25 MB; the whole request after base64 is held to DocuSign\'s 34 MB', async () => {
    const dir = await tmp();
    const pdf = Buffer.concat([pdfWithText(['/sn1/']), Buffer.alloc(9 * 1024 * 1024, 0x20)]);
    for (const n of ['a.pdf', 'b.pdf', 'c.pdf']) await put(dir, n, pdf);
    const y = `emailSubject: S\ndocuments: [{ path: a.pdf }, { path: b.pdf }, { path: c.pdf }]\nsigners: [{ name: A, email: a@example.test, tabs: { signHere: [{ anchor: "/sn1/" }] } }]\n`;
    const e = await rejection(async () => buildEnvelope(await loadTemplate(await put(dir, 't.yaml', y)), {}));
    expect(e.message).toMatch(/the documents add up to 36 MB once base64-encoded, over DocuSign's request limit of 34 MB/);
    const one = `emailSubject: S\ndocuments: [{ path: a.pdf }]\nsigners: [{ name: A, email: a@example.test, tabs: { signHere: [{ anchor: "/sn1/" }] } }]\n`;
    await expect(buildEnvelope(await loadTemplate(await put(dir, 'one.yaml', one)), {})).resolves.toBeTruthy();
  });
});
