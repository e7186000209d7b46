import type { CommandDef } from './types.js';
import { initCommand } from './init/index.js';
import { consentCommand } from './consent/index.js';
import { whoamiCommand } from './whoami/index.js';
import { tokenCommand } from './token/index.js';
import { logoutCommand } from './logout/index.js';
import { emulatorCommand } from './emulator/index.js';
import { statusCommand } from './status/index.js';
import { listCommand } from './list/index.js';
import { voidCommand } from './void/index.js';
import { downloadCommand } from './download/index.js';
import { doctorCommand } from './doctor/index.js';
import { completionCommand } from './completion/index.js';
import { signUrlCommand } from './sign-url/index.js';
import { demoCommand } from './demo/index.js';
import { sendCommand } from './send/index.js';

/** Every command, in the order `esign --help` lists them. Definitions are light; work loads lazily. */
export const COMMANDS: CommandDef[] = [
  initCommand,
  consentCommand,
  whoamiCommand,
  sendCommand,
  signUrlCommand,
  statusCommand,
  listCommand,
  voidCommand,
  downloadCommand,
  doctorCommand,
  tokenCommand,
  logoutCommand,
  emulatorCommand,
  demoCommand,
  completionCommand,
];
