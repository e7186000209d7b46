/**
 * Every environment variable esign reads, declared once. The README's settings table and
 * `esign doctor` are generated from this list, so it is the single source of truth.
 */
export interface EnvVarSpec {
  name: string;
  /** The setting it feeds (see SettingName), or undefined for process-level switches. */
  setting?: SettingName;
  /** The flag with the same meaning, if any. */
  flag?: string;
  description: string;
}

export type SettingName =
  | 'profile'
  | 'env'
  | 'integrationKey'
  | 'userId'
  | 'privateKeyFile'
  | 'privateKey'
  | 'accountId'
  | 'redirectUri'
  | 'scopes'
  | 'timeout'
  | 'maxRetries';

export const ENV_VARS: readonly EnvVarSpec[] = [
  { name: 'ESIGN_PROFILE', setting: 'profile', flag: '--profile', description: 'Profile to use (default `default`).' },
  {
    name: 'ESIGN_ENV',
    setting: 'env',
    flag: '--env',
    description: '`demo`, `production`, or an OAuth base URL such as `http://127.0.0.1:8080` (the emulator).',
  },
  {
    name: 'ESIGN_INTEGRATION_KEY',
    setting: 'integrationKey',
    flag: '--integration-key',
    description: "The integration key (the app's client id, a GUID).",
  },
  {
    name: 'ESIGN_USER_ID',
    setting: 'userId',
    flag: '--user-id',
    description: 'API user id (GUID) of the user to impersonate. Not the email, not the API account id.',
  },
  {
    name: 'ESIGN_PRIVATE_KEY_FILE',
    setting: 'privateKeyFile',
    flag: '--private-key-file',
    description: 'Path to the RSA private key (PEM, PKCS#1 or PKCS#8).',
  },
  {
    name: 'ESIGN_PRIVATE_KEY',
    setting: 'privateKey',
    description:
      'The PEM text itself (for CI secrets). Literal `\\n`, CRLF, surrounding quotes and base64 of the whole PEM are accepted.',
  },
  {
    name: 'ESIGN_ACCOUNT_ID',
    setting: 'accountId',
    flag: '--account-id',
    description: "Account to use (GUID). Default: the user's default account from userinfo.",
  },
  {
    name: 'ESIGN_REDIRECT_URI',
    setting: 'redirectUri',
    flag: '--redirect-uri',
    description: 'Consent redirect URI; must equal one registered on the integration key exactly.',
  },
  {
    name: 'ESIGN_SCOPES',
    setting: 'scopes',
    description: 'Space-separated OAuth scopes for consent and JWT (default `signature impersonation`).',
  },
  { name: 'ESIGN_TIMEOUT', setting: 'timeout', flag: '--request-timeout', description: 'Per-request timeout in seconds (default 30).' },
  {
    name: 'ESIGN_MAX_RETRIES',
    setting: 'maxRetries',
    description: 'Retries for 429/502/503/504 and network errors (default 4).',
  },
  { name: 'ESIGN_CONFIG_DIR', description: 'Folder for profiles and the token cache (0700; files 0600).' },
  { name: 'CI', description: '`true`: never prompt; a missing setting is an error naming its flag and variable.' },
  { name: 'NO_COLOR', description: 'Disable colour (same as `--no-color`).' },
  { name: 'HTTPS_PROXY', description: 'Proxy for https calls (also `https_proxy`).' },
  { name: 'HTTP_PROXY', description: 'Proxy for http calls (also `http_proxy`).' },
  { name: 'NO_PROXY', description: 'Hosts that bypass the proxy (also `no_proxy`).' },
];

/** The environment variable that feeds a setting. */
export function envVarFor(setting: SettingName): string | undefined {
  return ENV_VARS.find((v) => v.setting === setting)?.name;
}

/** The flag that feeds a setting. */
export function flagFor(setting: SettingName): string | undefined {
  return ENV_VARS.find((v) => v.setting === setting)?.flag;
}
