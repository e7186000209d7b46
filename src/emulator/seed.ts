/** The demo seed: an integration with a fresh RSA key pair, a user with two accounts, no consent. */
import { createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { Emulator } from './types.js';

/** What seedDemo registered (the private key is for the CLI profile; PKCS#8 PEM). */
export interface DemoSeed {
  integrationKey: string;
  userId: string;
  /** The default account (listed second in userinfo). */
  accountId: string;
  /** The default account's external account number (8 digits; REST paths accept it for accountId). */
  accountNumber: string;
  /** The other, non-default account (listed first). */
  otherAccountId: string;
  otherAccountNumber: string;
  privateKeyPem: string;
  publicKeyPem: string;
  redirectUri: string;
  email: string;
  name: string;
}

const generate = promisify(generateKeyPair);

/**
 * Seeds a demo integration and user. Consent is NOT granted (the demo goes through the consent
 * page). With `reuse`, the same integration key, key pair, user and accounts are registered again
 * (`esign emulator` keeps them across restarts, so a profile pointing at it stays valid).
 */
export async function seedDemo(emu: Emulator, reuse?: Pick<DemoSeed, 'integrationKey' | 'userId' | 'accountId' | 'otherAccountId' | 'privateKeyPem'>): Promise<DemoSeed> {
  const { privateKey, publicKey } = reuse
    ? { privateKey: reuse.privateKeyPem, publicKey: createPublicKey(reuse.privateKeyPem).export({ type: 'spki', format: 'pem' }) as string }
    : await generate('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
  const redirectUri = `${emu.oauthUrl}/consent-done`;
  const { integrationKey } = emu.addIntegration({ integrationKey: reuse?.integrationKey, publicKeys: [publicKey], redirectUris: [redirectUri], name: 'esign demo' });
  const email = 'service.account@example.test';
  const name = 'Service Account';
  const user = emu.addUser({
    userId: reuse?.userId,
    name,
    email,
    accounts: [
      { accountId: reuse?.otherAccountId, name: 'Sandbox (secondary)', isDefault: false },
      { accountId: reuse?.accountId, name: 'esign Demo Account', isDefault: true },
    ],
  });
  return {
    integrationKey,
    userId: user.userId,
    accountId: user.accounts[1]!.accountId,
    accountNumber: user.accounts[1]!.accountNumber,
    otherAccountId: user.accounts[0]!.accountId,
    otherAccountNumber: user.accounts[0]!.accountNumber,
    privateKeyPem: privateKey,
    publicKeyPem: publicKey,
    redirectUri,
    email,
    name,
  };
}
