/**
 * A consented emulator, a temp config dir and an env that points esign at them, plus a way to
 * create envelopes straight through the emulator's REST API (so tests do not depend on `send`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, seedDemo, type Emulator, type DemoSeed, type EmulatorOptions } from '../../src/emulator/index.js';
import { makePdf } from '../../src/emulator/pdf.js';
import { main } from '../../src/cli.js';
import { memoryIo } from '../../src/output/io.js';
import type { Overrides } from '../../src/context.js';
import { seedEnv } from '../helpers/cli.js';

export interface Fixture {
  emu: Emulator;
  seed: DemoSeed;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Runs esign in-process. */
  run(argv: string[], overrides?: Overrides): Promise<{ code: number; out: string; err: string }>;
  /** Creates an envelope via REST; returns its id. */
  createEnvelope(o?: { status?: 'sent' | 'created'; signers?: SignerSpec[]; carbonCopies?: SignerSpec[] }): Promise<string>;
  close(): Promise<void>;
}

export interface SignerSpec {
  recipientId?: string;
  name: string;
  email: string;
  clientUserId?: string;
  roleName?: string;
  routingOrder?: string;
}

/** Starts an emulator with the demo seed and consent, and a temp ESIGN_CONFIG_DIR. */
export async function startFixture(opts: EmulatorOptions & { consent?: boolean } = {}): Promise<Fixture> {
  const emu = await startEmulator({ quiet: true, ...opts });
  const seed = await seedDemo(emu);
  if (opts.consent !== false) emu.grantConsent(seed.integrationKey, seed.userId);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-test-'));
  const keyFile = path.join(dir, 'key.pem');
  fs.writeFileSync(keyFile, seed.privateKeyPem, { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NO_COLOR: '1', ...seedEnv(emu, seed, path.join(dir, 'config'), keyFile) };
  const run = async (argv: string[], overrides: Overrides = {}) => {
    const io = memoryIo();
    const code = await main(argv, io, env, overrides);
    return { code, out: io.out(), err: io.err() };
  };
  let restBase: { base: string; token: string } | undefined;
  const rest = async () => {
    if (restBase) return restBase;
    const t = await run(['token', '--json']);
    const w = await run(['whoami', '--json']);
    if (t.code !== 0 || w.code !== 0) throw new Error(`fixture: token/whoami failed: ${t.err} ${w.err}`);
    const token = (JSON.parse(t.out) as { accessToken: string }).accessToken;
    const acct = (JSON.parse(w.out) as { account: { accountId: string; baseUri: string } }).account;
    return (restBase = { base: `${acct.baseUri}/restapi/v2.1/accounts/${acct.accountId}`.replace('/restapi/restapi', '/restapi'), token });
  };
  const createEnvelope: Fixture['createEnvelope'] = async (o = {}) => {
    const { base, token } = await rest();
    const signers = (o.signers ?? [{ name: 'Pat Example', email: 'pat@example.test', clientUserId: '1001' }]).map((s, i) => ({
      recipientId: s.recipientId ?? String(i + 1),
      routingOrder: s.routingOrder ?? '1',
      ...s,
      tabs: { signHereTabs: [{ documentId: '1', pageNumber: '1', xPosition: '100', yPosition: String(100 + i * 60) }] },
    }));
    const carbonCopies = (o.carbonCopies ?? []).map((s, i) => ({ recipientId: s.recipientId ?? String(50 + i), routingOrder: '2', ...s }));
    const res = await fetch(`${base}/envelopes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        emailSubject: 'Please sign the NDA',
        status: o.status ?? 'sent',
        documents: [{ documentId: '1', name: 'nda.pdf', fileExtension: 'pdf', documentBase64: makePdf([['Mutual NDA', 'Sign here:']]).toString('base64') }],
        recipients: { signers, ...(carbonCopies.length ? { carbonCopies } : {}) },
      }),
    });
    const body = (await res.json()) as { envelopeId?: string };
    if (res.status !== 201 || !body.envelopeId) throw new Error(`fixture: create envelope answered ${res.status} ${JSON.stringify(body)}`);
    return body.envelopeId;
  };
  return {
    emu,
    seed,
    dir,
    env,
    run,
    createEnvelope,
    async close() {
      await emu.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
