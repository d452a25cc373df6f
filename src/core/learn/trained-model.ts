// What `train` writes as a model: the header comment of the training facts, the model's sections (a
// predictive section, or fit rules for --as-points), and the comments where users edit. Pure: the YAML
// text is made from this by io/trained-model-yaml.ts.
import type { Band, FitRule, Model, PredictiveSection } from '../model/types.js';
import type { Reliability } from './metrics.js';
import type { BandFigures, TrainResult } from './train.js';

/** Round to 6 significant digits (what the model file keeps). */
export function sig(x: number, digits = 6): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? 0 : x;
  const r = Number(x.toPrecision(digits));
  return r === 0 ? 0 : r;
}

/** The predictive section as the model file keeps it (6 significant digits). */
export function roundSection(s: PredictiveSection): PredictiveSection {
  return {
    intercept: sig(s.intercept),
    weight: s.weight,
    features: s.features.map((f) =>
      f.type === 'numeric'
        ? { ...f, mean: sig(f.mean), sd: sig(f.sd), coefficient: sig(f.coefficient), missing: sig(f.missing) }
        : { ...f, levels: f.levels.map((l) => ({ level: l.level, coefficient: sig(l.coefficient) })), other: sig(f.other), missing: sig(f.missing) },
    ),
  };
}

/** The options of the train run that the model file records. */
export interface TrainedModelOptions {
  version: string;
  command: string;
  seed: number;
  outcome?: string;
  outcomesFile?: string;
  outcomesId?: string;
  asPoints?: boolean;
  /** The base model (train -m) whose reading of the activities the trained model keeps. */
  model?: Model;
  /** As-of of the activity features (written in the header when activities were read), and whether it came from --as-of latest. */
  asOfMs?: number;
  asOfLatest?: boolean;
}

export interface TrainedModelFacts {
  o: TrainedModelOptions;
  r: TrainResult;
  section: PredictiveSection;
  name: string;
  idColumn: string;
  nullValues: string[];
  positiveLabel: string;
  rows: number;
  holdoutAuc: number;
  activityInput: { leadId: string; type: string; timestamp: string } | undefined;
  calibration: Reliability | undefined;
  bands: BandFigures[];
  /** The day of training, YYYY-MM-DD (the run's clock). */
  trainedOn: string;
}

/** The model file's content: its top-level sections in order, and its comments. */
export interface TrainedModel {
  /** The header comment, one line each (a leading space: `# line`). */
  header: string[];
  sections: [string, unknown][];
  /** Before `predictive:` / `fit:` / `bands:`. */
  comments: { predictive: string; fit: string; bands: string };
  /** Each predictive feature's AUC alone, written above it. */
  featureAuc: ReadonlyMap<string, number>;
}

const pctOf = (x: number | null) => (x === null ? '   n/a' : `${(100 * x).toFixed(1).padStart(5)}%`);

/** The calibration of the score read as a chance, for the model header. */
function calibrationLines(c: Reliability, on: string): string[] {
  return [
    ` calibration on the ${on} (the score is 100 x p): expected calibration error ${c.ece === null ? 'n/a' : (100 * c.ece).toFixed(1)} points, Brier ${c.brier === null ? 'n/a' : c.brier.toFixed(4)}`,
    '   p range      leads  mean p  converted',
    ...c.bins.filter((b) => b.leads > 0).map((b) => `   ${`${(100 * b.from).toFixed(0)}-${(100 * b.to).toFixed(0)}%`.padEnd(9)}  ${String(b.leads).padStart(6)}  ${pctOf(b.mean_predicted)}  ${pctOf(b.observed)}`),
  ];
}

function fmt(x: number, d = 4): string {
  return Number.isFinite(x) ? x.toFixed(d) : 'n/a';
}

function ruleSection(rule: FitRule): Record<string, unknown> {
  if (rule.kind === 'values') return { id: rule.id, field: rule.field, values: Object.fromEntries(rule.values.map((v) => [v.key, v.points])) };
  if (rule.kind === 'ranges') return { id: rule.id, field: rule.field, ranges: rule.ranges.map((x) => ({ ...(x.min !== undefined ? { min: sig(x.min) } : {}), ...(x.max !== undefined ? { max: sig(x.max) } : {}), points: x.points })) };
  const leaf = rule.condition.kind === 'leaf' ? rule.condition : undefined;
  const op = leaf?.ops[0];
  return { id: rule.id, if: { field: leaf?.field, ...(op ? { [op.op]: op.value } : {}) }, points: rule.points };
}

function headerLines(x: TrainedModelFacts): string[] {
  const { o, r, section } = x;
  const card = o.asPoints ? r.scorecard : undefined;
  const usedFeatures = section.features.map((f) => f.name);
  const left = r.dropped.map((d) => d.name);
  const leaks = r.leaks.filter((l) => !l.kept);
  const kept = r.leaks.filter((l) => l.kept);
  return [
    ` Trained by leadscore ${o.version} on ${x.trainedOn}:`,
    `   ${o.command}`,
    ` rows: ${x.rows} (training ${r.train.length}, holdout ${r.holdout.length}; seed ${o.seed})`,
    ` outcome: ${o.outcome ?? 'the lead'} = ${x.positiveLabel}${o.outcomesFile ? ` (${o.outcomesFile} left-joined on ${o.outcomesId ?? x.idColumn}; a lead not in it did not convert)` : ''}; positives: ${r.positives.train} training, ${r.positives.holdout} holdout`,
    ` features: ${usedFeatures.length} (${r.encodedColumns} encoded columns): ${usedFeatures.join(', ')}`,
    // the command line may say only `--as-of latest`: the time it resolved to, so the run can be repeated
    ...(x.activityInput && o.asOfMs !== undefined ? [` activities as of ${new Date(o.asOfMs).toISOString().replace('.000Z', 'Z')}${o.asOfLatest ? ' (--as-of latest: the newest activity)' : ''}`] : []),
    ...(left.length ? [` left out: ${left.join(', ')}`] : []),
    ...(leaks.length ? [' left out as possible leaks (they look recorded after the outcome; --keep NAME keeps one):', ...leaks.map((l) => `   ${l.name}: ${l.reasons.join('; ')}`)] : []),
    ...(kept.length ? [' kept although they look recorded after the outcome (--features/--keep):', ...kept.map((l) => `   ${l.name}: ${l.reasons.join('; ')}`)] : []),
    ` penalty: L2, C = ${r.c} (lambda = ${sig(1 / r.c, 4)}), chosen by ${r.folds}-fold cross-validation (log-loss)`,
    ` holdout AUC: ${fmt(x.holdoutAuc)} (training AUC ${fmt(r.trainAuc)})`,
    ...(x.calibration ? calibrationLines(x.calibration, r.holdout.length ? 'holdout' : 'training rows') : []),
    ...(card ? [` points model (--as-points): holdout AUC ${fmt(card.holdoutAuc)}; ${fmt(card.factor, 2)} points per unit of log-odds`] : []),
    ...(card?.leftOut.length ? [` not expressible as fit rules (left out of the points): ${card.leftOut.join(', ')}`] : []),
  ];
}

/** The trained model: what the model file says, section by section (docs/train.md). */
export function trainedModel(x: TrainedModelFacts): TrainedModel {
  const { o, r, section } = x;
  const card = o.asPoints ? r.scorecard : undefined;
  const bands: Band[] = card ? card.bands : r.bands;
  const sections: [string, unknown][] = [];
  const set = (key: string, value: unknown) => sections.push([key, value]);
  set('version', 1);
  set('name', x.name);
  set('description', card
    ? `Points model (scorecard) fitted by leadscore train to predict ${o.outcome ?? 'the lead'} = ${x.positiveLabel}.`
    : `Logistic regression fitted by leadscore train: score = 100 x the probability that ${o.outcome ?? 'the lead'} = ${x.positiveLabel}.`);
  // activity.* features are read as they were counted: the base model's date_format, window and bot filter
  const baseActivities = o.model?.input.activities;
  const baseEngagement = o.model?.engagement;
  set('input', {
    leads: { id: x.idColumn, null_values: x.nullValues },
    ...(x.activityInput && !card ? {
      activities: {
        lead_id: x.activityInput.leadId, type: x.activityInput.type, timestamp: x.activityInput.timestamp,
        ...(baseActivities?.dateFormat ? { date_format: baseActivities.dateFormat } : {}),
        ...(baseActivities?.numberFormat ? { number_format: baseActivities.numberFormat } : {}),
      },
    } : {}),
  });
  if (x.activityInput && !card && (baseEngagement?.windowDays !== undefined || baseEngagement?.botFilter)) {
    const bf = baseEngagement.botFilter;
    set('engagement', {
      ...(baseEngagement.windowDays !== undefined ? { window_days: baseEngagement.windowDays } : {}),
      ...(bf ? {
        bot_filter: {
          ...(bf.burst ? { burst: { count: bf.burst.count, seconds: bf.burst.seconds } } : {}),
          ...(bf.clicks ? { clicks: { types: bf.clicks.types, after: bf.clicks.after, seconds: bf.clicks.seconds, ...(bf.clicks.matchOn ? { match_on: bf.clicks.matchOn } : {}) } } : {}),
        },
      } : {}),
    });
  }
  if (card) {
    set('fit', { rules: card.rules.map(ruleSection) });
  } else {
    set('predictive', {
      intercept: section.intercept,
      features: section.features.map((f) =>
        f.type === 'numeric'
          ? { name: f.name, type: 'numeric', encoding: { transform: f.transform, mean: f.mean, sd: f.sd }, coefficient: f.coefficient, ...(f.missing !== 0 ? { missing: f.missing } : {}) }
          : { name: f.name, type: 'categorical', levels: Object.fromEntries(f.levels.map((l) => [l.level, l.coefficient])), ...(f.other !== 0 ? { other: f.other } : {}), ...(f.missing !== 0 ? { missing: f.missing } : {}) },
      ),
    });
  }
  set('bands', bands.map((b) => (b.min !== undefined ? { name: b.name, min: b.min } : { name: b.name })));

  const on = r.holdout.length ? 'holdout' : 'training rows';
  return {
    header: headerLines(x),
    sections,
    comments: {
      predictive: ' p = 1 / (1 + e^-z), z = intercept + the sum of the feature terms; score = 100 x p.\n' +
        ' numeric: term = coefficient x (transform(value) - mean) / sd; categorical: the level\'s coefficient\n' +
        ' (other: a level not listed; missing: an empty cell). See docs/train.md.',
      fit: ' Points from the fitted coefficients (scorecard): every level and numeric bin is worth\n' +
        ' round(factor x its log-odds), shifted so each feature\'s lowest option is 0. Edit freely.',
      bands: ` Bands proposed from the ${r.holdout.length ? 'holdout' : 'training'} scores: SQL = top 10%, MQL = top 30%, IQL = top 60%,\n` +
        ' cold = the rest. Edit the mins to fit your sales capacity.' +
        (x.bands.length ? `\n On the ${on}: precision = converted share of the leads at or above the min, recall = share of\n all converted leads they catch, conversion = converted share of the leads in the band:\n` +
          x.bands.map((b) => `   ${b.name.padEnd(5)} ${b.min !== null ? `min ${b.min.toFixed(2).padStart(6)}` : '          '}  ${String(b.leads).padStart(6)} leads  conversion ${pctOf(b.conversion)}  precision ${pctOf(b.precision)}  recall ${pctOf(b.recall)}`).join('\n') : ''),
    },
    featureAuc: r.featureAuc,
  };
}
