import fs from 'node:fs';
import path from 'node:path';
import { AuthError, UsageError } from '../errors.js';
import { ensurePrivateDir } from './paths.js';

/** What a profile may hold. Never a private key's text: only the path to its file. */
export interface Profile {
  env?: string;
  integrationKey?: string;
  userId?: string;
  privateKeyFile?: string;
  accountId?: string;
  redirectUri?: string;
  scopes?: string;
}

export const PROFILE_FIELDS: readonly (keyof Profile)[] = [
  'env',
  'integrationKey',
  'userId',
  'privateKeyFile',
  'accountId',
  'redirectUri',
  'scopes',
];

interface ConfigFile {
  profiles?: Record<string, Profile>;
}

export const CONFIG_FILE = 'config.json';

/**
 * Profiles in `<configDir>/config.json`. Reads parse the JSON directly (fast: `esign consent` and
 * friends must not pay for conf's schema machinery at start-up); writes go through conf, which
 * writes atomically, with mode 0600 in a 0700 folder.
 */
export class ProfileStore {
  constructor(readonly dir: string) {}

  get file(): string {
    return path.join(this.dir, CONFIG_FILE);
  }

  /** All profiles; an absent file is an empty store, a corrupt one an error naming the file. */
  readAll(): Record<string, Profile> {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new AuthError(`cannot read ${this.file}: ${(e as Error).message}`, { code: 'CONFIG' });
    }
    try {
      const parsed = JSON.parse(text) as ConfigFile;
      return parsed && typeof parsed === 'object' && parsed.profiles && typeof parsed.profiles === 'object'
        ? parsed.profiles
        : {};
    } catch {
      throw new AuthError(`the config file ${this.file} is not valid JSON`, {
        code: 'CONFIG',
        hint: 'Fix or delete it, then run `esign init` again.',
      });
    }
  }

  /** One profile, or undefined (own entries only: "constructor" is not a profile). */
  read(name: string): Profile | undefined {
    const all = this.readAll();
    return Object.hasOwn(all, name) ? all[name] : undefined;
  }

  /** Creates or replaces a profile (conf: atomic write, 0600 file, 0700 folder). */
  async write(name: string, profile: Profile): Promise<void> {
    checkProfileName(name);
    ensurePrivateDir(this.dir);
    const { default: Conf } = await import('conf');
    const conf = new Conf<ConfigFile>({
      cwd: this.dir,
      configName: 'config',
      projectName: 'esign',
      configFileMode: 0o600,
      projectSuffix: '',
    });
    const clean: Profile = {};
    for (const k of PROFILE_FIELDS) if (profile[k] !== undefined && profile[k] !== '') clean[k] = profile[k];
    conf.set(`profiles.${escapeKey(name)}`, clean);
    if (process.platform !== 'win32') fs.chmodSync(this.file, 0o600);
  }

  /** Removes a profile; returns whether it existed. */
  async remove(name: string): Promise<boolean> {
    if (!this.read(name)) return false;
    const { default: Conf } = await import('conf');
    const conf = new Conf<ConfigFile>({ cwd: this.dir, configName: 'config', projectName: 'esign', configFileMode: 0o600, projectSuffix: '' });
    conf.delete(`profiles.${escapeKey(name)}`);
    return true;
  }
}

/** conf treats dots as paths; profile names are plain words. */
function escapeKey(name: string): string {
  return name.replace(/\./g, '\\.');
}

/** Profile names are plain words: letters, digits, `-` and `_` (no dots, no `__proto__`). */
export function checkProfileName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name) || ['__proto__', 'constructor', 'prototype'].includes(name)) {
    throw new UsageError(`"${name}" is not a valid profile name`, { hint: 'Use letters, digits, - and _ (for example: default, prod, ci-demo).' });
  }
}
