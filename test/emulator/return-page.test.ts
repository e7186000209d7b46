import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { defaultReturnUrl } from '../../src/docusign/envelopes.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

it("serves esign's default return URL, showing the event (HTML-escaped)", async () => {
  const url = defaultReturnUrl({ name: 'custom', oauthBase: emu.oauthUrl });
  const ok = await fetch(`${url}?event=signing_complete`);
  expect(ok.status).toBe(200);
  expect(await ok.text()).toContain('event=signing_complete');
  const evil = await fetch(`${url}?event=${encodeURIComponent('<script>x</script>')}`);
  expect(await evil.text()).not.toContain('<script>x');
});

it("the consent page names the emulator's users to log in as (a real DocuSign page would not; the emulator has no other way to tell)", async () => {
  const { seedDemo } = await import('../../src/emulator/seed.js');
  const seed = await seedDemo(emu);
  const url = `${emu.oauthUrl}/oauth/auth?response_type=code&scope=signature%20impersonation&client_id=${seed.integrationKey}&redirect_uri=${encodeURIComponent(seed.redirectUri)}`;
  const html = await (await fetch(url)).text();
  expect(html).toContain(`<option value="${seed.email}">`);
  expect(html).toContain(`log in as one of its users — ${seed.email}`);
});
