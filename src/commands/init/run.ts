import path from 'node:path';
import type { Context } from '../../context.js';
import { AuthError } from '../../errors.js';
import { loadPrivateKey } from '../../auth/keys.js';
import { isGuid } from '../../auth/config.js';
import { checkRedirectUri } from '../../auth/consent.js';
import { parseEnvironment } from '../../settings/environment.js';
import { ProfileStore, type Profile } from '../../settings/profiles.js';
import { configDir } from '../../settings/paths.js';

interface Field {
  key: keyof Profile;
  label: string;
  flag: string;
  envVar: string;
  required: boolean;
  validate: (v: string) => true | string;
}

const FIELDS: Field[] = [
  { key: 'env', label: 'Environment (demo, production, or an OAuth URL)', flag: '--env', envVar: 'ESIGN_ENV', required: true, validate: (v) => tryIt(() => parseEnvironment(v)) },
  { key: 'integrationKey', label: 'Integration key (GUID)', flag: '--integration-key', envVar: 'ESIGN_INTEGRATION_KEY', required: true, validate: (v) => (isGuid(v) ? true : 'an integration key is a GUID (8-4-4-4-12 hex digits)') },
  { key: 'userId', label: 'User ID to impersonate (GUID, not the email)', flag: '--user-id', envVar: 'ESIGN_USER_ID', required: true, validate: (v) => (v.includes('@') ? 'that is an email: the User ID GUID is shown in Apps and Keys' : isGuid(v) ? true : 'a user id is a GUID (8-4-4-4-12 hex digits)') },
  { key: 'privateKeyFile', label: 'Private key file (PEM)', flag: '--private-key-file', envVar: 'ESIGN_PRIVATE_KEY_FILE', required: true, validate: (v) => tryIt(() => loadPrivateKey({ file: v })) },
  { key: 'redirectUri', label: 'Consent redirect URI (registered on the integration key)', flag: '--redirect-uri', envVar: 'ESIGN_REDIRECT_URI', required: false, validate: (v) => (v === '' ? true : tryIt(() => checkRedirectUri(v, 'redirect URI'))) },
  { key: 'accountId', label: 'Account id (empty: the user\'s default account)', flag: '--account-id', envVar: 'ESIGN_ACCOUNT_ID', required: false, validate: (v) => (v === '' || isGuid(v) || /^\d+$/.test(v) ? true : 'an account id is a GUID') },
];

function tryIt(f: () => unknown): true | string {
  try {
    f();
    return true;
  } catch (e) {
    return (e as Error).message;
  }
}

/** `esign init`: flags > environment > the existing profile, then prompts (TTY only) for the rest. */
export async function runInit(ctx: Context): Promise<number> {
  const flags = ctx.flags as Record<string, string | undefined>;
  const profileName = flags.profile || ctx.env.ESIGN_PROFILE || 'default';
  const store = new ProfileStore(configDir(ctx.env));
  const existing = store.read(profileName) ?? {};
  const values: Profile = {};
  const missing: Field[] = [];
  const prompter = ctx.interactive ? await ctx.prompter() : undefined;

  for (const f of FIELDS) {
    const given = flags[f.key] ?? ctx.env[f.envVar];
    let v = given ?? (existing[f.key] as string | undefined);
    if (given === undefined && prompter) {
      v = (await prompter.input(f.label, { default: v ?? (f.key === 'env' ? 'demo' : undefined), validate: f.validate })).trim();
    }
    if (v === undefined || v === '') {
      if (f.key === 'env') v = 'demo';
      else if (f.required) {
        missing.push(f);
        continue;
      } else continue;
    }
    // Settings problems are configuration errors (exit 4), as in every other command; the key and
    // the environment throw their own errors, which name the source.
    if (f.key === 'privateKeyFile') loadPrivateKey({ file: v });
    if (f.key === 'env') parseEnvironment(v, given !== undefined ? (flags.env ? '--env' : 'ESIGN_ENV') : `profile "${profileName}"`);
    const ok = f.validate(v);
    if (ok !== true) throw new AuthError(`${f.flag}: ${ok}`, { code: 'CONFIG' });
    values[f.key] = f.key === 'privateKeyFile' ? path.resolve(v) : v;
  }
  if (missing.length) {
    // Fail fast and name every missing flag with its variable, so a CI log says exactly what to add.
    const each = missing.map((m) => `${m.label.replace(/ \(.*\)$/, '').toLowerCase()} (${m.flag} or ${m.envVar})`);
    throw new AuthError(`missing setting${missing.length > 1 ? 's' : ''} for profile "${profileName}": ${each.join(', ')}`, {
      code: 'CONFIG',
      hint: ctx.interactive
        ? `Pass ${missing.map((m) => m.flag).join(', ')}.`
        : `No prompts without a TTY (or with CI set): pass ${missing.map((m) => `${m.flag} <value>`).join(' ')}, or set ${missing.map((m) => m.envVar).join(', ')}.`,
      details: { missing: missing.map((m) => ({ setting: m.key, flag: m.flag, envVar: m.envVar })) },
    });
  }
  if (values.redirectUri && /.\/$/.test(new URL(values.redirectUri).pathname)) {
    ctx.printer.warn(`the redirect URI ends with "/": it must equal a URI registered on the integration key exactly, slash included (${values.redirectUri})`);
  }
  const key = loadPrivateKey({ file: values.privateKeyFile });
  if (key.permissionWarning) ctx.printer.warn(key.permissionWarning);
  if (existing.scopes) values.scopes = existing.scopes;
  await store.write(profileName, values);
  const p = ctx.printer;
  p.result({
    json: { profile: profileName, file: store.file, settings: values, keyFingerprint: key.fingerprint },
    quiet: profileName,
    human: () =>
      [
        `saved profile "${profileName}" in ${store.file}`,
        `key: RSA ${key.bits} (${key.format}), public-key fingerprint ${key.fingerprint}`,
        '',
        'Next: grant consent once, then check who you are:',
        `  esign consent --open --wait${profileName !== 'default' ? ` --profile ${profileName}` : ''}`,
        `  esign whoami${profileName !== 'default' ? ` --profile ${profileName}` : ''}`,
      ].join('\n'),
  });
  return 0;
}
