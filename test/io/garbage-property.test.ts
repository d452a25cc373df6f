// Property tests of the scoring pipeline on generated garbage (fast-check): random delimiters, quoting
// (proper, none, or an opening quote never closed), newlines and CRs inside cells, BOMs, UTF-16 and gzip,
// ragged rows, empty cells, blank lines and any Unicode. For any input runScore either finishes or stops
// with an InputError (a coded, located input problem: exit 3) — never any other error — and every row is
// accounted for: leads read = scored + rejected, activities read = used + ignored + rejected, and
// rejects.csv holds one line per rejected row.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/io/model-file.js';
import { InputError } from '../../src/io/errors.js';
import { runScore } from '../../src/cli/ports.js';
import { readCsv, tempDir } from '../helpers/cli.js';

const AS_OF = Date.parse('2026-11-01T00:00:00Z');
const models = await Promise.all(['models/b2b-saas.yaml', 'test/fixtures/messy/model.yaml', 'test/fixtures/messy/model-tr.yaml'].map((p) => loadModelFile(p)));
for (const m of models) if (!m.result.value) throw new Error('fixture model does not validate');

const DELIMS = [',', ';', '\t', '|'] as const;
const LEAD_COLUMNS = [['lead_id'], ['lead_id'], ['lead_id']];
const ACTIVITY_COLUMNS = [
  ['lead_id', 'activity_type', 'occurred_at'],
  ['lead_id', 'activity_type', 'occurred_at'],
  ['lead_id', 'aktivite', 'tarih'],
];
const EXTRA_COLUMNS = ['job_title', 'department', 'employees', 'email', 'first_name', 'detail', 'departman', 'calisan', 'ciro', 'kayit_tarihi', 'notes'];

/** Cells that mean something to the models, and cells that are pure noise. */
const meaningful = fc.constantFrom(
  'L1', 'L2', 'L3', ' L1 ', 'l1', '', ' ', 'N/A', 'Select', 'null', '=cmd|x', '+1', '-', '@a',
  'email_open', 'form_submit', 'demo_request', 'page_view', 'webinar_attended', 'unsubscribe',
  '2026-10-30', '2026-10-30T10:00:00Z', '2026-10-30 10:00:00', '30.10.2026', '10/30/2026', '1791792000', '1791792000123',
  '2027-01-01', 'not a date', '2026-02-30', 'IT', 'Finance', 'CEO', 'a@gmail.com', 'x@mailinator.com', '1,200', '1.234,56', '99', '-5',
);
const noise = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.stringMatching(/^[",;|\t\r\n a"]{0,6}$/),
);
const cellArb = fc.oneof({ weight: 3, arbitrary: meaningful }, { weight: 2, arbitrary: noise });
/** The key columns get mostly values of their kind, so that rows also get scored and activities used. */
const ids = fc.constantFrom('L1', 'L2', 'L3', ' L2 ', 'l1', 'L9', '', 'N/A');
const types = fc.constantFrom('email_open', 'form_submit', 'demo_request', 'page_view', 'webinar_attended', 'unsubscribe', 'chat', '', 'Select');
const times = fc.oneof(
  fc.constantFrom('2026-10-30', '2026-10-30T10:00:00Z', '2026-10-30 10:00:00+02:00', '30.10.2026', '30.10.2026 10:00', '1791792000', '1791792000123', '2027-01-01', '2020-01-01', ''),
  fc.date({ min: new Date('2025-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
);
function columnCell(name: string): fc.Arbitrary<string> {
  const kind = name === 'lead_id' ? ids : name === 'activity_type' || name === 'aktivite' ? types : name === 'occurred_at' || name === 'tarih' ? times : undefined;
  return kind ? fc.oneof({ weight: 4, arbitrary: kind }, { weight: 1, arbitrary: cellArb }) : cellArb;
}

/** How one cell is written: RFC 4180 quoting, as is (even with delimiters, quotes, newlines), or an opening quote never closed. */
const styleArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant('quoted' as const) },
  { weight: 5, arbitrary: fc.constant('raw' as const) },
  { weight: 1, arbitrary: fc.constant('broken' as const) },
);

interface FileSpec {
  header: string[];
  headerStyle: ('quoted' | 'raw' | 'broken')[];
  rows: { cells: string[]; styles: ('quoted' | 'raw' | 'broken')[] }[];
  eol: '\n' | '\r\n' | 'mixed';
  bom: boolean;
  trailingNewline: boolean;
  blankLines: number[];
  container: 'plain' | 'gzip' | 'utf16le';
}

function fileArb(required: string[], wellFormed: boolean): fc.Arbitrary<FileSpec> {
  return fc
    .record({
      extras: fc.uniqueArray(fc.oneof(fc.constantFrom(...EXTRA_COLUMNS), fc.string({ maxLength: 6 })), { maxLength: 4, selector: (s) => s.trim().normalize('NFC').toLowerCase() }),
      order: fc.integer({ min: 0, max: 1000 }),
      width: fc.integer({ min: 1, max: 8 }),
      nRows: fc.integer({ min: 0, max: 25 }),
      eol: fc.constantFrom('\n' as const, '\r\n' as const, 'mixed' as const),
      bom: fc.boolean(),
      trailingNewline: fc.boolean(),
      blankLines: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 3 }),
      container: fc.constantFrom('plain' as const, 'plain' as const, 'plain' as const, 'gzip' as const, 'utf16le' as const),
    })
    .chain((p) => {
      const extras = p.extras.filter((e) => !required.includes(e.trim().toLowerCase()));
      const header = [...required, ...extras];
      const k = p.order % header.length;
      const rotated = [...header.slice(k), ...header.slice(0, k)];
      const width = rotated.length;
      const full = fc.tuple(...rotated.map(columnCell));
      // a ragged row: cut short, or longer than the header
      const ragged = fc.tuple(full, fc.integer({ min: 0, max: width + 2 }), fc.array(cellArb, { minLength: 2, maxLength: 2 })).map(([cells, n, more]) =>
        [...cells, ...more].slice(0, n),
      );
      const row = fc.record({
        cells: wellFormed ? full : fc.oneof({ weight: 4, arbitrary: full }, { weight: 1, arbitrary: ragged }),
        styles: fc.array(wellFormed ? fc.constant('quoted' as const) : styleArb, { minLength: width + 2, maxLength: width + 2 }),
      });
      return fc.record({
        header: fc.constant(rotated),
        headerStyle: fc.array(wellFormed ? fc.constant('quoted' as const) : fc.constantFrom('quoted' as const, 'raw' as const, 'raw' as const), {
          minLength: width,
          maxLength: width,
        }),
        rows: fc.array(row, { maxLength: p.nRows }),
        eol: fc.constant(p.eol),
        bom: fc.constant(p.bom),
        trailingNewline: fc.constant(p.trailingNewline),
        blankLines: fc.constant(wellFormed ? [] : p.blankLines),
        container: fc.constant(p.container),
      });
    });
}

function cellText(cell: string, style: 'quoted' | 'raw' | 'broken'): string {
  if (style === 'quoted') return '"' + cell.replace(/"/g, '""') + '"';
  if (style === 'broken') return '"' + cell;
  return cell;
}

function render(spec: FileSpec, delim: string): Buffer {
  const lines = [spec.header.map((h, i) => cellText(h, spec.headerStyle[i]!)).join(delim)];
  for (const r of spec.rows) lines.push(r.cells.map((c, i) => cellText(c, r.styles[i]!)).join(delim));
  for (const b of spec.blankLines) lines.splice(Math.min(b, lines.length), 0, '');
  let text = '';
  lines.forEach((l, i) => {
    if (i > 0) text += spec.eol === 'mixed' ? (i % 2 ? '\r\n' : '\n') : spec.eol;
    text += l;
  });
  if (spec.trailingNewline) text += spec.eol === '\r\n' ? '\r\n' : '\n';
  if (spec.container === 'utf16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const bytes = Buffer.from((spec.bom ? '\ufeff' : '') + text, 'utf8');
  return spec.container === 'gzip' ? gzipSync(bytes) : bytes;
}

/** Rows a reader must see in a well-formed file: every row but those whose cells are all empty (blank). */
const expectedRows = (spec: FileSpec): number => spec.rows.filter((r) => r.cells.some((c) => c !== '')).length;

const caseArb = (wellFormed: boolean) =>
  fc.integer({ min: 0, max: models.length - 1 }).chain((m) =>
    fc.record({
      model: fc.constant(m),
      delim: fc.constantFrom(...DELIMS),
      explicitDelimiter: fc.boolean(),
      // writing outputs costs fsyncs: one case in four writes them and checks the files
      writeOutputs: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      leads: fileArb(LEAD_COLUMNS[m]!, wellFormed),
      activities: fc.option(fileArb(ACTIVITY_COLUMNS[m]!, wellFormed), { nil: undefined }),
    }),
  );

type Case = { model: number; delim: string; explicitDelimiter: boolean; writeOutputs: boolean; leads: FileSpec; activities: FileSpec | undefined };

async function run(dir: string, c: Case) {
  const lp = join(dir, c.leads.container === 'gzip' ? 'leads.csv.gz' : 'leads.csv');
  writeFileSync(lp, render(c.leads, c.delim));
  const activities: string[] = [];
  if (c.activities) {
    const ap = join(dir, c.activities.container === 'gzip' ? 'activities.csv.gz' : 'activities.csv');
    writeFileSync(ap, render(c.activities, c.delim));
    activities.push(ap);
  }
  const loaded = models[c.model]!;
  const out = join(dir, 'out');
  let scored = 0;
  const res = await runScore({
    model: loaded.result.value!,
    modelPath: 'm.yaml',
    modelSha256: loaded.sha256,
    leads: lp,
    activities,
    ...(c.writeOutputs ? { outDir: out } : {}),
    asOfMs: AS_OF,
    version: 'test',
    ...(c.explicitDelimiter ? { delimiter: c.delim } : {}),
    onScored: () => void scored++,
  });
  const files = c.writeOutputs ? { rejects: readCsv(join(out, 'rejects.csv')).length, scored: readCsv(join(out, 'scored.csv')).length } : undefined;
  return { summary: res.summary, onScored: scored, files };
}

function checkAccounting(r: Awaited<ReturnType<typeof run>>): void {
  const c = r.summary.counts;
  expect(c.leads_read).toBe(c.scored + c.rejected);
  const ignored = c.activities_ignored.after_as_of + c.activities_ignored.outside_window + c.activities_ignored.orphan;
  expect(c.activities_read).toBe(c.activities_used + ignored + c.activities_rejected);
  expect(r.onScored).toBe(c.scored);
  if (r.files) {
    expect(r.files.scored).toBe(c.scored);
    expect(r.files.rejects).toBe(c.rejected + c.activities_rejected);
  }
  const inputs = r.summary.inputs;
  expect(inputs.reduce((n, i) => n + i.rejected, 0)).toBe(c.rejected + c.activities_rejected);
}

describe('garbage in: the pipeline never throws and every row is accounted for', () => {
  it('any bytes: runScore finishes (or stops with an InputError), and read = scored + rejected, read = used + ignored + rejected', async () => {
    const dir = tempDir('leadscore-garbage-');
    let finished = 0;
    await fc.assert(
      fc.asyncProperty(caseArb(false), async (c) => {
        let r: Awaited<ReturnType<typeof run>>;
        try {
          r = await run(dir, c);
        } catch (e) {
          // only a located, coded input problem may stop the run (missing column, duplicate header, ...)
          expect(e).toBeInstanceOf(InputError);
          expect((e as InputError).code).toMatch(/^LS1\d\d$/);
          return;
        }
        finished++;
        checkAccounting(r);
      }),
      { numRuns: 60 },
    );
    expect(finished).toBeGreaterThan(20); // most generated inputs have a usable header
  }, 120_000);

  it('well-formed files with any cell content: every non-blank row is read, and accounted for', async () => {
    const dir = tempDir('leadscore-garbage-');
    await fc.assert(
      fc.asyncProperty(caseArb(true), async (c) => {
        const r = await run(dir, c);
        checkAccounting(r);
        expect(r.summary.counts.leads_read).toBe(expectedRows(c.leads));
        expect(r.summary.counts.activities_read).toBe(c.activities ? expectedRows(c.activities) : 0);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
