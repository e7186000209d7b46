import type { Writable, Readable } from 'node:stream';

/**
 * The process boundary, injected so tests can run main() in-process and read what it printed.
 */
export interface Io {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
}

/** An Io that records everything in memory (tests). */
export function memoryIo(opts: { tty?: boolean } = {}): Io & { out(): string; err(): string } {
  const outChunks: string[] = [];
  const errChunks: string[] = [];
  const mk = (sink: string[]) => {
    const w = {
      isTTY: opts.tty ?? false,
      write(chunk: unknown, enc?: unknown, cb?: unknown) {
        sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
        const done = typeof enc === 'function' ? enc : cb;
        if (typeof done === 'function') (done as () => void)();
        return true;
      },
      on() {
        return w;
      },
      once() {
        return w;
      },
      end() {},
    };
    return w as unknown as Writable & { isTTY?: boolean };
  };
  const stdin = { isTTY: opts.tty ?? false } as unknown as Readable & { isTTY?: boolean };
  return {
    stdout: mk(outChunks),
    stderr: mk(errChunks),
    stdin,
    out: () => outChunks.join(''),
    err: () => errChunks.join(''),
  };
}
