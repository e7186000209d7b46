import fs from 'node:fs';
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { AuthError } from '../errors.js';
import { registerSecret } from '../output/redact.js';
import { looksLikeKeyMaterial } from '../settings/resolve.js';

/** A private key ready to sign assertions, with where it came from and its public fingerprint. */
export interface LoadedKey {
  key: KeyObject;
  /** e.g. `file ./key.pem` or `ESIGN_PRIVATE_KEY`. Never the key itself. */
  source: string;
  /** SHA-256 of the DER SubjectPublicKeyInfo, as `SHA256:<base64>` (compare with Apps and Keys). */
  fingerprint: string;
  bits: number;
  format: 'pkcs1' | 'pkcs8';
  /** Set when a key file is readable by group or others. */
  permissionWarning?: string;
}

/**
 * Normalises key text as people paste it into CI secrets: surrounding quotes and whitespace,
 * literal `\n` sequences, CRLF line ends, or base64 of the whole PEM.
 */
export function normaliseKeyText(input: string): string {
  let t = input.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) t = t.slice(1, -1).trim();
  t = t.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\r\n?/g, '\n');
  if (!t.includes('-----BEGIN') && /^[A-Za-z0-9+/=\s]+$/.test(t) && t.length > 40) {
    const decoded = Buffer.from(t.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (decoded.includes('-----BEGIN')) t = normaliseKeyText(decoded);
  }
  return t.trim() + '\n';
}

/** Loads and checks a private key from a file or from text; every failure names the source, never the key. */
export function loadPrivateKey(input: { file?: string; text?: string; textSource?: string }): LoadedKey {
  let raw: string;
  let source: string;
  let permissionWarning: string | undefined;
  if (input.text !== undefined && input.text.trim() !== '') {
    source = input.textSource ?? 'ESIGN_PRIVATE_KEY';
    raw = input.text;
  } else if (input.file) {
    if (looksLikeKeyMaterial(input.file)) {
      registerSecret(input.file);
      throw new AuthError('the private key file setting (--private-key-file / ESIGN_PRIVATE_KEY_FILE) holds key text, not a file path', {
        code: 'CONFIG',
        hint: 'Put the PEM text (or its base64) in ESIGN_PRIVATE_KEY, or save it to a file (chmod 600) and give that path.',
      });
    }
    source = `file ${input.file}`;
    try {
      const st = fs.statSync(input.file);
      if (st.isDirectory()) throw new AuthError(`the private key ${source} is a folder, not a file`, { code: 'CONFIG' });
      // A FIFO or device would block the synchronous read below (and Ctrl-C with it).
      if (!st.isFile()) throw new AuthError(`the private key ${source} is not a regular file`, { code: 'CONFIG', hint: 'Give the path of a PEM file. For a key from a pipe or a secret store, pass the text instead: ESIGN_PRIVATE_KEY="$(vault read …)".' });
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        permissionWarning = `the private key ${source} is readable by group or others (mode ${(st.mode & 0o777).toString(8)}); run: chmod 600 ${input.file}`;
      }
      raw = fs.readFileSync(input.file, 'utf8');
    } catch (e) {
      if (e instanceof AuthError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new AuthError(
        code === 'ENOENT' ? `the private key file ${input.file} does not exist` : `cannot read the private key ${source}: ${code ?? (e as Error).message}`,
        { code: 'CONFIG', hint: 'Check --private-key-file / ESIGN_PRIVATE_KEY_FILE, or put the PEM text in ESIGN_PRIVATE_KEY.' },
      );
    }
  } else {
    throw new AuthError('no private key configured', {
      code: 'CONFIG',
      hint: 'Set --private-key-file or ESIGN_PRIVATE_KEY_FILE (a PEM file), or ESIGN_PRIVATE_KEY (the PEM text).',
      details: { setting: 'privateKeyFile', flag: '--private-key-file', envVar: 'ESIGN_PRIVATE_KEY_FILE' },
    });
  }
  registerSecret(raw);
  const text = normaliseKeyText(raw);
  registerSecret(text);
  for (const line of text.split('\n')) if (line.length > 20 && !line.startsWith('-----')) registerSecret(line);

  const fail = (what: string, hint: string) => new AuthError(`the private key from ${source} ${what}`, { code: 'CONFIG', hint });
  const NEW_KEY_HINT =
    "Use the RSA private key of a key pair generated under the integration key in DocuSign's Apps and Keys page (it starts with -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----).";
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(text) || /-----BEGIN CERTIFICATE-----/.test(text)) {
    throw fail('is a public key (or certificate), not a private key', NEW_KEY_HINT);
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text) || /Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    throw fail('is encrypted (it needs a passphrase)', 'Decrypt it first: openssl pkey -in encrypted.pem -out key.pem (keep the result private).');
  }
  if (/-----BEGIN (EC|DSA|OPENSSH) PRIVATE KEY-----/.test(text)) {
    throw fail('is not an RSA key', 'DocuSign JWT needs an RSA key (RS256). ' + NEW_KEY_HINT);
  }
  const begin = text.match(/-----BEGIN ([A-Z ]+)-----/);
  if (!begin) {
    // A path pasted into ESIGN_PRIVATE_KEY is a common slip: point at the _FILE variable.
    const looksLikePath = input.text !== undefined && /^[~.\/\\]|\.(pem|key|txt)$/i.test(raw.trim()) && !/\s/.test(raw.trim());
    throw fail(
      'is not a PEM key: the -----BEGIN ...----- line is missing',
      looksLikePath ? `It looks like a file path: put paths in ESIGN_PRIVATE_KEY_FILE (or --private-key-file); ESIGN_PRIVATE_KEY takes the PEM text itself.` : NEW_KEY_HINT,
    );
  }
  if (!new RegExp(`-----END ${begin[1]}-----`).test(text)) {
    throw fail(`is incomplete: the -----END ${begin[1]}----- line is missing (truncated copy?)`, NEW_KEY_HINT);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem' });
  } catch (e) {
    const msg = String((e as Error).message || '');
    if (/passphrase|encrypted/i.test(msg)) throw fail('is encrypted (it needs a passphrase)', 'Decrypt it first: openssl pkey -in encrypted.pem -out key.pem');
    throw fail('cannot be parsed (damaged or truncated PEM)', NEW_KEY_HINT);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw fail(`is not an RSA key (it is ${key.asymmetricKeyType ?? 'unknown'})`, 'DocuSign JWT needs an RSA key (RS256). ' + NEW_KEY_HINT);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw fail(`is only ${bits} bits; DocuSign needs RSA 2048 or larger`, NEW_KEY_HINT);
  return {
    key,
    source,
    fingerprint: publicKeyFingerprint(key),
    bits,
    format: begin[1] === 'RSA PRIVATE KEY' ? 'pkcs1' : 'pkcs8',
    permissionWarning,
  };
}

/** `SHA256:<base64>` of the DER SubjectPublicKeyInfo of a key's public half. */
export function publicKeyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ type: 'spki', format: 'der' });
  return 'SHA256:' + createHash('sha256').update(der).digest('base64').replace(/=+$/, '');
}
