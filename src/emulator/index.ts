/**
 * esign's DocuSign emulator: an OAuth host (consent page, JWT grant, userinfo) and one or more
 * REST hosts (envelopes, templates, recipient views + signing page, bulk send) on 127.0.0.1,
 * failing the way DocuSign fails. docs/emulator.md lists what it implements and the choices it makes.
 */
import { EmulatorImpl } from './core.js';
import { seedDemo } from './seed.js';
import type { Emulator, EmulatorOptions } from './types.js';

export type {
  Emulator,
  EmulatorDocument,
  EmulatorEnvelope,
  EmulatorOptions,
  EmulatorRecipient,
  FaultSpec,
  RequestLogEntry,
  UncertainErrorCase,
} from './types.js';
export { seedDemo, type DemoSeed } from './seed.js';

/** Starts the emulator on loopback; `seed: 'demo'` also registers the demo integration and user. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const emu = new EmulatorImpl(opts);
  try {
    await emu.listen(opts);
    if (opts.seed === 'demo') await seedDemo(emu);
  } catch (e) {
    await emu.close();
    throw e;
  }
  return emu;
}
