/**
 * Drives the emulator's HTML pages over HTTP the way a browser would (GET the page, submit its
 * form with the chosen button), so tests and the demo need no real browser.
 */

function unescapeHtml(s: string): string {
  return s.replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d))).replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m ? unescapeHtml(m[1]!) : undefined;
}

interface Form {
  action: string;
  fields: [string, string][];
  buttons: Map<string, [string, string]>;
}

function parseForm(html: string): Form | undefined {
  const fm = /<form\b[^>]*>/i.exec(html);
  if (!fm) return undefined;
  const action = attr(fm[0], 'action') ?? '';
  const fields: [string, string][] = [];
  for (const m of html.matchAll(/<input\b[^>]*>/gi)) {
    if ((attr(m[0], 'type') ?? 'text') !== 'hidden') continue;
    const n = attr(m[0], 'name');
    if (n) fields.push([n, attr(m[0], 'value') ?? '']);
  }
  const buttons = new Map<string, [string, string]>();
  for (const m of html.matchAll(/<button\b[^>]*>/gi)) {
    const id = attr(m[0], 'id');
    const n = attr(m[0], 'name');
    if (id && n) buttons.set(id, [n, attr(m[0], 'value') ?? '']);
  }
  return { action, fields, buttons };
}

async function submit(pageUrl: string, form: Form, extra: [string, string][]): Promise<Response> {
  const body = new URLSearchParams([...form.fields, ...extra]);
  return fetch(new URL(form.action, pageUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
    redirect: 'manual',
  });
}

/** Opens a signing URL and presses Finish / Decline / Finish Later; returns the redirect target. */
export async function driveSigningPage(url: string, action: 'finish' | 'decline' | 'later'): Promise<{ redirect: string }> {
  const page = await fetch(url, { redirect: 'manual' });
  const location = page.headers.get('location');
  if (page.status >= 300 && page.status < 400 && location) {
    await page.arrayBuffer();
    return { redirect: location };
  }
  const html = await page.text();
  if (page.status !== 200) throw new Error(`signing page answered ${page.status}`);
  const form = parseForm(html);
  if (!form) throw new Error('signing page has no form');
  const id = action === 'later' ? 'finish-later' : action;
  const button = form.buttons.get(id) ?? form.buttons.get('close');
  if (!button) throw new Error(`signing page has no #${id} button`);
  const res = await submit(url, form, [button]);
  await res.arrayBuffer();
  const loc = res.headers.get('location');
  if (!loc) throw new Error(`signing form answered ${res.status} without a redirect`);
  return { redirect: loc };
}

/** Opens a consent URL, logs in with `email` and presses Allow (or Deny); returns the redirect target. */
export async function driveConsentPage(url: string, email: string, decision: 'allow' | 'deny'): Promise<{ redirect: string }> {
  const page = await fetch(url, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) {
    const detail = /<p class="error-detail">([^<]*)</.exec(html)?.[1];
    throw new Error(`consent page answered ${page.status}: ${unescapeHtml(detail ?? html.slice(0, 200))}`);
  }
  const form = parseForm(html);
  if (!form) throw new Error('consent page has no form');
  const button = form.buttons.get(decision);
  if (!button) throw new Error(`consent page has no #${decision} button`);
  const res = await submit(url, form, [['email', email], button]);
  const body = await res.text();
  const loc = res.headers.get('location');
  if (!loc) {
    const msg = /<p id="message"[^>]*>([^<]*)</.exec(body)?.[1];
    throw new Error(`consent was not recorded: ${unescapeHtml(msg ?? `status ${res.status}`)}`);
  }
  return { redirect: loc };
}
