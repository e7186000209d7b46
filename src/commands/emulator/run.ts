import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { configDir, ensurePrivateDir, writeFileAtomic } from '../../settings/paths.js';
import type { DemoSeed, Emulator } from '../../emulator/index.js';
import { startEmulatorForCli } from './start.js';

interface EmulatorFlags {
  port: string;
  autoConsent?: boolean;
  latency: string;
  faultRate: string;
}

function num(v: string, flag: string, min: number, max: number, integer = false): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (got ${JSON.stringify(v)})`);
  }
  return n;
}

/** What `esign emulator` keeps per port, so a profile pointing at it survives a restart. */
interface SavedSeed {
  integrationKey: string;
  userId: string;
  accountId: string;
  otherAccountId: string;
  consents: { scopes: string[] }[];
}

function readSaved(seedFile: string, keyFile: string): (SavedSeed & { privateKeyPem: string }) | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(seedFile, 'utf8')) as SavedSeed;
    const privateKeyPem = fs.readFileSync(keyFile, 'utf8');
    if (typeof s.integrationKey !== 'string' || typeof s.userId !== 'string' || typeof s.accountId !== 'string') return undefined;
    return { ...s, consents: Array.isArray(s.consents) ? s.consents : [], privateKeyPem };
  } catch {
    return undefined;
  }
}

function save(emu: Emulator, seed: DemoSeed, seedFile: string): void {
  const consents = emu.state
    .consents()
    .filter((c) => c.integrationKey === seed.integrationKey && c.userId === seed.userId)
    .map((c) => ({ scopes: c.scopes }));
  const saved: SavedSeed = { integrationKey: seed.integrationKey, userId: seed.userId, accountId: seed.accountId, otherAccountId: seed.otherAccountId, consents };
  writeFileAtomic(seedFile, JSON.stringify(saved, null, 2) + '\n');
}

/**
 * `esign emulator`: start it, seed one integration and user, print how to use it, wait for Ctrl-C.
 * With a fixed --port the integration key, user, accounts, key and consent are kept in the config
 * folder and registered again on the next start on that port; envelopes last one run.
 */
export async function runEmulator(ctx: Context, o: EmulatorFlags): Promise<number> {
  const port = num(o.port, '--port', 0, 65534, true);
  const latencyMs = num(o.latency, '--latency', 0, 60_000);
  const faultRate = num(o.faultRate, '--fault-rate', 0, 1);
  const { seedDemo } = await import('../../emulator/seed.js');
  const emu = await startEmulatorForCli({ port, restPorts: [port === 0 ? 0 : port + 1], autoConsent: o.autoConsent, latencyMs, faultRate });
  const actualPort = Number(new URL(emu.oauthUrl).port);
  const dir = path.join(configDir(ctx.env), 'emulator');
  ensurePrivateDir(dir);
  const keyFile = path.join(dir, `private-key-${actualPort}.pem`);
  const seedFile = path.join(dir, `seed-${actualPort}.json`);
  const keep = port !== 0;
  const saved = keep ? readSaved(seedFile, keyFile) : undefined;
  const seed = await seedDemo(emu, saved);
  if (saved) for (const c of saved.consents) emu.grantConsent(seed.integrationKey, seed.userId, c.scopes);
  else writeFileAtomic(keyFile, seed.privateKeyPem);
  if (keep) save(emu, seed, seedFile);

  const p = ctx.printer;
  const initCmd = `esign init --profile emulator --env ${emu.oauthUrl} --integration-key ${seed.integrationKey} --user-id ${seed.userId} --private-key-file ${keyFile} --redirect-uri ${seed.redirectUri}`;
  const consentLine = o.autoConsent
    ? '  consent: granted automatically on the first token request (--auto-consent)'
    : saved?.consents.length
      ? '  consent: granted (kept from the last run on this port)'
      : `  consent: not granted yet: open the consent URL and log in as ${seed.email} (or use --auto-consent)`;
  p.result({
    json: {
      oauthUrl: emu.oauthUrl,
      restUrls: emu.restUrls,
      integrationKey: seed.integrationKey,
      userId: seed.userId,
      email: seed.email,
      accountId: seed.accountId,
      privateKeyFile: keyFile,
      redirectUri: seed.redirectUri,
      restored: Boolean(saved),
    },
    quiet: emu.oauthUrl,
    human: () =>
      [
        `DocuSign emulator running (loopback only)`,
        `  OAuth host: ${emu.oauthUrl}`,
        `  REST host:  ${emu.restUrls.join(', ')}`,
        `  integration key ${seed.integrationKey}, user ${seed.userId} (${seed.email})${saved ? ' — the same as last time on this port' : ''}`,
        `  private key: ${keyFile}`,
        consentLine,
        '',
        saved ? 'A profile made last time still works. To make one:' : 'Point a profile at it:',
        `  ${initCmd}`,
        '  esign consent --profile emulator --open --wait',
        '  esign whoami --profile emulator',
        '',
        keep
          ? `Envelopes last until the emulator stops; the integration, user, key and consent are kept for port ${actualPort}.`
          : 'Everything lasts until the emulator stops (--port 0).',
        'Ctrl-C stops it.',
      ].join('\n'),
  });
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (keep) save(emu, seed, seedFile);
  else fs.rmSync(keyFile, { force: true });
  await emu.close();
  p.info('emulator stopped');
  return 0;
}
