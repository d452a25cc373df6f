// `leadscore train`: fit a logistic-regression model (or a points model with --as-points) on leads with
// a known outcome, and write it as a model YAML. The use case is src/app/train.ts.
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { Register } from '../main.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { wholeNumber, exitOnInputError, givenOptions, inputFiles, isLatest, loadModelOrExit, parseAsOf, readOptions, style } from '../shared.js';
import type { TrainFlags } from '../../app/train.js';
import { VERSION } from '../version.js';

/** train's options: the flags of a training run (app/train.ts), and what the command resolves itself. */
interface TrainOptions extends TrainFlags {
  /** --outcomes FILE (the use case's outcomesFile). */
  outcomes?: string;
  activities: string[];
  asOf?: string;
  folds: number;
  /** -m: the path of the base model (loaded here). */
  model?: string;
  quiet?: boolean;
  json?: boolean;
}

const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter((s) => s !== '');
const share = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError('expected a share from 0 up to (not including) 1, e.g. 0.2');
  return n;
};

export const register: Register = (program: Command, setExit) => {
  program
    .command('train')
    .description('Fit a logistic-regression model on leads with a known outcome and write it as a model YAML.')
    .requiredOption('-l, --leads <LEADS>', 'leads CSV with the outcome column (.csv, .csv.gz)')
    .option('--outcome <COLUMN>', 'the outcome column (e.g. converted, y, stage, won_date; of the leads, or of --outcomes)')
    .option('--outcomes <FILE>', 'a CSV of outcomes LEFT-joined on the lead id: a lead not in it did not convert; without --outcome, being in it is the conversion')
    .option('--outcomes-id <COLUMN>', 'the lead id column of --outcomes (default: the lead id column)')
    .option('--positive <VALUE>', 'the outcome value that counts as a conversion (default: the converted rule: yes/true/1/won/closed won/..., a date in a date column; see docs/evaluate.md)')
    .addOption(new Option('--features <a,b,...>', 'use only these columns (also keeps a feature the leakage guard would leave out)').argParser(list).conflicts('exclude'))
    .option('--exclude <x,y,...>', 'leave these columns out', list)
    .option('--keep <FEATURE>', 'keep a feature that the leakage guard or the id detection would leave out (repeatable, or a,b)', (v: string, prev: string[] = []) => [...prev, ...list(v)])
    .option('-a, --activities <ACTIVITIES...>', 'activity CSVs (files, folders or quoted globs): per-lead counts, recency and 7/30-day counts become candidate features', [])
    .option('--as-of <DATE>', 'reference time for the activity aggregates (ISO date or date-time, UTC, or latest: the newest activity timestamp of the inputs; reads the activity files twice); default now')
    .option('--holdout <SHARE>', 'share of leads kept out of training and used to report the AUC (stratified)', share, 0.2)
    .option('--seed <N>', 'seed of the holdout and cross-validation split', wholeNumber(0), 1)
    .option('--folds <K>', 'cross-validation folds for the choice of the penalty', wholeNumber(2), 5)
    .option('--null-values <a,b,...>', 'cells treated as missing (default: "", NA, N/A, null and the placeholders found in the data, e.g. Select); written into the model', (v: string) => v.split(',').map((s) => s.trim()))
    .option('--id <COLUMN>', 'the lead id column, or $row (default: the id column init recognises, e.g. lead_id, Prospect ID; else $row)')
    .requiredOption('-o, --out <MODEL.yaml>', 'the model file to write (- for stdout)')
    .option('--as-points', 'write a points model (scorecard of fit rules) instead of a predictive section')
    .option('--name <NAME>', 'model name (default: from the leads file and outcome)')
    .option('--write-split <FILE>', 'write row, id, set (train|holdout) and outcome of every lead to FILE (CSV)')
    .option('--holdout-out <FILE>', 'write the holdout leads (original rows) to FILE, e.g. for leadscore evaluate')
    .option('--delimiter <CHAR>', 'input delimiter: , ; tab | (default: detected)')
    .option('--encoding <NAME>', 'input encoding, e.g. windows-1254 (default utf-8)')
    .addOption(new Option('--number-format <F>', 'point (1,234.5) or comma (1.234,5)').choices(['point', 'comma']))
    .option('--activity-lead-id <COLUMN>', 'lead id column of the activities (default lead_id)')
    .option('--activity-type <COLUMN>', 'activity type column (default activity_type or type)')
    .option('--activity-timestamp <COLUMN>', 'activity time column (default occurred_at, timestamp or date)')
    .option('-m, --model <MODEL>', "read activities (and null values) as this model does: its activity columns, date_format, null_values, engagement.window_days and bot_filter; the trained model keeps them")
    .option('-q, --quiet', 'print nothing but warnings on success')
    .option('--json', 'print the training facts as JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ leadscore train -l won-lost.csv --outcome converted -o models/predictive.yaml
  $ leadscore train -l bank-full.csv --outcome y --exclude duration --null-values ",unknown" \\
      --holdout-out holdout.csv -o bank.yaml
  $ leadscore train -l leads.csv -a activities.csv --as-of 2026-11-01 --outcome won --as-points -o points.yaml
  $ leadscore train -l mqls.csv --id mql_id --outcomes closed-deals.csv --outcomes-id mql_id -o model.yaml
      (a lead in closed-deals.csv converted, every other lead did not)

The model gets a header comment with the training facts (rows, positives, features, penalty, holdout
AUC) and bands proposed from the holdout. See docs/train.md.
Exit codes: 0 ok, 2 usage error, 3 input data error (missing column, no outcome), 1 bug.`,
    )
    .action(async (opts: TrainOptions) => {
      setExit(await run(opts));
    });
};

function commandLine(): string {
  const args = process.argv.slice(2).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`));
  return ['leadscore', ...args].join(' ');
}

async function run(opts: TrainOptions): Promise<ExitCode> {
  if (opts.outcome === undefined && !opts.outcomes) throw new CliError('give --outcome COLUMN (the outcome column of the leads), or --outcomes FILE (a file of the leads that converted)', ExitCode.usage, 'LS142');
  if (opts.outcomesId && !opts.outcomes) throw new CliError('--outcomes-id needs --outcomes', ExitCode.usage, 'LS142');
  if (opts.outcome === undefined && opts.positive !== undefined) throw new CliError('--positive needs --outcome: without it, being in --outcomes is the conversion', ExitCode.usage, 'LS142');
  if (!isLatest(opts.asOf)) parseAsOf(opts.asOf); // a bad --as-of is a usage error before anything is read
  if (isLatest(opts.asOf) && opts.activities.length === 0) throw new CliError('--as-of latest takes as-of from the activities: give them with -a', ExitCode.usage, 'LS177');
  if (isLatest(opts.asOf) && opts.activities.includes('-')) throw new CliError('--as-of latest reads the activities twice: give files, not - (stdin)', ExitCode.usage, 'LS177');
  const base = opts.model !== undefined ? await loadModelOrExit(opts.model) : undefined;
  if (opts.model !== undefined && !base) return ExitCode.usage;
  const { trainModel } = await import('../../app/train.js');
  const { newestTrainActivityMs } = await import('../../io/newest-activity.js');
  const { trainPorts } = await import('../ports.js');
  const started = Date.now();
  return exitOnInputError(async () => {
    const activities = await inputFiles(opts.activities, 'activities');
    const { outcomes, asOf, model, quiet, json, activities: _given, delimiter, encoding, outcome, positive, ...flags } = opts;
    const read = readOptions({ delimiter, encoding });
    const latest = isLatest(asOf);
    // --as-of latest: the newest activity, read from the column (and date_format) the feature fold uses
    const asOfMs = latest
      ? await newestTrainActivityMs({ activities, ...read, ...(opts.activityTimestamp ? { activityTimestamp: opts.activityTimestamp } : {}), ...(base ? { model: base.model } : {}) })
      : parseAsOf(asOf);
    if (latest && !quiet && !json) process.stderr.write(`${style.dim('note')} as-of ${new Date(asOfMs).toISOString().replace('.000Z', 'Z')}: the newest activity (--as-of latest)\n`);
    const res = await trainModel(await trainPorts(), {
      ...givenOptions(flags), ...read, leads: opts.leads, out: opts.out, holdout: opts.holdout, seed: opts.seed,
      activities, asOfMs, ...(latest ? { asOfLatest: true } : {}),
      ...(outcome !== undefined ? { outcome } : {}),
      ...(positive !== undefined ? { positive } : {}),
      ...(outcomes ? { outcomesFile: outcomes } : {}),
      version: VERSION, command: commandLine(),
      ...(base ? { model: base.model } : {}),
      onNote: (kind, message) => {
        if (kind === 'warning') process.stderr.write(`${style.warn('warning')} ${message}\n`);
        else if (!quiet && !json) process.stderr.write(`${style.dim('note')} ${message}\n`);
      },
    });
    const r = res.result;
    const seconds = (Date.now() - started) / 1000;
    const card = r.scorecard;
    if (opts.json) {
      process.stdout.write(JSON.stringify({
        rows: res.rows, training: r.train.length, holdout: r.holdout.length,
        positives: r.positives, positive: res.positiveLabel, id: res.idColumn,
        features: r.section.features.map((f) => f.name), encoded_columns: r.encodedColumns,
        left_out: r.dropped, leaks: r.leaks, c: r.c, folds: r.folds, converged: r.converged, iterations: r.iterations,
        ...(activities.length ? { as_of: new Date(asOfMs).toISOString() } : {}),
        train_auc: r.trainAuc, holdout_auc: res.holdoutAuc, null_values: res.nullValues,
        ...(res.calibration ? { calibration: res.calibration } : {}),
        ...(res.bands.length ? { band_figures: res.bands } : {}),
        ...(card ? { points_holdout_auc: card.holdoutAuc, points_factor: card.factor } : {}),
        bands: card ? card.bands : r.bands, skipped: res.skipped, ...(res.activities ? { activities: res.activities } : {}),
        ...(res.join ? { outcomes: { matched: res.join.matched, not_in_outcomes: res.join.unmatched, outcome_ids_not_found: res.join.idsNotFound } } : {}),
        files: res.files, seconds,
      }, null, 2) + '\n');
    } else if (!opts.quiet && opts.out !== '-') {
      const out: string[] = [];
      if (res.join) out.push(`outcomes: ${res.join.matched} leads matched in ${opts.outcomes}, ${res.join.unmatched} not in it (not converted); ${res.join.idsNotFound} of its ids not among the leads`);
      out.push(`${style.bold(`trained on ${r.train.length} leads`)} (${r.positives.train} positive), holdout ${r.holdout.length} (${r.positives.holdout} positive); ` +
        `${r.section.features.length} features, ${r.encodedColumns} encoded columns; C = ${r.c} by ${r.folds}-fold cross-validation`);
      out.push(`  holdout AUC ${Number.isFinite(res.holdoutAuc) ? res.holdoutAuc.toFixed(4) : 'n/a'}   (training AUC ${r.trainAuc.toFixed(4)})`);
      if (card) out.push(`  points model holdout AUC ${card.holdoutAuc.toFixed(4)}   (written to ${opts.out} as fit rules)`);
      const on = r.holdout.length ? 'holdout' : 'training rows';
      if (res.calibration?.ece != null) {
        out.push(`  calibration (${on}): the score is 100 x p; expected calibration error ${(100 * res.calibration.ece).toFixed(1)} points (reliability table in the model header)`);
      }
      const pc = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(0)}%`);
      for (const b of res.bands) {
        if (b.min !== null) out.push(`  band ${b.name} (score >= ${b.min}): precision ${pc(b.precision)}, recall ${pc(b.recall)} on the ${on}`);
      }
      const skipped = res.skipped.missingOutcome + res.skipped.badRows + res.skipped.duplicateIds;
      if (skipped) out.push(style.warn(`  skipped ${skipped} row(s): ${res.skipped.missingOutcome} without an outcome, ${res.skipped.badRows} malformed, ${res.skipped.duplicateIds} duplicate id`));
      out.push(`wrote ${res.files.join(', ')} in ${seconds.toFixed(1)} s`);
      process.stdout.write(out.join('\n') + '\n');
    }
    return ExitCode.ok;
  });
}
