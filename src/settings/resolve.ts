import { envVarFor, flagFor, type SettingName } from './env.js';
import { configDir } from './paths.js';
import { checkProfileName, ProfileStore, type Profile } from './profiles.js';
import { UsageError } from '../errors.js';
import { registerSecret } from '../output/redact.js';

export type SettingSource = 'flag' | 'env' | 'profile' | 'default' | 'unset';

export interface ResolvedValue<T = string> {
  value: T | undefined;
  source: SettingSource;
  /** e.g. `--user-id`, `ESIGN_USER_ID`, `profile "default"`. */
  origin?: string;
}

/** Flags that feed settings (as commander hands them over). */
export interface SettingFlags {
  profile?: string;
  env?: string;
  integrationKey?: string;
  userId?: string;
  privateKeyFile?: string;
  accountId?: string;
  redirectUri?: string;
  timeout?: string;
}

export const DEFAULT_SCOPES = 'signature impersonation';

/** All settings with the place each came from (doctor and --verbose show it). */
export interface Settings {
  profileName: ResolvedValue;
  profileExists: boolean;
  configDir: string;
  values: Record<Exclude<SettingName, 'profile'>, ResolvedValue>;
}

const SETTING_NAMES: Exclude<SettingName, 'profile'>[] = [
  'env',
  'integrationKey',
  'userId',
  'privateKeyFile',
  'privateKey',
  'accountId',
  'redirectUri',
  'scopes',
  'timeout',
  'maxRetries',
];

const DEFAULTS: Partial<Record<SettingName, string>> = {
  env: 'demo',
  scopes: DEFAULT_SCOPES,
  timeout: '30',
  maxRetries: '4',
};

/** Resolves every setting: flags > environment variables > the selected profile > defaults. */
export function resolveSettings(flags: SettingFlags, env: NodeJS.ProcessEnv): Settings {
  const dir = configDir(env);
  const profileName: ResolvedValue = flags.profile
    ? { value: flags.profile, source: 'flag', origin: '--profile' }
    : env.ESIGN_PROFILE
      ? { value: env.ESIGN_PROFILE, source: 'env', origin: 'ESIGN_PROFILE' }
      : { value: 'default', source: 'default' };
  checkProfileName(profileName.value!);
  const store = new ProfileStore(dir);
  const profile: Profile | undefined = store.read(profileName.value!);
  if (!profile && profileName.source !== 'default') {
    const known = Object.keys(store.readAll());
    // A named profile that does not exist is a typo more often than an intent.
    throw new UsageError(`profile "${profileName.value}" does not exist in ${store.file}`, {
      hint: known.length
        ? `Known profiles: ${known.join(', ')}. Create it with \`esign init --profile ${profileName.value}\`.`
        : `Create it with \`esign init --profile ${profileName.value}\`.`,
    });
  }
  const values = {} as Settings['values'];
  for (const name of SETTING_NAMES) {
    const flagValue = (flags as Record<string, string | undefined>)[name];
    const envName = envVarFor(name);
    const envValue = envName ? env[envName] : undefined;
    const profValue = profile ? (profile as Record<string, string | undefined>)[name] : undefined;
    if (flagValue !== undefined && flagValue !== '') {
      values[name] = { value: flagValue, source: 'flag', origin: flagFor(name) };
    } else if (envValue !== undefined && envValue !== '') {
      values[name] = { value: envValue, source: 'env', origin: envName };
    } else if (profValue !== undefined && profValue !== '') {
      values[name] = { value: profValue, source: 'profile', origin: `profile "${profileName.value}"` };
    } else if (DEFAULTS[name] !== undefined) {
      values[name] = { value: DEFAULTS[name], source: 'default', origin: 'default' };
    } else {
      values[name] = { value: undefined, source: 'unset' };
    }
  }
  // Key text pasted into the key *file* setting by mistake: mask it in every message and trace.
  if (looksLikeKeyMaterial(values.privateKeyFile.value)) registerSecret(values.privateKeyFile.value);
  return { profileName, profileExists: Boolean(profile), configDir: dir, values };
}

/**
 * True for a value that is key text rather than a file path: PEM markers, or a long run of base64
 * (a path has dots, dashes or is short). Such a value in a *path* setting must never be echoed.
 */
export function looksLikeKeyMaterial(v: string | undefined): boolean {
  if (!v) return false;
  if (/-----BEGIN|PRIVATE KEY/.test(v)) return true;
  const compact = v.replace(/\\n|\s/g, '');
  return compact.length > 100 && /^[A-Za-z0-9+/=]+$/.test(compact);
}

/** Describes where a value came from, for messages: `(from ESIGN_USER_ID)`. */
export function describeSource(v: ResolvedValue): string {
  return v.origin ? `from ${v.origin}` : v.source;
}
