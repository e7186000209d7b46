import { AuthError, MissingSettingError } from '../errors.js';
import { parseEnvironment, type OAuthEnvironment } from '../settings/environment.js';
import { describeSource, type Settings } from '../settings/resolve.js';
import { parseScopes } from './consent.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a GUID in DocuSign's 8-4-4-4-12 form. */
export function isGuid(v: string): boolean {
  return GUID.test(v.trim());
}

/** The settings the JWT grant needs, checked locally before any network call. */
export interface AuthConfig {
  environment: OAuthEnvironment;
  integrationKey: string;
  userId: string;
  scopes: string[];
  accountId?: string;
  privateKeyFile?: string;
  privateKeyText?: string;
  redirectUri?: string;
}

/** Reads the environment setting (always available: it has a default). */
export function environmentOf(settings: Settings): OAuthEnvironment {
  const v = settings.values.env;
  return parseEnvironment(v.value ?? 'demo', v.origin && v.source !== 'default' ? v.origin : '--env');
}

/** Checks the integration key value (BR-10): a GUID, not truncated, not a secret or account id. */
export function checkIntegrationKey(settings: Settings): string {
  const v = settings.values.integrationKey;
  if (!v.value) throw new MissingSettingError('integration key', '--integration-key', 'ESIGN_INTEGRATION_KEY');
  const ik = v.value.trim();
  if (!isGuid(ik)) {
    throw new AuthError(`the integration key ${JSON.stringify(ik)} (${describeSource(v)}) is not a GUID`, {
      code: 'CONFIG',
      hint: 'Copy the Integration Key from Apps and Keys: 32 hex digits as 8-4-4-4-12. A secret key or a truncated copy will not work.',
    });
  }
  return ik;
}

/** Checks the impersonated user id (BR-12): a GUID, not an email, not the account id. */
export function checkUserId(settings: Settings): string {
  const v = settings.values.userId;
  if (!v.value) throw new MissingSettingError('user id to impersonate', '--user-id', 'ESIGN_USER_ID');
  const id = v.value.trim();
  if (id.includes('@')) {
    throw new AuthError(`the user id ${JSON.stringify(id)} (${describeSource(v)}) is an email address`, {
      code: 'CONFIG',
      hint: 'The JWT needs the user\'s "User ID" GUID, shown in Apps and Keys (My Account Information) or under Users in DocuSign Admin.',
    });
  }
  if (!isGuid(id)) {
    throw new AuthError(`the user id ${JSON.stringify(id)} (${describeSource(v)}) is not a GUID`, {
      code: 'CONFIG',
      hint: 'Copy the "User ID" GUID from Apps and Keys (8-4-4-4-12 hex digits).',
    });
  }
  const acct = settings.values.accountId.value?.trim();
  if (acct && acct.toLowerCase() === id.toLowerCase()) {
    throw new AuthError(`the user id and the account id are the same GUID (${id})`, {
      code: 'CONFIG',
      hint: 'Apps and Keys shows both "User ID" and "API Account ID": --user-id takes the User ID.',
    });
  }
  return id;
}

/** Builds the full auth configuration, failing fast on the first missing or malformed setting. */
export function authConfig(settings: Settings): AuthConfig {
  const environment = environmentOf(settings);
  const integrationKey = checkIntegrationKey(settings);
  const userId = checkUserId(settings);
  const scopesV = settings.values.scopes;
  const scopes = parseScopes(scopesV.value, scopesV.origin ?? 'scopes');
  const accountId = settings.values.accountId.value?.trim() || undefined;
  if (accountId && !isGuid(accountId) && !/^\d+$/.test(accountId)) {
    throw new AuthError(`the account id ${JSON.stringify(accountId)} (${describeSource(settings.values.accountId)}) is neither a GUID nor an account number`, {
      code: 'CONFIG',
      hint: 'Use the "API Account ID" GUID from Apps and Keys, or leave it unset to use the default account.',
    });
  }
  // Precedence holds across the two key settings: a --private-key-file flag beats ESIGN_PRIVATE_KEY,
  // and ESIGN_PRIVATE_KEY (the text, for CI secrets) beats ESIGN_PRIVATE_KEY_FILE and a profile's file.
  const fileV = settings.values.privateKeyFile;
  const useFile = fileV.source === 'flag' || !settings.values.privateKey.value;
  const privateKeyText = useFile ? undefined : settings.values.privateKey.value;
  const privateKeyFile = useFile ? fileV.value : undefined;
  if (!privateKeyText && !privateKeyFile) {
    throw new MissingSettingError('private key', '--private-key-file', 'ESIGN_PRIVATE_KEY_FILE', 'In CI you can put the PEM text itself in ESIGN_PRIVATE_KEY.');
  }
  return {
    environment,
    integrationKey,
    userId,
    scopes,
    accountId,
    privateKeyFile,
    privateKeyText,
    redirectUri: settings.values.redirectUri.value,
  };
}
