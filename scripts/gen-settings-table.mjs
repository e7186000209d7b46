#!/usr/bin/env node
// Generates the settings table of the README from the one declaration of environment variables
// (src/settings/env.ts ENV_VARS, read from the build in dist/), and the troubleshooting table from
// ERROR_HINTS (src/docusign/errors.ts) between <!-- troubleshooting:start/end --> markers.
//
//   node scripts/gen-settings-table.mjs            print the markdown table
//   node scripts/gen-settings-table.mjs --write    replace the tables between the markers in
//                                                  README.md and docs/cli.md (files without markers are left alone)
//   node scripts/gen-settings-table.mjs --check    exit 1 when a file's table is out of date
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const START = '<!-- settings-table:start -->';
export const END = '<!-- settings-table:end -->';
/** The troubleshooting table (DocuSign errorCode → what to do) lives between these. */
export const TS_START = '<!-- troubleshooting:start -->';
export const TS_END = '<!-- troubleshooting:end -->';

/** The markdown table of ERROR_HINTS (src/docusign/errors.ts). */
export function troubleshootingTable(hints) {
  const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return ['| DocuSign errorCode | what to do |', '|---|---|', ...Object.entries(hints).map(([k, v]) => `| \`${k}\` | ${cell(v)} |`)].join('\n');
}

/** The markdown table for a list of EnvVarSpec. */
export function settingsTable(vars) {
  const cell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = vars.map((v) => `| \`${v.name}\` | ${v.flag ? `\`${v.flag}\`` : '—'} | ${cell(v.description)} |`);
  return ['| environment variable | flag | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** Replaces what lies between the markers; returns undefined when the text has no markers. */
export function replaceBetweenMarkers(text, table, start = START, end = END) {
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < 0 || b < a) return undefined;
  return `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`;
}

async function main(argv) {
  let mod;
  try {
    mod = await import(pathToFileURL(path.join(root, 'dist', 'settings', 'env.js')).href);
  } catch {
    process.stderr.write('dist/settings/env.js is missing: run `npm run build` first (npm run docs:settings does).\n');
    return 1;
  }
  const table = settingsTable(mod.ENV_VARS);
  let hints = {};
  try {
    hints = (await import(pathToFileURL(path.join(root, 'dist', 'docusign', 'errors.js')).href)).ERROR_HINTS;
  } catch {
    /* troubleshooting table left alone */
  }
  const write = argv.includes('--write');
  const check = argv.includes('--check');
  if (!write && !check) {
    process.stdout.write(table + '\n');
    return 0;
  }
  let stale = 0;
  for (const rel of ['README.md', 'docs/cli.md']) {
    const file = path.join(root, rel);
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    let next = replaceBetweenMarkers(text, table);
    const withTs = replaceBetweenMarkers(next ?? text, troubleshootingTable(hints), TS_START, TS_END);
    if (withTs !== undefined && Object.keys(hints).length) next = withTs;
    if (next === undefined) {
      process.stderr.write(`${rel}: no ${START} … ${END} markers; left alone\n`);
      continue;
    }
    if (next === text) {
      process.stderr.write(`${rel}: settings table up to date\n`);
      continue;
    }
    if (check) {
      process.stderr.write(`${rel}: settings table is out of date; run npm run docs:settings -- --write\n`);
      stale++;
    } else {
      fs.writeFileSync(file, next);
      process.stderr.write(`${rel}: settings table updated\n`);
    }
  }
  return stale ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
