import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AuthError } from '../errors.js';

/** The config folder: ESIGN_CONFIG_DIR, else the OS config folder (XDG, macOS, Windows). */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.ESIGN_CONFIG_DIR) return path.resolve(env.ESIGN_CONFIG_DIR);
  if (process.platform === 'win32') {
    return path.join(env.APPDATA || path.join(os.homedir(), 'AppData', 'Roaming'), 'esign');
  }
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Preferences', 'esign');
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'esign');
}

/**
 * Creates the folder (and parents) with mode 0700, and tightens it if it already exists looser.
 * A shared folder (world-writable or sticky, like /tmp) is refused rather than chmod-ed: changing
 * its mode would lock other users out, and others could plant files in it.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = fs.statSync(dir);
  if ((st.mode & 0o1000) !== 0 || (st.mode & 0o002) !== 0) {
    throw new AuthError(`the folder ${dir} is shared (mode ${(st.mode & 0o7777).toString(8)}): esign keeps its config and tokens only in a private folder`, {
      code: 'CONFIG',
      hint: 'Point ESIGN_CONFIG_DIR at a folder of your own (esign creates it with mode 0700), e.g. ESIGN_CONFIG_DIR=$HOME/.config/esign.',
    });
  }
  if ((st.mode & 0o777) !== 0o700) {
    try {
      fs.chmodSync(dir, 0o700);
    } catch (e) {
      throw new AuthError(`cannot make ${dir} private (mode 0700): ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
        code: 'CONFIG',
        hint: 'Point ESIGN_CONFIG_DIR at a folder you own.',
      });
    }
  }
}

/**
 * Writes a file atomically with mode 0600: a temporary file in the same folder, fsync, rename.
 * Readers see the old or the new content, never a half-written file, and concurrent writers
 * cannot interleave.
 */
export function writeFileAtomic(file: string, data: string | Buffer, mode = 0o600): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    if (typeof data === "string") fs.writeSync(fd, data);
    else fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    if (process.platform !== 'win32') fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Streams data into a file atomically (downloads): a temporary file in the same folder, fsync,
 * rename. If the source fails or the signal aborts (Ctrl-C), the temporary file is removed and
 * the target is left as it was: never a half-written file.
 */
export async function writeStreamAtomic(
  file: string,
  source: AsyncIterable<Uint8Array>,
  opts: { mode?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const mode = opts.mode ?? 0o600;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await fs.promises.open(tmp, 'w', mode);
  let bytes = 0;
  try {
    try {
      for await (const chunk of source) {
        if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
        await fh.write(chunk);
        bytes += chunk.byteLength;
      }
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (process.platform !== 'win32') fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
    return bytes;
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
