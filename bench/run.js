#!/usr/bin/env node
// esign benchmarks (scripts, not timed tests): `npm run bench` builds, then runs this file.
// Prints a table and writes bench/results.json. Everything runs offline against the built-in
// emulator (dist/emulator), and every esign run is the real binary in a child process.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/esign.js');
const NDA = path.join(ROOT, 'templates/nda.yaml');
const { startEmulator, seedDemo } = await import(path.join(ROOT, 'dist/emulator/index.js'));
const { makePdf } = await import(path.join(ROOT, 'dist/emulator/pdf.js'));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esign-bench-'));
const results = { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, loadAverageAtStart: os.loadavg()[0], date: new Date().toISOString(), benchmarks: {} };
const rows = [];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (n) => `${n.toFixed(0)} ms`;

/** Runs a command N times (after one warm-up), interleaved with the others, and returns medians. */
async function timeCommands(cmds, n) {
  const times = cmds.map(() => []);
  for (const c of cmds) await run(c[0], c.slice(1), { cwd: ROOT });
  for (let i = 0; i < n; i++) {
    for (const [k, c] of cmds.entries()) {
      const t0 = performance.now();
      await run(c[0], c.slice(1), { cwd: ROOT, env: { ...process.env, CI: 'true', ESIGN_CONFIG_DIR: path.join(tmp, 'cfg-startup') } });
      times[k].push(performance.now() - t0);
    }
  }
  return times.map(median);
}

/** A seeded emulator plus the environment for a fresh esign profile pointing at it. */
async function emulatorWithProfile(opts = {}, name = 'p') {
  const emu = await startEmulator({ quiet: true, ...opts });
  const seed = await seedDemo(emu);
  emu.grantConsent(seed.integrationKey, seed.userId);
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  const keyFile = path.join(dir, 'key.pem');
  fs.writeFileSync(keyFile, seed.privateKeyPem, { mode: 0o600 });
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    CI: 'true',
    NO_COLOR: '1',
    ESIGN_CONFIG_DIR: path.join(dir, 'config'),
    ESIGN_ENV: emu.oauthUrl,
    ESIGN_INTEGRATION_KEY: seed.integrationKey,
    ESIGN_USER_ID: seed.userId,
    ESIGN_PRIVATE_KEY_FILE: keyFile,
  };
  return { emu, seed, env, dir };
}

async function esign(env, args, opts = {}) {
  const t0 = performance.now();
  try {
    const r = await run(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, out: r.stdout, err: r.stderr, ms: performance.now() - t0 };
  } catch (e) {
    return { code: e.code, out: e.stdout, err: e.stderr, ms: performance.now() - t0 };
  }
}

const SEND_ONE = ['send', NDA, '--var', 'counterparty.name=Pat Example', '--var', 'counterparty.email=pat@example.test', '--var', 'company=Acme', '--role', 'Legal=Lee Legal <legal@example.test>'];

// (1) Start-up ----------------------------------------------------------------------------------
{
  const N = Number(process.env.BENCH_STARTUP_RUNS ?? 15);
  const [base, version, help] = await timeCommands([[process.execPath, '-e', '0'], [process.execPath, BIN, '--version'], [process.execPath, BIN, '--help']], N);
  results.benchmarks.startup = { runs: N, nodeMs: base, versionMs: version, helpMs: help, versionRatio: version / base, helpRatio: help / base, target: 1.3 };
  rows.push(['start-up `esign --version` vs `node -e 0`', `${ms(version)} vs ${ms(base)} = ${(version / base).toFixed(2)}×`, '≤ 1.3×', version / base <= 1.3]);
  rows.push(['start-up `esign --help` vs `node -e 0`', `${ms(help)} vs ${ms(base)} = ${(help / base).toFixed(2)}×`, '(info)', null]);
}

// (2) HTTP calls for send --embedded --sign-url, cold and warm ----------------------------------
{
  const { emu, env } = await emulatorWithProfile({}, 'calls');
  const count = async () => {
    const before = emu.requests.length;
    const r = await esign(env, [...SEND_ONE, '--embedded', '--sign-url', '--json']);
    if (r.code !== 0) throw new Error(`send failed: ${r.err}`);
    return emu.requests.slice(before).map((q) => `${q.method} ${q.host === 'oauth' ? q.path : q.path.replace(/.*\/accounts\/[^/]+/, '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}')}`);
  };
  const cold = await count();
  const warm = await count();
  await emu.close();
  results.benchmarks.httpCalls = { cold: cold.length, warm: warm.length, coldRequests: cold, warmRequests: warm, target: { cold: 4, warm: 2 } };
  rows.push(['HTTP calls `send --embedded --sign-url` cold', `${cold.length} (${cold.join(', ')})`, '4', cold.length <= 4]);
  rows.push(['HTTP calls `send --embedded --sign-url` warm', `${warm.length} (${warm.join(', ')})`, '2', warm.length <= 2]);
}

// (3) 200 envelopes from a CSV at 50 ms latency, concurrency 10 --------------------------------
{
  // Production's burst limit (500 per 30 s): demo's 200 per 30 s cannot carry 200 sends in 2.5 s.
  // The emulator shares this machine's CPUs; its own anchor check (PDF text extraction per upload)
  // is switched off so the figure measures esign, not the emulator.
  // Each run gets a fresh emulator: three runs of 200 in one 30 s window would (rightly) hit the burst limit.
  const latency = 50;
  const runs = [];
  for (let k = 0; k < 3; k++) {
    const { emu, env, dir } = await emulatorWithProfile({ latencyMs: latency, rateLimit: { burst: 500 }, checkAnchors: false }, `rows200-${k}`);
    const csv = path.join(dir, 'rows.csv');
    fs.writeFileSync(csv, 'counterparty.name,counterparty.email,company\n' + Array.from({ length: 200 }, (_, i) => `Person ${i + 1},person${i + 1}@example.test,Acme`).join('\n') + '\n');
    await esign(env, ['whoami', '--quiet']); // token cached, as in a warm CI job
    const before = emu.requests.length;
    const r = await esign(env, ['send', NDA, '--data', csv, '--role', 'Legal=Lee Legal <legal@example.test>', '--concurrency', '10', '--json']);
    const reqs = emu.requests.slice(before);
    await emu.close();
    if (r.code !== 0) throw new Error(`--data send failed: ${r.err}`);
    const summary = /in ([\d.]+) s/.exec(r.err);
    runs.push({
      wall: r.ms / 1000,
      send: summary ? Number(summary[1]) : NaN,
      lines: r.out.trim().split('\n').length,
      creates: reqs.filter((q) => q.method === 'POST' && /\/envelopes$/.test(q.path)).length,
    });
  }
  runs.sort((a, b) => a.wall - b.wall);
  const mid = runs[1];
  const ideal = (Math.ceil(200 / 10) * latency) / 1000;
  results.benchmarks.rows200 = { runs, envelopes: mid.lines, creates: mid.creates, wallSeconds: mid.wall, sendPhaseSeconds: mid.send, idealSeconds: ideal, issueIdealSeconds: 2, target: 2.5 };
  rows.push(['200 envelopes, 50 ms latency, concurrency 10 (whole command)', `${mid.wall.toFixed(2)} s median of 3 (sending ${mid.send} s; ${mid.lines} envelopes, ${mid.creates} creates; ideal ${ideal} s)`, '≤ 2.5 s', mid.wall <= 2.5]);
}

// (4) Peak RSS sending a 20 MB PDF ---------------------------------------------------------------
{
  const { emu, env, dir } = await emulatorWithProfile({}, 'rss');
  const pdf = path.join(dir, 'big.pdf');
  const head = makePdf([['Large document']]);
  const fd = fs.openSync(pdf, 'w');
  fs.writeSync(fd, head);
  // Pad to 20 MB with PDF comment lines after %%EOF (readers ignore them; the bytes still travel).
  const line = Buffer.from('%' + 'x'.repeat(1022) + '\n');
  for (let n = head.length; n < 20 * 1024 * 1024; n += line.length) fs.writeSync(fd, line);
  fs.closeSync(fd);
  const tpl = path.join(dir, 'big.yaml');
  fs.writeFileSync(tpl, ['emailSubject: Big document', 'documents:', '  - path: ./big.pdf', 'signers:', '  - name: Pat Example', '    email: pat@example.test', '    tabs:', '      signHere:', '        - page: 1', '          x: 100', '          y: 100'].join('\n') + '\n');
  const rssFile = path.join(dir, 'rss.txt');
  const hook = path.join(dir, 'rss.mjs');
  fs.writeFileSync(hook, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
  await esign(env, ['whoami', '--quiet']);
  const r = await esign(env, ['send', tpl, '--quiet'], { nodeArgs: ['--import', hook] });
  const uploaded = emu.requests.filter((q) => q.method === 'POST' && /\/envelopes$/.test(q.path)).at(-1);
  await emu.close();
  if (r.code !== 0) throw new Error(`20 MB send failed: ${r.err}`);
  const rssMb = Number(fs.readFileSync(rssFile, 'utf8')) / 1024; // maxRSS is in KiB
  results.benchmarks.peakRss20MbPdf = { peakRssMb: rssMb, pdfBytes: fs.statSync(pdf).size, requestBytes: uploaded?.bodyBytes, target: 150 };
  rows.push(['peak RSS sending a 20 MB PDF', `${rssMb.toFixed(0)} MB (request ${((uploaded?.bodyBytes ?? 0) / 1048576).toFixed(1)} MB, multipart binary)`, '≤ 150 MB', rssMb <= 150]);
}

// (5) 2,500 rows with --bulk -----------------------------------------------------------------------
{
  const { emu, env, dir } = await emulatorWithProfile({ bulkCopyDelayMs: 1, bulkQueueLimit: 5000 }, 'bulk');
  const csv = path.join(dir, 'rows.csv');
  fs.writeFileSync(csv, 'counterparty.name,counterparty.email,company\n' + Array.from({ length: 2500 }, (_, i) => `Person ${i + 1},person${i + 1}@example.test,Acme`).join('\n') + '\n');
  const before = emu.requests.length;
  const r = await esign(env, ['send', NDA, '--data', csv, '--role', 'Legal=Lee Legal <legal@example.test>', '--bulk', '--json']);
  const reqs = emu.requests.slice(before).filter((q) => q.host === 'rest');
  const copies = emu.state.envelopes().filter((e) => e.bulkBatchId).length;
  await emu.close();
  if (r.code !== 0) throw new Error(`--bulk failed: ${r.err}`);
  const lists = reqs.filter((q) => q.method === 'POST' && /\/bulk_send_lists$/.test(q.path)).length;
  const sends = reqs.filter((q) => q.method === 'POST' && /\/bulk_send_lists\/[^/]+\/send$/.test(q.path)).length;
  const polls = reqs.filter((q) => q.method === 'GET' && /\/bulk_send_batch\//.test(q.path)).length;
  const creates = reqs.filter((q) => q.method === 'POST' && /\/envelopes$/.test(q.path)).length;
  results.benchmarks.bulk2500 = { lists, sends, polls, draftCreates: creates, restRequests: reqs.length, envelopes: copies, wallSeconds: r.ms / 1000, target: { lists: 3, sends: 3 } };
  rows.push(['2,500 rows `--bulk`: list + send requests', `${lists} + ${sends} (+ ${creates} draft, ${polls} status polls; ${copies} envelopes in ${(r.ms / 1000).toFixed(1)} s)`, '≤ 3 + 3', lists <= 3 && sends <= 3]);
}

fs.rmSync(tmp, { recursive: true, force: true });
fs.writeFileSync(path.join(ROOT, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');

const table = [['benchmark', 'result', 'target', ''], ...rows.map(([a, b, c, ok]) => [a, b, c, ok === null ? '' : ok ? 'met' : 'MISSED'])];
const widths = table[0].map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
const fmt = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
console.log(fmt(table[0]));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of table.slice(1)) console.log(fmt(r));
console.log(`\nNode ${results.node}, ${results.platform}, ${results.cpus} CPU(s), load average ${results.loadAverageAtStart.toFixed(1)} at start. Written to bench/results.json.`);
