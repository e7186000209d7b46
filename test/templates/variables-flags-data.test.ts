import { describe, expect, it } from 'vitest';
import { buildEnvelope, classify, loadVarsFile, parseDataFile, parseRoleFlag, parseVarFlag, validateRows, loadTemplate } from '../../src/templates/index.js';
import { VariableScope, lookupVar } from '../../src/templates/variables.js';
import { UsageError } from '../../src/errors.js';
import { put, rejection, tmp } from './helpers.js';

describe('variables', () => {
  it('fills nested and flat names, leaves DocuSign brackets alone, skips base64', () => {
    const s = new VariableScope({ a: { b: { c: 'deep' } }, 'x.y': 'flat', n: 3, t: true });
    const out = s.substituteDeep(
      { s: '{{a.b.c}}/{{ x.y }}/{{ n }}/{{t}} [[Signer_UserName]] [Amount]/[Duration] {single}', documentBase64: '{{ a.b.c }}' },
      '',
    ) as any;
    expect(out.s).toBe('deep/flat/3/true [[Signer_UserName]] [Amount]/[Duration] {single}');
    expect(out.documentBase64).toBe('{{ a.b.c }}');
    expect([...s.used].sort()).toEqual(['a.b.c', 'n', 't', 'x.y']);
  });
  it('lists every missing variable once, with all the places it is used', () => {
    const s = new VariableScope({}, 'f.yaml');
    s.substituteDeep({ a: '{{ one }} {{ two }}', b: ['{{ one }}'] }, '');
    const p = s.missingProblems();
    expect(p.map((x) => x.path)).toEqual(['a', 'a']);
    expect(p[0]!.message).toBe("variable 'one' is not set (also used at b[0]); pass --var one=VALUE or put it in --vars FILE");
  });
  it('reports malformed references and object values', () => {
    const s = new VariableScope({ o: { k: 1 } });
    s.substitute('{{ bad name }} {{ o }}', 'p');
    expect(s.problems.map((x) => x.message)).toEqual([
      expect.stringMatching(/malformed variable \{\{ bad name \}\}/),
      expect.stringMatching(/variable 'o' is an object, not a text value; refer to one of its fields, e.g. \{\{ o\.k \}\}/),
    ]);
  });
  it('lookupVar mixes flat and nested keys', () => {
    expect(lookupVar({ a: { 'b.c': 1 } }, 'a.b.c')).toEqual({ found: true, value: 1 });
    expect(lookupVar({ a: 1 }, 'a.b')).toEqual({ found: false });
  });
  it('a raw definition gets variables in every string, including document names, and warns about unused ones', async () => {
    const raw = {
      emailSubject: 'For {{ who.name }}',
      documents: [{ documentId: '1', name: '{{ file }}.txt', fileExtension: 'txt', documentBase64: Buffer.from('hello').toString('base64') }],
      recipients: { signers: [{ recipientId: '1', name: '{{ who.name }}', email: '{{ who.email }}', tabs: { signHereTabs: [{ anchorString: 'hello' }] } }] },
    };
    const b = await buildEnvelope(classify(raw, 'raw.json'), { vars: { who: { name: 'Ann', email: 'ann@example.test' }, file: 'Contract', extra: 1 } });
    expect(b.definition.emailSubject).toBe('For Ann');
    expect(b.documents[0]!.name).toBe('Contract.txt');
    expect(b.warnings).toContain("variable 'extra' was given but the template does not use it");
  });
});

describe('--role and --var', () => {
  it('parses ROLE=Name <email>, with spaces in role and name', () => {
    expect(parseRoleFlag('New Hire=Zoë O\'Brien <zoe+hr@example.co.uk>')).toEqual({ role: 'New Hire', name: "Zoë O'Brien", email: 'zoe+hr@example.co.uk' });
  });
  it.each([
    ['Signer', /expected "ROLE=Name <email>"/],
    ['=Pat <p@example.test>', /missing the role name/],
    ['Signer=pat@example.test', /expected "ROLE=Name <email>"/],
    ['Signer=<pat@example.test>', /the name is empty/],
    ['Signer=Pat <not-an-email>', /'not-an-email' is not a valid email address/],
    ['Signer=Pat <[signerEmail]>', /not a valid email/],
  ])('refuses %s', (v, re) => {
    expect(() => parseRoleFlag(v)).toThrow(UsageError);
    expect(() => parseRoleFlag(v)).toThrow(re);
  });
  it('an email without a name gets a hint with the right form', () => {
    try {
      parseRoleFlag('Signer=pat@example.test');
    } catch (e) {
      expect((e as UsageError).hint).toBe('DocuSign needs a name as well as the address: --role "Signer=Full Name <pat@example.test>"');
    }
  });
  it('parses NAME=VALUE where VALUE may contain =', () => {
    expect(parseVarFlag('q=a=b')).toEqual(['q', 'a=b']);
    expect(parseVarFlag('a.b=')).toEqual(['a.b', '']);
    expect(() => parseVarFlag('novalue')).toThrow(/expected NAME=VALUE/);
  });
  it('--vars reads JSON or YAML objects and names the file on errors', async () => {
    const dir = await tmp();
    expect(await loadVarsFile(await put(dir, 'v.yaml', 'a:\n  b: 1\n'))).toEqual({ a: { b: 1 } });
    expect(await loadVarsFile(await put(dir, 'v.json', '{"a": "x"}'))).toEqual({ a: 'x' });
    await expect(loadVarsFile(await put(dir, 'list.yaml', '- 1\n'))).rejects.toThrow(/list\.yaml: expected an object of variables/);
    await expect(loadVarsFile(await put(dir, 'bad.json', '{"a": }'))).rejects.toThrow(/bad\.json:1:\d+: invalid JSON/);
    await expect(loadVarsFile(`${dir}/nope.yaml`)).rejects.toThrow(/nope\.yaml: cannot read the file \(ENOENT\)/);
  });
});

describe('--data files', () => {
  const T = `emailSubject: "Hi {{ name }}"\ndocuments: [{ text: "sign /s/" }]\nsigners: [{ name: "{{ name }}", email: "{{ email }}", tabs: { signHere: { anchor: /s/ } } }]\n`;
  it('CSV with a header row', async () => {
    const dir = await tmp();
    const rows = await parseDataFile(await put(dir, 'd.csv', 'name,email\nAnn,ann@example.test\n"Bo, Jr.",bo@example.test\n'));
    expect(rows).toEqual([
      { line: 2, vars: { name: 'Ann', email: 'ann@example.test' } },
      { line: 3, vars: { name: 'Bo, Jr.', email: 'bo@example.test' } },
    ]);
  });
  it('ragged CSV rows and duplicate headers are all listed', async () => {
    const dir = await tmp();
    const e = await rejection(async () => parseDataFile(await put(dir, 'd.csv', 'name,email,name\nAnn\nBo,b@x.io,c,d\n')));
    expect(e.problems!.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "line 1: column 'name' appears twice in the header row",
      'row 1 (line 2): has 1 field, the header has 3',
      'row 2 (line 3): has 4 fields, the header has 3; a value that contains a comma must be in double quotes ("Bo, Jr.")',
    ]);
  });
  it('JSON arrays carry line numbers; non-object rows are listed', async () => {
    const dir = await tmp();
    const p = await put(dir, 'd.json', '[\n  {"name": "Ann", "email": "ann@example.test"},\n  3,\n  null\n]\n');
    const rows = await parseDataFile(p);
    expect(rows.map((r) => [r.line, r.problem])).toEqual([
      [2, undefined],
      [3, 'each row must be an object of variables, found number'],
      [4, 'each row must be an object of variables, found null'],
    ]);
    const ok = await parseDataFile(await put(dir, 'ok.json', '[\n  {"name": "Ann"},\n  {"name": "Bo"}\n]'));
    expect(ok.map((r) => r.line)).toEqual([2, 3]);
  });
  it('JSON Lines, with bad lines listed', async () => {
    const dir = await tmp();
    const rows = await parseDataFile(await put(dir, 'd.jsonl', '{"name":"Ann"}\n\n{"name":"Bo"}\n'));
    expect(rows.map((r) => r.line)).toEqual([1, 3]);
    const bad = await parseDataFile(await put(dir, 'bad.jsonl', '{"name":"Ann"}\n[1]\n{oops\n'));
    expect(bad.map((r) => [r.line, r.problem?.replace(/:.*/, '')])).toEqual([
      [1, undefined],
      [2, 'each line must be a JSON object of variables, found a list'],
      [3, 'invalid JSON'],
    ]);
  });
  it('an empty file, or a header without rows, is an error', async () => {
    const dir = await tmp();
    await expect(parseDataFile(await put(dir, 'e.csv', ''))).rejects.toThrow(/the file is empty/);
    await expect(parseDataFile(await put(dir, 'h.csv', 'name,email\n'))).rejects.toThrow(/no data rows|header row but no data rows/);
  });
  it('validateRows builds every row and locates the bad ones', async () => {
    const dir = await tmp();
    const t = await loadTemplate(await put(dir, 't.yaml', T));
    const rows = await parseDataFile(await put(dir, 'd.csv', 'name,email\nAnn,ann@example.test\nBo,not-an-email\n,c@example.test\n'));
    const problems = await validateRows(t, rows, {});
    expect(problems.map((p) => p.path)).toEqual(['row 2 (line 3)', 'row 3 (line 4)']);
    expect(problems[0]!.message).toMatch(/signers\[0\]\.email: 'not-an-email' is not a valid email address/);
    expect(problems[1]!.message).toBe('signers[0].name: empty because {{ name }} is empty; give name a value');
  });
});
