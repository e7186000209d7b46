#!/usr/bin/env node
// Generates the settings table of the README from the one declaration of environment variables
// (src/settings/env.ts ENV_VARS, read from the build in dist/).
//
//   node scripts/gen-settings-table.mjs            print the markdown table
//   node scripts/gen-settings-table.mjs --write    replace the table between the markers in
//                                                  README.md and docs/cli.md (files without markers are left alone)
//   node scripts/gen-settings-table.mjs --check    exit 1 when a file's table is out of date
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const START = '<!-- settings-table:start -->';
export const END = '<!-- settings-table:end -->';

/** The markdown table for a list of EnvVarSpec. */
export function settingsTable(vars) {
  const cell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = vars.map((v) => `| \`${v.name}\` | ${v.flag ? `\`${v.flag}\`` : '—'} | ${cell(v.description)} |`);
  return ['| environment variable | flag | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** Replaces what lies between the markers; returns undefined when the text has no markers. */
export function replaceBetweenMarkers(text, table) {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < 0 || b < a) return undefined;
  return `${text.slice(0, a + START.length)}\n${table}\n${text.slice(b)}`;
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
    const next = replaceBetweenMarkers(text, table);
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
