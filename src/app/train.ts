// The use case behind `leadscore train`: read the leads (and activities), build the candidate feature
// columns and the outcome (labelled through the LEFT join of app/outcomes.ts with --outcomes), train
// (core/learn/train.ts), and write the model YAML (with a header comment of the training facts:
// core/learn/trained-model.ts) and on request the split and the holdout rows. Over the ports of
// TrainPorts: input files, one-rename file replacement (io/replacing-file.ts), stdout for -o -, the YAML
// text of the model (io/trained-model-yaml.ts) and the clock. Outputs are atomic.
import { columnMatcher } from '../core/columns.js';
import { csvLine } from '../core/csv/writer.js';
import { detectPlaceholders } from '../core/detect.js';
import { findLeadId } from '../core/init/recognise.js';
import { makeNulls, type NumberFormat, present } from '../core/value.js';
import { baseName } from '../core/text.js';
import { DEFAULT_NULL_VALUES } from '../core/model/types.js';
import type { TrainColumn } from '../core/learn/encode.js';
import { ActivityFeatureFold, activityFeatureModel } from '../core/learn/activity-features.js';
import { activityColumnNames } from '../core/learn/train-columns.js';
import { ActivityFolder } from '../core/score/activity-fold.js';
import { compileModel, type ScoringEnv } from '../core/score/compiled.js';
import type { Model } from '../core/model/types.js';
import { reliability, type Reliability } from '../core/learn/metrics.js';
import { bandFigures, type BandFigures, STRONG_AUC, train, type TrainResult } from '../core/learn/train.js';
import { roundSection, trainedModel, type TrainedModel } from '../core/learn/trained-model.js';
import { aucOf } from '../core/learn/logistic.js';
import { convertedRuleFor, normaliseOutcome } from '../core/learn/converted.js';
import { compilePredictive } from '../core/score/predictive.js';
import { InputError } from './errors.js';
import { requireColumn } from './columns.js';
import { joinOutcomes, readOutcomesTable, type OutcomesJoin, type OutcomesTable } from './outcomes.js';
import type { Clock, InputFiles, ReplacingOutput } from './ports.js';

/** What train reads and writes through (cli/ports.ts wires the Node adapters). */
export interface TrainPorts {
  inputs: InputFiles;
  /** A file replaced by one rename on commit, the old one kept on abort (io/replacing-file.ts). */
  replacing(path: string): Promise<ReplacingOutput>;
  /** -o -: the model text on standard output. */
  stdout(text: string): Promise<void>;
  /** The trained model as YAML text (io/trained-model-yaml.ts). */
  modelYaml(m: TrainedModel): string;
  clock: Clock;
}

/** The choices of a training run as the command line gives them (train's options, one for one). */
export interface TrainFlags {
  leads: string;
  /** The outcome column (of the leads, or of outcomesFile); without it, being in outcomesFile is the outcome. */
  outcome?: string;
  /** The id column of outcomesFile (default: the lead id column). */
  outcomesId?: string;
  positive?: string;
  features?: string[];
  exclude?: string[];
  /** Features to keep even when the leakage guard or the id detection would leave them out. */
  keep?: string[];
  holdout: number;
  seed: number;
  folds?: number;
  nullValues?: string[];
  id?: string;
  out: string;
  asPoints?: boolean;
  name?: string;
  writeSplit?: string;
  holdoutOut?: string;
  delimiter?: string;
  encoding?: string;
  numberFormat?: NumberFormat;
  activityLeadId?: string;
  activityType?: string;
  activityTimestamp?: string;
}

export interface TrainRunOptions extends TrainFlags {
  /** A CSV of outcomes, LEFT-joined on the lead id: a lead not in it did not convert. */
  outcomesFile?: string;
  /** The activity files, expanded (folders and globs). */
  activities: string[];
  asOfMs: number;
  /** as-of was taken from the activities (--as-of latest): said in the model header. */
  asOfLatest?: boolean;
  /**
   * A model whose reading of the activities train adopts (train -m): its activity columns, null_values,
   * date_format, engagement.window_days and bot_filter. The trained model keeps them, so that score
   * computes the activity.* features as train did.
   */
  model?: Model;
  version: string;
  command: string;
  /** A note for the user (printed by the CLI, e.g. a feature left out). */
  onNote?: (kind: 'warning' | 'note', message: string) => void;
}

export interface TrainRunResult {
  result: TrainResult;
  rows: number;
  skipped: { missingOutcome: number; badRows: number; duplicateIds: number };
  /** Holdout AUC of the written model (re-scored from the rounded YAML values). */
  holdoutAuc: number;
  /** Of the written model on the holdout (training rows without one); none for --as-points. */
  calibration?: Reliability;
  /** Precision and recall of the proposed bands on the holdout (none for --as-points). */
  bands: BandFigures[];
  nullValues: string[];
  positiveLabel: string;
  idColumn: string;
  files: string[];
  activities?: { used: number; future: number; orphans: number; rejected: number; outside_window?: number; bot_filter?: number };
  /** With --outcomes: how the file joined the leads. */
  join?: OutcomesJoin;
}


/** Train reads no e-mail address for quality checks. */
const NO_ENV: ScoringEnv = { isDisposableDomain: () => false };

/**
 * The activity.* features of the leads `ids` (in that order): every activity file through the fold score
 * uses (ActivityFolder: row checks with date_format and null_values, as-of, window, bot filter); the
 * activities it counts feed the features.
 */
export async function foldActivityFeatures(
  inputs: InputFiles,
  o: Pick<TrainRunOptions, 'activities' | 'asOfMs' | 'activityLeadId' | 'activityType' | 'activityTimestamp' | 'model' | 'delimiter' | 'encoding'>,
  ids: readonly string[],
  idColumn: string,
  nullValues: readonly string[],
): Promise<{ fold: ActivityFeatureFold; facts: NonNullable<TrainRunResult['activities']>; activityInput: { leadId: string; type: string; timestamp: string } }> {
  const features = new ActivityFeatureFold(ids.length, o.asOfMs);
  let activityInput: { leadId: string; type: string; timestamp: string } | undefined;
  const slot = new Map(ids.map((id, i) => [id, i]));
  const facts = { used: 0, future: 0, orphans: 0, rejected: 0, outside_window: 0, bot_filter: 0 };
  for (const path of o.activities) {
    const f = await inputs.open(path, 'activities', o);
    const { leadId: leadIdName, type: typeName, timestamp: tsName } = activityColumnNames(f.header, o, idColumn);
    requireColumn(f, leadIdName, 'lead id of an activity (--activity-lead-id)');
    requireColumn(f, typeName, 'activity type (--activity-type)');
    requireColumn(f, tsName, 'activity timestamp (--activity-timestamp)');
    activityInput ??= { leadId: leadIdName, type: typeName, timestamp: tsName };
    // the fold score uses: its row checks, as-of, window and bot filter decide what the features count
    const cm = compileModel(activityFeatureModel(o.model, { leadId: leadIdName, type: typeName, timestamp: tsName }, nullValues), { leadHeader: [], asOfMs: o.asOfMs, env: NO_ENV });
    const folder = new ActivityFolder(cm, f.header, () => undefined, {
      trace: (a) => {
        if (a.status === 'rejected') return;
        const s = slot.get(a.leadId);
        if (s === undefined) facts.orphans++;
        else if (a.status === 'counted') {
          facts.used++;
          features.add(s, a.type, a.t);
        } else if (a.status === 'after_as_of') facts.future++;
        else if (a.status === 'outside_window') facts.outside_window++;
        else facts.bot_filter++;
      },
    });
    for await (const batch of f.batches((b) => folder.badRow(b))) folder.addBatch(batch);
    folder.finish();
    facts.rejected += folder.counts.rejected;
  }
  const { outside_window, bot_filter, ...rest } = facts;
  return {
    fold: features,
    facts: { ...rest, ...(outside_window ? { outside_window } : {}), ...(bot_filter ? { bot_filter } : {}) },
    activityInput: activityInput!,
  };
}

/** Above this expected calibration error (5 points of score) train warns that the score is not a reliable chance. */
const ECE_WARN = 0.05;

/** Rows read to recognise the lead id column (as init does). */
const ID_SAMPLE_ROWS = 2000;

export async function trainModel(ports: TrainPorts, o: TrainRunOptions): Promise<TrainRunResult> {
  const note = o.onNote ?? (() => undefined);
  const leads = await ports.inputs.open(o.leads, 'leads', o);
  const header = leads.header.map((h) => h.trim());
  if (o.outcome === undefined && !o.outcomesFile) throw new InputError('LS140', 'no outcome: give --outcome COLUMN, or --outcomes FILE', o.leads);
  const outcomeIdx = o.outcomesFile ? -1 : requireColumn(leads, o.outcome!, '--outcome', 'LS140');
  const outcomeName = o.outcome ?? baseName(o.outcomesFile ?? 'outcomes');
  const match = columnMatcher(header);
  for (const name of [...(o.features ?? []), ...(o.exclude ?? []), ...(o.keep ?? [])]) {
    if (match(name) < 0 && !/^activity\./.test(name)) requireColumn(leads, name, '--features / --exclude / --keep', 'LS146');
  }
  const skipped = { missingOutcome: 0, badRows: 0, duplicateIds: 0 };

  // --- read every row first: the lead id and the placeholders are found on the data (detect.ts,
  // recognise.ts: the same detection as init)
  const fieldsOf: string[][] = [];
  const rawOf: string[] = [];
  for await (const batch of leads.batches(() => void skipped.badRows++)) {
    for (const row of batch) {
      fieldsOf.push(row.fields);
      if (o.holdoutOut) rawOf.push(row.raw);
    }
  }
  const notOutcome = new Set([outcomeIdx]);
  // null values: --null-values, else the base model's (-m), else the defaults and the placeholders found
  const placeholders = o.nullValues || o.model ? [] : detectPlaceholders(header, fieldsOf, notOutcome);
  const nullValues = o.nullValues ?? (o.model ? [...o.model.input.leads.nullValues] : [...DEFAULT_NULL_VALUES]);
  for (const p of placeholders) if (!nullValues.some((v) => v.trim().toLowerCase() === p.token.toLowerCase())) nullValues.push(p.token);
  for (const p of placeholders) {
    note('note', `treating "${p.token}" as missing (a placeholder: ${p.columns.map((c) => `${c.count} in ${c.name}`).join(', ')}); --null-values sets the list`);
  }
  const nulls = makeNulls(nullValues);
  const idColumn = o.id ?? findLeadId(header, fieldsOf.slice(0, ID_SAMPLE_ROWS), notOutcome) ?? '$row';
  const idIdx = idColumn === '$row' ? -1 : requireColumn(leads, idColumn, '--id');
  if (!o.id) note('note', idColumn === '$row' ? 'no lead id column recognised: leads are keyed by their data row ($row); --id names one' : `lead id: ${idColumn} (--id chooses another)`);
  // --outcomes: read once the lead id column and the null values are known; LEFT-joined on the lead id below
  let table: OutcomesTable | undefined;
  if (o.outcomesFile) {
    table = await readOutcomesTable(ports.inputs, {
      file: o.outcomesFile, idColumn: o.outcomesId ?? (idColumn === '$row' ? 'row' : idColumn),
      ...(o.outcome !== undefined ? { outcome: o.outcome } : {}), ...(o.positive !== undefined ? { positive: [o.positive] } : {}),
      nulls, ...(o.delimiter ? { delimiter: o.delimiter } : {}), ...(o.encoding ? { encoding: o.encoding } : {}),
    });
  }
  const excluded = new Set([outcomeIdx, idIdx, ...(o.exclude ?? []).map((n) => match(n))]);
  const wanted = o.features ? new Set(o.features.map((n) => match(n)).filter((i) => i >= 0)) : undefined;
  const candidates = header.map((_, i) => i).filter((i) => !excluded.has(i) && (!wanted || wanted.has(i)));

  // --- one array of present cells per candidate column
  const cells: (string | undefined)[][] = candidates.map(() => []);
  /** Without --outcomes: each row's outcome cell (an empty one is kept until the column's kind is known). */
  const outcomes: (string | undefined)[] = [];
  const ids: string[] = [];
  const lines: number[] = [];
  const raws: string[] = [];
  const seen = new Set<string>();
  fieldsOf.forEach((fields, r) => {
    const dataRow = r + 1;
    const id = idIdx < 0 ? String(dataRow) : present(fields[idIdx], nulls);
    if (id === undefined || seen.has(id)) {
      skipped.duplicateIds++;
      return;
    }
    seen.add(id);
    ids.push(id);
    lines.push(dataRow);
    if (!table) outcomes.push(present(fields[outcomeIdx], nulls));
    if (o.holdoutOut) raws.push(rawOf[r]!);
    for (let c = 0; c < candidates.length; c++) cells[c]!.push(present(fields[candidates[c]!], nulls));
  });
  fieldsOf.length = 0;
  // --- outcome: the converted rule (core/learn/converted.ts); --positive replaces the converted words
  if (!table && !outcomes.some((v) => v !== undefined)) throw new InputError('LS144', `no row with an outcome in column "${outcomeName}"`, o.leads, undefined, 'check --outcome and the null values');
  const labels = new Map<string, { label: string; count: number }>();
  for (const v of table ? table.byId.values() : outcomes) {
    if (v === undefined) continue;
    const k = normaliseOutcome(v);
    const e = labels.get(k);
    if (e) e.count++;
    else labels.set(k, { label: v, count: 1 });
  }
  if (o.positive !== undefined && !labels.has(normaliseOutcome(o.positive))) {
    throw new InputError('LS144', `--positive "${o.positive}" is not a value of column "${outcomeName}"`, o.outcomesFile ?? o.leads, undefined,
      `values: ${[...labels.values()].slice(0, 10).map((l) => `"${l.label}"`).join(', ')}`);
  }
  const rule = table ? table.rule : convertedRuleFor([...labels.values()].map((l) => l.label), o.positive !== undefined ? [o.positive] : undefined);
  if (rule.kind === 'words' && ![...labels.values()].some((l) => rule.converted(l.label))) {
    throw new InputError('LS144', `cannot tell which value of "${outcomeName}" is the positive outcome: none of its ${labels.size} distinct values means converted`, o.outcomesFile ?? o.leads, undefined,
      `name it with --positive, e.g. --positive ${JSON.stringify([...labels.values()][0]?.label ?? 'won')}`);
  }
  // each row's label: with --outcomes the LEFT join of app/outcomes.ts (a lead not in the file did not
  // convert); else its cell by the rule. undefined: no outcome (an empty cell of a word column), left out
  let join: OutcomesJoin | undefined;
  let label: (0 | 1 | undefined)[];
  if (table) ({ y: label, join } = joinOutcomes(table, ids));
  else label = outcomes.map((v) => (v === undefined ? (rule.missingIsNegative ? 0 : undefined) : rule.converted(v) ? 1 : 0));
  skipped.missingOutcome = label.filter((v) => v === undefined).length;
  if (skipped.missingOutcome) {
    const compact = <T>(a: T[]): void => {
      let k = 0;
      for (let i = 0; i < a.length; i++) if (label[i] !== undefined) a[k++] = a[i]!;
      a.length = k;
    };
    compact(ids);
    compact(lines);
    if (o.holdoutOut) compact(raws);
    for (const c of cells) compact(c);
    compact(label);
  }
  const n = label.length;
  const y = Uint8Array.from(label, (v) => v ?? 0);
  const positiveLabel = rule.kind === 'presence' ? `in ${baseName(o.outcomesFile!)}` : rule.kind === 'dates' ? 'a date' : rule.kind === 'positive' ? labels.get(normaliseOutcome(o.positive!))!.label
    : [...labels.values()].filter((l) => rule.converted(l.label)).map((l) => l.label).join(' / ');

  // --- activities
  const columns: TrainColumn[] = candidates.map((c, k) => ({ name: header[c]!, kind: 'text', cells: cells[k]! }));
  let fold: ActivityFeatureFold | undefined;
  let actFacts: TrainRunResult['activities'];
  let activityInput: { leadId: string; type: string; timestamp: string } | undefined;
  if (o.activities.length) {
    const read = await foldActivityFeatures(ports.inputs, o, ids, idColumn, nullValues);
    fold = read.fold;
    actFacts = read.facts;
    activityInput = read.activityInput;
    const wantedActivity = o.features ? new Set(o.features.filter((f) => /^activity\./.test(f)).map((f) => f.toLowerCase())) : undefined;
    const excludedNames = new Set((o.exclude ?? []).map((f) => f.toLowerCase()));
    for (const c of fold.columns()) {
      const key = c.name.toLowerCase();
      if (excludedNames.has(key)) continue;
      if (wantedActivity && !wantedActivity.has(key)) continue;
      columns.push({ name: c.name, kind: 'number', values: c.values });
    }
  }

  const outcome = train(columns, y, {
    holdout: o.holdout, seed: o.seed, ...(o.folds ? { folds: o.folds } : {}),
    ...(o.features || o.keep ? { forced: [...(o.features ?? []), ...(o.keep ?? [])] } : {}), ...(o.numberFormat ? { numberFormat: o.numberFormat } : {}),
    asPoints: !!o.asPoints,
  });
  if (!outcome.ok) throw new InputError(outcome.code, outcome.message, o.leads, undefined, outcome.hint);
  const r = outcome.result;
  for (const d of r.dropped) note('note', `left out ${d.name}: ${d.reason}`);
  for (const l of r.leaks) {
    const why = l.reasons.join('; ');
    note('warning', l.kept
      ? `possible leak: ${l.name} kept because ${o.keep?.some((k) => k.trim().toLowerCase() === l.name.toLowerCase()) ? '--keep' : '--features'} names it (${why})`
      : `possible leak: ${l.name} left out: it looks recorded after the outcome (${why}). --keep "${l.name}" keeps it`);
  }
  for (const [name, auc] of r.featureAuc) {
    if (auc > STRONG_AUC && !r.leaks.some((l) => l.name === name)) {
      note('warning', `strong single predictor: ${name} (AUC ${auc.toFixed(3)} alone); make sure it is known before the outcome (e.g. not a call duration), or --exclude it`);
    }
  }

  // --- the written model, re-scored from its rounded values (what score / evaluate will see)
  const section = roundSection(r.section);
  const scorer = compilePredictive(section, columns.filter((c) => c.kind === 'text').map((c) => c.name), nulls, o.numberFormat ?? 'point');
  const textCols = columns.filter((c): c is Extract<TrainColumn, { kind: 'text' }> => c.kind === 'text');
  const rowOf = (i: number) => textCols.map((c) => c.cells[i]);
  const prob = new Float64Array(n);
  const evalRows = r.holdout.length ? r.holdout : r.train;
  for (const i of evalRows) prob[i] = scorer(rowOf(i), fold?.aggregates(i)).probability;
  const holdoutAuc = aucOf(prob, y, evalRows);
  // the score read as a chance: calibration and band figures of the written model on the holdout
  const calibration = o.asPoints ? undefined : reliability(prob, y, evalRows);
  const score100 = Float64Array.from(prob, (p) => 100 * p);
  const bands = o.asPoints ? [] : bandFigures(r.bands, score100, y, evalRows);
  if (calibration?.ece != null && calibration.ece > ECE_WARN) {
    note('warning', `the score read as a chance is off by ${(100 * calibration.ece).toFixed(1)} points on average on the ${r.holdout.length ? 'holdout' : 'training rows'} (expected calibration error; reliability table in the model header): rank by it, but read "score 30" as "about 30% converting" with care`);
  }

  const name = o.name ?? `${baseName(o.leads).replace(/\.csv(\.gz)?$/i, '')}-${outcomeName.replace(/\.csv(\.gz)?$/i, '')}`.replace(/[^A-Za-z0-9_.-]+/g, '-');
  const yaml = ports.modelYaml(trainedModel({
    o, r, section, name, idColumn, nullValues, positiveLabel, rows: n, holdoutAuc, activityInput, calibration, bands,
    trainedOn: new Date(ports.clock.now()).toISOString().slice(0, 10),
  }));

  // --- outputs (atomic)
  const files: string[] = [];
  // each file is replaced by one rename once all of them are written
  const sets: ReplacingOutput[] = [];
  const fileFor = async (path: string): Promise<ReplacingOutput | undefined> => {
    if (path === '-') return undefined;
    const set = await ports.replacing(path);
    sets.push(set);
    files.push(path);
    return set;
  };
  try {
    const modelFile = await fileFor(o.out);
    if (modelFile) await modelFile.write(yaml);
    else await ports.stdout(yaml);
    if (o.writeSplit) {
      const f = await fileFor(o.writeSplit);
      const inHoldout = new Uint8Array(n);
      for (const i of r.holdout) inHoldout[i] = 1;
      if (f) {
        await f.write(csvLine(['row', 'id', 'set', 'outcome'], false));
        for (let i = 0; i < n; i++) await f.write(csvLine([String(lines[i]), ids[i]!, inHoldout[i] ? 'holdout' : 'train', String(y[i])], false));
      }
    }
    if (o.holdoutOut) {
      const f = await fileFor(o.holdoutOut);
      if (f) {
        // the header in the file's own delimiter, so that the raw rows below read back as they were
        const q = (h: string) => (/["\r\n]/.test(h) || h.includes(leads.delimiter) ? `"${h.replace(/"/g, '""')}"` : h);
        await f.write(leads.header.map(q).join(leads.delimiter) + '\n');
        for (const i of r.holdout) await f.write(raws[i]! + '\n');
      }
    }
    for (const s of sets) await s.commit();
  } catch (e) {
    for (const s of sets) await s.abort();
    throw e;
  }
  return {
    result: r, rows: n, skipped, holdoutAuc, positiveLabel, idColumn, files, bands, nullValues,
    ...(calibration ? { calibration } : {}), ...(actFacts ? { activities: actFacts } : {}), ...(join ? { join } : {}),
  };
}
