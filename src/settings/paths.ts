import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** The config folder: ESIGN_CONFIG_DIR, else the OS config folder (XDG, macOS, Windows). */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.ESIGN_CONFIG_DIR) return path.resolve(env.ESIGN_CONFIG_DIR);
  if (process.platform === 'win32') {
    return path.join(env.APPDATA || path.join(os.homedir(), 'AppData', 'Roaming'), 'esign');
  }
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Preferences', 'esign');
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'esign');
}

/** Creates the folder (and parents) with mode 0700, and tightens it if it already exists looser. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') {
    const mode = fs.statSync(dir).mode & 0o777;
    if (mode !== 0o700) fs.chmodSync(dir, 0o700);
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
