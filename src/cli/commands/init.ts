// `leadscore init -l LEADS [-a ACTIVITIES] [-o MODEL.yaml]`: a starter model from the headers and a
// sample of the data. The use case is src/app/init.ts (recognising columns and the YAML text are the
// pure src/core/init); this file parses the options and prints. The written model is validated (and
// checked against the files' columns) before it is written: a starter model that does not validate is
// a bug (exit 1).
import type { Command } from 'commander';
import type { Register } from '../main.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { wholeNumber, inputFiles, reportInputError, style, readOptions } from '../shared.js';
import { VERSION } from '../version.js';

export interface InitOptions {
  leads?: string;
  activities?: string[];
  out?: string;
  force?: boolean;
  name?: string;
  sampleRows?: number;
  delimiter?: string;
  encoding?: string;
  quiet?: boolean;
  outcome?: string;
  outcomes?: string;
  outcomesId?: string;
}

const EXAMPLE = `
Examples:
  $ leadscore init -l samples/leads.csv -a samples/activities.csv -o models/mine.yaml
  $ leadscore init -l export.csv | less            # print the model instead of writing it
  $ leadscore init -a 'raw/events_*.csv' -o events.yaml   # event log, no leads file
  $ leadscore init -l Leads.csv --outcomes closed-won.csv --outcomes-id lead_ref -o starter.yaml
      (points from the data; a lead in closed-won.csv converted, every other lead did not)

Reads the header and the first rows of each file (--sample-rows, default 1000 leads and 20x as many
activities), recognises columns (id, title/role, department, company size, country, industry, e-mail,
created date; activity lead id, type, date, detail) and writes a commented model with starter rules that
validates and scores. Without -a the model is fit-only; without an id-like column leads are keyed by $row.
An existing MODEL.yaml is not replaced unless --force (exit 2).
Next: leadscore validate MODEL.yaml -l LEADS -a ACTIVITIES, then leadscore score.`;

export const register: Register = (program: Command, setExit) => {
  program
    .command('init')
    .description('write a starter scoring model from the headers and a sample of a leads (and activities) export')
    .option('-l, --leads <LEADS>', 'leads CSV (.csv, .csv.gz, or - for stdin); without it, an engagement model for leads taken from the activities')
    .option('-a, --activities <ACTIVITIES...>', 'activity CSVs (files, folders or quoted globs): input.activities and engagement rules for the types found; files that name columns differently get alternatives', [])
    .option('-o, --out <MODEL.yaml>', 'where to write the model (- or left out: stdout)')
    .option('--force', 'replace MODEL.yaml when it exists')
    .option('--name <NAME>', 'model name (default: from the leads file name)')
    .option('--sample-rows <N>', 'lead rows to read (activities: 20x as many); default 1000, 50000 with --outcome or --outcomes', wholeNumber(1, '1000'))
    .option('--delimiter <CHAR>', 'input delimiter: , ; tab | (default: detected)')
    .option('--encoding <NAME>', 'input encoding, e.g. windows-1254 (default utf-8)')
    .option('--outcome <COLUMN>', 'a column with the known outcome (of the leads, or of --outcomes): points from the data (conversion per value against the average; numbers in quantile bins); ids and leaky columns are left out with a comment')
    .option('--outcomes <FILE>', 'the outcomes in another file (e.g. closed deals), LEFT-joined on the lead id: a lead not in it did not convert; without --outcome, being in it is the conversion; points from the data as with --outcome')
    .option('--outcomes-id <COLUMN>', 'the lead id column of --outcomes (default: the lead id column init recognises)')
    .option('-q, --quiet', 'print nothing but errors on stderr')
    .addHelpText('after', EXAMPLE)
    .action(async (opts: InitOptions) => {
      setExit(await run(opts, process.argv.slice(2)));
    });
};

export async function run(opts: InitOptions, argv: string[] = []): Promise<ExitCode> {
  const { existsSync } = await import('node:fs');
  if (opts.outcomesId && !opts.outcomes) throw new CliError('--outcomes-id needs --outcomes', ExitCode.usage, 'LS142');
  const toStdout = opts.out === undefined || opts.out === '-';
  if (!toStdout && existsSync(opts.out as string) && !opts.force) {
    process.stderr.write(`leadscore: ${opts.out} already exists; nothing was written (use --force to replace it)\n`);
    return ExitCode.usage;
  }
  const { InputError } = await import('../../io/errors.js');
  const { initModel } = await import('../../app/init.js');
  const { initPorts } = await import('../ports.js');
  const { formatDiagnostic } = await import('../format.js');
  let activityPaths: string[];
  let res: import('../../app/init.js').InitResult;
  try {
    activityPaths = await inputFiles(opts.activities ?? [], 'activities');
    if (opts.leads === undefined && activityPaths.length === 0) {
      process.stderr.write(`leadscore: LS162 give the leads (-l LEADS), or activity files (-a) to take the leads from; no model was written.\n`);
      return ExitCode.usage;
    }
    res = await initModel(await initPorts(), {
      activities: activityPaths,
      ...(opts.leads !== undefined ? { leads: opts.leads } : {}),
      ...(!toStdout ? { out: opts.out as string } : {}),
      ...(opts.name ? { name: opts.name } : {}),
      ...(opts.sampleRows !== undefined ? { sampleRows: opts.sampleRows } : {}),
      ...readOptions(opts),
      ...(opts.outcome !== undefined ? { outcome: opts.outcome } : {}),
      ...(opts.outcomes !== undefined ? { outcomes: opts.outcomes } : {}),
      ...(opts.outcomesId ? { outcomesId: opts.outcomesId } : {}),
      version: VERSION,
      command: ['leadscore', ...argv.map(shellQuote)].join(' '),
      onNote: (kind, text) => {
        if (kind === 'note') process.stderr.write(`${style.warn('note')} ${text}\n`);
        else if (!opts.quiet) process.stderr.write(`${text}\n`);
      },
    });
  } catch (e) {
    if (e instanceof InputError) {
      reportInputError(e, 'no model was written.');
      return ExitCode.data;
    }
    throw e;
  }
  if (res.kind === 'invalid') {
    for (const d of res.problems) process.stderr.write(formatDiagnostic(d, { color: style.color }) + '\n');
    process.stderr.write('leadscore: internal error: the starter model does not validate. This is a bug in leadscore; please report it with the command line and the first lines of the files.\n');
    return ExitCode.internal;
  }
  if (res.writeError) {
    reportInputError(res.writeError);
    return ExitCode.data;
  }
  if (toStdout) process.stdout.write(res.yaml);

  if (!opts.quiet) {
    const { starter, activityColumns } = res;
    const err = process.stderr;
    for (const n of starter.notes) err.write(`${style.warn('note')} ${n}\n`);
    const roles = Object.entries(starter.leads).map(([role, p]) => `${role}=${p.name}`).join(', ');
    err.write(`recognised lead columns: ${roles || 'none'}\n`);
    if (starter.activities) {
      const a = starter.activities;
      const names = (p: { name: string } | undefined, alt: string[] | undefined) => (alt && alt.length > 1 ? `[${alt.join(', ')}]` : p?.name);
      err.write(`recognised activity columns: lead_id=${names(a.leadId, activityColumns?.leadId)}, type=${names(a.type, activityColumns?.type)}, timestamp=${names(a.timestamp, activityColumns?.timestamp)}${a.detail ? `, detail=${names(a.detail, activityColumns?.detail)}` : ''}${activityPaths.length > 1 ? ` (from ${activityPaths.length} files)` : ''}\n`);
    }
    const what = `${starter.fitRules.length} fit rules, ${starter.engagementRules.length} engagement rules${starter.engagementRules.length ? '' : ' (fit-only)'}`;
    if (!toStdout) {
      err.write(`${style.bold(`wrote ${opts.out}`)}: ${what}\n`);
      const a = opts.activities?.length ? ` -a ${opts.activities.map(shellQuote).join(' ')}` : '';
      const l = opts.leads !== undefined ? ` -l ${shellQuote(opts.leads)}` : '';
      err.write(`next: leadscore validate ${shellQuote(opts.out as string)}${l}${a}\n`);
      err.write(`      leadscore score -m ${shellQuote(opts.out as string)}${l}${a} -o out\n`);
    } else {
      err.write(`${what}\n`);
    }
  }
  return ExitCode.ok;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
