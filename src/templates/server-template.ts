/** `esign send --template-id ID`: an envelope from a template stored in the account (BR-18). */
import { InvalidInputError, type InputProblem } from '../errors.js';
import type { BuildOptions, BuiltEnvelope, RecipientSummary } from './build.js';
import { eachRecipient, RECIPIENT_TYPES } from './recipients.js';
import { didYouMean, looseKey, quoteList, type Json } from './util.js';
import { emailProblem, isPlaceholder, nameProblem } from './validate.js';
import { lookupVar } from './variables.js';

/**
 * Builds `{ templateId, templateRoles, status }` from --role values. When the fetched server
 * template is given, roles are matched exactly against its roles: an unknown role lists the
 * template's roles (with "did you mean" for case/space near-misses, never auto-fixed), and a
 * template role left without a person is an error, because DocuSign would otherwise add the
 * person as an extra recipient without tabs.
 */
export function buildServerTemplateEnvelope(
  templateId: string,
  serverTemplate: Record<string, unknown> | undefined,
  opts: BuildOptions = {},
): BuiltEnvelope {
  const problems: InputProblem[] = [];
  const warnings: string[] = [];
  const where = `template ${templateId}`;
  if (templateId.trim() === '' || isPlaceholder(templateId)) {
    problems.push({ path: '--template-id', message: `'${templateId}' is not a template id; copy the id from the web app (Templates → the template → Template ID)` });
  }
  const roles = opts.roles ?? [];
  const vars = opts.vars ?? {};
  const used = new Set<string>();

  // The template's own roles, when known.
  const known = new Map<string, { r: Json; listKey: string }>();
  if (serverTemplate) {
    for (const ref of eachRecipient(serverTemplate as Json)) {
      const name = ref.r.roleName;
      if (typeof name === 'string' && name !== '' && !known.has(name)) known.set(name, { r: ref.r, listKey: ref.listKey });
    }
  }
  const roleNames = [...known.keys()];
  const templateRoles: Json[] = [];
  const summaries: RecipientSummary[] = [];
  const seen = new Set<string>();
  roles.forEach((a, i) => {
    if (seen.has(a.role)) {
      problems.push({ path: `--role ${a.role}`, message: `role '${a.role}' is given twice` });
      return;
    }
    seen.add(a.role);
    const match = serverTemplate ? known.get(a.role) : undefined;
    if (serverTemplate && !match) {
      const dym = didYouMean(a.role, roleNames);
      const near = dym !== undefined && looseKey(dym) === looseKey(a.role);
      problems.push({
        path: `--role ${a.role}`,
        message:
          roleNames.length === 0
            ? `role '${a.role}' not found: ${where} has no roles`
            : `role '${a.role}' not found; template roles: ${quoteList(roleNames)}${dym ? ` (did you mean '${dym}'?${near ? ' role names must match exactly, including case and spaces' : ''})` : ''}`,
      });
      return;
    }
    const listKey = match?.listKey;
    const isSigner = listKey === undefined || listKey === 'signers' || listKey === 'inPersonSigners';
    const recipientId = match?.r.recipientId !== undefined ? String(match.r.recipientId) : String(i + 1);
    const role: Json = { roleName: a.role, name: a.name, email: a.email };
    if (opts.embedded && isSigner) role.clientUserId = recipientId;
    if (match?.r.routingOrder !== undefined) role.routingOrder = String(match.r.routingOrder);
    templateRoles.push(role);
    summaries.push({
      recipientId,
      roleName: a.role,
      name: a.name,
      email: a.email,
      type: listKey ? (RECIPIENT_TYPES[listKey] ?? listKey) : 'signer',
      embedded: role.clientUserId !== undefined,
      ...(role.clientUserId !== undefined ? { clientUserId: String(role.clientUserId) } : {}),
      ...(role.routingOrder !== undefined ? { routingOrder: String(role.routingOrder) } : {}),
    });
  });

  // Template roles nobody fills: from variables named after the role, else an error.
  for (const [name, { r, listKey }] of known) {
    if (seen.has(name)) continue;
    const hasPerson = typeof r.email === 'string' && r.email !== '' && typeof r.name === 'string' && r.name !== '';
    const whole = lookupVar(vars, name);
    const vn = lookupVar(vars, `${name}.name`);
    const ve = lookupVar(vars, `${name}.email`);
    let person: { name: string; email: string } | undefined;
    if (whole.found && typeof whole.value === 'string') {
      const m = /^(.*?)\s*<([^<>]+)>$/.exec(whole.value.trim());
      if (m) person = { name: m[1]!.trim(), email: m[2]!.trim() };
      if (m) used.add(name);
    } else if (vn.found && ve.found) {
      person = { name: String(vn.value), email: String(ve.value) };
      used.add(`${name}.name`).add(`${name}.email`);
    }
    if (person) {
      const np = nameProblem(person.name);
      const ep = emailProblem(person.email);
      if (np || ep) problems.push({ path: `variables for role '${name}'`, message: [np, ep].filter(Boolean).join('; ') });
      const isSigner = listKey === 'signers' || listKey === 'inPersonSigners';
      const recipientId = String(r.recipientId ?? templateRoles.length + 1);
      const role: Json = { roleName: name, ...person, ...(opts.embedded && isSigner ? { clientUserId: recipientId } : {}) };
      if (r.routingOrder !== undefined) role.routingOrder = String(r.routingOrder);
      templateRoles.push(role);
      summaries.push({ recipientId, roleName: name, ...person, type: RECIPIENT_TYPES[listKey] ?? listKey, embedded: role.clientUserId !== undefined, ...(role.clientUserId !== undefined ? { clientUserId: String(role.clientUserId) } : {}), ...(role.routingOrder !== undefined ? { routingOrder: String(role.routingOrder) } : {}) });
      continue;
    }
    if (hasPerson) continue;
    problems.push({ path: `role '${name}'`, message: `${where} role '${name}' is not filled: add --role "${name}=Full Name <email@example.com>"` });
  }
  if (roles.length === 0 && !serverTemplate) {
    problems.push({ path: '--role', message: 'give at least one --role "ROLE=Name <email>" to fill the template\'s roles' });
  }

  if (problems.length > 0) {
    throw new InvalidInputError(`--template-id ${templateId}: ${problems.length} problem${problems.length === 1 ? '' : 's'} found; nothing was sent`, problems, {
      hint: serverTemplate ? 'role names must match the template exactly; `esign send --template-id ID --dry-run` shows the roles' : undefined,
    });
  }
  const status: 'sent' | 'created' = opts.draft ? 'created' : 'sent';
  const definition: Json = { templateId, templateRoles, status };
  if (opts.transactionId !== undefined) definition.transactionId = opts.transactionId;
  if (serverTemplate && typeof serverTemplate.emailSubject === 'string' && serverTemplate.emailSubject === '') {
    warnings.push(`${where} has no email subject; DocuSign may refuse to send it (ENVELOPE_IS_INCOMPLETE)`);
  }
  for (const k of Object.keys(vars)) if (![...used].some((u) => u === k || u.startsWith(`${k}.`))) warnings.push(`variable '${k}' was given but a server template does not use variables`);
  return {
    definition,
    documents: [],
    recipients: summaries,
    format: 'envelope-definition',
    status,
    explicitDraft: false,
    warnings,
    usedVariables: [...used].sort(),
  };
}
