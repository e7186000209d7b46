/** Creates envelopes straight through the emulator's REST API (test setup, not under test). */
import type { Emulator, DemoSeed } from '../../src/emulator/index.js';
import { pdfBase64, restClient } from '../helpers/emulator.js';

/** Creates an envelope with one embedded signer and one email signer; returns its id. */
export async function createEnvelope(
  emu: Emulator,
  seed: DemoSeed,
  o: { status?: 'sent' | 'created'; subject?: string } = {},
): Promise<string> {
  const rest = await restClient(emu, seed);
  const r = await rest.call('POST', '/envelopes', {
    emailSubject: o.subject ?? 'Please sign the NDA',
    status: o.status ?? 'sent',
    documents: [{ documentId: '1', name: 'NDA', fileExtension: 'pdf', documentBase64: await pdfBase64('Sign here: /sn1/') }],
    recipients: {
      signers: [
        {
          recipientId: '1',
          routingOrder: '1',
          roleName: 'Signer',
          name: 'Pat Example',
          email: 'pat@example.com',
          clientUserId: '1001',
          tabs: { signHereTabs: [{ documentId: '1', pageNumber: '1', xPosition: '100', yPosition: '100' }] },
        },
      ],
      carbonCopies: [{ recipientId: '2', routingOrder: '2', name: 'Lee Copy', email: 'lee@example.com' }],
    },
  });
  if (r.status !== 201) throw new Error(`create envelope: ${r.status} ${r.text}`);
  return r.body.envelopeId as string;
}
