import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness, envelopeCreates, type CliHarness } from '../helpers/cli.js';
import { REAL_INPUTS, SHARED_DIR, describeShared } from '../helpers/shared.js';
import { allRecipients } from '../../src/emulator/envelopes.js';

const REAL = REAL_INPUTS;
const NDA = path.resolve(__dirname, '../../templates/nda.yaml');
const NDA_VARS = ['--var', 'counterparty.name=Pat Example', '--var', 'counterparty.email=pat@example.test', '--var', 'company=Acme'];
const LEGAL = ['--role', 'Legal=Lee Legal <legal@example.test>'];

let h: CliHarness;
let tmp: string;
beforeAll(async () => {
  h = await cliHarness();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-send-'));
});
afterAll(async () => {
  await h.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('esign send: the NDA example (issue 4 done-when)', () => {
  it('prints an envelope id and a signing URL that the emulator accepts', async () => {
    const r = await h.run(['send', NDA, ...NDA_VARS, ...LEGAL, '--embedded', '--sign-url', '--json']);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.envelopeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(j.status).toBe('sent');
    const signer = j.recipients.find((x: { roleName: string }) => x.roleName === 'Counterparty');
    expect(signer).toMatchObject({ name: 'Pat Example', email: 'pat@example.test', embedded: true });
    expect(signer.signingUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const cc = j.recipients.find((x: { roleName: string }) => x.roleName === 'Legal');
    expect(cc).toMatchObject({ embedded: false });
    expect(cc.signingUrl).toBeUndefined();
    const { redirect } = await h.emu.signingPage.sign(signer.signingUrl, 'finish');
    expect(redirect).toContain('event=signing_complete');
    expect(h.emu.state.envelope(j.envelopeId)?.status).toBe('completed');
  });

  it('uploads documents as binary multipart parts, not base64 in JSON', async () => {
    const r = await h.run(['send', NDA, ...NDA_VARS, ...LEGAL, '--quiet']);
    expect(r.code).toBe(0);
    const create = envelopeCreates(r)[0]!;
    expect(String(create.requestHeaders['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    // The whole request is about the PDF's size: base64 would make it a third larger.
    const pdf = fs.statSync(path.resolve(__dirname, '../../templates/nda.pdf')).size;
    expect(create.bodyBytes).toBeLessThan(pdf * 1.2 + 4000);
  });

  it('every create carries a transactionId', async () => {
    const r = await h.run(['send', NDA, ...NDA_VARS, ...LEGAL, '--quiet']);
    const id = r.out.trim();
    expect(h.emu.state.envelope(id)?.transactionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists every missing variable at once, exits 2 and sends nothing', async () => {
    const r = await h.run(['send', NDA, ...LEGAL]);
    expect(r.code).toBe(2);
    for (const v of ['counterparty.name', 'counterparty.email', 'company']) expect(r.err).toContain(v);
    expect(r.requests).toHaveLength(0);
  });

  it('--dry-run prints the definition and makes no HTTP request (no token either)', async () => {
    const r = await h.run(['send', NDA, ...NDA_VARS, ...LEGAL, '--embedded', '--dry-run', '--json'], {
      env: { ESIGN_PRIVATE_KEY_FILE: '/nonexistent/key.pem' },
    });
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(0);
    const def = JSON.parse(r.out);
    expect(JSON.stringify(def)).toContain('Pat Example');
    expect(JSON.stringify(def)).not.toMatch(/JVBERi0/); // no PDF bytes in the printout
  });
});

describe('BR-17: clientUserId only when embedded is asked for', () => {
  it('a remote signer gets no clientUserId and is told it will be emailed', async () => {
    const r = await h.run(['send', NDA, ...NDA_VARS, ...LEGAL]);
    expect(r.code).toBe(0);
    const id = r.out.match(/envelope ([0-9a-f-]{36})/)![1]!;
    // nda.yaml marks the counterparty embedded itself; the cc is remote.
    const env = h.emu.state.envelope(id)!;
    const cc = allRecipients(env).find((x) => x.roleName === 'Legal')!;
    expect(cc.clientUserId).toBeUndefined();
    // DocuSign emails the remote recipient, never the embedded one.
    const signer = allRecipients(env).find((x) => x.roleName === 'Counterparty')!;
    expect(signer.clientUserId).toBeTruthy();
    expect(env.emails.some((m) => m.recipientId === signer.recipientId)).toBe(false);
    expect(r.out).toMatch(/Legal: Lee Legal <legal@example.test> — emailed by DocuSign/);
    expect(r.out).toMatch(/embedded \(clientUserId [^)]+\): no email from DocuSign; get a signing URL with `esign sign-url/);
  });

  it.skipIf(!SHARED_DIR)('--embedded sets a clientUserId on signers only, and shows it', async () => {
    const file = path.join(REAL, 'order-form-formulas-cc.json');
    const r = await h.run(['send', file, '--role', 'Signer1=Pat Example <pat@example.test>', '--role', 'CC1=Cat Copy <cc@example.test>', '--embedded', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const env = h.emu.state.envelope(j.envelopeId)!;
    expect(allRecipients(env).find((x) => x.roleName === 'Signer1')!.clientUserId).toBeTruthy();
    expect(allRecipients(env).find((x) => x.roleName === 'CC1')!.clientUserId).toBeUndefined();
    expect(j.recipients.find((x: { roleName: string }) => x.roleName === 'Signer1').embedded).toBe(true);
  });
});

describeShared('web-app exports in shared/real-inputs send with their roles filled (issue 4 done-when)', () => {
  const cases: [string, string[]][] = [
    ['offer-letter-docgen.json', ['signer=Sam Lee <sam@example.test>']],
    ['sample-esign-offer-letter-cc.json', ['HR Rep=Kim Park <kim@example.test>', 'New Hire=Sam Lee <sam@example.test>', 'Hiring Manager=Max Boss <max@example.test>']],
    ['w4-2020-formulas.json', ['New Hire=Sam Lee <sam@example.test>', 'HR=Kim Park <kim@example.test>']],
    ['employment-offer-letter-sortedkeys.json', ['HR Rep=Kim Park <kim@example.test>', 'New Hire=Sam Lee <sam@example.test>']],
    ['tc-supplement-no-tabs.json', ['Customer=Ana Núñez <ana@example.test>']],
    ['order-form-formulas-cc.json', ['Signer1=Pat Example <pat@example.test>', 'CC1=Cat Copy <cc@example.test>']],
    ['loanco-auto-loan-2016.json', ['applicant=Al Applicant <al@example.test>', 'cosigner=Co Signer <co@example.test>', 'employee=Em Ployee <em@example.test>']],
  ];
  for (const [file, roles] of cases) {
    it(`${file} is sent as a composite template with ${roles.length} role(s) filled`, async () => {
      const r = await h.run(['send', path.join(REAL, file), ...roles.flatMap((x) => ['--role', x]), '--json']);
      expect(r.err).not.toMatch(/^error:/m);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out);
      const env = h.emu.state.envelope(j.envelopeId)!;
      expect(env.status).toBe('sent');
      for (const role of roles) {
        const [name, person] = role.split('=') as [string, string];
        const rec = allRecipients(env).find((x) => x.roleName === name);
        expect(rec, `role ${name}`).toBeDefined();
        expect(person).toContain(rec!.name);
      }
      // No server template was created: the export travelled inline.
      expect(r.requests.some((q) => q.method === 'POST' && /\/templates$/.test(q.path))).toBe(false);
    });
  }

  it('a role left empty is an error before sending, naming the role', async () => {
    const r = await h.run(['send', path.join(REAL, 'w4-2020-formulas.json'), '--role', 'New Hire=Sam Lee <sam@example.test>']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('HR');
    expect(envelopeCreates(r)).toHaveLength(0);
  });

  it('a role name that differs only in case says "did you mean"', async () => {
    const r = await h.run(['send', path.join(REAL, 'offer-letter-docgen.json'), '--role', 'Signer=Sam Lee <sam@example.test>']);
    expect(r.code).toBe(2);
    expect(r.err.toLowerCase()).toContain('did you mean');
    expect(r.err).toContain('signer');
    expect(r.requests).toHaveLength(0);
  });

  it('the legacy v2 envelopeTemplateDefinition wrapper is explained, not sent', async () => {
    const r = await h.run(['send', path.join(REAL, 'legacy-v2-template-definition.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('envelopeTemplateDefinition');
    expect(r.requests).toHaveLength(0);
  });
});

describeShared('raw envelope definitions', () => {
  it('an explicit "status": "created" stays a draft, and esign says so', async () => {
    const wrapper = JSON.parse(fs.readFileSync(path.join(REAL, 'nango-create-envelope.json'), 'utf8'));
    const file = path.join(tmp, 'nango-input.json');
    fs.writeFileSync(file, JSON.stringify(wrapper.input));
    const r = await h.run(['send', file]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/draft/);
    const id = r.out.match(/envelope ([0-9a-f-]{36})/)![1]!;
    expect(h.emu.state.envelope(id)?.status).toBe('created');
  });

  it('a wrapper file made by another tool is detected and the path of the definition is named', async () => {
    const r = await h.run(['send', path.join(REAL, 'nango-create-envelope.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\.input|input/);
    expect(r.requests).toHaveLength(0);
  });
});

describe('BR-18: --template-id roles are matched against the server template', () => {
  let templateId: string;
  beforeAll(() => {
    templateId = h.emu.addTemplate(h.seed.accountId, {
      name: 'Server NDA',
      emailSubject: 'Please sign',
      documents: [{ documentId: '1', name: 'nda.pdf', fileExtension: 'pdf', documentBase64: fs.readFileSync(path.resolve(__dirname, '../../templates/nda.pdf')).toString('base64') }],
      recipients: { signers: [{ recipientId: '1', roleName: 'Signer', routingOrder: '1', tabs: { signHereTabs: [{ documentId: '1', pageNumber: '1', xPosition: '100', yPosition: '100' }] } }] },
    });
  });

  it('a near-miss role is refused before the envelope is created, listing the roles', async () => {
    const r = await h.run(['send', '--template-id', templateId, '--role', 'signer=Pat Example <pat@example.test>']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("Signer");
    expect(r.err.toLowerCase()).toContain('did you mean');
    expect(envelopeCreates(r)).toHaveLength(0);
  });

  it('a raw definition with templateId + templateRoles is checked the same way', async () => {
    const file = path.join(tmp, 'raw-template-send.json');
    fs.writeFileSync(file, JSON.stringify({ templateId, status: 'sent', emailSubject: 'Hi', templateRoles: [{ roleName: 'Signer ', name: 'Pat Example', email: 'pat@example.test' }] }));
    const r = await h.run(['send', file]);
    expect(r.code).toBe(2);
    expect(r.err.toLowerCase()).toContain('did you mean');
    expect(envelopeCreates(r)).toHaveLength(0);
    fs.writeFileSync(file, JSON.stringify({ templateId, status: 'sent', emailSubject: 'Hi', templateRoles: [{ roleName: 'Signer', name: 'Pat Example', email: 'pat@example.test' }] }));
    const ok = await h.run(['send', file, '--quiet']);
    expect(ok.code).toBe(0);
    expect(h.emu.state.envelope(ok.out.trim())?.status).toBe('sent');
  });

  it('the exact role gives one recipient holding the template tab', async () => {
    const r = await h.run(['send', '--template-id', templateId, '--role', 'Signer=Pat Example <pat@example.test>', '--json']);
    expect(r.code).toBe(0);
    const env = h.emu.state.envelope(JSON.parse(r.out).envelopeId)!;
    const all = allRecipients(env);
    expect(all).toHaveLength(1);
    expect(all[0]!.name).toBe('Pat Example');
    expect(JSON.stringify(all[0])).toContain('signHereTabs');
  });
});

describe('BR-20 and BR-22: documents checked locally', () => {
  it('an anchor missing from a text PDF is named with its file, nothing sent', async () => {
    const file = path.join(tmp, 'anchor.yaml');
    fs.copyFileSync(path.resolve(__dirname, '../../templates/nda.pdf'), path.join(tmp, 'nda.pdf'));
    fs.writeFileSync(
      file,
      `emailSubject: Test\ndocuments:\n  - path: ./nda.pdf\nsigners:\n  - role: S\n    name: Pat Example\n    email: pat@example.test\n    tabs:\n      signHere:\n        - anchor: /nowhere9/\n`,
    );
    const r = await h.run(['send', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('/nowhere9/');
    expect(r.err).toContain('nda.pdf');
    expect(r.requests).toHaveLength(0);
  });

  it('a document over the size limit is refused with its size and the limit', async () => {
    const big = path.join(tmp, 'big.pdf');
    const fd = fs.openSync(big, 'w');
    fs.writeSync(fd, '%PDF-1.4\n');
    fs.ftruncateSync(fd, 40 * 1024 * 1024);
    fs.closeSync(fd);
    const file = path.join(tmp, 'big.yaml');
    fs.writeFileSync(file, `emailSubject: Big\ndocuments:\n  - path: ./big.pdf\nsigners:\n  - role: S\n    name: Pat Example\n    email: pat@example.test\n    tabs:\n      signHere:\n        - { document: 1, page: 1, x: 100, y: 100 }\n`);
    const r = await h.run(['send', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/big\.pdf/);
    expect(r.err).toMatch(/MB/);
    expect(r.requests).toHaveLength(0);
  });
});

describe('HTTP calls', () => {
  it('a warm send --embedded --sign-url costs exactly two HTTP calls (create, view)', async () => {
    const warm = await h.run(['token', '--quiet']);
    expect(warm.code).toBe(0);
    const r = await h.run(['send', NDA, ...NDA_VARS, ...LEGAL, '--embedded', '--sign-url', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.requests.map((q) => `${q.method} ${q.path.replace(/^.*\/envelopes/, '/envelopes')}`)).toEqual([
      'POST /envelopes',
      expect.stringMatching(/^POST \/envelopes\/[0-9a-f-]+\/views\/recipient$/),
    ]);
  });
});
