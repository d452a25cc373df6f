// The use case behind `leadscore init`: a starter model from the headers and a sample of the data.
// Reading the samples goes through the ports (io/init-sample.ts, io/header.ts); recognising columns and
// writing the YAML text is the pure src/core/init; with --outcome / --outcomes the sample is labelled by
// the converted rule or the LEFT join of app/outcomes.ts. The model is validated (and checked against the
// files' columns) before it is written: a starter model that does not validate is a bug (the command
// exits 1). An input problem is an InputError (nothing written).
import type { Diagnostic, Model, Result } from '../core/model/types.js';
import type { Locate } from '../core/model/diagnostic-sink.js';
import { checkColumns, hasColumn } from '../core/model/check-columns.js';
import { DEFAULT_NULL_VALUES } from '../core/model/types.js';
import { buildStarterModel, type InitSample, type StarterModel } from '../core/init/starter-model.js';
import { combineActivitySamples, derivedLeadsSample, type ActivityColumns } from '../core/init/event-log.js';
import { profileColumns } from '../core/init/profile.js';
import { recogniseLeadColumns } from '../core/init/recognise.js';
import { convertedRuleFor } from '../core/learn/converted.js';
import { makeNulls, present } from '../core/value.js';
import { InputError } from './errors.js';
import { joinOutcomes, readOutcomesTable } from './outcomes.js';
import type { InputFiles, ReadOptions } from './ports.js';

/** What init reads and writes through (cli/ports.ts wires the Node adapters). */
export interface InitPorts {
  inputs: InputFiles;
  /** The first `limit` well-formed rows of a file (malformed rows are skipped, as score would reject them). */
  sample(path: string, limit: number, o: ReadOptions): Promise<InitSample>;
  /** The model text read as `validate` reads a file (io/model-file.ts: YAML with positions). */
  readModel(text: string, name: string): { result: Result<Model>; locate: Locate };
  /** Replace the file at `path` with `text` in one rename (io/replacing-file.ts). */
  replace(path: string, text: string): Promise<void>;
}

export interface InitRequest extends ReadOptions {
  /** The leads file, or undefined: the leads are the activities' lead ids. */
  leads?: string;
  /** The activity files, expanded (folders and globs). */
  activities: string[];
  /** Where to write the model; undefined: the caller prints it. */
  out?: string;
  name?: string;
  sampleRows?: number;
  outcome?: string;
  outcomes?: string;
  outcomesId?: string;
  version: string;
  command: string;
  /**
   * What init says while it works: `note` (a file left out of the sample, the model's activity columns
   * not in a file), `outcomes` (how --outcomes joined the sample).
   */
  onNote?: (kind: 'note' | 'outcomes', text: string) => void;
}

export type InitResult =
  | {
      kind: 'model';
      yaml: string;
      starter: StarterModel;
      /** Several activity files: the names each role has in them. */
      activityColumns?: ActivityColumns;
      /** The model could not be written to `out` (LS107, LS108): nothing was replaced. */
      writeError?: InputError;
    }
  /** The starter model does not validate against itself or the files: a bug. */
  | { kind: 'invalid'; problems: Diagnostic[] };

const SAMPLE_ROWS = 1000;
/** With --outcome the points come from conversion rates: read more rows, so that rare values count. */
const OUTCOME_SAMPLE_ROWS = 50_000;
/** Activities are read further than leads: rare activity types (demo requests) must show up. */
const ACTIVITY_SAMPLE_FACTOR = 20;

type Outcome = { column?: string; y: Uint8Array; rows: string[][]; source?: string };

export async function initModel(ports: InitPorts, o: InitRequest): Promise<InitResult> {
  const note = o.onNote ?? (() => undefined);
  const read: ReadOptions = { ...(o.delimiter ? { delimiter: o.delimiter } : {}), ...(o.encoding ? { encoding: o.encoding } : {}) };
  const fromOutcomes = o.outcome !== undefined || o.outcomes !== undefined;
  const sampleRows = o.sampleRows ?? (fromOutcomes ? OUTCOME_SAMPLE_ROWS : SAMPLE_ROWS);
  const leadSample = o.leads !== undefined ? await ports.sample(o.leads, sampleRows, read) : undefined;
  // every activity file is read (the sample split between them), and their columns combined by role
  const perFile = Math.max(200, Math.ceil((sampleRows * ACTIVITY_SAMPLE_FACTOR) / Math.max(1, o.activities.length)));
  const samples: InitSample[] = [];
  for (const p of o.activities) samples.push(await ports.sample(p, perFile, read));
  const leadsId = leadSample ? recogniseLeadColumns(profileColumns(leadSample.header, leadSample.rows)).id?.name : undefined;
  const combined = samples.length > 1 || (samples.length === 1 && !leadSample) ? combineActivitySamples(samples, leadsId) : undefined;
  let activities: InitSample | undefined;
  let activityColumns: ActivityColumns | undefined;
  if (combined) {
    activities = combined.sample;
    activityColumns = combined.columns;
    for (const f of combined.skipped) note('note', `${f}: no lead id, type or date/time column recognised; left out of the sample`);
  } else if (samples.length === 1) activities = samples[0];
  let leads: InitSample;
  if (leadSample) leads = leadSample;
  else if (combined) leads = derivedLeadsSample(combined);
  else throw new InputError('LS110', 'no lead id, type or date/time column recognised in the activities, and no leads file (-l): nothing to build a model from', o.activities.join(', '));
  let outcome: Outcome | undefined;
  if (o.outcomes !== undefined && leads.rows.length > 0) outcome = await joinSample(ports, o, leads, leadSample ? leadsId : leads.header[0], note);
  if (leads.rows.length === 0) {
    throw new InputError('LS102', 'the file has a header but no data rows: init needs sample rows to suggest rules', o.leads ?? o.activities.join(', '));
  }
  if (o.outcome !== undefined && o.outcomes === undefined) outcome = labelByColumn(o, leads);

  const starter = buildStarterModel({
    leads,
    ...(outcome ? { outcome } : {}),
    ...(activities ? { activities } : {}),
    ...(activityColumns ? { activityColumns } : {}),
    ...(o.leads === undefined ? { derivedLeads: true } : {}),
    ...(o.name ? { name: o.name } : {}),
    version: o.version,
    command: o.command,
  });

  // Self-check: the model must validate and name only columns of the files it came from.
  const loaded = ports.readModel(starter.yaml, o.out ?? 'starter model');
  const problems = [...loaded.result.errors];
  const model = loaded.result.value;
  if (model) {
    problems.push(...checkColumns(model, { leads: [...leads.header] }, { locate: loaded.locate }).filter((d) => d.severity === 'error'));
    if (activities && starter.activities) problems.push(...checkColumns(model, { activities: [...activities.header] }, { locate: loaded.locate }).filter((d) => d.severity === 'error'));
    // with several files, the required columns must resolve in each (their own names)
    if (starter.activities && activityColumns) {
      const ai = model.input.activities;
      for (let k = 0; k < o.activities.length; k++) {
        const p = o.activities[k]!;
        // (each file's header is its sample's; stdin's was never asked for)
        const h = p === '-' ? undefined : samples[k]!.header;
        if (h && ![ai.leadId, ai.type, ai.timestamp].every((c) => hasColumn(model, h, c))) {
          note('note', `${p}: the model's activity columns are not all in this file (it was left out of the sample)`);
        }
      }
    }
  }
  if (problems.length || !model) return { kind: 'invalid', problems };

  let writeError: InputError | undefined;
  if (o.out !== undefined) {
    try {
      await ports.replace(o.out, starter.yaml);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      writeError = e;
    }
  }
  return { kind: 'model', yaml: starter.yaml, starter, ...(activityColumns ? { activityColumns } : {}), ...(writeError ? { writeError } : {}) };
}

/** init --outcome COLUMN: the sample labelled by the ONE converted rule (core/learn/converted.ts). */
function labelByColumn(o: InitRequest, leads: InitSample): Outcome {
  const col = leads.header.findIndex((h) => h.trim().toLowerCase() === o.outcome!.trim().toLowerCase());
  if (col < 0) {
    throw new InputError('LS140', `--outcome column "${o.outcome}" is not in the header`, String(o.leads), 1, `columns are: ${leads.header.join(', ')}`);
  }
  // words, or a date column where a date converts
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
    throw new InputError('LS144', `the sample has ${pos} converted and ${y.length - pos} other leads in "${o.outcome}" (converted: ${rule.describe}): points from the data need both`, String(o.leads));
  }
  return { column: leads.header[col]!, y, rows: known as string[][], source: `column ${leads.header[col]!} of the leads (converted: ${rule.describe}); ${known.length} sampled leads with an outcome` };
}

/**
 * init --outcomes FILE: the sample's leads LEFT-joined with the outcomes file on the lead id (the join of
 * evaluate and train: app/outcomes.ts).
 */
async function joinSample(ports: InitPorts, o: InitRequest, leads: InitSample, idName: string | undefined, note: NonNullable<InitRequest['onNote']>): Promise<Outcome> {
  const file = o.outcomes!;
  const idIdx = idName === undefined ? -1 : leads.header.findIndex((h) => h.trim() === idName.trim());
  // without an id column the leads are keyed by $row: the outcomes' ids are then data row numbers (as in evaluate)
  const table = await readOutcomesTable(ports.inputs, {
    file, idColumn: o.outcomesId ?? (idIdx >= 0 ? idName! : 'row'),
    ...(o.outcome !== undefined ? { outcome: o.outcome } : {}),
    nulls: makeNulls(DEFAULT_NULL_VALUES),
    ...(o.delimiter ? { delimiter: o.delimiter } : {}),
    ...(o.encoding ? { encoding: o.encoding } : {}),
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
  note('outcomes', `outcomes: ${join.matched} of ${sampled} matched in ${file} (on ${table.idColumn}), ${join.unmatched} not in it (not converted); ${join.idsNotFound} of its ids not among ${sampled}`);
  const pos = labels.reduce((a, b) => a + b, 0);
  if (pos === 0 || pos === labels.length) {
    const hint = join.matched === 0
      ? `no lead id of the sample is in ${file}: check --outcomes-id (the id column of ${file}, whose values must be the leads' ${idIdx >= 0 ? idName : 'data row numbers ($row)'})`
      : pos === 0 ? `converted means ${table.rule.describe}: check --outcome` : `every sampled lead is in ${file}: give the leads that did not convert too, or --outcome COLUMN to read an outcome value`;
    throw new InputError('LS144', `the sample has ${pos} converted and ${labels.length - pos} other leads (joined with ${file}; converted: ${table.rule.describe}): points from the data need both`, file, undefined, hint);
  }
  const what = o.outcome !== undefined ? `column ${o.outcome} of ${file} (converted: ${table.rule.describe})` : `being in ${file}`;
  return { y: Uint8Array.from(labels), rows, source: `${what}, left-joined on ${idIdx >= 0 ? idName : '$row'} (${table.idColumn} in ${file}): a lead not in it did not convert; ${join.matched} of ${sampled} matched` };
}
