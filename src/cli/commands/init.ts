// `leadscore init -l LEADS [-a ACTIVITIES] [-o MODEL.yaml]`: a starter model from the headers and a
// sample of the data. Reading the sample is here; recognising columns and writing the YAML text is the
// pure src/core/init. The written model is validated (and checked against the files' columns) before
// it is written: a starter model that does not validate is a bug (exit 1).
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Register } from '../main.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { inputFiles, reportInputError, style } from '../shared.js';
import { VERSION } from '../version.js';

export interface InitOptions {
  leads?: string;
  activities?: string[];
  out?: string;
  force?: boolean;
  name?: string;
  sampleRows?: number;
  delimiter?: string;
  encoding?: string;
  quiet?: boolean;
  outcome?: string;
  outcomes?: string;
  outcomesId?: string;
}

const SAMPLE_ROWS = 1000;
/** With --outcome the points come from conversion rates: read more rows, so that rare values count. */
const OUTCOME_SAMPLE_ROWS = 50_000;

/** Activities are read further than leads: rare activity types (demo requests) must show up. */
const ACTIVITY_SAMPLE_FACTOR = 20;

const EXAMPLE = `
Examples:
  $ leadscore init -l samples/leads.csv -a samples/activities.csv -o models/mine.yaml
  $ leadscore init -l export.csv | less            # print the model instead of writing it
  $ leadscore init -a 'raw/events_*.csv' -o events.yaml   # event log, no leads file
  $ leadscore init -l Leads.csv --outcomes closed-won.csv --outcomes-id lead_ref -o starter.yaml
      (points from the data; a lead in closed-won.csv converted, every other lead did not)

Reads the header and the first rows of each file (--sample-rows, default 1000 leads and 20x as many
activities), recognises columns (id, title/role, department, company size, country, industry, e-mail,
created date; activity lead id, type, date, detail) and writes a commented model with starter rules that
validates and scores. Without -a the model is fit-only; without an id-like column leads are keyed by $row.
An existing MODEL.yaml is not replaced unless --force (exit 2).
Next: leadscore validate MODEL.yaml -l LEADS -a ACTIVITIES, then leadscore score.`;

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of rows, e.g. 1000');
  return n;
}

export const register: Register = (program: Command, setExit) => {
  program
    .command('init')
    .description('write a starter scoring model from the headers and a sample of a leads (and activities) export')
    .option('-l, --leads <LEADS>', 'leads CSV (.csv, .csv.gz, or - for stdin); without it, an engagement model for leads taken from the activities')
    .option('-a, --activities <ACTIVITIES...>', 'activity CSVs (files, folders or quoted globs): input.activities and engagement rules for the types found; files that name columns differently get alternatives', [])
    .option('-o, --out <MODEL.yaml>', 'where to write the model (- or left out: stdout)')
    .option('--force', 'replace MODEL.yaml when it exists')
    .option('--name <NAME>', 'model name (default: from the leads file name)')
    .option('--sample-rows <N>', 'lead rows to read (activities: 20x as many); default 1000, 50000 with --outcome or --outcomes', positiveInt)
    .option('--delimiter <CHAR>', 'input delimiter: , ; tab | (default: detected)')
    .option('--encoding <NAME>', 'input encoding, e.g. windows-1254 (default utf-8)')
    .option('--outcome <COLUMN>', 'a column with the known outcome (of the leads, or of --outcomes): points from the data (conversion per value against the average; numbers in quantile bins); ids and leaky columns are left out with a comment')
    .option('--outcomes <FILE>', 'the outcomes in another file (e.g. closed deals), LEFT-joined on the lead id: a lead not in it did not convert; without --outcome, being in it is the conversion; points from the data as with --outcome')
    .option('--outcomes-id <COLUMN>', 'the lead id column of --outcomes (default: the lead id column init recognises)')
    .option('-q, --quiet', 'print nothing but errors on stderr')
    .addHelpText('after', EXAMPLE)
    .action(async (opts: InitOptions) => {
      setExit(await run(opts, process.argv.slice(2)));
    });
};

export async function run(opts: InitOptions, argv: string[] = []): Promise<ExitCode> {
  const { existsSync } = await import('node:fs');
  if (opts.outcomesId && !opts.outcomes) throw new CliError('--outcomes-id needs --outcomes', ExitCode.usage, 'LS142');
  const fromOutcomes = opts.outcome !== undefined || opts.outcomes !== undefined;
  const toStdout = opts.out === undefined || opts.out === '-';
  if (!toStdout && existsSync(opts.out as string) && !opts.force) {
    process.stderr.write(`leadscore: ${opts.out} already exists; nothing was written (use --force to replace it)\n`);
    return ExitCode.usage;
  }
  const { InputError } = await import('../../io/errors.js');
  const { buildStarterModel } = await import('../../core/init/starter-model.js');
  const { loadModelText } = await import('../../io/model-file.js');
  const { checkColumns } = await import('../../core/model/validate.js');
  const { formatDiagnostic } = await import('../format.js');

  const { combineActivitySamples, derivedLeadsSample } = await import('../../core/init/event-log.js');
  const { profileColumns } = await import('../../core/init/profile.js');
  const { recogniseLeadColumns } = await import('../../core/init/recognise.js');
  let leads: import('../../core/init/starter-model.js').InitSample;
  let activities: import('../../core/init/starter-model.js').InitSample | undefined;
  let activityColumns: import('../../core/init/event-log.js').ActivityColumns | undefined;
  let activityPaths: string[] = [];
  let outcomeFromFile: { y: Uint8Array; rows: string[][]; source: string } | undefined;
  try {
    activityPaths = await inputFiles(opts.activities ?? [], 'activities');
    if (opts.leads === undefined && activityPaths.length === 0) {
      process.stderr.write(`leadscore: LS162 give the leads (-l LEADS), or activity files (-a) to take the leads from; no model was written.\n`);
      return ExitCode.usage;
    }
    const sampleRows = opts.sampleRows ?? (fromOutcomes ? OUTCOME_SAMPLE_ROWS : SAMPLE_ROWS);
    const leadSample = opts.leads !== undefined ? await readSample(opts.leads, sampleRows, opts) : undefined;
    // every activity file is read (the sample split between them), and their columns combined by role
    const perFile = Math.max(200, Math.ceil((sampleRows * ACTIVITY_SAMPLE_FACTOR) / Math.max(1, activityPaths.length)));
    const samples = [];
    for (const p of activityPaths) samples.push(await readSample(p, perFile, opts));
    const leadsId = leadSample ? recogniseLeadColumns(profileColumns(leadSample.header, leadSample.rows)).id?.name : undefined;
    const combined = samples.length > 1 || (samples.length === 1 && !leadSample) ? combineActivitySamples(samples, leadsId) : undefined;
    if (combined) {
      activities = combined.sample;
      activityColumns = combined.columns;
      for (const f of combined.skipped) process.stderr.write(`${style.warn('note')} ${f}: no lead id, type or date/time column recognised; left out of the sample\n`);
    } else if (samples.length === 1) activities = samples[0];
    if (leadSample) leads = leadSample;
    else if (combined) leads = derivedLeadsSample(combined);
    else {
      process.stderr.write(`${activityPaths.join(', ')} ${style.error('error')} LS110 no lead id, type or date/time column recognised in the activities, and no leads file (-l): nothing to build a model from\n`);
      process.stderr.write('leadscore: no model was written.\n');
      return ExitCode.data;
    }
    if (opts.outcomes !== undefined && leads.rows.length > 0) {
      const joined = await joinSample(opts, leads, leadSample ? leadsId : leads.header[0]);
      if (typeof joined === 'number') return joined;
      outcomeFromFile = joined;
    }
  } catch (e) {
    if (e instanceof InputError) {
      reportInputError(e, 'no model was written.');
      return ExitCode.data;
    }
    throw e;
  }
  if (leads.rows.length === 0) {
    reportNoRows(opts.leads ?? activityPaths.join(', '));
    return ExitCode.data;
  }

  let outcome: { column?: string; y: Uint8Array; rows: string[][]; source?: string } | undefined = outcomeFromFile;
  if (opts.outcome !== undefined && opts.outcomes === undefined) {
    const col = leads.header.findIndex((h) => h.trim().toLowerCase() === opts.outcome!.trim().toLowerCase());
    if (col < 0) {
      process.stderr.write(`${opts.leads}:1 ${style.error('error')} LS140 --outcome column "${opts.outcome}" is not in the header\n  hint: columns are: ${leads.header.join(', ')}\nleadscore: no model was written.\n`);
      return ExitCode.data;
    }
    // the ONE converted rule (core/learn/converted.ts): words, or a date column where a date converts
    const { convertedRuleFor } = await import('../../core/learn/converted.js');
    const { makeNulls, present } = await import('../../core/value.js');
    const nulls = makeNulls(['', 'NA', 'N/A', 'null']);
    const values = leads.rows.map((r) => present(r[col], nulls));
    const rule = convertedRuleFor(values.filter((v): v is string => v !== undefined));
    const known = leads.rows.filter((_, i) => values[i] !== undefined || rule.missingIsNegative);
    const y = Uint8Array.from(known, (r) => {
      const v = present(r[col], nulls);
      return v !== undefined && rule.converted(v) ? 1 : 0;
    });
    let pos = 0;
    for (const v of y) pos += v;
    if (pos === 0 || pos === y.length) {
      process.stderr.write(`${opts.leads} ${style.error('error')} LS144 the sample has ${pos} converted and ${y.length - pos} other leads in "${opts.outcome}" (converted: ${rule.describe}): points from the data need both\nleadscore: no model was written.\n`);
      return ExitCode.data;
    }
    outcome = { column: leads.header[col]!, y, rows: known as string[][], source: `column ${leads.header[col]!} of the leads (converted: ${rule.describe}); ${known.length} sampled leads with an outcome` };
  }

  const starter = buildStarterModel({
    leads,
    ...(outcome ? { outcome } : {}),
    ...(activities ? { activities } : {}),
    ...(activityColumns ? { activityColumns } : {}),
    ...(opts.leads === undefined ? { derivedLeads: true } : {}),
    ...(opts.name ? { name: opts.name } : {}),
    version: VERSION,
    command: ['leadscore', ...argv.map(shellQuote)].join(' '),
  });

  // Self-check: the model must validate and name only columns of the files it came from.
  const loaded = loadModelText(starter.yaml, opts.out && !toStdout ? opts.out : 'starter model');
  const problems = [...loaded.result.errors];
  if (loaded.result.value) {
    problems.push(...checkColumns(loaded.result.value, { leads: [...leads.header] }, { locate: loaded.locate }).filter((d) => d.severity === 'error'));
    if (activities && starter.activities) problems.push(...checkColumns(loaded.result.value, { activities: [...activities.header] }, { locate: loaded.locate }).filter((d) => d.severity === 'error'));
    // with several files, the required columns must resolve in each (their own names)
    if (starter.activities && activityColumns) {
      const { hasColumn } = await import('../../core/model/check-columns.js');
      const { readHeaderLine } = await import('../../io/header.js');
      const ai = loaded.result.value.input.activities;
      for (const p of activityPaths) {
        const h = await readHeaderLine(p, { ...(opts.encoding ? { encoding: opts.encoding } : {}), ...(opts.delimiter ? { delimiter: opts.delimiter === 'tab' ? '\t' : opts.delimiter } : {}) }).catch(() => undefined);
        if (h && ![ai.leadId, ai.type, ai.timestamp].every((c) => hasColumn(loaded.result.value!, h, c))) {
          process.stderr.write(`${style.warn('note')} ${p}: the model's activity columns are not all in this file (it was left out of the sample)\n`);
        }
      }
    }
  }
  if (problems.length || !loaded.result.value) {
    for (const d of problems) process.stderr.write(formatDiagnostic(d, { color: style.color }) + '\n');
    process.stderr.write('leadscore: internal error: the starter model does not validate. This is a bug in leadscore; please report it with the command line and the first lines of the files.\n');
    return ExitCode.internal;
  }

  if (toStdout) process.stdout.write(starter.yaml);
  else {
    try {
      const { writeReplacing } = await import('../../io/output.js');
      await writeReplacing(opts.out as string, starter.yaml);
    } catch (e) {
      const { InputError } = await import('../../io/errors.js');
      if (!(e instanceof InputError)) throw e;
      reportInputError(e);
      return ExitCode.data;
    }
  }

  if (!opts.quiet) {
    const err = process.stderr;
    for (const n of starter.notes) err.write(`${style.warn('note')} ${n}\n`);
    const roles = Object.entries(starter.leads).map(([role, p]) => `${role}=${p.name}`).join(', ');
    err.write(`recognised lead columns: ${roles || 'none'}\n`);
    if (starter.activities) {
      const a = starter.activities;
      const names = (p: { name: string } | undefined, alt: string[] | undefined) => (alt && alt.length > 1 ? `[${alt.join(', ')}]` : p?.name);
      err.write(`recognised activity columns: lead_id=${names(a.leadId, activityColumns?.leadId)}, type=${names(a.type, activityColumns?.type)}, timestamp=${names(a.timestamp, activityColumns?.timestamp)}${a.detail ? `, detail=${names(a.detail, activityColumns?.detail)}` : ''}${activityPaths.length > 1 ? ` (from ${activityPaths.length} files)` : ''}\n`);
    }
    const what = `${starter.fitRules.length} fit rules, ${starter.engagementRules.length} engagement rules${starter.engagementRules.length ? '' : ' (fit-only)'}`;
    if (!toStdout) {
      err.write(`${style.bold(`wrote ${opts.out}`)}: ${what}\n`);
      const a = opts.activities?.length ? ` -a ${opts.activities.map(shellQuote).join(' ')}` : '';
      const l = opts.leads !== undefined ? ` -l ${shellQuote(opts.leads)}` : '';
      err.write(`next: leadscore validate ${shellQuote(opts.out as string)}${l}${a}\n`);
      err.write(`      leadscore score -m ${shellQuote(opts.out as string)}${l}${a} -o out\n`);
    } else {
      err.write(`${what}\n`);
    }
  }
  return ExitCode.ok;
}

/**
 * init --outcomes FILE: the sample's leads LEFT-joined with the outcomes file on the lead id (the join of
 * evaluate and train: src/io/outcomes.ts). Returns the labelled rows, or an exit code after an error.
 */
async function joinSample(opts: InitOptions, leads: import('../../core/init/starter-model.js').InitSample, idName: string | undefined): Promise<{ y: Uint8Array; rows: string[][]; source: string } | ExitCode> {
  const { readOutcomesTable, joinOutcomes } = await import('../../io/outcomes.js');
  const { makeNulls } = await import('../../core/value.js');
  const { DEFAULT_NULL_VALUES } = await import('../../core/model/types.js');
  const file = opts.outcomes!;
  const idIdx = idName === undefined ? -1 : leads.header.findIndex((h) => h.trim() === idName.trim());
  // without an id column the leads are keyed by $row: the outcomes' ids are then data row numbers (as in evaluate)
  const table = await readOutcomesTable({
    file, idColumn: opts.outcomesId ?? (idIdx >= 0 ? idName! : 'row'),
    ...(opts.outcome !== undefined ? { outcome: opts.outcome } : {}),
    nulls: makeNulls(DEFAULT_NULL_VALUES),
    ...(opts.delimiter ? { delimiter: opts.delimiter === 'tab' ? '\t' : opts.delimiter } : {}),
    ...(opts.encoding ? { encoding: opts.encoding } : {}),
  });
  const ids = leads.rows.map((r, i) => (idIdx >= 0 ? (r[idIdx] ?? '').trim() : String(i + 1)));
  const { y, join } = joinOutcomes(table, ids);
  const rows: string[][] = [];
  const labels: number[] = [];
  y.forEach((v, i) => {
    if (v === undefined) return; // in the file without an outcome value (a word column): left out
    rows.push(leads.rows[i] as string[]);
    labels.push(v);
  });
  const sampled = leads.truncated ? `the ${leads.rows.length} sampled leads` : `the ${leads.rows.length} leads`;
  if (!opts.quiet) {
    process.stderr.write(`outcomes: ${join.matched} of ${sampled} matched in ${file} (on ${table.idColumn}), ${join.unmatched} not in it (not converted); ${join.idsNotFound} of its ids not among ${sampled}\n`);
  }
  const pos = labels.reduce((a, b) => a + b, 0);
  if (pos === 0 || pos === labels.length) {
    const hint = join.matched === 0
      ? `no lead id of the sample is in ${file}: check --outcomes-id (the id column of ${file}, whose values must be the leads' ${idIdx >= 0 ? idName : 'data row numbers ($row)'})`
      : pos === 0 ? `converted means ${table.rule.describe}: check --outcome` : `every sampled lead is in ${file}: give the leads that did not convert too, or --outcome COLUMN to read an outcome value`;
    process.stderr.write(`${file} ${style.error('error')} LS144 the sample has ${pos} converted and ${labels.length - pos} other leads (joined with ${file}; converted: ${table.rule.describe}): points from the data need both\n  hint: ${hint}\nleadscore: no model was written.\n`);
    return ExitCode.data;
  }
  const what = opts.outcome !== undefined ? `column ${opts.outcome} of ${file} (converted: ${table.rule.describe})` : `being in ${file}`;
  return { y: Uint8Array.from(labels), rows, source: `${what}, left-joined on ${idIdx >= 0 ? idName : '$row'} (${table.idColumn} in ${file}): a lead not in it did not convert; ${join.matched} of ${sampled} matched` };
}

function reportNoRows(file: string): void {
  process.stderr.write(`${file} ${style.error('error')} LS102 the file has a header but no data rows: init needs sample rows to suggest rules\n`);
  process.stderr.write('leadscore: no model was written.\n');
}

/** The first `limit` well-formed rows (malformed rows are skipped, as score would reject them). */
async function readSample(path: string, limit: number, opts: InitOptions) {
  const { openCsv, CsvOpenError } = await import('../../io/csv-reader.js');
  const { InputError } = await import('../../io/errors.js');
  let file;
  try {
    file = await openCsv(path, {
      ...(opts.delimiter ? { delimiter: opts.delimiter === 'tab' ? '\t' : opts.delimiter } : {}),
      ...(opts.encoding ? { encoding: opts.encoding } : {}),
    });
  } catch (e) {
    if (e instanceof CsvOpenError) throw new InputError(e.code, e.message, path, undefined, 'give a readable CSV file whose first line names the columns');
    throw e;
  }
  const rows: string[][] = [];
  let truncated = false;
  try {
    outer: for await (const batch of file.batches(() => {})) {
      for (const r of batch) {
        if (rows.length >= limit) {
          truncated = true;
          break outer;
        }
        rows.push(r.fields);
      }
    }
  } catch (e) {
    if (e instanceof CsvOpenError) throw new InputError(e.code, e.message, path);
    throw e;
  } finally {
    file.close();
  }
  return { file: path === '-' ? 'stdin' : path, header: file.header, rows, truncated };
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
