/**
 * The bad-input corpus (issue 8): malformed template files, variables, data files, keys, settings
 * and flags, each with the exit code and a fragment of the message a user must get. The test
 * (corpus.test.ts) runs each one in-process against the emulator and also checks that no stack
 * trace is printed and that nothing was sent.
 *
 * In `argv` and `env` values: `$F/` is this folder's fixtures/, `$KEY(kind)` a generated key file
 * (public, encrypted, ec, garbage, truncated, rsa1024, loose), `$KEYTEXT(kind)` its text.
 */
export interface BadInputCase {
  name: string;
  group: 'template' | 'variables' | 'data' | 'key' | 'settings' | 'flags';
  argv: string[];
  /** Environment changes; '' unsets. */
  env?: Record<string, string>;
  exit: number;
  /** A fragment (case-insensitive) or pattern of stderr. */
  message: string | RegExp;
  /** Defaults to true: no HTTP request at all. False: token/userinfo calls are fine, no REST write. */
  noNetwork?: boolean;
}

/** A valid send apart from what a case changes. */
const OK_VARS = ['--var', 'name=Pat Example', '--var', 'email=pat@example.test'];
const SEND_OK = ['send', '$F/ok-base.yaml', ...OK_VARS];

export const CASES: BadInputCase[] = [
  // ---------------------------------------------------------------- template files
  { name: 'template: YAML syntax error', group: 'template', argv: ['send', '$F/bad-yaml.yaml'], exit: 2, message: 'bad-yaml.yaml:2:1: invalid YAML' },
  { name: 'template: JSON syntax error', group: 'template', argv: ['send', '$F/bad-json.json'], exit: 2, message: 'bad-json.json:3:1: invalid JSON' },
  { name: 'template: unknown shape', group: 'template', argv: ['send', '$F/unknown-shape.json'], exit: 2, message: 'not a template esign recognizes' },
  { name: 'template: a list (data file) given as template', group: 'template', argv: ['send', '$F/list-not-template.json'], exit: 2, message: '--data' },
  { name: 'template: empty file', group: 'template', argv: ['send', '$F/empty.yaml'], exit: 2, message: 'empty' },
  { name: 'template: file not found', group: 'template', argv: ['send', '$F/nope.yaml'], exit: 2, message: 'template file not found' },
  { name: 'template: no documents', group: 'template', argv: ['send', '$F/missing-documents.yaml'], exit: 2, message: 'at least one document' },
  { name: 'template: document file missing', group: 'template', argv: ['send', '$F/document-not-found.yaml'], exit: 2, message: 'file not found: ./does-not-exist.pdf' },
  { name: 'template: bad email address', group: 'template', argv: ['send', '$F/bad-email.yaml', ...OK_VARS], exit: 2, message: "'pat.example.test' is not a valid email address" },
  { name: 'template: duplicate recipientIds', group: 'template', argv: ['send', '$F/duplicate-recipient-ids.json'], exit: 2, message: 'recipientIds must be unique' },
  { name: 'template: subject over 100 characters', group: 'template', argv: ['send', '$F/subject-too-long.yaml', ...OK_VARS], exit: 2, message: 'DocuSign allows 100' },
  { name: 'template: missing variables all listed', group: 'template', argv: ['send', '$F/missing-variables.yaml'], exit: 2, message: /candidate\.name[\s\S]*company|company[\s\S]*candidate\.name/ },
  { name: 'template: [placeholder] values left in', group: 'template', argv: ['send', '$F/placeholder-values.yaml', ...OK_VARS], exit: 2, message: 'is a placeholder left from a code sample' },
  { name: 'template: legacy v2 wrapper with nothing to send', group: 'template', argv: ['send', '$F/legacy-v2-empty.json'], exit: 2, message: 'envelopeTemplateDefinition' },
  { name: 'template: no recipients', group: 'template', argv: ['send', '$F/no-recipients.yaml', ...OK_VARS], exit: 2, message: 'at least one signer' },
  { name: 'template: definition with a status esign cannot create', group: 'template', argv: ['send', '$F/envelope-bad-status.json'], exit: 2, message: 'status "completed" cannot be used' },
  { name: 'template: a folder instead of a file', group: 'template', argv: ['send', '$F'], exit: 2, message: 'fixtures' },
  { name: 'template: YAML alias bomb (billion laughs)', group: 'template', argv: ['send', '$F/alias-bomb.yaml'], exit: 2, message: "alias-bomb.yaml: its YAML aliases (*name) expand beyond esign's limit" },
  { name: 'template: JSON nested deeper than the limit', group: 'template', argv: ['send', '$F/deep-template.json'], exit: 2, message: /deep-template\.json:1:\d+: lists and objects are nested more than 100 levels deep/ },

  // ---------------------------------------------------------------- variables and roles
  { name: 'variables: --vars file with bad YAML', group: 'variables', argv: [...SEND_OK, '--vars', '$F/bad-vars.yaml'], exit: 2, message: 'bad-vars.yaml' },
  { name: 'variables: --vars file holding a list', group: 'variables', argv: [...SEND_OK, '--vars', '$F/vars-array.json'], exit: 2, message: 'vars-array.json' },
  { name: 'variables: --vars file with a YAML alias bomb', group: 'variables', argv: [...SEND_OK, '--vars', '$F/alias-bomb.yaml'], exit: 2, message: 'alias-bomb.yaml: its YAML aliases' },
  { name: 'variables: --vars file not found', group: 'variables', argv: [...SEND_OK, '--vars', '$F/no-vars.yaml'], exit: 2, message: 'no-vars.yaml' },
  { name: 'variables: --var without =', group: 'variables', argv: ['send', '$F/ok-base.yaml', '--var', 'name'], exit: 2, message: '--var' },
  { name: 'variables: --role without an email', group: 'variables', argv: [...SEND_OK, '--role', 'Candidate=Pat Example'], exit: 2, message: '--role' },
  { name: 'variables: --role naming no role of the template', group: 'variables', argv: [...SEND_OK, '--role', 'Janitor=Kim Park <kim@example.test>'], exit: 2, message: 'Janitor' },

  // ---------------------------------------------------------------- data files
  { name: 'data: ragged CSV', group: 'data', argv: ['send', '$F/ok-base.yaml', '--data', '$F/ragged.csv'], exit: 2, message: 'has 1 field, the header has 2' },
  { name: 'data: empty file', group: 'data', argv: ['send', '$F/ok-base.yaml', '--data', '$F/empty.csv'], exit: 2, message: 'the file is empty' },
  { name: 'data: JSON rows that are not objects', group: 'data', argv: ['send', '$F/ok-base.yaml', '--data', '$F/rows-not-objects.json'], exit: 2, message: 'each row must be an object' },
  { name: 'data: a JSON object instead of an array', group: 'data', argv: ['send', '$F/ok-base.yaml', '--data', '$F/rows-object.json'], exit: 2, message: 'found one JSON object' },
  { name: 'data: rows nested deeper than the limit', group: 'data', argv: ['send', '$F/ok-base.yaml', '--data', '$F/deep-rows.json'], exit: 2, message: 'deep-rows.json: lists and objects are nested more than 100 levels deep' },
  { name: 'data: file not found', group: 'data', argv: ['send', '$F/ok-base.yaml', '--data', '$F/no-rows.csv'], exit: 2, message: 'no-rows.csv' },
  { name: 'data: --concurrency 0', group: 'data', argv: ['send', '$F/ok-base.yaml', '--data', '$F/ragged.csv', '--concurrency', '0'], exit: 2, message: '--concurrency' },
  { name: 'data: --concurrency not a number', group: 'data', argv: ['send', '$F/ok-base.yaml', '--data', '$F/ragged.csv', '--concurrency', 'lots'], exit: 2, message: '--concurrency' },

  // ---------------------------------------------------------------- keys
  { name: 'key: a public key', group: 'key', argv: SEND_OK, env: { ESIGN_PRIVATE_KEY_FILE: '$KEY(public)' }, exit: 4, message: 'public key' },
  { name: 'key: an encrypted key', group: 'key', argv: SEND_OK, env: { ESIGN_PRIVATE_KEY_FILE: '$KEY(encrypted)' }, exit: 4, message: 'encrypted' },
  { name: 'key: an EC key', group: 'key', argv: SEND_OK, env: { ESIGN_PRIVATE_KEY_FILE: '$KEY(ec)' }, exit: 4, message: 'not an RSA key' },
  { name: 'key: garbage', group: 'key', argv: SEND_OK, env: { ESIGN_PRIVATE_KEY_FILE: '$KEY(garbage)' }, exit: 4, message: 'not a PEM key' },
  { name: 'key: truncated', group: 'key', argv: SEND_OK, env: { ESIGN_PRIVATE_KEY_FILE: '$KEY(truncated)' }, exit: 4, message: 'incomplete' },
  { name: 'key: RSA 1024 bits', group: 'key', argv: SEND_OK, env: { ESIGN_PRIVATE_KEY_FILE: '$KEY(rsa1024)' }, exit: 4, message: '2048' },
  { name: 'key: file does not exist', group: 'key', argv: SEND_OK, env: { ESIGN_PRIVATE_KEY_FILE: '$F/no-key.pem' }, exit: 4, message: 'does not exist' },
  { name: 'key: a path in ESIGN_PRIVATE_KEY', group: 'key', argv: SEND_OK, env: { ESIGN_PRIVATE_KEY_FILE: '', ESIGN_PRIVATE_KEY: './private.pem' }, exit: 4, message: 'ESIGN_PRIVATE_KEY_FILE' },
  { name: 'key: truncated text in ESIGN_PRIVATE_KEY', group: 'key', argv: SEND_OK, env: { ESIGN_PRIVATE_KEY_FILE: '', ESIGN_PRIVATE_KEY: '$KEYTEXT(truncated)' }, exit: 4, message: 'incomplete' },

  // ---------------------------------------------------------------- settings
  { name: 'settings: integration key not a GUID', group: 'settings', argv: SEND_OK, env: { ESIGN_INTEGRATION_KEY: 'abc123' }, exit: 4, message: 'not a GUID' },
  { name: 'settings: email as user id', group: 'settings', argv: SEND_OK, env: { ESIGN_USER_ID: 'pat@example.test' }, exit: 4, message: 'email address' },
  { name: 'settings: user id not a GUID', group: 'settings', argv: SEND_OK, env: { ESIGN_USER_ID: '12345' }, exit: 4, message: 'not a GUID' },
  { name: 'settings: --env with a path', group: 'settings', argv: [...SEND_OK, '--env', 'https://account-d.docusign.com/oauth/token'], exit: 4, message: 'has a path' },
  { name: 'settings: --env plain http off loopback', group: 'settings', argv: [...SEND_OK, '--env', 'http://example.com'], exit: 4, message: 'plain http' },
  { name: 'settings: --env not a URL', group: 'settings', argv: [...SEND_OK, '--env', 'ftp://x'], exit: 4, message: 'https' },
  { name: 'settings: missing integration key', group: 'settings', argv: SEND_OK, env: { ESIGN_INTEGRATION_KEY: '' }, exit: 4, message: 'ESIGN_INTEGRATION_KEY' },
  { name: 'settings: missing private key', group: 'settings', argv: SEND_OK, env: { ESIGN_PRIVATE_KEY_FILE: '' }, exit: 4, message: '--private-key-file' },
  { name: 'settings: account id neither GUID nor number', group: 'settings', argv: SEND_OK, env: { ESIGN_ACCOUNT_ID: 'acme' }, exit: 4, message: 'account id' },
  { name: 'settings: user id equal to account id', group: 'settings', argv: SEND_OK, env: { ESIGN_ACCOUNT_ID: '$USERID' }, exit: 4, message: 'same GUID' },
  { name: 'settings: unknown profile', group: 'settings', argv: [...SEND_OK, '--profile', 'nope'], exit: 2, message: 'profile "nope" does not exist' },
  { name: 'settings: ESIGN_MAX_RETRIES not a number', group: 'settings', argv: SEND_OK, env: { ESIGN_MAX_RETRIES: 'many' }, exit: 2, message: 'ESIGN_MAX_RETRIES' },
  { name: 'settings: ESIGN_TIMEOUT not a number', group: 'settings', argv: SEND_OK, env: { ESIGN_TIMEOUT: 'soon' }, exit: 2, message: 'timeout' },

  // ---------------------------------------------------------------- flags
  { name: 'flags: unknown flag', group: 'flags', argv: [...SEND_OK, '--frobnicate'], exit: 2, message: '--frobnicate' },
  { name: 'flags: unknown command', group: 'flags', argv: ['sned', '$F/ok-base.yaml'], exit: 2, message: 'sned' },
  { name: 'flags: --request-timeout not a number', group: 'flags', argv: [...SEND_OK, '--request-timeout', 'abc'], exit: 2, message: 'timeout' },
  { name: 'flags: --request-timeout 0', group: 'flags', argv: [...SEND_OK, '--request-timeout', '0'], exit: 2, message: 'timeout' },
  { name: 'flags: send without a template', group: 'flags', argv: ['send'], exit: 2, message: 'template file or --template-id' },
  { name: 'flags: template file and --template-id', group: 'flags', argv: [...SEND_OK, '--template-id', 'abc'], exit: 2, message: 'not both' },
  { name: 'flags: --var missing its value', group: 'flags', argv: ['send', '$F/ok-base.yaml', '--var'], exit: 2, message: '--var' },
  { name: 'flags: --draft with --sign-url', group: 'flags', argv: [...SEND_OK, '--draft', '--sign-url'], exit: 2, message: '--draft' },
  { name: 'flags: --concurrency without --data', group: 'flags', argv: [...SEND_OK, '--concurrency', '4'], exit: 2, message: '--data' },
  { name: 'flags: --return-url plain http off loopback', group: 'flags', argv: [...SEND_OK, '--embedded', '--sign-url', '--return-url', 'http://example.com/x'], exit: 2, message: 'plain http' },
  { name: 'flags: --return-url not absolute', group: 'flags', argv: [...SEND_OK, '--embedded', '--sign-url', '--return-url', '/done'], exit: 2, message: 'absolute' },
  { name: 'flags: consent --wait --timeout bad', group: 'flags', argv: ['consent', '--wait', '--timeout', 'x'], exit: 2, message: '--timeout' },
];
