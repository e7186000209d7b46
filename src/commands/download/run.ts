import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from '../../context.js';
import { ApiError, InterruptedError, UsageError } from '../../errors.js';
import { checkEnvelopeId } from '../status/envelope.js';
import { envelopeLimitError, isEnvelopeLimit } from '../status/run.js';

interface DownloadOptions {
  output?: string;
  force?: boolean;
}

/** Where the PDF goes, checked before any network call: the folder exists, the file does not (or --force). */
export function resolveTarget(envelopeId: string, output: string | undefined, force: boolean, cwd = process.cwd()): string {
  const def = `${envelopeId}.pdf`;
  let file = path.resolve(cwd, output ?? def);
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, def);
  } catch {
    /* does not exist: fine */
  }
  const dir = path.dirname(file);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new UsageError(`the folder ${dir} does not exist`, { hint: 'Create it first, or choose another --output.' });
  }
  if (!st.isDirectory()) throw new UsageError(`${dir} is not a folder`, { hint: 'Choose another --output.' });
  if (!force && fs.existsSync(file)) {
    throw new UsageError(`${file} already exists`, { hint: 'Add --force to overwrite it, or choose another --output.' });
  }
  return file;
}

/**
 * Writes bytes so that the target is either absent/old or complete: a temporary file beside it,
 * fsync, then rename (--force) or link (no overwrite, even if the file appeared meanwhile).
 * The write is synchronous, so a Ctrl-C can only land before it starts or after it ends.
 */
export function writeNewFileAtomic(file: string, data: Buffer, force: boolean): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = 0o666 & ~process.umask();
  try {
    const fd = fs.openSync(tmp, 'wx', mode);
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (force) fs.renameSync(tmp, file);
    else {
      try {
        fs.linkSync(tmp, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new UsageError(`${file} already exists`, { hint: 'Add --force to overwrite it, or choose another --output.' });
        }
        throw e;
      }
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** `esign download <id>`: GET …/documents/combined and write it atomically. */
export async function runDownload(ctx: Context, rawId: string | undefined, o: DownloadOptions): Promise<number> {
  const id = checkEnvelopeId(rawId, 'download');
  const toStdout = o.output === '-';
  if (toStdout && ctx.flags.json) throw new UsageError('--output - writes the PDF to stdout and cannot be combined with --json');
  const file = toStdout ? undefined : resolveTarget(id, o.output, Boolean(o.force));
  let res;
  try {
    res = await ctx.rest.send({ method: 'GET', path: `/envelopes/${encodeURIComponent(id)}/documents/combined`, headers: { accept: 'application/pdf' } });
  } catch (e) {
    if (e instanceof ApiError && isEnvelopeLimit(e.errorCode)) throw envelopeLimitError(e, id, 'download');
    throw e;
  }
  const bytes = res.body;
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
    throw new ApiError(`DocuSign answered the download of envelope ${id} with something that is not a PDF (${res.headers.get('content-type') ?? 'no content type'})`, {
      status: res.status,
      hint: 'Nothing was written. Run again with --verbose and check the envelope with `esign status`.',
    });
  }
  if (ctx.signal.aborted) throw new InterruptedError();
  if (toStdout) {
    await new Promise<void>((resolve, reject) => ctx.io.stdout.write(bytes, (e) => (e ? reject(e) : resolve())));
    return 0;
  }
  writeNewFileAtomic(file!, bytes, Boolean(o.force));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  ctx.printer.result({
    json: { envelopeId: id, file: file!, bytes: bytes.length, sha256 },
    quiet: file!,
    human: `wrote ${file} (${bytes.length} bytes)`,
  });
  return 0;
}
