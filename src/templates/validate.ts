/** Field-level checks shared by every template format (emails, names, placeholders, statuses). */
import { PLACEHOLDER } from './util.js';

/** DocuSign limits (reference §6). */
export const LIMITS = {
  name: 100,
  email: 100,
  emailSubject: 100,
  emailBlurb: 10000,
  clientUserId: 100,
  customFieldValue: 100,
} as const;

// RFC 5322 "dot-atom" local part and a domain with at least one dot: strict enough to catch
// typos and placeholders, loose enough for plus-addressing, subdomains and IDN (Unicode) domains.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u00a0-\uffff-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u00a0-\uffff-]+)*$/;
const DOMAIN = /^(?:[A-Za-z0-9\u00a0-\uffff](?:[A-Za-z0-9\u00a0-\uffff-]{0,61}[A-Za-z0-9\u00a0-\uffff])?\.)+[A-Za-z\u00a0-\uffff][A-Za-z0-9\u00a0-\uffff-]*$/;

/** True for a plausible single email address. */
export function isValidEmail(s: string): boolean {
  if (s.length > LIMITS.email || s.length < 3) return false;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  return local.length <= 64 && LOCAL.test(local) && DOMAIN.test(domain);
}

/** True for a whole-string `[token]` placeholder such as `[signerEmail]`. */
export function isPlaceholder(s: unknown): boolean {
  return typeof s === 'string' && PLACEHOLDER.test(s);
}

/** Describes what is wrong with an email value, or undefined when it is fine. */
export function emailProblem(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return 'email is missing';
  if (typeof v !== 'string') return `email must be text, found ${typeof v}`;
  if (isPlaceholder(v)) return `'${v}' is a placeholder left from a code sample, not an email address`;
  if (/\{\{/.test(v)) return `'${v}' still contains a {{ variable }}`;
  if (v.length > LIMITS.email) return `email is ${v.length} characters; DocuSign allows ${LIMITS.email}`;
  if (v !== v.trim()) return `email '${v}' has leading or trailing spaces`;
  if (!isValidEmail(v)) return `'${v}' is not a valid email address`;
  return undefined;
}

/** Describes what is wrong with a recipient name, or undefined when it is fine. */
export function nameProblem(v: unknown): string | undefined {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return 'name is missing';
  if (typeof v !== 'string') return `name must be text, found ${typeof v}`;
  if (isPlaceholder(v)) return `'${v}' is a placeholder left from a code sample, not a name`;
  if (v.length > LIMITS.name) return `name is ${v.length} characters; DocuSign allows ${LIMITS.name}`;
  return undefined;
}

/** Envelope statuses a sender may ask for when creating an envelope. */
export const CREATE_STATUSES = ['sent', 'created'] as const;
