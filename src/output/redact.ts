/**
 * Redaction of secrets from anything esign prints: private keys, JWT assertions, access tokens.
 * Two layers: known secret values registered at run time (the token we minted, the key text we
 * read), and patterns that catch such material even when it was never registered.
 */

const registered = new Set<string>();

/** Registers a secret value so that it is masked wherever it would be printed. */
export function registerSecret(value: string | undefined): void {
  if (!value) return;
  const v = value.trim();
  // Very short values would mask ordinary text; real secrets are long.
  if (v.length >= 12) registered.add(v);
}

/** Forgets registered secrets (tests). */
export function clearSecrets(): void {
  registered.clear();
}

// Only a marker followed by key material (base64, or an encryption header) starts a block: a hint
// that merely names the marker ("starts with -----BEGIN PRIVATE KEY-----") must not swallow the
// rest of the output (it made --json error documents unparsable). Literal `\n` (JSON) counts as space.
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----(?=(?:\s|\\[nr])*(?:[A-Za-z0-9+/=]{16}|Proc-Type))[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
// Three base64url segments, the first starting with eyJ ('{"'): a JWS/JWT. Not when it is the value
// of a URL query parameter: a DocuSign signing URL carries one (`…/MTRedeem/v1/…?slt=eyJ…`) and is
// the result `sign-url` prints. Secrets that travel as parameters (assertion=, access_token=) are
// caught by FORM_SECRET below, and esign's own tokens are registered and masked by value.
const JWT = /(?<![?&][\w.-]{1,40}=)eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g;
const BEARER = /(Bearer\s+)[^\s"',;]+/gi;
const FORM_SECRET = /((?:assertion|access_token|refresh_token|code)=)[^&\s"]+/g;
const JSON_SECRET = /("(?:access_token|accessToken|assertion|refresh_token|privateKey|private_key)"\s*:\s*")[^"]*(")/g;

/** Returns text with every secret replaced by a marker. */
export function redact(text: string): string {
  // Whole PEM blocks first (also JSON-escaped ones, with literal \n): masking the registered key
  // lines first would leave a BEGIN/END skeleton the block pattern no longer recognises.
  let out = text.replace(PEM_BLOCK, '[REDACTED KEY]');
  for (const s of registered) {
    if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  }
  return out
    .replace(JWT, '[REDACTED JWT]')
    .replace(BEARER, '$1[REDACTED]')
    .replace(FORM_SECRET, '$1[REDACTED]')
    .replace(JSON_SECRET, '$1[REDACTED]$2');
}
