import { UsageError } from '../../errors.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks an envelope id locally (a GUID) so a typo never costs an API call. */
export function checkEnvelopeId(id: string | undefined, command: string): string {
  const v = (id ?? '').trim();
  if (!v) throw new UsageError(`esign ${command} needs an envelope id`, { hint: `Run \`esign ${command} <envelope-id>\`; \`esign list\` shows recent envelopes.` });
  if (!GUID.test(v)) {
    throw new UsageError(`${JSON.stringify(v)} is not an envelope id (a GUID such as 3f0c5b1e-8a4e-4c47-9a57-0c1d2e3f4a5b)`, {
      hint: '`esign list` shows the ids of recent envelopes; `esign send --json` prints the id of a new one.',
    });
  }
  return v;
}

/** DocuSign's recipient arrays and the singular type name esign shows for each. */
export const RECIPIENT_GROUPS: Record<string, string> = {
  signers: 'signer',
  carbonCopies: 'carbonCopy',
  certifiedDeliveries: 'certifiedDelivery',
  inPersonSigners: 'inPersonSigner',
  agents: 'agent',
  editors: 'editor',
  intermediaries: 'intermediary',
  witnesses: 'witness',
  notaries: 'notary',
  seals: 'seal',
};

/** One recipient as `esign status` reports it. */
export interface RecipientSummary {
  recipientId: string;
  type: string;
  roleName: string | null;
  name: string;
  email: string;
  routingOrder: string;
  status: string;
  embedded: boolean;
  signedDateTime?: string;
  deliveredDateTime?: string;
  declinedDateTime?: string;
  declinedReason?: string;
}

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));

/** Flattens DocuSign's `recipients` object into one list ordered by routing order, then id. */
export function summariseRecipients(recipients: unknown): RecipientSummary[] {
  const out: RecipientSummary[] = [];
  if (!recipients || typeof recipients !== 'object') return out;
  for (const [group, type] of Object.entries(RECIPIENT_GROUPS)) {
    const list = (recipients as Record<string, unknown>)[group];
    if (!Array.isArray(list)) continue;
    for (const r of list as Record<string, unknown>[]) {
      const s: RecipientSummary = {
        recipientId: str(r.recipientId) ?? '',
        type,
        roleName: str(r.roleName) ?? null,
        name: str(r.name) ?? '',
        email: str(r.email) ?? '',
        routingOrder: str(r.routingOrder) ?? '1',
        status: str(r.status) ?? '',
        embedded: str(r.clientUserId) !== undefined,
      };
      for (const k of ['signedDateTime', 'deliveredDateTime', 'declinedDateTime', 'declinedReason'] as const) {
        const v = str(r[k]);
        if (v !== undefined) s[k] = v;
      }
      out.push(s);
    }
  }
  return out.sort((a, b) => Number(a.routingOrder) - Number(b.routingOrder) || Number(a.recipientId) - Number(b.recipientId));
}

/** The envelope timestamps esign reports, in DocuSign's field names (only those DocuSign set). */
export const ENVELOPE_TIMES = [
  'createdDateTime',
  'sentDateTime',
  'deliveredDateTime',
  'completedDateTime',
  'declinedDateTime',
  'voidedDateTime',
  'statusChangedDateTime',
] as const;

/** Picks the timestamps present on an envelope. */
export function envelopeTimes(e: Record<string, unknown>): Partial<Record<(typeof ENVELOPE_TIMES)[number], string>> {
  const out: Partial<Record<(typeof ENVELOPE_TIMES)[number], string>> = {};
  for (const k of ENVELOPE_TIMES) {
    const v = str(e[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
