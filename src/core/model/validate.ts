// Model validation (STYLE.md: shape -> normalise -> semantic checks), pure.
//   1. shape + normalise: walk the parsed YAML (plain objects or Maps), report unknown keys, wrong types
//      and missing keys, and build the camelCase Model of types.ts with every default filled in once;
//      a broken part is reported and left out, so the walk goes on and finds every other mistake;
//   2. semantic checks over the normalised parts: each pushes diagnostics and never stops the others.
// User mistakes never throw: they come back as diagnostics in Result.errors / Result.warnings, and
// Result.value is set only when there is no error.
//
// The parts: diagnostic-sink.ts (where diagnostics go), reader.ts (the generic shape reader and conditions),
// read-*.ts (one reader per model section), semantic-checks.ts, check-columns.ts (validate -l / -a).
import { describe, entriesOf } from './raw-values.js';
import { formatPath } from './paths.js';
import { readPredictive } from './predictive-section.js';
import { DiagnosticSink, type ValidateOptions } from './diagnostic-sink.js';
import { ModelReader, type Obj } from './reader.js';
import { type Parts, checkIds, checkConditions, checkNumbers, checkPoints, checkNames, checkEffects, checkRanges, checkBands, checkSegments, checkGrade } from './semantic-checks.js';
import { readFitRule } from './read-fit.js';
import { readEngagementRule, readSignal, readBotFilter } from './read-engagement.js';
import { readQualityRule } from './read-quality.js';
import { readSegment } from './read-segments.js';
import { readBand, readGradeScale } from './read-bands.js';
import { readAccounts } from './read-accounts.js';
import { readInput } from './read-input.js';
import {
  type Model,
  type Result,
} from './types.js';

export type { ModelPath } from './paths.js';
export { formatPath, parsePath } from './paths.js';
export { DiagnosticSink, type Locate, type ValidateOptions } from './diagnostic-sink.js';
export { suggestOperator } from './reader.js';
export { checkColumns, type ColumnCheckOptions, countRules } from './check-columns.js';

const TOP_KEYS = ['description', 'fit', 'engagement', 'quality', 'bands', 'grade', 'predictive', 'segments', 'accounts'] as const;

export function validateModel(raw: unknown, opts: ValidateOptions = {}): Result<Model> {
  const d = new DiagnosticSink(opts);
  const r = new ModelReader(d);
  const done = (value?: Model): Result<Model> =>
    value && d.errors.length === 0 ? { value, errors: d.errors, warnings: d.warnings } : { errors: d.errors, warnings: d.warnings };

  if (raw === null || raw === undefined || !entriesOf(raw)) {
    d.add('LS004', [], raw === null || raw === undefined ? 'the model is empty' : `the model should be a mapping of keys, found ${describe(raw)}`,
      'start with "version: 1", "name: ...", "input: ..." (see docs/model.md)');
    return done();
  }
  const top = r.object(raw, [], ['version', 'name', 'input'], TOP_KEYS, 'the model') as Obj;

  // version
  const ve = top.get('version');
  if (ve && ve.value !== 1) {
    d.add('LS015', ve.path, `unsupported model version ${JSON.stringify(ve.value)}; this leadscore reads version 1`,
      typeof ve.value === 'string' && ve.value.trim() === '1' ? 'write version: 1 without quotes' : 'write "version: 1" and the keys of docs/model.md');
  }
  const name = r.optString(top, 'name', 'the model name');
  const de = top.get('description');
  const description = de && r.string(de.value, de.path, 'a description');

  // input
  const { input, activitiesGiven, present: inputPresent } = readInput(r, top);

  // fit
  const fe = top.get('fit');
  const fo = fe && fe.value !== null ? r.object(fe.value, fe.path, ['rules'], ['max'], 'fit') : undefined;
  const fitMax = fo && r.optNumber(fo, 'max', 'a cap on the fit points');
  const fitRules = r.items(fo, 'rules', 'fit rules', (x, p) => readFitRule(r, x, p));

  // engagement
  const ee = top.get('engagement');
  const eo = ee && ee.value !== null ? r.object(ee.value, ee.path, [], ['half_life_days', 'window_days', 'max', 'rules', 'signals', 'bot_filter'], 'engagement') : undefined;
  const bfe = eo?.get('bot_filter');
  const botFilter = bfe ? readBotFilter(r, bfe.value, bfe.path) : undefined;
  const halfLifeDays = eo && r.optNumber(eo, 'half_life_days', 'days after which an activity counts half');
  const windowDays = eo && r.optNumber(eo, 'window_days', 'days back that activities count');
  const engMax = eo && r.optNumber(eo, 'max', 'a cap on the engagement points');
  const engRules = r.items(eo, 'rules', 'engagement rules', (x, p) => readEngagementRule(r, x, p));
  const signals = r.items(eo, 'signals', 'signals', (x, p) => readSignal(r, x, p));
  if (engRules.present && !activitiesGiven && inputPresent) {
    d.add('LS013', ['input', 'activities'], 'missing required key "activities" in input: the engagement rules need the activities file',
      'add input.activities: { lead_id: lead_id, type: activity_type, timestamp: occurred_at } naming its columns');
  }

  // quality
  const rawQuality = new Map<string, { points: boolean; flag: boolean }>();
  const quality = r.items(top, 'quality', 'quality rules', (x, p) => {
    const e = entriesOf(x);
    if (e) rawQuality.set(formatPath(p), { points: e.some(([k]) => k === 'points'), flag: e.some(([k]) => k === 'flag') });
    return readQualityRule(r, x, p);
  });

  // bands
  const bands = r.items(top, 'bands', 'bands { name, min }', (x, p) => readBand(r, x, p));

  // grade
  const ge = top.get('grade');
  let grade: Parts['grade'];
  let gradeOk = true;
  if (ge) {
    const go = r.object(ge.value, ge.path, ['fit', 'activity'], [], 'grade');
    const gf = go?.get('fit');
    const ga = go?.get('activity');
    grade = {};
    const fit = gf && readGradeScale(r, gf.value, gf.path);
    const activity = ga && readGradeScale(r, ga.value, ga.path);
    if (fit) grade.fit = fit;
    if (activity) grade.activity = activity;
    gradeOk = fit !== undefined && activity !== undefined;
  }

  const pe = top.get('predictive');
  const predictive = pe ? readPredictive(d, pe.value, pe.path) : undefined;
  const ace = top.get('accounts');
  const accounts = ace ? readAccounts(r, ace.value, ace.path) : undefined;

  // segments
  const segments = r.items(top, 'segments', 'segments { id, if, bands, points }', (x, p) => readSegment(r, x, p));

  // semantic checks, over whatever could be normalised
  const parts: Parts = {
    fit: { ...(fitMax !== undefined ? { max: fitMax } : {}), rules: fitRules.list },
    engagement: {
      ...(halfLifeDays !== undefined ? { halfLifeDays } : {}),
      ...(windowDays !== undefined ? { windowDays } : {}),
      ...(engMax !== undefined ? { max: engMax } : {}),
      rules: engRules.list,
      signals: signals.list,
      ...(botFilter ? { botFilter } : {}),
    },
    quality: quality.list,
    bands: bands.list,
    bandsPresent: bands.present,
    ...(grade ? { grade } : {}),
    ids: r.ids,
    segments: segments.list,
  };
  checkIds(d, parts);
  checkConditions(d, parts);
  checkNumbers(d, parts);
  checkPoints(d, parts);
  checkNames(d, parts);
  checkRanges(d, parts);
  checkBands(d, parts);
  checkGrade(d, parts);
  checkEffects(d, parts, rawQuality, pe !== undefined);
  checkSegments(d, parts, segments.list);

  if (d.errors.length > 0 || !input || name === undefined || !gradeOk || (pe && !predictive) || (ace && !accounts)) return done();
  const model: Model = {
    version: 1,
    name,
    ...(description !== undefined ? { description } : {}),
    input,
    fit: parts.fit,
    engagement: parts.engagement,
    quality: parts.quality,
    bands: parts.bands,
    ...(grade?.fit && grade.activity ? { grade: { fit: grade.fit, activity: grade.activity } } : {}),
    ...(predictive ? { predictive } : {}),
    ...(accounts ? { accounts } : {}),
    ...(segments.list.length ? { segments: segments.list } : {}),
    ...(r.alternatives.size ? { alternatives: Object.fromEntries([...r.alternatives].map(([k, v]) => [k, v.names])) } : {}),
  };
  return done(model);
}
