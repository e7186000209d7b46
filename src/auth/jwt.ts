import type { KeyObject } from 'node:crypto';
import { registerSecret } from '../output/redact.js';

export interface AssertionClaims {
  iss: string;
  sub: string;
  aud: string;
  scopes: string[];
  /** Seconds; the server's idea of now when a clock skew was measured. */
  nowSeconds: number;
  /** Lifetime of the assertion; DocuSign caps tokens at 1 h regardless (reference §2). */
  lifetimeSeconds?: number;
}

/**
 * Signs the JWT-bearer assertion with jose (RS256). The docusign-esign SDK's own helper only talks
 * to https hosts and cannot correct clock skew, so esign signs the assertion itself.
 */
export async function signAssertion(key: KeyObject, c: AssertionClaims): Promise<string> {
  const { SignJWT } = await import('jose');
  const iat = Math.floor(c.nowSeconds);
  const jwt = await new SignJWT({ scope: c.scopes.join(' ') })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(c.iss)
    .setSubject(c.sub)
    .setAudience(c.aud)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.min(c.lifetimeSeconds ?? 3600, 3600))
    .sign(key);
  registerSecret(jwt);
  return jwt;
}
