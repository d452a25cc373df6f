// `leadscore evaluate`: backtest a model against known outcomes (AUC, KS, gains and lift, conversion per
// band and grade, rule analysis, thresholds, --compare). The use case is src/app/evaluate.ts.
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { Register } from '../main.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { collect, leadInputs, isLatest, loadModelOrExit, parseAsOf, parseFormats, printRunWarning, exitOnInputError, wholeNumber, resolveAsOf, style, type ReportFormat, readOptions } from '../shared.js';
import { VERSION } from '../version.js';
import type { Target } from '../../core/learn/thresholds.js';
import { maxOf } from '../../core/numbers.js';

interface EvaluateOptions {
  model: string;
  leads?: string[];
  activities: string[];
  outcome?: string;
  outcomes?: string;
  outcomesId?: string;
  positive: string[];
  asOf?: string;
  out?: string;
  json?: boolean;
  compare?: string;
  targetPrecision?: number;
  targetRecall?: number;
  capacity?: number;
  bootstrap: number;
  seed: number;
  delimiter?: string;
  encoding?: string;
  quiet?: boolean;
  strict?: boolean;
  format: Set<ReportFormat>;
}

const LS_OPTION = 'LS142';

function share(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new InvalidArgumentError('expected a share above 0 and at most 1, e.g. 0.3');
  return n;
}

export const register: Register = (program: Command, setExit) => {
  program
    .command('evaluate')
    .description('Backtest a model against known outcomes: AUC, KS, gains and lift, conversion per band and grade, rule analysis, thresholds.')
    .requiredOption('-m, --model <MODEL>', 'the YAML scoring model')
    .option('-l, --leads <LEADS...>', 'leads CSV (.csv, .csv.gz, or - for stdin); several files, a folder or a quoted glob; without -l the leads are the activities\' lead ids (the outcome then comes from --outcomes)')
    .option('-a, --activities <ACTIVITIES...>', 'activity CSVs: any number of files, folders or quoted globs', [])
    .option('--outcome <COLUMN>', 'the outcome column (of the leads file, or of --outcomes); converted values: see docs/evaluate.md')
    .option('--outcomes <FILE>', 'a CSV of outcomes LEFT-joined on the lead id: a lead not in it did not convert; without --outcome, being in it is the conversion')
    .option('--outcomes-id <COLUMN>', 'the lead id column of --outcomes (default: the model\'s lead id column)')
    .option('--positive <VALUE>', 'an outcome value that counts as converted; repeat for several (default: yes, true, 1, won, converted, ...; case-insensitive)', collect, [])
    .option('--as-of <DATE>', 'score as of this time (ISO date or date-time, UTC, or latest: the newest activity): later activities are ignored (point-in-time backtest); default now')
    .option('-o, --out <OUTDIR>', 'write evaluation.md, evaluation.json and scores.csv here (replaced only when the run succeeds); default: print to stdout')
    .option('--json', 'print the evaluation as JSON on stdout')
    .option('--compare <MODEL>', 'a second model scored on the same data: side by side, with the band changes between them')
    .addOption(new Option('--target-precision <P>', 'suggest the lowest threshold whose precision is at least P (0..1)').argParser(share))
    .addOption(new Option('--target-recall <R>', 'suggest the highest threshold whose recall is at least R (0..1)').argParser(share))
    .addOption(new Option('--capacity <N>', 'suggest the lowest threshold with at most N leads at or above it').argParser(wholeNumber(1)))
    .addOption(new Option('--bootstrap <N>', 'bootstrap resamples for the AUC interval (0: none)').argParser(wholeNumber(0)).default(200))
    .addOption(new Option('--seed <N>', 'seed of the bootstrap (same seed, same interval)').argParser(wholeNumber(0)).default(1))
    .option('--delimiter <CHAR>', 'input delimiter: , ; tab | (default: detected)')
    .option('--encoding <NAME>', 'input encoding, e.g. windows-1254 (default utf-8)')
    .addOption(new Option('--format <LIST>', 'with -o: report formats to write: md, json, html (comma-separated)').argParser(parseFormats).default(new Set(['md', 'json', 'html']), 'md,json,html'))
    .option('-q, --quiet', 'with -o: print nothing on success (run warnings are still printed on stderr)')
    .option('--strict', 'exit 3 when any row is rejected, or on a run warning (LS171–LS176: e.g. no activity counted as of --as-of, a band no lead reaches), as score --strict')
    .addHelpText(
      'after',
      `
Example:
  $ leadscore evaluate -m models/bank-marketing.yaml -l test/fixtures/bank-marketing/bank-full.csv.gz \\
      --outcome y --positive yes -o eval --capacity 5000
Writes eval/evaluation.md, eval/evaluation.json and eval/scores.csv (lead_id, score, band, grade, outcome).
Without -o the report is printed (Markdown, or JSON with --json). See docs/evaluate.md.
  $ leadscore evaluate -m model.yaml -l mqls.csv --outcomes closed-deals.csv --outcomes-id mql_id -o eval
Uses closed-deals.csv as a left join on the lead id: leads in it converted, the others did not.
Leads without an outcome are left out (and counted). With --as-of, activities after that time are ignored.
Run warnings (LS171–LS176, e.g. no activity counted as of --as-of) are printed on stderr and kept in
the report; --strict makes them exit 3.
Exit codes: 0 ok, 2 usage or invalid model, 3 input data error (e.g. no such outcome column; no lead
converted: LS143; every lead converted: LS170; with --strict a rejected row or a run warning), 1 bug.`,
    )
    .action(async (opts: EvaluateOptions) => {
      setExit(await run(opts));
    });
};

async function run(opts: EvaluateOptions): Promise<ExitCode> {
  const targets = [opts.targetPrecision, opts.targetRecall, opts.capacity].filter((x) => x !== undefined);
  if (targets.length > 1) throw new CliError('give at most one of --target-precision, --target-recall, --capacity', ExitCode.usage, LS_OPTION);
  if (opts.compare && opts.leads?.includes('-')) throw new CliError('--compare reads the leads twice: give a file, not - (stdin)', ExitCode.usage, LS_OPTION);
  if (opts.outcomesId && !opts.outcomes) throw new CliError('--outcomes-id needs --outcomes', ExitCode.usage, LS_OPTION);
  if (opts.outcome === undefined && !opts.outcomes) throw new CliError('give --outcome COLUMN (the outcome column of the leads), or --outcomes FILE (a file of the leads that converted)', ExitCode.usage, LS_OPTION);
  if (opts.outcome === undefined && opts.positive.length) throw new CliError('--positive needs --outcome: without it, being in --outcomes is the conversion', ExitCode.usage, LS_OPTION);
  const target: Target | undefined =
    opts.targetPrecision !== undefined ? { kind: 'precision', value: opts.targetPrecision }
      : opts.targetRecall !== undefined ? { kind: 'recall', value: opts.targetRecall }
        : opts.capacity !== undefined ? { kind: 'capacity', value: opts.capacity }
          : undefined;
  if (!isLatest(opts.asOf)) parseAsOf(opts.asOf); // a bad --as-of is a usage error before the model is read
  const loaded = await loadModelOrExit(opts.model);
  if (!loaded) return ExitCode.usage;
  let other: { model: import('../../core/model/types.js').Model; sha256: string } | undefined;
  if (opts.compare) {
    other = await loadModelOrExit(opts.compare);
    if (!other) return ExitCode.usage;
  }
  const { evaluateLeads } = await import('../../app/evaluate.js');
  const { evaluatePorts } = await import('../ports.js');
  return exitOnInputError(async () => {
    const { leads, activities } = await leadInputs(opts.leads, opts.activities);
    if (leads.length === 0 && !opts.outcomes) throw new CliError('without a leads file (-l) the outcome must come from --outcomes FILE (the lead ids and the outcome column)', ExitCode.usage, 'LS165');
    const asOfMs = await resolveAsOf(opts.asOf, loaded.model, activities, readOptions(opts));
    const res = await evaluateLeads(await evaluatePorts(), {
      model: { model: loaded.model, path: opts.model, sha256: loaded.sha256 },
      ...(other && opts.compare ? { compare: { model: other.model, path: opts.compare, sha256: other.sha256 } } : {}),
      leads,
      activities,
      asOfMs,
      version: VERSION,
      command: 'evaluate',
      ...(opts.outcome !== undefined ? { outcome: opts.outcome } : {}),
      ...(opts.outcomes ? { outcomesFile: opts.outcomes } : {}),
      ...(opts.outcomesId ? { outcomesId: opts.outcomesId } : {}),
      positive: opts.positive,
      bootstrap: opts.bootstrap,
      seed: opts.seed,
      ...(target ? { target } : {}),
      ...(opts.out !== undefined ? { outDir: opts.out } : {}),
      formats: opts.format,
      ...readOptions(opts),
      ...(opts.strict ? { strict: true } : {}),
    });
    const e = res.evaluation;
    // the scoring run's warnings (LS171–LS176), on stderr even with -q or --json; also in the report
    for (const w of e.warnings ?? []) printRunWarning(w);
    const joined = res.join
      ? `outcomes: ${res.join.matched} leads matched in ${opts.outcomes}, ${res.join.unmatched} not in it (not converted); ${res.join.idsNotFound} of its ids not among the scored leads`
      : undefined;
    if (joined && !opts.quiet && (opts.json || opts.out === undefined)) process.stderr.write(joined + '\n');
    if (opts.json) process.stdout.write(JSON.stringify(e, null, 2) + '\n');
    else if (opts.out === undefined) process.stdout.write(res.markdown);
    else if (!opts.quiet) {
      const m = e.model;
      const f3 = (x: number | null) => (x === null ? '–' : x.toFixed(3));
      const lines = [
        `${style.bold(`evaluated ${e.outcome.evaluated} leads`)} of ${e.outcome.scored} scored (${e.outcome.missing_outcome} without an outcome), ` +
          `${e.outcome.positives} converted (${e.outcome.evaluated ? ((e.outcome.positives / e.outcome.evaluated) * 100).toFixed(2) : '–'}%), as of ${e.as_of}`,
        ...(joined ? [`  ${joined}`] : []),
        m.auc === null
          ? `  AUC not defined: ${m.auc_reason}`
          : `  AUC ${f3(m.auc)}${m.auc_ci ? ` (95% CI ${f3(m.auc_ci.lower)}–${f3(m.auc_ci.upper)})` : ''}, Gini ${f3(m.gini)}, KS ${f3(m.ks ? m.ks.ks : null)}`,
      ];
      const width = maxOf(m.bands.map((b) => b.name.length), 0);
      for (const b of m.bands) {
        lines.push(`  ${b.name.padEnd(width)}  ${String(b.leads).padStart(8)} leads  ${b.conversion === null ? '     –' : `${(b.conversion * 100).toFixed(1).padStart(5)}%`} converted`);
      }
      if (e.compare) {
        const c = e.compare;
        lines.push(`  compare: AUC ${f3(c.a.auc)} (${c.a.name}) vs ${f3(c.b.auc)} (${c.b.name}); ${c.band_changes.changed} of ${c.leads} leads change band`);
      }
      lines.push(`wrote ${res.files.map((f) => `${opts.out!.replace(/\/$/, '')}/${f}`).join(', ')}`);
      process.stdout.write(lines.join('\n') + '\n');
    }
    return ExitCode.ok;
  });
}
