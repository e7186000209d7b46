#!/usr/bin/env node
// Development-time generator (not used at runtime): reads DocuSign's eSignature OpenAPI (Swagger 2.0)
// file and writes src/emulator/openapi-rules.json, the compact shape rules the emulator checks request
// bodies against. For every definition reachable from the request bodies the emulator implements, it
// records each property's kind: "s" scalar, "o" free object, "o:<def>" object of a definition,
// "a:s" array of scalars, "a:o" array of free objects, "a:o:<def>" array of a definition; properties
// are grouped by kind: { "<def>": { "<kind>": "prop1 prop2 …" } }.
//
// Usage: node scripts/gen-openapi-rules.mjs [path/to/esignature.rest.swagger-v2.1.json] [out.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const specPath = resolve(process.argv[2] ?? resolve(repo, '../shared/docusign-openapi/esignature.rest.swagger-v2.1.json'));
const outPath = resolve(process.argv[3] ?? resolve(repo, 'src/emulator/openapi-rules.json'));

/** Request bodies the emulator implements (definition names in the spec). */
const ROOTS = ['envelopeDefinition', 'envelope', 'recipientViewRequest', 'envelopeTemplate', 'bulkSendingList', 'bulkSendRequest'];

const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const defs = spec.definitions;
const refName = (ref) => ref.replace('#/definitions/', '');

// A $ref to a definition the file lacks (it happens) is checked as a free object.
const known = (ref) => Boolean(defs[refName(ref)]);

function kindOf(p) {
  if (p.$ref) return known(p.$ref) ? `o:${refName(p.$ref)}` : 'o';
  if (p.type === 'array') {
    const it = p.items ?? {};
    if (it.$ref) return known(it.$ref) ? `a:o:${refName(it.$ref)}` : 'a:o';
    if (it.type === 'object') return 'a:o';
    if (it.type === 'array') return 'a:a';
    return 'a:s';
  }
  if (p.type === 'object') return 'o';
  return 's';
}

const rules = {};
const queue = [...ROOTS];
while (queue.length) {
  const name = queue.shift();
  if (rules[name]) continue;
  const d = defs[name];
  if (!d) throw new Error(`definition ${name} not found in ${specPath}`);
  // Grouped by kind to keep the file small: { "<kind>": "prop1 prop2 …" }.
  const byKind = {};
  for (const [prop, p] of Object.entries(d.properties ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const k = kindOf(p);
    (byKind[k] ??= []).push(prop);
    const m = /^(?:a:)?o:(.+)$/.exec(k);
    if (m && !rules[m[1]]) queue.push(m[1]);
  }
  rules[name] = Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, v.join(' ')]));
}

const out = { source: `${spec.info?.title ?? 'eSignature'} ${spec.info?.version ?? ''}`.trim(), roots: ROOTS, definitions: rules };
writeFileSync(outPath, JSON.stringify(out) + '\n');
console.log(`wrote ${outPath}: ${Object.keys(rules).length} definitions, ${Buffer.byteLength(JSON.stringify(out))} bytes`);
