// `leadscore score`: the main job. Flags and help here; the use case is src/app/score.ts (its phases:
// src/io/score-run.ts).
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Register } from '../main.js';
import { ExitCode } from '../exit-codes.js';
import { leadInputs, isLatest, parseAsOf, parseFormats, parseRate, printRunWarning, reportInputError, resolveAsOf, style, type ReportFormat, readOptions } from '../shared.js';
import { VERSION } from '../version.js';
import { LOG_FORMATS, type LogFormat } from '../log.js';
import { maxOf } from '../../core/numbers.js';

interface ScoreOptions {
  model: string;
  leads: string[];
  activities: string[];
  out: string;
  asOf?: string;
  delimiter?: string;
  encoding?: string;
  strict?: boolean;
  maxRejectRate?: number;
  formulaGuard: boolean;
  quiet?: boolean;
  json?: boolean;
  logFormat: LogFormat;
  previous?: string;
  handoffBand?: string;
  format: Set<ReportFormat>;
}

export const register: Register = (program: Command, setExit) => {
  program
    .command('score')
    .description('Score every lead with a model and write ranked CSVs and the summary report to OUTDIR.')
    .requiredOption('-m, --model <MODEL>', 'the YAML scoring model')
    .option('-l, --leads <LEADS...>', 'leads CSV (.csv, .csv.gz, or - for stdin); several files, a folder or a quoted glob are concatenated; without -l the leads are the lead ids of the activities')
    .option('-a, --activities <ACTIVITIES...>', 'activity CSVs: any number of files, folders (every *.csv, *.csv.gz, *.tsv, *.txt) or quoted globs', [])
    .requiredOption('-o, --out <OUTDIR>', 'output folder (files are replaced only when the run succeeds)')
    .option('--as-of <DATE>', 'reference time (ISO date or date-time, UTC) for decay and windows, or latest: the newest activity timestamp of the inputs (reads the activities twice); default now')
    .option('--delimiter <CHAR>', 'input delimiter: , ; tab | (default: detected)')
    .option('--encoding <NAME>', 'input encoding, e.g. windows-1254, iso-8859-2, utf-16le (default utf-8)')
    .option('--strict', 'exit 3 when any row is rejected, or on a run warning (LS171–LS176: e.g. no activity counted, a band no lead reaches)')
    .addOption(new Option('--max-reject-rate <R>', 'exit 3 when more than this share (0..1) of a file\'s rows is rejected').argParser(parseRate))
    .option('--previous <SCORED>', "the previous run's scored.csv: adds previous_score, previous_band, change, crossed.csv and band transitions")
    .option('--handoff-band <BAND>', 'with --previous, crossed.csv holds leads that entered this band or higher (default: MQL when the model has it, else the top band)')
    .option('--no-formula-guard', 'write cells starting with = + - @ as they are (default: neutralised for spreadsheets)')
    .addOption(new Option('--format <LIST>', 'report formats to write: md, json, html (comma-separated)').argParser(parseFormats).default(new Set(['md', 'json', 'html']), 'md,json,html'))
    .option('-q, --quiet', 'print nothing on success')
    .option('--json', 'print the summary as JSON on stdout')
    .addOption(new Option('--log-format <FORMAT>', 'stderr: text (progress bar on a TTY) or json (one event per line, for log collectors)').choices(LOG_FORMATS).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ leadscore score -m models/b2b-saas.yaml -l samples/leads.csv -a samples/activities.csv \\
      -o out --as-of 2026-11-01
  $ leadscore score -m models/web-events.yaml -a 'samples/events/raw/events_*.csv' -o out --as-of 2026-11-01
(no -l: the leads are the distinct client ids of the daily event files)
Writes out/scored.csv, out/band-<name>.csv, out/rejects.csv, out/summary.md, out/summary.json and
out/summary.html (a self-contained page with charts).
Exit codes: 0 ok (rows may have been rejected), 2 usage or invalid model, 3 input data error, 1 bug.
A progress bar is drawn on stderr when it is a terminal; --log-format json writes JSON events instead.`,
    )
    .action(async (opts: ScoreOptions) => {
      setExit(await run(opts));
    });
};

async function run(opts: ScoreOptions): Promise<ExitCode> {
  const { createReporter, inputSizes, loadModelLogged, styleFor } = await import('../log.js');
  const { CliError } = await import('../exit-codes.js');
  const { InputError } = await import('../../io/errors.js');
  const inputError = (e: InstanceType<typeof InputError>): ExitCode => {
    if (opts.logFormat === 'json') {
      process.stderr.write(JSON.stringify({ event: 'error', code: e.code, message: e.message, ...(e.file ? { file: e.file } : {}), ...(e.hint ? { hint: e.hint } : {}), exit_code: ExitCode.data }) + '\n');
    } else reportInputError(e);
    return ExitCode.data;
  };
  try {
    ({ leads: opts.leads, activities: opts.activities } = await leadInputs(opts.leads, opts.activities));
  } catch (e) {
    if (e instanceof InputError) return inputError(e);
    throw e;
  }
  // stdin can be read once: `-l - -a -` would find it empty for the second file (issue 16)
  if ([...opts.leads, ...opts.activities].filter((p) => p === '-').length > 1) {
    throw new CliError('stdin (-) can feed one input only: give the other input as a file', ExitCode.usage, 'LS115');
  }
  if (opts.handoffBand !== undefined && opts.previous === undefined) {
    throw new CliError(`--handoff-band ${opts.handoffBand} needs --previous: crossed.csv lists the leads that entered the band since the previous run`, ExitCode.usage, 'LS114');
  }
  const log = createReporter({ format: opts.logFormat, quiet: !!opts.quiet, totals: inputSizes([...opts.leads, ...opts.activities]) });
  const started = Date.now();
  let asOfMs: number;
  try {
    asOfMs = isLatest(opts.asOf) ? NaN : parseAsOf(opts.asOf); // latest: resolved once the model is read
  } catch (e) {
    if (!(e instanceof CliError) || log.format === 'text') throw e;
    log.error({ ...(e.code ? { code: e.code } : {}), message: e.message, exit_code: e.exitCode });
    return e.exitCode;
  }
  const loaded = await loadModelLogged(opts.model, log);
  if (!loaded) {
    log.error({ code: 'invalid_model', message: `the model ${opts.model} is not valid; nothing was written`, file: opts.model, exit_code: ExitCode.usage });
    return ExitCode.usage;
  }
  if (isLatest(opts.asOf)) {
    const { InputError } = await import('../../io/errors.js');
    try {
      asOfMs = await resolveAsOf(opts.asOf, loaded.model, opts.activities, readOptions(opts));
    } catch (e) {
      if (e instanceof CliError) {
        if (log.format === 'text') throw e;
        log.error({ ...(e.code ? { code: e.code } : {}), message: e.message, exit_code: e.exitCode });
        return e.exitCode;
      }
      if (!(e instanceof InputError)) throw e;
      if (log.format === 'json') log.error({ code: e.code, message: e.message, ...(e.file ? { file: e.file } : {}), ...(e.hint ? { hint: e.hint } : {}), exit_code: ExitCode.data });
      else reportInputError(e);
      return ExitCode.data;
    }
  }
  const st = log.format === 'json' ? styleFor(process.stdout, false) : style;
  const { runScore } = await import('../ports.js');
  log.start({ command: 'score', version: VERSION, model: opts.model, model_sha256: loaded.sha256, leads: opts.leads, activities: opts.activities, out: opts.out, as_of: new Date(asOfMs).toISOString() });
  try {
    const res = await runScore({
      model: loaded.model,
      modelPath: opts.model,
      modelSha256: loaded.sha256,
      leads: opts.leads,
      activities: opts.activities,
      outDir: opts.out,
      asOfMs,
      version: VERSION,
      ...readOptions(opts),
      strict: !!opts.strict,
      ...(opts.maxRejectRate !== undefined ? { maxRejectRate: opts.maxRejectRate } : {}),
      formulaGuard: opts.formulaGuard,
      onProgress: (p) => log.progress(p),
      ...(process.env.LEADSCORE_PHASES ? { onPhase: printPhase } : {}),
      ...(opts.previous !== undefined ? { previous: opts.previous } : {}),
      ...(opts.handoffBand !== undefined ? { handoffBand: opts.handoffBand } : {}),
      command: commandLine(),
      formats: opts.format,
    });
    const s = res.summary;
    for (const w of res.warnings) {
      if (log.format === 'json') log.warning({ ...w });
      else printRunWarning(w);
    }
    const outDir = opts.out.replace(/\/$/, '');
    log.done({
      out: outDir, files: res.files, as_of: s.as_of, leads_read: s.counts.leads_read, scored: s.counts.scored, rejected: s.counts.rejected,
      activities_read: s.counts.activities_read, activities_used: s.counts.activities_used, activities_rejected: s.counts.activities_rejected,
      bands: Object.fromEntries(s.bands.map((b) => [b.name, b.count])), duration_ms: Date.now() - started,
    });
    if (s.counts.rejected + s.counts.activities_rejected > 0) {
      log.rejectSummary({ rows: s.counts.rejected + s.counts.activities_rejected, leads: s.counts.rejected, activities: s.counts.activities_rejected, by_reason: s.data_quality.rejected_by_reason, file: `${outDir}/rejects.csv` });
    }
    if (opts.json) {
      process.stdout.write(JSON.stringify(s, null, 2) + '\n');
    } else if (!opts.quiet) {
      const c = s.counts;
      const out: string[] = [];
      out.push(
        `${st.bold(`scored ${c.scored} leads`)} of ${c.leads_read} read (${c.rejected} rejected), ` +
          `${c.activities_used} of ${c.activities_read} activities used, as of ${s.as_of}`,
      );
      const width = maxOf(s.bands.map((b) => b.name.length), 0);
      for (const b of s.bands) out.push(`  ${b.name.padEnd(width)}  ${String(b.count).padStart(8)}  ${(b.share * 100).toFixed(1).padStart(5)}%`);
      const rejectedRows = c.rejected + c.activities_rejected;
      out.push(`wrote ${res.files.map((f) => `${opts.out.replace(/\/$/, '')}/${f}`).join(', ')}`);
      if (rejectedRows) out.push(st.warn(`${rejectedRows} row(s) rejected: see ${opts.out.replace(/\/$/, '')}/rejects.csv`));
      process.stdout.write(out.join('\n') + '\n');
    }
    return ExitCode.ok;
  } catch (e) {
    log.clear();
    if (e instanceof InputError) {
      if (log.format === 'json') {
        log.error({ code: e.code, message: e.message, ...(e.file ? { file: e.file } : {}), ...(e.line ? { line: e.line } : {}), ...(e.hint ? { hint: e.hint } : {}), exit_code: ExitCode.data });
      } else reportInputError(e);
      return ExitCode.data;
    }
    if (log.format === 'json') {
      const err = e as Error;
      log.error({ code: 'internal', message: `internal error (a bug in leadscore; please report it): ${err?.message ?? String(e)}`, ...(err?.stack ? { stack: err.stack } : {}), exit_code: ExitCode.internal });
      return ExitCode.internal;
    }
    throw e;
  }
}
/** LEADSCORE_PHASES=1: the end of each phase of the run, with memory, on stderr (docs/performance.md). */
function printPhase(name: string, elapsedMs: number): void {
  const m = process.memoryUsage();
  process.stderr.write(`phase ${name} ${elapsedMs} ms rss ${Math.round(m.rss / 1e6)} MB heap ${Math.round(m.heapUsed / 1e6)} MB ext ${Math.round(m.arrayBuffers / 1e6)} MB\n`);
}

/** The command line as typed (for the run record), arguments quoted where needed. */
function commandLine(): string {
  return ['leadscore', ...process.argv.slice(2)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
