import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '../../context.js';
import { EsignError, ExitCode, InterruptedError, UsageError } from '../../errors.js';
import { buildConsentUrl } from '../../auth/consent.js';
import { ProfileStore } from '../../settings/profiles.js';
import { ENV_VARS } from '../../settings/env.js';
import type { Emulator } from '../../emulator/index.js';

interface DemoFlags {
  template?: string;
  var?: string[];
  vars?: string;
  role?: string[];
  port: string;
}

/** The example template the demo sends, shipped in the package's templates/ folder. */
export function exampleTemplate(): string {
  // src/commands/demo/run.ts and dist/commands/demo/run.js are both three levels below the package root.
  return fileURLToPath(new URL('../../../templates/nda.yaml', import.meta.url));
}

const DEMO_SIGNER = { name: 'Pat Example', email: 'pat@example.test' };
const DEMO_COPY = 'Legal=Lee Legal <legal@example.test>';

/** A tiny loopback page the signer returns to; `/sign` mints a fresh signing URL and redirects (BR-26). */
async function startReturnPage(fresh: () => Promise<string>): Promise<{ url: string; freshUrl: string; events: string[]; close(): Promise<void> }> {
  const events: string[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (u.pathname === '/sign') {
      fresh().then(
        (url) => {
          res.writeHead(302, { location: url, 'cache-control': 'no-store' });
          res.end();
        },
        (e: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`could not create a signing URL: ${e instanceof Error ? e.message : String(e)}\n`);
        },
      );
      return;
    }
    const event = u.searchParams.get('event') ?? '';
    if (u.pathname === '/return' && event) events.push(event);
    const text =
      event === 'signing_complete'
        ? 'Signed. The demo terminal reports the envelope status; you can close this tab.'
        : event
          ? `The signing session ended with event "${event}". Open /sign for a fresh signing URL.`
          : 'esign demo return page.';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html><head><title>esign demo</title></head><body><main id="return" data-event="${event.replace(/[^a-z_]/gi, '')}"><h1>esign demo</h1><p>${text}</p><p><a href="/sign">New signing URL</a></p></main></body></html>`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/return`,
    freshUrl: `http://127.0.0.1:${port}/sign`,
    events,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

/** An environment with no ESIGN_* setting from the caller: the demo uses only its throw-away profile. */
function demoEnv(env: NodeJS.ProcessEnv, configDir: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const v of ENV_VARS) if (v.setting) delete out[v.name];
  out.ESIGN_CONFIG_DIR = configDir;
  out.ESIGN_PROFILE = 'demo';
  return out;
}

/**
 * `esign demo`: the whole main job offline. Starts the emulator, makes a throw-away integration,
 * user, key and profile (in a temp folder removed at exit), grants consent through the consent
 * page, sends templates/nda.yaml with an embedded signer and prints the signing URL. With a TTY it
 * waits for the signature in a browser until Ctrl-C; without one it signs through the signing page
 * and shows the envelope completed with `esign status`.
 */
export async function runDemo(ctx: Context, f: DemoFlags): Promise<number> {
  const port = Number(f.port);
  if (!Number.isInteger(port) || port < 0 || port > 65534) throw new UsageError(`--port must be a whole number from 0 to 65534 (got ${JSON.stringify(f.port)})`);
  if (f.template === undefined && ((f.var ?? []).length || f.vars || (f.role ?? []).length)) {
    throw new UsageError('--var, --vars and --role go with --template (the packaged NDA fills its own)', { hint: 'esign demo --template my-template.yaml --var name=value --role "Signer=Pat Example <pat@example.com>"' });
  }
  const template = f.template ?? exampleTemplate();
  if (!fs.existsSync(template)) throw new UsageError(`the demo template ${template} does not exist`, { hint: 'Run the demo from a complete checkout or package (templates/ ships with esign).' });
  const p = ctx.printer;
  const step = (s: string) => p.info(`${p.c.dim('›')} ${s}`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-demo-'));
  fs.chmodSync(tmp, 0o700);
  let emu: Emulator | undefined;
  let ret: Awaited<ReturnType<typeof startReturnPage>> | undefined;
  try {
    const { seedDemo } = await import('../../emulator/index.js');
    const { startEmulatorForCli } = await import('../emulator/start.js');
    emu = await startEmulatorForCli({ port, restPorts: [port === 0 ? 0 : port + 1], quiet: true });
    const seed = await seedDemo(emu);
    step(`emulator running on ${emu.oauthUrl} (REST ${emu.restUrls.join(', ')})`);

    // Throw-away key and profile in the temp config folder.
    const configDir = path.join(tmp, 'config');
    const keyFile = path.join(tmp, 'demo-key.pem');
    fs.writeFileSync(keyFile, seed.privateKeyPem, { mode: 0o600 });
    await new ProfileStore(configDir).write('demo', {
      env: emu.oauthUrl,
      integrationKey: seed.integrationKey,
      userId: seed.userId,
      privateKeyFile: keyFile,
      redirectUri: seed.redirectUri,
    });
    step(`throw-away profile "demo" in ${configDir} (integration ${seed.integrationKey}, user ${seed.email})`);
    const flags = { json: ctx.flags.json, quiet: ctx.flags.quiet, verbose: ctx.flags.verbose, color: ctx.flags.color };
    const dctx = new Context(ctx.io, demoEnv(ctx.env, configDir), flags, ctx.signal, ctx.overrides);

    // Consent through the consent page, with the URL `esign consent` prints.
    const cfg = dctx.authConfig;
    const consentUrl = buildConsentUrl({ oauthBase: cfg.environment.oauthBase, integrationKey: cfg.integrationKey, redirectUri: seed.redirectUri, scopes: cfg.scopes });
    const consent = await emu.consentPage.allow(consentUrl, seed.email);
    if (new URL(consent.redirect).searchParams.get('error')) throw new EsignError('INTERNAL', ExitCode.internal, `the consent page refused: ${consent.redirect}`);
    await dctx.auth.token({ forceNew: true });
    step(`consent granted on the consent page as ${seed.email}; JWT grant works`);

    // Send the example template with an embedded signer.
    const { loadTemplate, buildEnvelope, parseRoleFlag } = await import('../../templates/index.js');
    const { sendBuilt, collectVars } = await import('../send/run.js');
    // The packaged NDA gets its variables and roles here; another template gets the user's.
    const own = f.template !== undefined;
    const built = await buildEnvelope(await loadTemplate(template), {
      vars: own ? await collectVars({ var: f.var ?? [], vars: f.vars }) : { company: 'Acme', counterparty: DEMO_SIGNER },
      roles: own ? (f.role ?? []).map(parseRoleFlag) : [parseRoleFlag(DEMO_COPY)],
      embedded: true,
    });
    for (const w of built.warnings) p.warn(w);
    const sent = await sendBuilt(dctx, built, {});
    const signer = sent.recipients.find((r) => r.embedded && r.clientUserId);
    if (!signer) throw new UsageError(`the demo template ${template} has no signer to sign in an embedded session`, { hint: 'Give the demo a template with at least one signer.' });
    step(`sent envelope ${sent.envelopeId} from ${path.basename(template)} (status ${sent.status})`);

    // Signing URL (the fast path: the send result already has the signer's exact values).
    const { createSigningUrl } = await import('../sign-url/run.js');
    const mint = async () =>
      (
        await createSigningUrl(dctx, {
          envelopeId: sent.envelopeId,
          recipient: signer.recipientId,
          name: signer.name,
          email: signer.email,
          clientUserId: signer.clientUserId!,
          returnUrl: ret!.url,
        })
      ).url;
    ret = await startReturnPage(mint);
    const url = await mint();
    const urlLine = `signing URL for ${signer.name} <${signer.email}> (single use, expires in ~5 minutes):\n${url}`;
    if (ctx.flags.json) p.err(urlLine + '\n');
    else p.result({ human: urlLine, json: undefined, quiet: url });

    const { runStatus } = await import('../status/run.js');
    if (!ctx.interactive) {
      const { redirect } = await emu.signingPage.sign(url, 'finish');
      const event = new URL(redirect).searchParams.get('event');
      if (event !== 'signing_complete') throw new EsignError('INTERNAL', ExitCode.internal, `signing ended with event "${event}" instead of signing_complete`);
      step(`signed through the emulator's signing page (no TTY): returned to ${redirect}`);
      step(`esign status ${sent.envelopeId}`);
      await runStatus(dctx, sent.envelopeId);
      const status = emu.state.envelope(sent.envelopeId)?.status;
      if (status !== 'completed') throw new EsignError('INTERNAL', ExitCode.internal, `the envelope is ${status}, not completed`);
      return 0;
    }

    p.info(
      [
        '',
        'Open the signing URL in a browser and click Finish.',
        `It works once and expires in ~5 minutes; ${ret.freshUrl} always makes a fresh one.`,
        'Waiting for the signature… (Ctrl-C stops the demo and deletes its throw-away files)',
      ].join('\n'),
    );
    let reported = '';
    for (;;) {
      const st = emu.state.envelope(sent.envelopeId)?.status ?? '';
      if (st !== reported && (st === 'completed' || st === 'declined' || st === 'voided')) {
        reported = st;
        p.info(st === 'completed' ? `\n${p.c.green('✔')} signed in the browser: envelope ${sent.envelopeId} is completed` : `\nenvelope ${sent.envelopeId} is ${st}`);
        await runStatus(dctx, sent.envelopeId);
        p.info('\nThe emulator keeps running until Ctrl-C.');
      }
      try {
        await sleep(500, undefined, { signal: ctx.signal });
      } catch {
        return 0;
      }
    }
  } catch (e) {
    if (ctx.signal.aborted && !(e instanceof EsignError)) throw new InterruptedError();
    throw e;
  } finally {
    await ret?.close().catch(() => undefined);
    await emu?.close().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
