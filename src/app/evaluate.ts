// The use case behind `leadscore evaluate`: score the leads (the score port: the score use case without outputs,
// its onScored hook), keep each evaluated lead's score, outcome, band, grade and fired rules in typed
// arrays, then build the evaluation (src/core/report/evaluation.ts) and write evaluation.md,
// evaluation.json, evaluation.html and scores.csv to OUTDIR as one set (the outputs port), or hand them
// back for stdout.
import type { Model } from '../core/model/types.js';
import type { CompiledModel } from '../core/score/compiled.js';
import { columnMatcher } from '../core/columns.js';
import { present } from '../core/value.js';
import type { Target } from '../core/learn/thresholds.js';
import {
  CONVERTED_WORDS, OutcomeClass, type ConvertedRule, type OutcomeCounts,
  classifyOutcome, convertedRule, countOutcome, newOutcomeCounts, normaliseOutcome, outcomeKind,
} from '../core/learn/converted.js';
import type { RuleInfo } from '../core/learn/rule-analysis.js';
import type { RunWarning } from '../core/report/warnings.js';
import type { Summary } from '../core/report/summary.js';
import {
  type Evaluation, type EvaluationSample, type ModelFacts, type OutcomeFacts,
  compareModels, evaluateModel, evaluationToMarkdown,
} from '../core/report/evaluation.js';
import { csvLine } from '../core/csv/writer.js';
import { InputError } from './errors.js';
import { missingColumn } from './columns.js';
import { LS_OUTCOME_COLUMN, joinOutcomes, readOutcomesTable, type OutcomesJoin, type OutcomesTable } from './outcomes.js';
import type { Clock, InputFiles, OutputSetPort, ScoreRequest } from './ports.js';
import { makeNulls } from '../core/value.js';

export interface EvaluatePorts {
  inputs: InputFiles;
  /** Scores the leads without writing outputs, every scored lead handed to onScored (app/score.ts). */
  score(o: ScoreRequest): Promise<{ summary: Summary; warnings: RunWarning[] }>;
  /** A set of output files in OUTDIR, published together (io/output-set.ts: OutputSet). */
  outputs(dir: string): Promise<OutputSetPort>;
  /** evaluation.html (io/html/evaluation.ts). */
  evaluationHtml(e: Evaluation): Promise<string>;
  clock: Clock;
}

/** Outcome values counted as converted when --positive is not given: the one rule of core/learn/converted.ts. */
export const DEFAULT_POSITIVE = CONVERTED_WORDS;

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
  /** The outcome column (of the leads, or of outcomesFile); without it, being in outcomesFile is the outcome. */
  outcome?: string;
  /** A CSV of outcomes, LEFT-joined on the lead id: a lead not in it did not convert. */
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
  /** A rejected row or a run warning (LS171–LS176) stops the evaluation: InputError, exit 3 (as score --strict). */
  strict?: boolean;
}

export interface EvaluateRunResult {
  evaluation: Evaluation;
  markdown: string;
  files: string[];
  /** With --outcomes: how the file joined the leads. */
  join?: OutcomesJoin;
}

/** Codes of an evaluation that cannot rank anything: no evaluated lead converted / every one did. */
export const LS_NO_POSITIVE = 'LS143';
export const LS_NO_NEGATIVE = 'LS170';

/** scores.csv: the lead_id column is a key (not guarded). */
const ID_KEY = [true];



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

/** An evaluated lead's outcome cell before the column's kind is known: an OutcomeClass, or this. */
const MISSING = 3; // an empty outcome cell

interface Collected {
  /** Every scored lead with an outcome cell (present or empty); labels are filled in by labelSample. */
  sample: EvaluationSample;
  /** Without --outcomes, per lead of sample: its OutcomeClass, or MISSING for an empty cell. */
  classes: Uint8Array;
  outcomeCounts: OutcomeCounts;
  facts: ModelFacts;
  counts: { leadsRead: number; scored: number; rejected: number };
  values: Map<string, number>;
  inputs: { role: string; path: string; rows: number; rejected: number }[];
  /** The scoring run's warnings (core/report/warnings.ts: LS171–LS176, and a rule's missing column). */
  warnings: RunWarning[];
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

async function collect(ports: EvaluatePorts, o: EvaluateRunOptions, lm: LoadedModel, outcomes: OutcomesTable | undefined, classify: (v: string) => OutcomeClass): Promise<Collected> {
  const ids: string[] = [];
  const scores = new Grow(new Float64Array(1024), (n) => new Float64Array(n));
  const classes = new Grow(new Uint8Array(1024), (n) => new Uint8Array(n));
  const outcomeCounts = newOutcomeCounts();
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
  let scoredCount = 0;
  const pointOf = new Map<number, number>();

  const res = await ports.score({
    model: lm.model,
    modelPath: lm.path,
    modelSha256: lm.sha256,
    leads: o.leads,
    activities: o.activities,
    asOfMs: o.asOfMs,
    version: o.version,
    ...(o.delimiter ? { delimiter: o.delimiter } : {}),
    ...(o.encoding ? { encoding: o.encoding } : {}),
    // --strict: a rejected row or a run warning stops the evaluation (exit 3), as in score
    ...(o.strict ? { strict: true } : {}),
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
      if (outcomes) {
        // labelled after the run by the LEFT join of app/outcomes.ts (joinOutcomes); here only the values seen
        const v = outcomes.rule.kind === 'presence' ? undefined : outcomes.byId.get(id);
        if (v !== undefined) values.set(v, (values.get(v) ?? 0) + 1);
      } else {
        if (outcomeIndex === -2) {
          outcomeIndex = columnMatcher(cm.leadHeader)(o.outcome!);
          if (outcomeIndex < 0) throw missingColumn(o.outcome!, cm.leadHeader, leadPathsOf(o)[0] ?? '-', 'outcome (--outcome)', LS_OUTCOME_COLUMN);
        }
        const v = present(row[outcomeIndex], cm.nulls);
        if (v === undefined) classes.push(MISSING);
        else {
          values.set(v, (values.get(v) ?? 0) + 1);
          const cls = classify(v);
          countOutcome(outcomeCounts, cls);
          classes.push(cls);
        }
      }
      ids.push(id);
      scores.push(lead.score);
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
      labels: new Uint8Array(scores.length),
      bands: bands.done(),
      grades: grades.done(),
      gradeNames,
      firings: { offsets: offsets.done(), slots: slots.done(), points: points.done() },
    },
    classes: classes.done(),
    outcomeCounts,
    facts,
    counts: { leadsRead: s.counts.leads_read, scored: scoredCount, rejected: s.counts.rejected },
    values,
    inputs: s.inputs.map((i) => ({ role: i.role, path: i.path, rows: i.rows, rejected: i.rejected })),
    warnings: res.warnings,
  };
}

const leadPathsOf = (o: EvaluateRunOptions): string[] => (typeof o.leads === 'string' ? [o.leads] : o.leads);

/**
 * Labels, and the leads left out. With --outcomes, the LEFT join of app/outcomes.ts (joinOutcomes): a
 * lead not in the file did not convert. Else the lead's outcome cell by the converted rule. Either way an
 * empty outcome cell is no outcome for a word column (left out, counted as missing) and a negative for a
 * date column.
 */
function labelSample(c: Collected, rule: ConvertedRule, outcomes: OutcomesTable | undefined): { sample: EvaluationSample; missing: number; join?: OutcomesJoin } {
  const s = c.sample;
  const n = s.ids.length;
  let join: OutcomesJoin | undefined;
  let labelOf: (i: number) => 0 | 1 | undefined;
  if (outcomes) {
    const joined = joinOutcomes(outcomes, s.ids);
    join = joined.join;
    labelOf = (i) => joined.y[i];
  } else {
    labelOf = (i) => {
      const cls = c.classes[i]!;
      if (cls === MISSING) return rule.missingIsNegative ? 0 : undefined;
      return cls === OutcomeClass.Word || (rule.kind === 'dates' && cls === OutcomeClass.Date) ? 1 : 0;
    };
  }
  const keep = new Uint8Array(n);
  const label = new Uint8Array(n);
  let kept = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = labelOf(i);
    if (v === undefined) missing++;
    else {
      keep[i] = 1;
      label[i] = v;
      kept++;
    }
  }
  const f = s.firings;
  const ids: string[] = [];
  const scores = new Float64Array(kept);
  const labels = new Uint8Array(kept);
  const bands = new Int32Array(kept);
  const grades = new Int32Array(kept);
  const offsets = new Uint32Array(kept + 1);
  let total = 0;
  for (let i = 0; i < n; i++) if (keep[i]) total += f.offsets[i + 1]! - f.offsets[i]!;
  const slots = new Uint32Array(total);
  const points = new Float64Array(total);
  let k = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    ids.push(s.ids[i]!);
    scores[k] = s.scores[i]!;
    labels[k] = label[i]!;
    bands[k] = s.bands[i]!;
    grades[k] = s.grades[i]!;
    for (let j = f.offsets[i]!; j < f.offsets[i + 1]!; j++) {
      slots[at] = f.slots[j]!;
      points[at] = f.points[j]!;
      at++;
    }
    k++;
    offsets[k] = at;
  }
  return {
    sample: { ids, scores, labels, bands, grades, gradeNames: s.gradeNames, firings: { offsets, slots, points } },
    missing,
    ...(join ? { join } : {}),
  };
}

export async function evaluateLeads(ports: EvaluatePorts, o: EvaluateRunOptions): Promise<EvaluateRunResult> {
  const started = ports.clock.now();
  // The converted rule (core/learn/converted.ts); --positive values replace the converted words.
  const positive = o.positive && o.positive.length ? o.positive : undefined;
  const positiveSet = new Set((positive ?? []).map(normaliseOutcome));
  const classify = positive
    ? (v: string): OutcomeClass => (positiveSet.has(normaliseOutcome(v)) ? OutcomeClass.Word : OutcomeClass.Other)
    : classifyOutcome;

  // Check the outcome column up front (before reading every lead and activity), when the leads are a file.
  let outcomes: OutcomesTable | undefined;
  if (o.outcomesFile) {
    const idName = o.model.model.input.leads.id;
    outcomes = await readOutcomesTable(ports.inputs, {
      file: o.outcomesFile, idColumn: o.outcomesId ?? (idName === '$row' ? 'row' : idName),
      ...(o.outcome !== undefined ? { outcome: o.outcome } : {}), ...(positive ? { positive } : {}),
      nulls: makeNulls(o.model.model.input.leads.nullValues),
      ...(o.delimiter ? { delimiter: o.delimiter } : {}), ...(o.encoding ? { encoding: o.encoding } : {}),
    });
  } else if (leadPathsOf(o).length === 0) {
    throw new InputError('LS165', 'without a leads file the outcome must come from --outcomes FILE', undefined, undefined,
      'give --outcomes with the lead ids and the outcome column, or the leads file with -l');
  } else if (o.outcome === undefined) {
    throw new InputError(LS_OUTCOME_COLUMN, 'no outcome: give --outcome COLUMN, or --outcomes FILE', leadPathsOf(o)[0], undefined, 'see leadscore evaluate --help');
  } else if (leadPathsOf(o)[0] !== '-') {
    const f = await ports.inputs.open(leadPathsOf(o)[0]!, 'leads', o);
    f.close();
    if (columnMatcher(f.header)(o.outcome) < 0) throw missingColumn(o.outcome, f.header, f.path, 'outcome (--outcome)', LS_OUTCOME_COLUMN, f.headerLine);
  }

  const collected = await collect(ports, o, o.model, outcomes, classify);
  // the column's kind: from the whole outcomes file, else from the outcome cells of the scored leads
  const rule = outcomes ? outcomes.rule : convertedRule(outcomeKind(collected.outcomeCounts, positive), positive);
  const a = { ...collected, ...labelSample(collected, rule, outcomes) };
  const opts = { bootstrap: o.bootstrap, seed: o.seed, ...(o.target ? { target: o.target } : {}) };
  const model = evaluateModel(a.facts, a.sample, opts);
  let compare: Evaluation['compare'];
  const warnings = [...a.warnings];
  if (o.compare) {
    const cb = await collect(ports, o, o.compare, outcomes, classify);
    // the compared model's own warnings, marked with its file
    warnings.push(...cb.warnings.map((w) => ({ ...w, model: o.compare!.path })));
    const b = labelSample(cb, rule, outcomes);
    compare = compareModels(a.facts, a.sample, cb.facts, b.sample, opts);
  }
  const n = a.sample.labels.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += a.sample.labels[i]!;
  const join = a.join;
  const where = outcomes
    ? ` (${join!.matched} leads matched in ${outcomes.path}, ${join!.unmatched} not in it, ${join!.idsNotFound} of its ids not among the scored leads)`
    : '';
  if (n > 0 && pos === 0) {
    throw new InputError(LS_NO_POSITIVE, `none of the ${n} evaluated leads converted${where}: an AUC is not defined`, o.outcomesFile ?? leadPathsOf(o)[0], undefined,
      outcomes && join!.matched === 0
        ? `no lead id is in the outcomes file: check --outcomes-id (it names the id column of ${outcomes.path}, whose values must be the leads' ${o.model.model.input.leads.id})`
        : `check --outcome${rule.kind === 'positive' ? ' and --positive' : ''}: converted means ${rule.describe}`);
  }
  if (n > 0 && pos === n) {
    throw new InputError(LS_NO_NEGATIVE, `all ${n} evaluated leads converted${where}: an AUC is not defined`, o.outcomesFile ?? leadPathsOf(o)[0], undefined,
      outcomes && rule.kind === 'presence'
        ? 'every scored lead is in the outcomes file: give the leads that did not convert too (-l), or --outcome COLUMN to read an outcome value'
        : `check --outcome${rule.kind === 'positive' ? ' and --positive' : ''}: converted means ${rule.describe}`);
  }
  const values = [...a.values.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 12);
  const outcome: OutcomeFacts = {
    column: o.outcome ?? '',
    source: o.outcomesFile ?? 'leads',
    kind: rule.kind,
    positive_values: positive ? [...positive] : rule.kind === 'dates' || rule.kind === 'presence' ? [rule.describe] : [...DEFAULT_POSITIVE],
    values: values.map(([value, leads]) => ({ value, leads, positive: rule.converted(value) })),
    leads_read: a.counts.leadsRead,
    scored: a.counts.scored,
    rejected: a.counts.rejected,
    evaluated: n,
    missing_outcome: a.missing,
    not_in_outcomes: join ? join.unmatched : 0,
    ...(join ? { matched: join.matched, outcome_ids_not_found: join.idsNotFound } : {}),
    positives: pos,
    negatives: n - pos,
  };
  const evaluation: Evaluation = {
    leadscore_version: o.version,
    as_of: new Date(o.asOfMs).toISOString(),
    started_at: new Date(started).toISOString(),
    duration_ms: ports.clock.now() - started,
    ...(o.command ? { command: o.command } : {}),
    inputs: a.inputs,
    ...(warnings.length ? { warnings } : {}),
    outcome,
    model,
    ...(compare ? { compare } : {}),
  };
  const markdown = evaluationToMarkdown(evaluation);
  const files: string[] = [];
  if (o.outDir !== undefined) {
    const out = await ports.outputs(o.outDir);
    try {
      const formats = o.formats ?? new Set(['md', 'json', 'html']);
      if (formats.has('json')) await out.file('evaluation.json').write(JSON.stringify(evaluation, null, 2) + '\n');
      if (formats.has('md')) await out.file('evaluation.md').write(markdown);
      if (formats.has('html')) {
        await out.file('evaluation.html').write(await ports.evaluationHtml(evaluation));
      }
      for (const f of ['md', 'json', 'html'] as const) if (formats.has(f)) files.push(`evaluation.${f}`);
      const sc = out.file('scores.csv');
      await sc.write(csvLine(['lead_id', 'score', 'band', 'grade', 'outcome'], false));
      const s = a.sample;
      const bandName = o.model.model.bands.map((b) => b.name);
      for (let i = 0; i < n; i++) {
        // the lead id is a join key: never changed by the formula guard (docs/input.md)
        const p = sc.write(csvLine([s.ids[i]!, String(s.scores[i]), bandName[s.bands[i]!] ?? '', s.grades[i]! >= 0 ? s.gradeNames[s.grades[i]!]! : '', String(s.labels[i])], true, ID_KEY));
        if (p) await p;
      }
      await out.commit();
    } catch (e) {
      await out.abort();
      throw e;
    }
    files.push('scores.csv');
  }
  return { evaluation, markdown, files, ...(join ? { join } : {}) };
}
