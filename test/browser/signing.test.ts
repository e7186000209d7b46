/**
 * The real-browser end-to-end test: Debian's chromium driven by playwright-core (never a
 * downloaded browser). Consent page → Allow; signing URL → Finish; the return URL gets
 * event=signing_complete; `esign status` shows the envelope completed.
 *
 * Skips when /usr/bin/chromium is absent, unless ESIGN_REQUIRE_BROWSER=1 (set by .ci/run).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { startFixture, type Fixture } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const present = fs.existsSync(CHROMIUM);
const required = process.env.ESIGN_REQUIRE_BROWSER === '1';

describe.runIf(!present && required)('browser prerequisites', () => {
  it('needs Debian chromium at /usr/bin/chromium (ESIGN_REQUIRE_BROWSER=1)', () => {
    expect.fail(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does) or unset ESIGN_REQUIRE_BROWSER`);
  });
});

describe.skipIf(!present)('embedded signing in a real browser (chromium)', () => {
  let fx: Fixture;
  let browser: BrowserContext;
  let profileDir: string;
  let back: http.Server;
  let backUrl = '';
  const returned: string[] = [];

  beforeAll(async () => {
    fx = await startFixture({ consent: false });
    // The app's return page: a tiny loopback server that records what DocuSign sends back.
    back = http.createServer((req, res) => {
      returned.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>back in the app</title><h1 id="back">Thanks</h1>');
    });
    await new Promise<void>((r) => back.listen(0, '127.0.0.1', () => r()));
    backUrl = `http://127.0.0.1:${(back.address() as { port: number }).port}/done?order=42`;

    const { chromium } = await import('playwright-core');
    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-chromium-'));
    // launchPersistentContext = a fresh --user-data-dir per run (playwright refuses it in args).
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: 30_000,
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
    await new Promise<void>((r) => (back ? back.close(() => r()) : r()));
    await fx?.close();
  });

  it('consent page → Allow, signing URL → Finish, return URL with event=signing_complete, status completed', async () => {
    const page = await browser.newPage();

    // 1. Consent: esign builds the URL; the user logs in on the consent page and clicks Allow.
    const before = await fx.run(['consent', '--check']);
    expect(before.code).toBe(3);
    const consentUrl = (await fx.run(['consent', '--quiet'])).out.trim();
    await page.goto(consentUrl);
    await page.fill('#email', fx.seed.email);
    await Promise.all([page.waitForURL((u) => u.href.startsWith(fx.seed.redirectUri)), page.click('#allow')]);
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
    expect((await fx.run(['consent', '--check'])).code).toBe(0);

    // 2. An embedded envelope and a signing URL that returns to the app.
    const id = await fx.createEnvelope();
    const s = await fx.run(['sign-url', id, '--return-url', backUrl, '--json']);
    expect(s.code, s.err).toBe(0);
    const { url } = JSON.parse(s.out) as { url: string };

    // 3. The signer opens it and clicks Finish; the browser lands on the return URL.
    await page.goto(url);
    expect(await page.locator('#signing').count()).toBe(1);
    await Promise.all([page.waitForURL((u) => u.href.startsWith(backUrl.split('?')[0]!)), page.click('#finish')]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('event')).toBe('signing_complete');
    expect(landed.searchParams.get('order')).toBe('42');
    expect(await page.textContent('#back')).toBe('Thanks');
    expect(returned.some((u) => u.includes('event=signing_complete'))).toBe(true);

    // 4. The event is not proof (BR-27): the API says the envelope is completed.
    const st = await fx.run(['status', id, '--json']);
    expect(st.code, st.err).toBe(0);
    const j = JSON.parse(st.out) as { status: string; recipients: { recipientId: string; status: string }[] };
    expect(j.status).toBe('completed');
    expect(j.recipients.find((r) => r.recipientId === '1')?.status).toBe('signed');

    // 5. The used URL is single use: opening it again does not sign again.
    await page.goto(url);
    expect(new URL(page.url()).searchParams.get('event')).toBe('ttl_expired');
  }, 60_000);
});
