// The inputs of a score run, opened and checked before anything is read: the lead files (several must
// have the same columns), or the leads taken from the activities; the activity files with the columns
// the model needs; the reject-rate limits (--strict, --max-reject-rate).
import { isGzip } from './activity-tasks.js';
import { type CsvFile, headerOnly } from './csv-reader.js';
import { InputError } from './errors.js';
import { openInput, requireColumn, type InputOptions } from './inputs.js';
import type { Model } from '../core/model/types.js';
import type { RunWarning } from '../core/report/summary.js';
import { missingRuleColumns } from '../core/model/rule-columns.js';

/** What to do about a missing column of the model's `input` section. */
export const IN_MODEL = "; set it in the model's input section";

/** Where the leads' cells come from: a lead file, or the lead ids of the activities. */
export interface LeadSource {
  path: string;
  header: string[];
  delimiter: string;
  split(raw: string): string[];
}

/** The path rejects.csv gives a lead derived from the activities. */
export const DERIVED_SOURCE = '(leads from activities)';

/**
 * Without lead files the leads are the activities' distinct lead ids: one column, named after
 * input.leads.id (or, for `$row`, the activities' lead id column). LS162 when there are no activities.
 */
export function derivedLeads(model: Model, activities: readonly string[]): LeadSource {
  if (activities.length === 0) {
    throw new InputError('LS162', 'no leads: give the leads file (-l), or activity files (-a) to take the leads from', undefined, undefined,
      'without -l the leads are the distinct lead ids of the -a files; give both when the model scores lead columns');
  }
  const id = model.input.leads.id === '$row' ? model.input.activities.leadId : model.input.leads.id;
  return { path: DERIVED_SOURCE, header: [id], delimiter: ',', split: (raw) => [raw] };
}

/** Open the lead files; several must have the same columns (names compared as headers are), in the same order. */
export async function openLeadFiles(paths: readonly string[], o: InputOptions): Promise<CsvFile[]> {
  const files: CsvFile[] = [];
  for (const p of paths) files.push(await openInput(p, 'leads', o));
  const key = (h: readonly string[]) => h.map((x) => x.trim().toLowerCase()).join('\u0000');
  const first = files[0];
  for (const f of files.slice(1)) {
    if (key(f.header) !== key(first!.header)) {
      for (const g of files) g.close();
      throw new InputError('LS163', `the lead files have different columns: ${f.path} has ${f.header.length} (${f.header.slice(0, 6).join(', ')}${f.header.length > 6 ? ', ...' : ''}), ${first!.path} has ${first!.header.length} (${first!.header.slice(0, 6).join(', ')}${first!.header.length > 6 ? ', ...' : ''})`,
        f.path, f.headerLine, 'several -l files are concatenated: export them with the same columns in the same order, or score them in separate runs');
    }
  }
  return files;
}

/** Open the activity files, each with the columns of input.activities; a rule's missing column is a warning. */
export async function openActivityFiles(model: Model, paths: readonly string[], o: InputOptions, warnings: RunWarning[]): Promise<CsvFile[]> {
  const files: CsvFile[] = [];
  const alt = model.alternatives;
  const ai = model.input.activities;
  for (const a of paths) {
    const f = await openInput(a, 'activities', o);
    requireColumn(f, ai.leadId, 'input.activities.lead_id', 'LS110', IN_MODEL, alt);
    requireColumn(f, ai.type, 'input.activities.type', 'LS110', IN_MODEL, alt);
    requireColumn(f, ai.timestamp, 'input.activities.timestamp', 'LS110', IN_MODEL, alt);
    warnings.push(...missingRuleColumns(model, f.header, f.path));
    // released until its rows are read (reopened then: score-activities.ts): 1,000 -a files must not
    // hold 1,000 open streams and read buffers at once
    files.push(f.source === '-' ? f : headerOnly(f));
  }
  return files;
}

export interface RejectLimits {
  strict?: boolean;
  maxRejectRate?: number;
}

/** --strict stops on any reject (LS120); --max-reject-rate on a file with more rejects than the rate (LS121). */
export function checkRejectRate(o: RejectLimits, path: string, rejected: number, rows: number): void {
  if (o.strict && rejected > 0) {
    throw new InputError('LS120', `${rejected} row(s) rejected under --strict`, path, undefined, 'see rejects.csv in the previous run, or drop --strict to keep going');
  }
  if (o.maxRejectRate !== undefined && rows > 0 && rejected / rows > o.maxRejectRate) {
    throw new InputError(
      'LS121',
      `${rejected} of ${rows} rows rejected (${((rejected / rows) * 100).toFixed(2)}%), above --max-reject-rate ${o.maxRejectRate}`,
      path,
      undefined,
      'the export is probably malformed (delimiter, encoding, columns); fix it or raise --max-reject-rate',
    );
  }
}

/** Whether the fast path can read a file as bytes: a plain (not gzip) UTF-8 file on disk, header on line 1, a one-character delimiter. */
export async function plainUtf8File(f: CsvFile): Promise<boolean> {
  return utf8File(f) && !(await isGzip(f.source));
}

/** A UTF-8 file on disk (plain or gzip) with its header on the first line and a one-character delimiter. */
export function utf8File(f: CsvFile): boolean {
  return f.source !== '-' && f.encoding === 'utf-8' && f.headerLine === 1 && f.delimiter.length === 1;
}
