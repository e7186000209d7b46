/**
 * Every file in ../shared/real-inputs (beside the checkout) either builds (with the roles it needs) or is rejected
 * with a clear, correct error. Variants are derived in temporary files; the originals are read only.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildEnvelope, classify, loadTemplate, abbreviateForDryRun, type BuiltEnvelope } from '../../src/templates/index.js';
import { InvalidInputError, UsageError } from '../../src/errors.js';
import { REAL, put, readReal, rejection, tmp } from './helpers.js';
import { describeShared } from '../helpers/shared.js';

const person = (role: string, i: number) => ({ role, name: `Person ${i} Ünïcødé`, email: `p${i}@example.test` });

function composite(b: BuiltEnvelope, i = 0): any {
  return (b.definition.compositeTemplates as any[])[i];
}
function signers(b: BuiltEnvelope, i = 0): any[] {
  return composite(b, i).inlineTemplates[0].recipients.signers;
}

describeShared('#1 offer-letter-docgen (DOCX, DocGen, anchors)', () => {
  it('builds as a composite with the docx kept and a DocGen warning', async () => {
    const t = await loadTemplate(join(REAL, 'offer-letter-docgen.json'));
    expect(t.format).toBe('webapp-export');
    const b = await buildEnvelope(t, { roles: [person('signer', 1)] });
    const doc = composite(b).document;
    expect(doc).toMatchObject({ documentId: '1', name: 'OfferLetterDemo.docx', fileExtension: 'docx' });
    expect(doc.documentBase64).toBeUndefined();
    expect(doc.isDocGenDocument).toBeUndefined();
    expect(b.documents[0]!.bytes!.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(b.documents[0]!.compositeTemplateId).toBe('1');
    expect(signers(b)[0].tabs.signHereTabs[0].anchorString).toBe('Employee Signature');
    expect(signers(b)[0].tabs.signHereTabs[0].tabId).toBeUndefined();
    expect(b.warnings.join('\n')).toMatch(/Document Generation.*Candidate_Name/);
    // read-only template fields are gone
    for (const k of ['templateId', 'uri', 'owner', 'created', 'folderId', 'isDocGenTemplate', 'anySigner']) expect(b.definition).not.toHaveProperty(k);
    expect(signers(b)[0]).not.toHaveProperty('recipientIdGuid');
    expect(signers(b)[0]).not.toHaveProperty('templateLocked');
  });
  it('without --role names the role to fill', async () => {
    const e = await rejection(async () => buildEnvelope(await loadTemplate(join(REAL, 'offer-letter-docgen.json')), {}));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toContain(`role 'signer' is not filled: pass --role "signer=Full Name <email@example.com>"`);
    expect(e.problems![0]!.path).toBe('recipients.signers[0]');
  });
  it('checks DOCX anchors: a missing anchor is an error naming it and the file', async () => {
    const raw = await readReal('offer-letter-docgen.json');
    raw.recipients.signers[0].tabs.signHereTabs[0].anchorString = 'Signature of the Employee XYZ';
    const dir = await tmp();
    const e = await rejection(async () => buildEnvelope(await loadTemplate(await put(dir, 'v.json', raw)), { roles: [person('signer', 1)] }));
    expect(e.message).toMatch(/anchor 'Signature of the Employee XYZ' not found in 'OfferLetterDemo.docx'/);
    expect(e.problems![0]!.path).toBe('recipients.signers[0].tabs.signHereTabs[0]');
  });
});

describeShared('#2 sample-esign-offer-letter-cc', () => {
  it('keeps documentId 89448297, sends the .docx-named PDF as pdf, leaves [[New Hire_UserName]] alone, keeps the cc', async () => {
    const t = await loadTemplate(join(REAL, 'sample-esign-offer-letter-cc.json'));
    const b = await buildEnvelope(t, {
      roles: [person('HR Rep', 1), person('New Hire', 2), person('Hiring Manager', 3)],
      vars: { unused: 'x' },
    });
    const doc = composite(b).document;
    expect(doc.documentId).toBe('89448297');
    expect(doc.name).toBe('Docusign Template Sample- Employment Offer Letter.docx');
    expect(doc.fileExtension).toBe('pdf');
    expect(b.documents[0]).toMatchObject({ documentId: '89448297', fileExtension: 'pdf' });
    expect(b.definition.emailSubject).toBe('Please Sign Your Employment Offer Letter -  [[New Hire_UserName]]');
    const recips = composite(b).inlineTemplates[0].recipients;
    expect(recips.carbonCopies).toHaveLength(1);
    expect(recips.carbonCopies[0]).toMatchObject({ roleName: 'Hiring Manager', name: 'Person 3 Ünïcødé', email: 'p3@example.test', routingOrder: '3', recipientId: '70245547' });
    expect(recips.signers.map((s: any) => s.routingOrder)).toEqual(['1', '2']);
    expect(b.definition.notification).toMatchObject({ reminders: { reminderEnabled: 'true' }, expirations: { expireAfter: '7' } });
    expect(b.recipients.map((r) => r.type)).toEqual(['signer', 'signer', 'carbonCopy']);
    expect(b.recipients.every((r) => !r.embedded && r.clientUserId === undefined)).toBe(true);
    expect(b.warnings.join('\n')).toMatch(/name ends \.docx but the content is PDF/);
    expect(b.warnings.join('\n')).toMatch(/variable 'unused' was given but the template does not use it/);
    expect(b.status).toBe('sent');
    expect(composite(b).inlineTemplates[0].customFields.textCustomFields).toHaveLength(4);
  });
  it('a wrong-case role gets a did-you-mean and the list of roles', async () => {
    const t = await loadTemplate(join(REAL, 'sample-esign-offer-letter-cc.json'));
    const e = await rejection(() => buildEnvelope(t, { roles: [person('hr rep', 1), person('New Hire', 2), person('Hiring Manager', 3)] }));
    expect(e.message).toContain(`role 'hr rep' not found; template roles: 'HR Rep', 'New Hire' and 'Hiring Manager' (did you mean 'HR Rep'?`);
  });
  it('the dry-run view abbreviates the document', async () => {
    const t = await loadTemplate(join(REAL, 'sample-esign-offer-letter-cc.json'));
    const b = await buildEnvelope(t, { roles: [person('HR Rep', 1), person('New Hire', 2), person('Hiring Manager', 3)] });
    const view = abbreviateForDryRun(b) as any;
    expect(view.compositeTemplates[0].document).toMatchObject({ documentId: '89448297', fileExtension: 'pdf', documentBase64: `<${b.documents[0]!.size} bytes>` });
    expect((b.definition as any).compositeTemplates[0].document.documentBase64).toBeUndefined();
  });
});

describeShared('#3 w4-2020-formulas', () => {
  it('builds with formula, list, radio, ssn and checkbox tabs untouched', async () => {
    const raw = await readReal('w4-2020-formulas.json');
    const b = await buildEnvelope(await loadTemplate(join(REAL, 'w4-2020-formulas.json')), { roles: [person('New Hire', 1), person('HR', 2)] });
    const s = signers(b).find((x: any) => x.roleName === 'New Hire');
    expect(s.tabs.formulaTabs[0].formula).toBe(raw.recipients.signers[0].tabs.formulaTabs[0].formula);
    expect(s.tabs.formulaTabs[0].formula).toBe('[Step3 - Children under 17] + [Step 3 - Dependents]');
    expect(s.tabs.listTabs[0].listItems).toHaveLength(raw.recipients.signers[0].tabs.listTabs[0].listItems.length);
    expect(s.tabs.radioGroupTabs[0].radios).toHaveLength(3);
    expect(s.tabs.radioGroupTabs[0].radios[0].tabId).toBeUndefined();
    expect(s.tabs.ssnTabs).toHaveLength(1);
    expect(s.tabs.checkboxTabs).toHaveLength(2);
    expect(s.recipientId).toBe('2');
    expect(s.routingOrder).toBe('1');
    expect(b.definition.emailBlurb).toBe(raw.emailBlurb);
  });
});

describeShared('#4 employment-offer-letter-sortedkeys', () => {
  it('is detected as an export without templateId and keeps documentId 2 and both roles', async () => {
    const t = await loadTemplate(join(REAL, 'employment-offer-letter-sortedkeys.json'));
    expect(t.format).toBe('webapp-export');
    const b = await buildEnvelope(t, { vars: { 'HR Rep': 'Hana Rep <hr@example.test>', 'New Hire': { name: 'Nia Hire', email: 'nia@example.test' } } });
    expect(composite(b).document.documentId).toBe('2');
    expect(signers(b).map((s: any) => [s.roleName, s.name, s.email])).toEqual([
      ['HR Rep', 'Hana Rep', 'hr@example.test'],
      ['New Hire', 'Nia Hire', 'nia@example.test'],
    ]);
    expect(signers(b)[1].tabs.fullNameTabs).toHaveLength(2);
    expect(b.warnings.filter((w) => /was given/.test(w))).toEqual([]);
  });
});

describeShared('#5 tc-supplement-no-tabs', () => {
  it('a role without tabs is valid, with a free-form warning; the en dash survives', async () => {
    const b = await buildEnvelope(await loadTemplate(join(REAL, 'tc-supplement-no-tabs.json')), { roles: [person('Customer', 1)] });
    expect(b.definition.emailSubject).toBe('Supplemental Document: Terms and Conditions \u2013 Variant A');
    expect(composite(b).document.name).toBe('Terms and Conditions \u2013 Variant A.pdf');
    expect(b.documents[0]!.name).toBe('Terms and Conditions \u2013 Variant A.pdf');
    expect(signers(b)[0].tabs).toBeUndefined();
    expect(b.warnings.join('\n')).toMatch(/signer role 'Customer' \(recipientId 52864803\) has no tabs/);
    expect(composite(b).document.signerMustAcknowledge).toBe('view_accept');
  });
});

describeShared('#6 order-form-formulas-cc', () => {
  it('keeps formulas, list tabs, brandId and the carbon copy', async () => {
    const b = await buildEnvelope(await loadTemplate(join(REAL, 'order-form-formulas-cc.json')), { roles: [person('Signer1', 1), person('CC1', 2)] });
    const s = signers(b)[0];
    expect(s.tabs.formulaTabs.map((f: any) => f.formula)).toContain('([l1e] + [l2e]) * 100');
    expect(s.tabs.listTabs).toHaveLength(2);
    expect(b.definition.brandId).toBe('c153d327-39da-4758-94fd-abcb4671bf9d');
    expect(composite(b).inlineTemplates[0].recipients.carbonCopies[0]).toMatchObject({ roleName: 'CC1', routingOrder: '2' });
    expect(composite(b).inlineTemplates[0].customFields.listCustomFields).toHaveLength(2);
    expect(composite(b).document.fileExtension).toBe('pdf');
  });
  it('a cc without a person is reported with the cc path', async () => {
    const e = await rejection(async () => buildEnvelope(await loadTemplate(join(REAL, 'order-form-formulas-cc.json')), { roles: [person('Signer1', 1)] }));
    expect(e.problems!.map((p) => p.path)).toEqual(['recipients.carbonCopies[0]']);
  });
});

describeShared('#7 loanco-auto-loan-2016', () => {
  it('builds the oldest export: 3 roles, documentId 61577382, formula and initialHere tabs', async () => {
    const b = await buildEnvelope(await loadTemplate(join(REAL, 'loanco-auto-loan-2016.json')), {
      roles: [person('applicant', 1), person('cosigner', 2), person('employee', 3)],
    });
    expect(composite(b).document.documentId).toBe('61577382');
    expect(signers(b).map((s: any) => s.routingOrder)).toEqual(['1', '2', '3']);
    expect(signers(b)[0].tabs.formulaTabs[0].formula).toBe('[Amount]/[Duration]');
    expect(signers(b)[0].tabs.initialHereTabs).toHaveLength(1);
    expect(b.warnings.join('\n')).toMatch(/role 'employee'.*has no tabs/);
  });
  it('all unfilled roles are listed at once', async () => {
    const e = await rejection(async () => buildEnvelope(await loadTemplate(join(REAL, 'loanco-auto-loan-2016.json')), { roles: [person('applicant', 1)] }));
    expect(e.problems!.map((p) => p.message.match(/role '(\w+)'/)![1])).toEqual(['cosigner', 'employee']);
  });
  it('a role filled with a placeholder email is rejected', async () => {
    const e = await rejection(async () =>
      buildEnvelope(await loadTemplate(join(REAL, 'loanco-auto-loan-2016.json')), {
        roles: [person('applicant', 1), person('cosigner', 2)],
        vars: { employee: { name: 'E', email: '[signerEmail]' } },
      }),
    );
    expect(e.message).toMatch(/'\[signerEmail\]' is a placeholder left from a code sample, not an email address/);
  });
});

describeShared('#8 legacy-v2-template-definition', () => {
  it('is detected and explained', async () => {
    const e = await rejection(() => loadTemplate(join(REAL, 'legacy-v2-template-definition.json')));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/old DocuSign v2 template body \(an "envelopeTemplateDefinition" wrapper\) with no documents or recipients/);
    expect(e.hint).toMatch(/Download/);
  });
  it('a v2 wrapper that does hold documents and recipients is flattened and builds', async () => {
    const legacy = await readReal('legacy-v2-template-definition.json');
    const modern = await readReal('tc-supplement-no-tabs.json');
    const variant: Record<string, any> = { ...legacy, emailSubject: 'Legacy', documents: modern.documents, recipients: modern.recipients };
    delete variant.eventNotification;
    for (const k of Object.keys(variant)) if (variant[k] === 'Stringcontent' || variant[k] === 'String content' || variant[k] === 'string content') delete variant[k];
    const dir = await tmp();
    const t = await loadTemplate(await put(dir, 'legacy.json', variant));
    expect(t.format).toBe('webapp-export');
    expect(t.notes.join()).toMatch(/envelopeTemplateDefinition/);
    const b = await buildEnvelope(t, { roles: [person('Customer', 1)] });
    expect(b.definition).not.toHaveProperty('envelopeTemplateDefinition');
    expect(b.definition.emailSubject).toBe('Legacy');
  });
});

describeShared('#9 nango-create-envelope (wrapper at .input)', () => {
  it('is rejected with the exact path of the definition', async () => {
    const e = await rejection(() => loadTemplate(join(REAL, 'nango-create-envelope.json')));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.problems![0]!.path).toBe('input');
    expect(e.message).toContain(`jq '.input'`);
    expect(e.message).toContain('api.post["/restapi/v2.1/accounts/96bfbc88-de80-40a4-9fb7-f047e656eaaf/envelopes"].request.data');
  });
  it('the extracted definition builds as an explicit draft; its signer has no tabs (warning)', async () => {
    const raw = await readReal('nango-create-envelope.json');
    const dir = await tmp();
    const t = await loadTemplate(await put(dir, 'env.json', raw.input));
    expect(t.format).toBe('envelope-definition');
    const b = await buildEnvelope(t, {});
    expect(b.status).toBe('created');
    expect(b.explicitDraft).toBe(true);
    expect(b.definition.status).toBe('created');
    expect((b.definition.documents as any[])[0]).toEqual({ name: 'Test.pdf', documentId: '1', fileExtension: 'pdf' });
    expect(b.documents[0]!.bytes!.subarray(0, 5).toString()).toBe('%PDF-');
    expect(b.recipients).toEqual([{ recipientId: '1', name: 'Nango Developer', email: 'api@nango.dev', type: 'signer', embedded: false, routingOrder: '1' }]);
    expect(b.warnings.join('\n')).toMatch(/has no tabs/);
  });
  it('--embedded on the extracted definition gives the signer clientUserId = recipientId', async () => {
    const raw = await readReal('nango-create-envelope.json');
    const t = await loadTemplate(await put(await tmp(), 'env.json', raw.input));
    const b = await buildEnvelope(t, { embedded: true, draft: true });
    expect((b.definition.recipients as any).signers[0].clientUserId).toBe('1');
    expect(b.recipients[0]!.embedded).toBe(true);
  });
});

describeShared('#10 myapi-composite-template (wrapper at .steps[1].request.bodyTemplate)', () => {
  it('is rejected with both bodies located and described', async () => {
    const e = await rejection(() => loadTemplate(join(REAL, 'myapi-composite-template.json')));
    expect(e.problems!.map((p) => p.path)).toEqual(['steps[0].request.bodyTemplate', 'steps[1].request.bodyTemplate']);
    expect(e.problems![0]!.message).toMatch(/template definition \(a POST \/templates body\), not an envelope/);
    expect(e.problems![1]!.message).toMatch(/envelope definition with compositeTemplates/);
    expect(e.message).toContain(`jq '.steps[1].request.bodyTemplate'`);
  });
  it('the extracted body is rejected for its [templateId] placeholder; composite docs become parts; clientUserIds are kept', async () => {
    const raw = await readReal('myapi-composite-template.json');
    const body = raw.steps[1].request.bodyTemplate;
    const t = await loadTemplate(await put(await tmp(), 'env.json', body));
    expect(t.format).toBe('envelope-definition');
    const e = await rejection(() => buildEnvelope(t, {}));
    expect(e.problems!.map((p) => p.path)).toContain('compositeTemplates[2].serverTemplates[0].templateId');
    // with a real template id it builds
    const fixed = structuredClone(body);
    fixed.compositeTemplates[2].serverTemplates[0].templateId = '9c2b0e1c-1111-4a5b-8c3d-2e1f0a9b8c7d';
    fixed.emailSubject = 'Composite';
    const b = await buildEnvelope(await loadTemplate(await put(await tmp(), 'env.json', fixed)), {});
    expect(b.documents.map((d) => [d.compositeTemplateId, d.documentId, d.fileExtension])).toEqual([
      ['1', '2', 'pdf'],
      ['2', '3', 'pdf'],
    ]);
    expect((b.definition.compositeTemplates as any[])[0].document.documentBase64).toBeUndefined();
    expect(b.recipients.map((r) => [r.recipientId, r.clientUserId, r.embedded])).toEqual([
      ['1', '1000', true],
      ['2', '1001', true],
    ]);
    expect(b.warnings.join('\n')).toMatch(/clientUserId in the file, so DocuSign will not email them/);
    expect(b.warnings.join('\n')).toMatch(/value is '\[value\]', which looks like an unfilled placeholder/);
    const sig1 = (b.definition.compositeTemplates as any[])[0].inlineTemplates[0].recipients.signers[0];
    expect(sig1.tabs.formulaTabs[0].formula).toBe('[quantity1] * 2');
  });
});

describeShared('#11 myapi-remote-signing-template (server-template send in a wrapper)', () => {
  it('is rejected with the path of the templateRoles body', async () => {
    const e = await rejection(() => loadTemplate(join(REAL, 'myapi-remote-signing-template.json')));
    expect(e.problems!.map((p) => p.path)).toEqual(['steps[0].request.bodyTemplate', 'steps[1].request.bodyTemplate']);
    expect(e.problems![1]!.message).toMatch(/sends a server template \(templateId \+ templateRoles\)/);
  });
  it('the extracted send body: [signerEmail], [ccName], [templateId] placeholders do not pass', async () => {
    const raw = await readReal('myapi-remote-signing-template.json');
    const t = await loadTemplate(await put(await tmp(), 'env.json', raw.steps[1].request.bodyTemplate));
    const e = await rejection(() => buildEnvelope(t, {}));
    const text = e.message;
    expect(text).toMatch(/templateId: templateId "\[templateId\]" is not a template id/);
    expect(text).toMatch(/templateRoles\[0\]\.email: '\[signerEmail\]' is a placeholder/);
    expect(text).toMatch(/templateRoles\[1\]\.name: '\[ccName\]' is a placeholder/);
  });
  it('the extracted template body: [document1] is not base64, lowercase xposition is flagged', async () => {
    const raw = await readReal('myapi-remote-signing-template.json');
    const t = await loadTemplate(await put(await tmp(), 'tpl.json', raw.steps[0].request.bodyTemplate));
    expect(t.format).toBe('webapp-export');
    const e = await rejection(() => buildEnvelope(t, { roles: [person('signer', 1), person('cc', 2)] }));
    expect(e.message).toMatch(/documents\[0\]\.documentBase64: documentBase64 is the placeholder '\[document1\]'/);
    expect(e.message).toMatch(/document name is the placeholder '\[docname\]'/);
    expect(e.message).toMatch(/anchorString: '\[anchorString\]' is a placeholder/);
    expect(e.message).toMatch(/xposition: '\[xposition\]' is a placeholder/);
  });
});

describeShared('classification', () => {
  it('every real input is classified as documented', async () => {
    const expected: Record<string, string> = {
      'offer-letter-docgen.json': 'webapp-export',
      'sample-esign-offer-letter-cc.json': 'webapp-export',
      'w4-2020-formulas.json': 'webapp-export',
      'employment-offer-letter-sortedkeys.json': 'webapp-export',
      'tc-supplement-no-tabs.json': 'webapp-export',
      'order-form-formulas-cc.json': 'webapp-export',
      'loanco-auto-loan-2016.json': 'webapp-export',
    };
    for (const [f, fmt] of Object.entries(expected)) expect((await loadTemplate(join(REAL, f))).format, f).toBe(fmt);
    for (const f of ['legacy-v2-template-definition.json', 'nango-create-envelope.json', 'myapi-composite-template.json', 'myapi-remote-signing-template.json']) {
      await expect(loadTemplate(join(REAL, f))).rejects.toBeInstanceOf(UsageError);
    }
  });
  it('an export with two documents becomes two composites; tabs follow their document', async () => {
    const raw = await readReal('tc-supplement-no-tabs.json');
    const second = { ...raw.documents[0], documentId: '7', name: 'Second.pdf' };
    raw.documents.push(second);
    raw.recipients.signers[0].tabs = {
      signHereTabs: [
        { documentId: '1', pageNumber: '1', xPosition: '10', yPosition: '10', tabId: 'a' },
        { documentId: '7', pageNumber: '1', xPosition: '20', yPosition: '20', tabId: 'b' },
      ],
    };
    const b = await buildEnvelope(classify(raw, join(REAL, 'derived.json')), { roles: [person('Customer', 1)] });
    const cts = b.definition.compositeTemplates as any[];
    expect(cts.map((c) => c.compositeTemplateId)).toEqual(['1', '2']);
    expect(cts[0].inlineTemplates[0].recipients.signers[0].tabs.signHereTabs.map((t: any) => t.documentId)).toEqual(['1']);
    expect(cts[1].inlineTemplates[0].recipients.signers[0].tabs.signHereTabs.map((t: any) => t.documentId)).toEqual(['7']);
    expect(cts[1].inlineTemplates[0].recipients.signers[0]).toMatchObject({ recipientId: '52864803', name: 'Person 1 Ünïcødé' });
    expect(cts[1].inlineTemplates[0].customFields).toBeUndefined();
    expect(b.recipients).toHaveLength(1);
    expect(b.documents.map((d) => [d.compositeTemplateId, d.documentId])).toEqual([['1', '1'], ['2', '7']]);
    expect(b.warnings.join()).not.toMatch(/has no tabs/);
  });
});
