import { UsageError } from '../../errors.js';
import type { Emulator, EmulatorOptions } from '../../emulator/index.js';

/** Starts the emulator for a command; a port in use or not allowed is a usage error, not a bug. */
export async function startEmulatorForCli(opts: EmulatorOptions): Promise<Emulator> {
  const { startEmulator } = await import('../../emulator/index.js');
  try {
    return await startEmulator(opts);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { port?: number };
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
      const port = err.port ?? opts.port;
      throw new UsageError(`port ${port} ${err.code === 'EADDRINUSE' ? 'is already in use' : 'is not allowed for this user'}`, {
        hint: 'Choose another --port (the REST host takes the next port too), or --port 0 for any free ports.',
      });
    }
    throw e;
  }
}
