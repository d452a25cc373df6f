// leadscore sql -m MODEL --dialect D [--leads TABLE] [--activities TABLE ...] [--as-of DATE|now]
//   [--order-by COL] [--domains-table T] [--emit sql|dbt] [--unrounded] [-o FILE]
// The model compiled to one SQL query that returns what `score` writes per lead (docs/warehouse.md).
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Register } from '../main.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { collect, loadModelOrExit, style } from '../shared.js';
import { DIALECTS, type DialectName } from '../../core/sql/dialect.js';
import type { AsOf } from '../../core/sql/compile-sql.js';
import { parseTimestamp } from '../../core/value.js';
import type { Diagnostic } from '../../core/model/types.js';

interface SqlCommandOptions {
  model: string;
  dialect: DialectName;
  leads: string;
  activities: string[];
  asOf: string;
  orderBy?: string;
  domainsTable?: string;
  emit: 'sql' | 'dbt';
  unrounded?: boolean;
  out?: string;
}

const EXAMPLE = `
Examples:
  $ leadscore sql -m models/b2b-saas.yaml --dialect duckdb --as-of 2026-11-01 > score.sql
  $ leadscore sql -m models/b2b-saas.yaml --dialect bigquery --leads crm.leads \\
      --activities web.events --activities mail.events --order-by loaded_at -o score.sql
  $ leadscore sql -m models/b2b-saas.yaml --dialect snowflake --emit dbt -o models/lead_scores.sql

The query reads every column as text and returns, per lead: the id, rank, score, band, grade, fit,
engagement, flags, reasons and interest_<name> — what \`leadscore score\` writes in scored.csv
(docs/warehouse.md: column types, casts, rounding, nightly jobs, dbt).
Exit codes: 0 ok, 2 usage error, invalid model, or a feature the dialect cannot express (LS190-LS196).`;

/** --as-of for SQL: an ISO date or date-time, or `now` (the engine's clock when the query runs). */
function parseSqlAsOf(value: string): AsOf {
  if (value.trim().toLowerCase() === 'now') return { kind: 'now' };
  const t = parseTimestamp(value.trim());
  if (Number.isNaN(t)) throw new InvalidArgumentError('expected an ISO date or date-time (e.g. 2026-11-01 or 2026-11-01T06:00:00Z), or now');
  return { kind: 'ms', ms: t };
}

const TABLE = /^[A-Za-z_][\w$-]*(\.[A-Za-z_][\w$-]*){0,2}$/;
function parseTable(value: string): string {
  if (!TABLE.test(value.trim())) throw new InvalidArgumentError('expected a table name: name, schema.name or catalog.schema.name (letters, digits, _ - $)');
  return value.trim();
}

export const register: Register = (program: Command, setExit) => {
  program
    .command('sql')
    .description('Compile a model to one SQL query (DuckDB, PostgreSQL, BigQuery, Snowflake, Spark) that scores leads in a warehouse as `score` does.')
    .requiredOption('-m, --model <MODEL>', 'the YAML scoring model')
    .addOption(new Option('--dialect <DIALECT>', 'SQL dialect').choices([...DIALECTS]).makeOptionMandatory())
    .option('--leads <TABLE>', 'the leads table', parseTable, 'leads')
    .option('--activities <TABLE>', 'an activities table; repeat for several (unioned)', (v: string, prev: string[]) => collect(parseTable(v), prev), [] as string[])
    .option('--as-of <DATE|now>', 'reference time: an ISO date or date-time (UTC), or now (the engine\'s clock when the query runs)', 'now')
    .option('--order-by <COLUMN>', 'leads column that orders rows: the first row of a duplicated id wins, and $row ids number rows in this order')
    .option('--domains-table <TABLE>', 'a table with a `domain` column of disposable e-mail domains, instead of the bundled list written inline', parseTable)
    .addOption(new Option('--emit <KIND>', 'sql: a query; dbt: a dbt model ({{ ref(...) }} tables, as-of from var("leadscore_as_of"))').choices(['sql', 'dbt']).default('sql'))
    .option('--unrounded', 'also return score_unrounded, fit_unrounded, engagement_unrounded (doubles)')
    .option('-o, --out <FILE>', 'write the query to FILE (replaced only when complete) instead of stdout')
    .addHelpText('after', EXAMPLE)
    .action(async (opts: SqlCommandOptions) => {
      setExit(await run(opts));
    });
};

async function run(opts: SqlCommandOptions): Promise<ExitCode> {
  const asOf = parseSqlAsOf(opts.asOf);
  if (opts.emit === 'dbt' && asOf.kind === 'ms') {
    throw new CliError('--emit dbt takes the as-of from var("leadscore_as_of") (dbt run --vars \'{leadscore_as_of: 2026-11-01}\'); leave out --as-of', ExitCode.usage, 'LS195');
  }
  const loaded = await loadModelOrExit(opts.model);
  if (!loaded) return ExitCode.usage;
  const { compileSql } = await import('../../core/sql/compile-sql.js');
  const { disposableDomainList } = await import('../../io/disposable.js');
  const { loadModelFile } = await import('../../io/model-file.js');
  const { parsePath } = await import('../../core/model/validate.js');
  const { formatDiagnostic } = await import('../format.js');
  const result = compileSql(loaded.model, {
    dialect: opts.dialect,
    leads: opts.leads,
    activities: opts.activities,
    asOf: opts.emit === 'dbt' ? { kind: 'dbt-var' } : asOf,
    ...(opts.orderBy ? { orderBy: opts.orderBy } : {}),
    ...(opts.domainsTable ? { domainsTable: opts.domainsTable } : {}),
    disposableDomains: opts.domainsTable ? [] : disposableDomainList(),
    emit: opts.emit,
    unrounded: !!opts.unrounded,
    file: opts.model,
    banner: [
      `leadscore sql: model ${loaded.model.name} (${opts.model}, sha256 ${loaded.sha256.slice(0, 12)}), dialect ${opts.dialect}`,
      `as-of: ${opts.emit === 'dbt' ? 'var("leadscore_as_of"), default now' : asOf.kind === 'ms' ? new Date(asOf.ms).toISOString() : 'now (the engine clock)'}`,
    ],
  });
  if (result.errors.length || result.value === undefined) {
    const { locate } = await loadModelFile(opts.model);
    for (const d of result.errors) process.stderr.write(formatDiagnostic(located(d, locate, parsePath), { color: style.color }) + '\n');
    process.stderr.write(`leadscore: the model cannot be compiled to ${opts.dialect} SQL (${result.errors.length} problem(s)); nothing was written.\n`);
    return ExitCode.usage;
  }
  if (opts.out === undefined || opts.out === '-') {
    process.stdout.write(result.value);
    return ExitCode.ok;
  }
  const { OutputSet } = await import('../../io/output.js');
  const { InputError } = await import('../../io/errors.js');
  const { reportInputError } = await import('../shared.js');
  const { basename, dirname } = await import('node:path');
  try {
    // written to a temporary beside FILE and renamed into place once complete
    const set = await OutputSet.create(dirname(opts.out));
    try {
      await set.file(basename(opts.out)).write(result.value);
      await set.commit();
    } catch (e) {
      await set.abort();
      throw e;
    }
  } catch (e) {
    if (e instanceof InputError) {
      reportInputError(e, 'nothing was written.');
      return ExitCode.data;
    }
    throw e;
  }
  return ExitCode.ok;
}

type Locate = (path: (string | number)[]) => { line: number; col: number } | undefined;

/** The diagnostic with the line:col of its model path. */
export function located(d: Diagnostic, locate: Locate, parsePath: (p: string) => (string | number)[]): Diagnostic {
  if (!d.path || d.line !== undefined) return d;
  const p = locate(parsePath(d.path));
  return p ? { ...d, line: p.line, col: p.col } : d;
}
