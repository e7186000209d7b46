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
