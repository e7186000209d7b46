import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { configDir, ensurePrivateDir, writeFileAtomic } from '../../settings/paths.js';

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

/** `esign emulator`: start it, seed one integration and user, print how to use it, wait for Ctrl-C. */
export async function runEmulator(ctx: Context, o: EmulatorFlags): Promise<number> {
  const port = num(o.port, '--port', 0, 65534, true);
  const latencyMs = num(o.latency, '--latency', 0, 60_000);
  const faultRate = num(o.faultRate, '--fault-rate', 0, 1);
  const { startEmulator } = await import('../../emulator/index.js');
  const { seedDemo } = await import('../../emulator/seed.js');
  const emu = await startEmulator({ port, restPorts: [port === 0 ? 0 : port + 1], autoConsent: o.autoConsent, latencyMs, faultRate });
  const seed = await seedDemo(emu);
  const dir = path.join(configDir(ctx.env), 'emulator');
  ensurePrivateDir(dir);
  const keyFile = path.join(dir, 'private-key.pem');
  writeFileAtomic(keyFile, seed.privateKeyPem);

  const p = ctx.printer;
  const initCmd = `esign init --profile emulator --env ${emu.oauthUrl} --integration-key ${seed.integrationKey} --user-id ${seed.userId} --private-key-file ${keyFile} --redirect-uri ${seed.redirectUri}`;
  p.result({
    json: {
      oauthUrl: emu.oauthUrl,
      restUrls: emu.restUrls,
      integrationKey: seed.integrationKey,
      userId: seed.userId,
      accountId: seed.accountId,
      privateKeyFile: keyFile,
      redirectUri: seed.redirectUri,
    },
    quiet: emu.oauthUrl,
    human: () =>
      [
        `DocuSign emulator running (loopback only)`,
        `  OAuth host: ${emu.oauthUrl}`,
        `  REST host:  ${emu.restUrls.join(', ')}`,
        `  integration key ${seed.integrationKey}, user ${seed.userId} (${seed.email})`,
        `  private key written to ${keyFile}`,
        autoConsentLine(o.autoConsent),
        '',
        'Point a profile at it:',
        `  ${initCmd}`,
        '  esign consent --profile emulator --open --wait',
        '  esign whoami --profile emulator',
        '',
        'Ctrl-C stops it.',
      ].join('\n'),
  });
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await emu.close();
  fs.rmSync(keyFile, { force: true });
  p.info('emulator stopped');
  return 0;
}

function autoConsentLine(auto?: boolean): string {
  return auto ? '  consent: granted automatically on the first token request (--auto-consent)' : '  consent: not granted yet (use the consent URL, or --auto-consent)';
}
