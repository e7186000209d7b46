import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIo } from '../../src/output/io.js';
import { driveSigningPage } from '../../src/emulator/pages.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The temp folder the demo announced on stderr. */
const demoDir = (err: string) => /profile "demo" in (\S+)\/config/.exec(err)?.[1];

describe('esign demo', () => {
  it('without a TTY: signs through the signing page, shows the envelope completed, cleans up (in-process)', async () => {
    const io = memoryIo();
    // Settings of the caller must not leak into the demo's throw-away profile.
    const env = { PATH: process.env.PATH, CI: 'true', NO_COLOR: '1', ESIGN_ENV: 'production', ESIGN_INTEGRATION_KEY: 'not-a-key', ESIGN_PROFILE: 'work' };
    const code = await main(['demo'], io, env);
    expect(code, io.err()).toBe(0);
    const out = io.out();
    expect(out).toMatch(/signing URL for Pat Example <pat@example\.test>/);
    expect(out).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/Signing\/\S+$/m);
    expect(out).toMatch(/^\S+\s+completed$/m);
    expect(out).toMatch(/Pat Example <pat@example\.test>\s+signed\s+embedded/);
    const err = io.err();
    expect(err).toMatch(/consent granted on the consent page/);
    expect(err).toMatch(/event=signing_complete/);
    const dir = demoDir(err);
    expect(dir).toBeTruthy();
    expect(fs.existsSync(dir!)).toBe(false);
  });

  it('--json without a TTY: one JSON document (the completed status)', async () => {
    const io = memoryIo();
    const code = await main(['demo', '--json'], io, { PATH: process.env.PATH, CI: 'true' });
    expect(code, io.err()).toBe(0);
    const j = JSON.parse(io.out()) as { status: string; recipients: { status: string; embedded: boolean }[] };
    expect(j.status).toBe('completed');
    expect(j.recipients.find((r) => r.embedded)?.status).toBe('signed');
    expect(io.err()).toMatch(/\/Signing\//);
  });

  it('on a TTY: waits for the signature in the browser, reports it, stays up until Ctrl-C', async () => {
    const io = memoryIo({ tty: true });
    const ac = new AbortController();
    const running = main(['demo'], io, { PATH: process.env.PATH, NO_COLOR: '1' }, { signal: ac.signal });
    const until = async (what: () => boolean) => {
      for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(what(), io.err()).toBe(true);
    };
    await until(() => io.err().includes('Waiting for the signature'));
    expect(io.err()).not.toMatch(/signed in the browser/);
    const url = /^(http:\/\/127\.0\.0\.1:\d+\/Signing\/\S+)$/m.exec(io.out())![1]!;
    const fresh = /(http:\/\/127\.0\.0\.1:\d+\/sign)\b/.exec(io.err())![1]!;
    // The long-lived link mints a new single-use URL each time (BR-26).
    const a = await fetch(fresh, { redirect: 'manual' });
    expect(a.status).toBe(302);
    expect(a.headers.get('location')).toMatch(/\/Signing\//);
    expect(a.headers.get('location')).not.toBe(url);
    // A "browser" signs (the page driver GETs the page and presses Finish).
    const { redirect } = await driveSigningPage(url, 'finish');
    expect(redirect).toContain('event=signing_complete');
    await until(() => io.err().includes('signed in the browser'));
    // The status is read over HTTP after that line: wait for it rather than race it.
    await until(() => /^\S+\s+completed$/m.test(io.out()));
    expect(io.out()).toMatch(/^\S+\s+completed$/m);
    const dir = demoDir(io.err())!;
    expect(fs.existsSync(dir)).toBe(true);
    ac.abort();
    expect(await running).toBe(0);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('`node bin/esign.js demo` with no TTY exits 0 and shows the envelope completed', async () => {
    expect(fs.existsSync(`${root}/dist/commands/demo/run.js`), 'run `npm run build` first (npm test does)').toBe(true);
    const child = spawn(process.execPath, ['bin/esign.js', 'demo'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code, err).toBe(0);
    expect(out).toMatch(/\/Signing\//);
    expect(out).toMatch(/^\S+\s+completed$/m);
  });
});

describe('esign demo --template', () => {
  it('sends another template with the variables and roles given, and completes it', async () => {
    const io = memoryIo();
    const offer = fileURLToPath(new URL('../../templates/offer-letter.yaml', import.meta.url));
    const vars = ['company=Acme', 'candidate.name=Sam Lee', 'candidate.email=sam@example.test', 'job.title=Engineer', 'job.start=2025-01-01', 'job.salary=100'];
    const code = await main(['demo', '--json', '--template', offer, ...vars.flatMap((v) => ['--var', v])], io, { PATH: process.env.PATH, CI: 'true' });
    expect(code, io.err()).toBe(0);
    const j = JSON.parse(io.out()) as { status: string; emailSubject: string };
    expect(j.status).toBe('completed');
    expect(j.emailSubject).toContain('Acme');
  });

  it('--var without --template is refused (the packaged NDA fills its own)', async () => {
    const io = memoryIo();
    const code = await main(['demo', '--var', 'a=b'], io, { PATH: process.env.PATH, CI: 'true' });
    expect(code).toBe(2);
    expect(io.err()).toContain('--var, --vars and --role go with --template');
  });
});
