// The pipeline behind `leadscore evaluate`: score the leads with runScore (no outputs, the onScored hook),
// keep each evaluated lead's score, outcome, band, grade and fired rules in typed arrays, then build the
// evaluation (src/core/report/evaluation.ts) and write evaluation.md, evaluation.json and scores.csv to
// OUTDIR atomically (OutputSet), or hand them back for stdout.
import type { Model } from '../core/model/types.js';
import type { CompiledModel } from '../core/score/compiled.js';
import { columnMatcher } from '../core/columns.js';
import { present } from '../core/value.js';
import type { Target } from '../core/learn/thresholds.js';
import type { RuleInfo } from '../core/learn/rule-analysis.js';
import {
  type Evaluation, type EvaluationSample, type ModelFacts, type OutcomeFacts,
  compareModels, evaluateModel, evaluationToMarkdown,
} from '../core/report/evaluation.js';
import { csvLine } from './csv-writer.js';
import { InputError } from './errors.js';
import { missingColumn, openInput } from './inputs.js';
import { OutputSet } from './output.js';
import { runScore } from './score-run.js';

/** Outcome values counted as converted when --positive is not given (compared case-insensitively). */
export const DEFAULT_POSITIVE = ['yes', 'y', 'true', 't', '1', 'won', 'closed won', 'closed-won', 'win', 'converted', 'success', 'positive'];

export interface LoadedModel {
  model: Model;
  path: string;
  sha256: string;
}

export interface EvaluateRunOptions {
  model: LoadedModel;
  compare?: LoadedModel;
  /** Lead files, or none (the leads are then the activities' lead ids; the outcome comes from --outcomes). */
  leads: string | string[];
  activities: string[];
  asOfMs: number;
  version: string;
  command?: string;
  outcome: string;
  /** A CSV with the lead id and the outcome column, joined on the lead id. */
  outcomesFile?: string;
  /** The id column of the outcomes file (default: the model's lead id column; `row` for `$row`). */
  outcomesId?: string;
  positive?: string[];
  bootstrap: number;
  seed: number;
  target?: Target;
  outDir?: string;
  /** Which report formats to write in outDir (default all: evaluation.md, evaluation.json, evaluation.html). */
  formats?: ReadonlySet<'md' | 'json' | 'html'>;
  delimiter?: string;
  encoding?: string;
}

export interface EvaluateRunResult {
  evaluation: Evaluation;
  markdown: string;
  files: string[];
}

const LS_OUTCOME_COLUMN = 'LS140';
const LS_OUTCOMES_ID = 'LS141';



/** The outcomes file as id -> outcome cell (the first row of an id wins). */
async function readOutcomes(o: EvaluateRunOptions, idColumn: string): Promise<Map<string, string>> {
  const f = await openInput(o.outcomesFile!, 'outcomes', o);
  const m = columnMatcher(f.header);
  const ii = m(idColumn);
  if (ii < 0) {
    f.close();
    throw missingColumn(idColumn, f.header, f.path, 'lead id (--outcomes-id)', LS_OUTCOMES_ID, f.headerLine);
  }
  const oi = m(o.outcome);
  if (oi < 0) {
    f.close();
    throw missingColumn(o.outcome, f.header, f.path, 'outcome (--outcome)', LS_OUTCOME_COLUMN, f.headerLine);
  }
  const out = new Map<string, string>();
  for await (const batch of f.batches(() => undefined)) {
    for (const r of batch) {
      const id = (r.fields[ii] ?? '').trim();
      if (id && !out.has(id)) out.set(id, r.fields[oi] ?? '');
    }
  }
  return out;
}

/** Growable typed arrays: memory grows with evaluated leads and their fired rules only. */
class Grow<T extends Float64Array | Int32Array | Uint8Array | Uint32Array> {
  length = 0;
  constructor(private a: T, private readonly make: (n: number) => T) {}
  push(x: number): void {
    if (this.length === this.a.length) {
      const b = this.make(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = x;
  }
  done(): T {
    return this.a.subarray(0, this.length) as T;
  }
}

interface Collected {
  sample: EvaluationSample;
  facts: ModelFacts;
  counts: { leadsRead: number; scored: number; rejected: number; missing: number; notInOutcomes: number };
  values: Map<string, number>;
  inputs: { role: string; path: string; rows: number; rejected: number }[];
}

function ruleInfos(cm: CompiledModel): RuleInfo[] {
  const levels = new Set<number>();
  for (const f of cm.fit) if (f.kind === 'values' || f.kind === 'ranges') levels.add(f.slot);
  return cm.rules.map((r, s) => ({ id: r.id, section: r.section, path: r.path, levels: levels.has(s) }));
}

/** Calibration applies when the score is 100 × the predicted probability (a predictive section, weight 1). */
function calibrationFacts(model: Model): { predictive: boolean; notProbability?: string } {
  const p = (model as { predictive?: { weight?: number } }).predictive;
  if (!p) return { predictive: false };
  const w = p.weight ?? 1;
  if (w === 1) return { predictive: true };
  return { predictive: false, notProbability: `the score blends rule points with 100 × the predicted probability (predictive weight ${w}), so score / 100 is not a probability` };
}

async function collect(o: EvaluateRunOptions, lm: LoadedModel, outcomes: Map<string, string> | undefined, isPositive: (v: string) => boolean): Promise<Collected> {
  const ids: string[] = [];
  const scores = new Grow(new Float64Array(1024), (n) => new Float64Array(n));
  const labels = new Grow(new Uint8Array(1024), (n) => new Uint8Array(n));
  const bands = new Grow(new Int32Array(1024), (n) => new Int32Array(n));
  const grades = new Grow(new Int32Array(1024), (n) => new Int32Array(n));
  const offsets = new Grow(new Uint32Array(1024), (n) => new Uint32Array(n));
  const slots = new Grow(new Uint32Array(4096), (n) => new Uint32Array(n));
  const points = new Grow(new Float64Array(4096), (n) => new Float64Array(n));
  offsets.push(0);
  const gradeIndex = new Map<string, number>();
  const gradeNames: string[] = [];
  const values = new Map<string, number>();
  let outcomeIndex = -2; // -2: not looked up yet
  let cmSeen: CompiledModel | undefined;
  let missing = 0;
  let notInOutcomes = 0;
  let scoredCount = 0;
  const pointOf = new Map<number, number>();

  const res = await runScore({
    model: lm.model,
    modelPath: lm.path,
    modelSha256: lm.sha256,
    leads: o.leads,
    activities: o.activities,
    asOfMs: o.asOfMs,
    version: o.version,
    ...(o.delimiter ? { delimiter: o.delimiter } : {}),
    ...(o.encoding ? { encoding: o.encoding } : {}),
    onScored: ({ id, row, lead, cm }) => {
      scoredCount++;
      if (!cmSeen) {
        cmSeen = cm;
        if (cm.model.grade) {
          for (const f of cm.model.grade.fit.entries) {
            for (const a of cm.model.grade.activity.entries) {
              gradeIndex.set(f.label + a.label, gradeNames.length);
              gradeNames.push(f.label + a.label);
            }
          }
        }
      }
      let cell: string | undefined;
      if (outcomes) {
        cell = outcomes.get(id);
        if (cell === undefined) {
          notInOutcomes++;
          return;
        }
      } else {
        if (outcomeIndex === -2) {
          outcomeIndex = columnMatcher(cm.leadHeader)(o.outcome);
          if (outcomeIndex < 0) throw missingColumn(o.outcome, cm.leadHeader, leadPathsOf(o)[0] ?? '-', 'outcome (--outcome)', LS_OUTCOME_COLUMN);
        }
        cell = row[outcomeIndex];
      }
      const v = present(cell, cm.nulls);
      if (v === undefined) {
        missing++;
        return;
      }
      const key = v.trim();
      values.set(key, (values.get(key) ?? 0) + 1);
      ids.push(id);
      scores.push(lead.score);
      labels.push(isPositive(key) ? 1 : 0);
      bands.push(lead.band);
      grades.push(lead.grade ? (gradeIndex.get(lead.grade) ?? -1) : -1);
      pointOf.clear();
      for (const c of lead.contributions) pointOf.set(c.slot, (pointOf.get(c.slot) ?? 0) + c.points);
      const seen = new Set<number>();
      for (const s of lead.fired) {
        if (seen.has(s)) continue;
        seen.add(s);
        slots.push(s);
        points.push(pointOf.get(s) ?? 0);
      }
      offsets.push(slots.length);
    },
  });
  const s = res.summary;
  const facts: ModelFacts = {
    name: lm.model.name,
    path: lm.path,
    sha256: lm.sha256,
    bands: lm.model.bands,
    rules: cmSeen ? ruleInfos(cmSeen) : [],
    ...calibrationFacts(lm.model),
  };
  return {
    sample: {
      ids,
      scores: scores.done(),
      labels: labels.done(),
      bands: bands.done(),
      grades: grades.done(),
      gradeNames,
      firings: { offsets: offsets.done(), slots: slots.done(), points: points.done() },
    },
    facts,
    counts: { leadsRead: s.counts.leads_read, scored: scoredCount, rejected: s.counts.rejected, missing, notInOutcomes },
    values,
    inputs: s.inputs.map((i) => ({ role: i.role, path: i.path, rows: i.rows, rejected: i.rejected })),
  };
}

const leadPathsOf = (o: EvaluateRunOptions): string[] => (typeof o.leads === 'string' ? [o.leads] : o.leads);

export async function runEvaluate(o: EvaluateRunOptions): Promise<EvaluateRunResult> {
  const started = Date.now();
  const positives = (o.positive && o.positive.length ? o.positive : DEFAULT_POSITIVE).map((p) => p.trim().toLowerCase());
  const positiveSet = new Set(positives);
  const isPositive = (v: string) => positiveSet.has(v.trim().toLowerCase());

  // Check the outcome column up front (before reading every lead and activity), when the leads are a file.
  let outcomes: Map<string, string> | undefined;
  if (o.outcomesFile) {
    const idName = o.model.model.input.leads.id;
    outcomes = await readOutcomes(o, o.outcomesId ?? (idName === '$row' ? 'row' : idName));
  } else if (leadPathsOf(o).length === 0) {
    throw new InputError('LS165', 'without a leads file the outcome must come from --outcomes FILE', undefined, undefined,
      'give --outcomes with the lead ids and the outcome column, or the leads file with -l');
  } else if (leadPathsOf(o)[0] !== '-') {
    const f = await openInput(leadPathsOf(o)[0]!, 'leads', o);
    f.close();
    if (columnMatcher(f.header)(o.outcome) < 0) throw missingColumn(o.outcome, f.header, f.path, 'outcome (--outcome)', LS_OUTCOME_COLUMN, f.headerLine);
  }

  const a = await collect(o, o.model, outcomes, isPositive);
  const opts = { bootstrap: o.bootstrap, seed: o.seed, ...(o.target ? { target: o.target } : {}) };
  const model = evaluateModel(a.facts, a.sample, opts);
  let compare: Evaluation['compare'];
  if (o.compare) {
    const b = await collect(o, o.compare, outcomes, isPositive);
    compare = compareModels(a.facts, a.sample, b.facts, b.sample, opts);
  }
  const n = a.sample.labels.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += a.sample.labels[i]!;
  const values = [...a.values.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 12);
  const outcome: OutcomeFacts = {
    column: o.outcome,
    source: o.outcomesFile ?? 'leads',
    positive_values: o.positive && o.positive.length ? o.positive : DEFAULT_POSITIVE,
    values: values.map(([value, leads]) => ({ value, leads, positive: isPositive(value) })),
    leads_read: a.counts.leadsRead,
    scored: a.counts.scored,
    rejected: a.counts.rejected,
    evaluated: n,
    missing_outcome: a.counts.missing,
    not_in_outcomes: a.counts.notInOutcomes,
    positives: pos,
    negatives: n - pos,
  };
  const evaluation: Evaluation = {
    leadscore_version: o.version,
    as_of: new Date(o.asOfMs).toISOString(),
    started_at: new Date(started).toISOString(),
    duration_ms: Date.now() - started,
    ...(o.command ? { command: o.command } : {}),
    inputs: a.inputs,
    outcome,
    model,
    ...(compare ? { compare } : {}),
  };
  const markdown = evaluationToMarkdown(evaluation);
  const files: string[] = [];
  if (o.outDir !== undefined) {
    const out = await OutputSet.create(o.outDir);
    try {
      const formats = o.formats ?? new Set(['md', 'json', 'html']);
      if (formats.has('json')) await out.file('evaluation.json').write(JSON.stringify(evaluation, null, 2) + '\n');
      if (formats.has('md')) await out.file('evaluation.md').write(markdown);
      if (formats.has('html')) {
        const { renderEvaluationHtml } = await import('./html/evaluation.js'); // vega loads only when needed
        await out.file('evaluation.html').write(await renderEvaluationHtml(evaluation));
      }
      for (const f of ['md', 'json', 'html'] as const) if (formats.has(f)) files.push(`evaluation.${f}`);
      const sc = out.file('scores.csv');
      await sc.write(csvLine(['lead_id', 'score', 'band', 'grade', 'outcome'], false));
      const s = a.sample;
      const bandName = o.model.model.bands.map((b) => b.name);
      for (let i = 0; i < n; i++) {
        const p = sc.write(csvLine([s.ids[i]!, String(s.scores[i]), bandName[s.bands[i]!] ?? '', s.grades[i]! >= 0 ? s.gradeNames[s.grades[i]!]! : '', String(s.labels[i])], true));
        if (p) await p;
      }
      await out.commit();
    } catch (e) {
      await out.abort();
      throw e;
    }
    files.push('scores.csv');
  }
  return { evaluation, markdown, files };
}
