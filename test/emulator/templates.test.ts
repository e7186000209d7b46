import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makePdf } from '../../src/emulator/pdf.js';
import { type RestClient, restClient, withEmulator } from '../helpers/emulator.js';

const fx = withEmulator();
let api: RestClient;
beforeAll(async () => {
  api = await restClient(fx.emu, fx.seed);
});

import { REAL_INPUTS as REAL, SHARED_DIR, describeShared } from '../helpers/shared.js';
const readReal = (f: string) => JSON.parse(readFileSync(`${REAL}/${f}`, 'utf8'));
const F2 = [
  'offer-letter-docgen.json',
  'sample-esign-offer-letter-cc.json',
  'w4-2020-formulas.json',
  'employment-offer-letter-sortedkeys.json',
  'tc-supplement-no-tabs.json',
  'order-form-formulas-cc.json',
  'loanco-auto-loan-2016.json',
];
const TYPES = ['signers', 'carbonCopies', 'certifiedDeliveries', 'agents', 'editors', 'intermediaries', 'inPersonSigners', 'witnesses', 'notaries', 'seals'];

/** Fills every role of an export with a person, the way `esign send --role` would. */
function filledRecipients(exp: any): Record<string, any[]> {
  const out: Record<string, any[]> = {};
  let n = 0;
  for (const t of TYPES) {
    const list = exp.recipients?.[t];
    if (!Array.isArray(list) || !list.length) continue;
    out[t] = list.map((r: any) => {
      n++;
      const { recipientIdGuid, uri, ...rest } = r;
      return { ...rest, name: `Person ${n} (${r.roleName})`, email: `person${n}@example.test` };
    });
  }
  return out;
}

const tplDoc = (lines: string[]) => ({ documentId: '1', name: 'T.pdf', fileExtension: 'pdf', documentBase64: makePdf([lines]).toString('base64') });

describe('templates', () => {
  it('create → 201 templateSummary; list; get (flat v2.1 shape); TEMPLATE_ID_INVALID for a bad id (U message)', async () => {
    const c = await api.call('POST', '/templates', { name: 'NDA template', emailSubject: 'NDA', documents: [tplDoc(['Sign /sn1/'])], recipients: { signers: [{ roleName: 'Signer', recipientId: '1', routingOrder: '1', tabs: { signHereTabs: [{ anchorString: '/sn1/' }] } }] } });
    expect(c.status).toBe(201);
    expect(c.body.templateId).toBeTruthy();
    expect(c.body.name).toBe('NDA template');
    const l = await api.call('GET', '/templates?search_text=nda');
    expect(l.body.envelopeTemplates.map((t: any) => t.templateId)).toContain(c.body.templateId);
    expect(l.body.resultSetSize).toBe(String(l.body.envelopeTemplates.length));
    const g = await api.call('GET', `/templates/${c.body.templateId}`);
    expect(g.body).toMatchObject({ templateId: c.body.templateId, name: 'NDA template', emailSubject: 'NDA' });
    expect(g.body.recipients.signers[0].roleName).toBe('Signer');
    expect(g.body.documents[0].documentBase64).toBeUndefined();
    const bad = await api.call('GET', '/templates/00000000-0000-0000-0000-000000000000');
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe('TEMPLATE_ID_INVALID');
  });

  it('templateId + templateRoles: exact roleName fills the role and keeps its tabs', async () => {
    const tid = fx.emu.addTemplate(fx.seed.accountId, { name: 'Role tpl', emailSubject: 'Role', documents: [tplDoc(['Sign /sn1/'])], recipients: { signers: [{ roleName: 'Signer', recipientId: '1', routingOrder: '1', tabs: { signHereTabs: [{ anchorString: '/sn1/' }], textTabs: [{ tabLabel: 'company', anchorString: '/sn1/' }] } }] } });
    const r = await api.call('POST', '/envelopes', { templateId: tid, status: 'sent', templateRoles: [{ roleName: 'Signer', name: 'Pat Example', email: 'pat@example.test', tabs: { textTabs: [{ tabLabel: 'company', value: 'ACME' }] } }] });
    expect(r.status, r.text).toBe(201);
    const env = fx.emu.state.envelope(r.body.envelopeId)!;
    const signers = env.recipients.signers!;
    expect(signers).toHaveLength(1);
    expect(signers[0]).toMatchObject({ name: 'Pat Example', email: 'pat@example.test', roleName: 'Signer' });
    expect(signers[0]!.tabs!.signHereTabs).toHaveLength(1);
    expect(signers[0]!.tabs!.textTabs![0]!.value).toBe('ACME');
    expect(env.emailSubject).toBe('Role');
  });

  it('BR-18: an unmatched roleName adds an extra recipient without tabs; (U) the empty role then fails the send', async () => {
    const tid = fx.emu.addTemplate(fx.seed.accountId, { name: 'BR18', emailSubject: 'x', documents: [tplDoc(['Sign /sn1/'])], recipients: { signers: [{ roleName: 'Signer', recipientId: '1', routingOrder: '1', tabs: { signHereTabs: [{ anchorString: '/sn1/' }] } }] } });
    const draft = await api.call('POST', '/envelopes', { templateId: tid, status: 'created', templateRoles: [{ roleName: 'signer', name: 'Pat Example', email: 'pat@example.test' }] });
    expect(draft.status).toBe(201);
    const signers = fx.emu.state.envelope(draft.body.envelopeId)!.recipients.signers!;
    expect(signers).toHaveLength(2);
    const extra = signers.find((s) => s.name === 'Pat Example')!;
    expect(extra.tabs).toBeUndefined();
    expect(signers.find((s) => s.roleName === 'Signer')!.name).toBe('');
    const sent = await api.call('POST', '/envelopes', { templateId: tid, status: 'sent', templateRoles: [{ roleName: 'Signer ', name: 'Pat Example', email: 'pat@example.test' }] });
    expect(sent.status).toBe(400);
    expect(sent.body.errorCode).toBe('INVALID_EMAIL_ADDRESS_FOR_RECIPIENT');
  });

  it('sending from an unknown templateId → TEMPLATE_ID_INVALID', async () => {
    const r = await api.call('POST', '/envelopes', { templateId: 'nope', status: 'sent', templateRoles: [] });
    expect(r.body.errorCode).toBe('TEMPLATE_ID_INVALID');
  });

  it('compositeTemplates: serverTemplate + inlineTemplate merge by sequence and recipientId; composite document replaces the template document', async () => {
    const tid = fx.emu.addTemplate(fx.seed.accountId, { name: 'CT', emailSubject: 'From template', documents: [tplDoc(['Template doc /sn1/'])], recipients: { signers: [{ roleName: 'Buyer', recipientId: '1', routingOrder: '1', tabs: { signHereTabs: [{ anchorString: '/sn1/' }] } }], carbonCopies: [{ roleName: 'Watcher', recipientId: '2', routingOrder: '2' }] } });
    const r = await api.call('POST', '/envelopes', {
      status: 'sent',
      compositeTemplates: [
        {
          compositeTemplateId: '1',
          serverTemplates: [{ sequence: '1', templateId: tid }],
          inlineTemplates: [{ sequence: '2', recipients: { signers: [{ recipientId: '1', roleName: 'Buyer', name: 'Bo Buyer', email: 'bo@example.test', clientUserId: '77' }], carbonCopies: [{ recipientId: '2', roleName: 'Watcher', name: 'Wa', email: 'wa@example.test' }] }, customFields: { textCustomFields: [{ name: 'ref', value: '42' }] } }],
          document: { documentId: '5', name: 'Replacement.pdf', fileExtension: 'pdf', documentBase64: makePdf([['Replacement /sn1/']]).toString('base64') },
        },
      ],
    });
    expect(r.status, r.text).toBe(201);
    const env = fx.emu.state.envelope(r.body.envelopeId)!;
    expect(env.emailSubject).toBe('From template');
    expect(env.documents.map((d) => d.documentId)).toEqual(['5']);
    expect(env.recipients.signers).toHaveLength(1);
    expect(env.recipients.signers![0]).toMatchObject({ name: 'Bo Buyer', clientUserId: '77', roleName: 'Buyer' });
    expect(env.recipients.signers![0]!.tabs!.signHereTabs).toHaveLength(1);
    expect(env.recipients.carbonCopies![0]!.email).toBe('wa@example.test');
    expect(env.customFields).toEqual({ textCustomFields: [{ name: 'ref', value: '42' }] });
    expect(env.templateIds).toEqual([tid]);
  });

  it.skipIf(!SHARED_DIR)('(U) the v2 envelopeTemplateDefinition wrapper is ignored like any unknown field (no name)', async () => {
    const legacy = readReal('legacy-v2-template-definition.json');
    const r = await api.call('POST', '/templates', legacy);
    expect(r.status).toBe(201);
    expect(r.body.name).toBe('');
  });
});

describeShared('real inputs are accepted', () => {
  for (const f of F2) {
    it(`${f}: sent as a composite template with every role filled`, async () => {
      const exp = readReal(f);
      const documents = exp.documents.map(({ uri, templateLocked, templateRequired, ...d }: any) => d);
      const body = {
        emailSubject: (exp.emailSubject || exp.name || 'Please sign').slice(0, 100),
        emailBlurb: exp.emailBlurb,
        status: 'sent',
        compositeTemplates: documents.map((document: any, i: number) => ({
          compositeTemplateId: String(i + 1),
          document,
          inlineTemplates: [{ sequence: '1', recipients: filledRecipients(exp), customFields: exp.customFields }],
        })),
      };
      const r = await api.call('POST', '/envelopes', body);
      expect(r.status, r.text).toBe(201);
      const env = fx.emu.state.envelope(r.body.envelopeId)!;
      const roles = TYPES.flatMap((t) => exp.recipients?.[t] ?? []).length;
      expect(Object.values(env.recipients).flat()).toHaveLength(roles);
      expect(env.status).toBe('sent');
    });

    it(`${f}: stored with POST /templates and sent with templateRoles`, async () => {
      const exp = readReal(f);
      const t = await api.call('POST', '/templates', exp);
      expect(t.status, t.text).toBe(201);
      const filled = Object.values(filledRecipients(exp)).flat();
      const r = await api.call('POST', '/envelopes', { templateId: t.body.templateId, status: 'sent', templateRoles: filled.map((x) => ({ roleName: x.roleName, name: x.name, email: x.email })) });
      expect(r.status, r.text).toBe(201);
    });
  }

  it('an export with a role left unfilled is refused on send', async () => {
    const exp = readReal('sample-esign-offer-letter-cc.json');
    const rec = filledRecipients(exp);
    rec.signers![1] = { ...rec.signers![1], name: '', email: '' };
    const r = await api.call('POST', '/envelopes', { emailSubject: 'x', status: 'sent', compositeTemplates: [{ compositeTemplateId: '1', document: exp.documents[0], inlineTemplates: [{ sequence: '1', recipients: rec }] }] });
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('INVALID_EMAIL_ADDRESS_FOR_RECIPIENT');
  });

  it('nango .input (draft, one signer without tabs) is accepted', async () => {
    const r = await api.call('POST', '/envelopes', readReal('nango-create-envelope.json').input);
    expect(r.status, r.text).toBe(201);
    expect(r.body.status).toBe('created');
  });

  it('myapi composite (steps[0] template, steps[1] composites with a serverTemplate) is accepted', async () => {
    const j = readReal('myapi-composite-template.json');
    const t = await api.call('POST', '/templates', j.steps[0].request.bodyTemplate);
    expect(t.status, t.text).toBe(201);
    const body = JSON.parse(JSON.stringify(j.steps[1].request.bodyTemplate).replaceAll('[templateId]', t.body.templateId));
    const r = await api.call('POST', '/envelopes', body);
    expect(r.status, r.text).toBe(201);
    const env = fx.emu.state.envelope(r.body.envelopeId)!;
    expect(env.recipients.signers!.map((s) => s.clientUserId).sort()).toEqual(['1000', '1001']);
  });

  it('myapi remote signing (template with a txt document, then templateId + templateRoles signer and cc)', async () => {
    const j = readReal('myapi-remote-signing-template.json');
    const fill = (o: unknown, m: Record<string, string>) => JSON.parse(Object.entries(m).reduce((s, [k, v]) => s.replaceAll(`[${k}]`, v), JSON.stringify(o)));
    const tpl = fill(j.steps[0].request.bodyTemplate, {
      templateDescription: 'd', templateName: 'Remote', docname: 'doc.txt', document1: Buffer.from('Please sign: **signature_1**').toString('base64'),
      anchorString: '**signature_1**', anchorXOffset: '0', anchorYOffset: '0', xposition: '100', yposition: '100', todaysDate: '',
    });
    const t = await api.call('POST', '/templates', tpl);
    expect(t.status, t.text).toBe(201);
    const body = fill(j.steps[1].request.bodyTemplate, { templateId: t.body.templateId, signerEmail: 'pat@example.test', signerName: 'Pat Example', ccEmail: 'cc@example.test', ccName: 'Cy' });
    const r = await api.call('POST', '/envelopes', body);
    expect(r.status, r.text).toBe(201);
    const env = fx.emu.state.envelope(r.body.envelopeId)!;
    expect(env.recipients.signers![0]!.name).toBe('Pat Example');
    expect(env.recipients.carbonCopies![0]!.email).toBe('cc@example.test');
  });
});
