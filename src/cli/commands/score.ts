// `leadscore score`: the main job. Flags and help here; the pipeline is src/io/score-run.ts.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Register } from '../main.js';
import { ExitCode } from '../exit-codes.js';
import { collect, loadModelOrExit, parseAsOf, parseRate, reportInputError, style } from '../shared.js';
import { VERSION } from '../version.js';

interface ScoreOptions {
  model: string;
  leads: string;
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
}

export const register: Register = (program: Command, setExit) => {
  program
    .command('score')
    .description('Score every lead with a model and write ranked CSVs and the summary report to OUTDIR.')
    .requiredOption('-m, --model <MODEL>', 'the YAML scoring model')
    .requiredOption('-l, --leads <LEADS>', 'leads CSV (.csv, .csv.gz, or - for stdin)')
    .option('-a, --activities <ACTIVITIES>', 'activities CSV; repeat for several files', collect, [])
    .requiredOption('-o, --out <OUTDIR>', 'output folder (files are replaced only when the run succeeds)')
    .option('--as-of <DATE>', 'reference time (ISO date or date-time, UTC) for decay and windows; default now')
    .option('--delimiter <CHAR>', 'input delimiter: , ; tab | (default: detected)')
    .option('--encoding <NAME>', 'input encoding, e.g. windows-1254, iso-8859-2, utf-16le (default utf-8)')
    .option('--strict', 'exit 3 when any row is rejected')
    .addOption(new Option('--max-reject-rate <R>', 'exit 3 when more than this share (0..1) of a file\'s rows is rejected').argParser(parseRate))
    .option('--no-formula-guard', 'write cells starting with = + - @ as they are (default: neutralised for spreadsheets)')
    .option('-q, --quiet', 'print nothing on success')
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText(
      'after',
      `
Example:
  $ leadscore score -m models/b2b-saas.yaml -l samples/leads.csv -a samples/activities.csv \\
      -o out --as-of 2026-11-01
Writes out/scored.csv, out/band-<name>.csv, out/rejects.csv, out/summary.md and out/summary.json.
Exit codes: 0 ok (rows may have been rejected), 2 usage or invalid model, 3 input data error, 1 bug.`,
    )
    .action(async (opts: ScoreOptions) => {
      setExit(await run(opts));
    });
};

async function run(opts: ScoreOptions): Promise<ExitCode> {
  const asOfMs = parseAsOf(opts.asOf);
  const loaded = await loadModelOrExit(opts.model);
  if (!loaded) return ExitCode.usage;
  const { runScore } = await import('../../io/score-run.js');
  const { InputError } = await import('../../io/errors.js');
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
      ...(opts.delimiter ? { delimiter: opts.delimiter === 'tab' ? '\t' : opts.delimiter } : {}),
      ...(opts.encoding ? { encoding: opts.encoding } : {}),
      strict: !!opts.strict,
      ...(opts.maxRejectRate !== undefined ? { maxRejectRate: opts.maxRejectRate } : {}),
      formulaGuard: opts.formulaGuard,
    });
    const s = res.summary;
    if (opts.json) {
      process.stdout.write(JSON.stringify(s, null, 2) + '\n');
    } else if (!opts.quiet) {
      const c = s.counts;
      const out: string[] = [];
      out.push(
        `${style.bold(`scored ${c.scored} leads`)} of ${c.leads_read} read (${c.rejected} rejected), ` +
          `${c.activities_used} of ${c.activities_read} activities used, as of ${s.as_of}`,
      );
      const width = Math.max(...s.bands.map((b) => b.name.length));
      for (const b of s.bands) out.push(`  ${b.name.padEnd(width)}  ${String(b.count).padStart(8)}  ${(b.share * 100).toFixed(1).padStart(5)}%`);
      const rejectedRows = c.rejected + c.activities_rejected;
      out.push(`wrote ${res.files.map((f) => `${opts.out.replace(/\/$/, '')}/${f}`).join(', ')}`);
      if (rejectedRows) out.push(style.warn(`${rejectedRows} row(s) rejected: see ${opts.out.replace(/\/$/, '')}/rejects.csv`));
      process.stdout.write(out.join('\n') + '\n');
    }
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof InputError) {
      reportInputError(e);
      return ExitCode.data;
    }
    throw e;
  }
}
