// leadscore validate MODEL [-l LEADS] [-a ACTIVITIES] [--json]
// Checks a model (shape, types, semantics) and, given -l/-a, that every field it reads is a column of
// those files. Reports every diagnostic, not just the first. Exit 0 when valid (warnings allowed), 2 not.
import { Option, type Command } from 'commander';
import type { Diagnostic } from '../../core/model/types.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { Register } from '../main.js';

export interface ValidateOptions {
  leads?: string[];
  activities: string[];
  json?: boolean;
  /** Also report what `leadscore sql --dialect D` would refuse (LS190-LS193). */
  dialect?: string;
}

const EXAMPLE = `
Examples:
  $ leadscore validate models/b2b-saas.yaml
  $ leadscore validate models/b2b-saas.yaml -l leads.csv -a activities.csv
  $ leadscore validate models/b2b-saas.yaml --json | jq '.errors[].code'
  $ leadscore validate models/b2b-saas.yaml --dialect snowflake   # what \`leadscore sql\` would refuse

Each problem is printed as  file:line:col severity CODE message  with a hint below it
(codes are listed in docs/diagnostics.md). Exit status: 0 valid (warnings allowed), 2 invalid.
`;

export const register: Register = (program: Command, setExit) => {
  program
    .command('validate')
    .description('Check a scoring model, and that the columns it reads exist in the given CSV files.')
    .argument('[model]', 'the YAML model file')
    .option('-l, --leads <files...>', 'leads CSVs (files, folders or quoted globs): check that every lead field of the model is one of their columns')
    .option('-a, --activities <files...>', 'activity CSVs (files, folders or quoted globs): check the activity columns of each', [] as string[])
    .option('--json', 'print { file, valid, errors, warnings } as JSON')
    .addOption(new Option('--dialect <DIALECT>', 'also check that `leadscore sql` can compile the model for this SQL dialect').choices(['duckdb', 'postgres', 'bigquery', 'snowflake', 'spark']))
    .addHelpText('after', EXAMPLE)
    .action(async (model: string | undefined, opts: ValidateOptions) => {
      // `-a x.csv y.csv model.yaml`: the file list took the model; a YAML file is never an input CSV
      for (const list of [opts.activities, opts.leads ?? []]) {
        if (model === undefined && list.length && /\.ya?ml$/i.test(list[list.length - 1]!)) model = list.pop();
      }
      if (model === undefined) throw new CliError('give the model file: leadscore validate MODEL [-l LEADS] [-a ACTIVITIES...]', ExitCode.usage);
      setExit(await run(model, opts));
    });
};

export async function run(modelPath: string, opts: ValidateOptions): Promise<ExitCode> {
  const { loadModelFile } = await import('../../io/model-file.js');
  const { readHeaderLine } = await import('../../io/header.js');
  const { checkColumns, countRules } = await import('../../core/model/validate.js');
  const { alternativesUsed, hasColumn } = await import('../../core/model/check-columns.js');
  const { formatDiagnostic, formatCounts, useColor } = await import('../format.js');

  const loaded = await loadModelFile(modelPath);
  const errors: Diagnostic[] = [...loaded.result.errors];
  const warnings: Diagnostic[] = [...loaded.result.warnings];
  const model = loaded.result.value;
  const columns: { file: string; column: string; alternatives: string[]; uses: string }[] = [];

  const header = async (file: string): Promise<string[] | undefined> => {
    try {
      const h = await readHeaderLine(file);
      if (h.length === 0 || (h.length === 1 && h[0] === '')) throw new Error('the file is empty');
      return h;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      errors.push({
        code: 'LS092', severity: 'error', file,
        message: `cannot read the header of ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`,
        hint: 'give a CSV file whose first line names the columns',
      });
      return undefined;
    }
  };
  const expand = async (list: string[], role: string): Promise<string[]> => {
    const { expandInputs } = await import('../../io/input-paths.js');
    try {
      return await expandInputs(list, role);
    } catch (err) {
      const e = err as { code?: string; message: string; file?: string; hint?: string };
      errors.push({ code: e.code ?? 'LS160', severity: 'error', ...(e.file ? { file: e.file } : {}), message: e.message, ...(e.hint ? { hint: e.hint } : {}) });
      return [];
    }
  };
  const leadFiles = await expand(opts.leads ?? [], 'leads');
  const activityFiles = await expand(opts.activities ?? [], 'activities');
  const leadHeaders: { file: string; header: string[] }[] = [];
  for (const file of leadFiles) {
    const h = await header(file);
    if (h) leadHeaders.push({ file, header: h });
  }
  const activityHeaders: { file: string; header: string[] }[] = [];
  for (const file of activityFiles) {
    const h = await header(file);
    if (h) activityHeaders.push({ file, header: h });
  }
  if (model) {
    const common = { file: modelPath, locate: loaded.locate };
    const found: Diagnostic[] = [];
    for (const l of leadHeaders) found.push(...checkColumns(model, { leads: l.header }, { ...common, leadsFile: l.file }));
    for (const a of activityHeaders) {
      const inOtherActivityFile = (field: string) => activityHeaders.some((b) => b !== a && hasColumn(model, b.header, field));
      found.push(...checkColumns(model, { activities: a.header }, { ...common, activitiesFile: a.file, inOtherActivityFile }));
    }
    if (opts.dialect && errors.length === 0) {
      const { sqlRefusals } = await import('../../core/sql/compile-sql.js');
      const { parsePath } = await import('../../core/model/paths.js');
      for (const d of sqlRefusals(model, opts.dialect as 'duckdb', modelPath)) {
        const p = d.path ? loaded.locate(parsePath(d.path)) : undefined;
        found.push(p ? { ...d, line: p.line, col: p.col } : d);
      }
    }
    for (const d of found) (d.severity === 'error' ? errors : warnings).push(d);
    // which of its alternative names each file uses (a file with none of them: LS090 / LS091 above)
    for (const f of [...leadHeaders, ...activityHeaders]) {
      for (const u of alternativesUsed(model, f.header)) if (u.uses !== undefined) columns.push({ file: f.file, column: u.column, alternatives: u.names, uses: u.uses });
    }
  }

  const valid = errors.length === 0 && model !== undefined;
  if (opts.json) {
    process.stdout.write(JSON.stringify({ file: modelPath, valid, errors, warnings, ...(columns.length ? { columns } : {}) }, null, 2) + '\n');
  } else {
    const color = useColor(process.stdout);
    const sorted = [...errors, ...warnings].sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0) : 0));
    for (const d of sorted) process.stdout.write(formatDiagnostic(d, { color }) + '\n');
    for (const c of columns) process.stdout.write(`${c.file}: ${c.column} is "${c.uses}" (of ${c.alternatives.join(', ')})\n`);
    if (valid) {
      const w = warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : '';
      const checked = [...leadFiles, ...activityFiles];
      const cols = (checked.length ? `; columns found in ${checked.join(', ')}` : '') + (opts.dialect ? `; compiles to ${opts.dialect} SQL` : '');
      process.stdout.write(`ok: ${modelPath} is valid (${countRules(model)} rules${cols})${w}\n`);
    } else {
      process.stdout.write(formatCounts(errors.length, warnings.length) + '\n');
    }
  }
  return valid ? ExitCode.ok : ExitCode.usage;
}
