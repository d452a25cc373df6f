// `leadscore explain`: why a lead scores what it scores.
import type { Command } from 'commander';
import type { Register } from '../main.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { collect, leadInputs, isLatest, loadModelOrExit, parseAsOf, printRunWarning, exitOnInputError, resolveAsOf, style, readOptions } from '../shared.js';
import type { Explanation } from '../../core/score/explain.js';

interface ExplainOptions {
  model: string;
  leads?: string[];
  activities: string[];
  lead: string[];
  asOf?: string;
  json?: boolean;
  delimiter?: string;
  encoding?: string;
  strict?: boolean;
}

export const register: Register = (program: Command, setExit) => {
  program
    .command('explain')
    .description('Show how a lead\'s score is built: every rule, activity, cap and the band, adding up to the score in scored.csv.')
    .requiredOption('-m, --model <MODEL>', 'the YAML scoring model')
    .option('-l, --leads <LEADS...>', 'leads CSV (.csv, .csv.gz, or - for stdin); several files, a folder or a quoted glob; without -l the lead is one of the activities\' lead ids')
    .option('-a, --activities <ACTIVITIES...>', 'activity CSVs: any number of files, folders or quoted globs', [])
    .requiredOption('--lead <ID>', 'the lead id to explain; repeat for several', collect, [])
    .option('--as-of <DATE>', 'reference time (ISO date or date-time, UTC, or latest: the newest activity); default now — use the as-of of the run you are explaining')
    .option('--json', 'print the explanations as JSON')
    .option('--strict', 'exit 3 on a run warning (LS171: none of the lead\'s activities counted as of --as-of; LS175: the top band out of reach), as score --strict')
    .option('--delimiter <CHAR>', 'input delimiter: , ; tab | (default: detected)')
    .option('--encoding <NAME>', 'input encoding (default utf-8)')
    .addHelpText(
      'after',
      `
Example:
  $ leadscore explain -m models/b2b-saas.yaml -l samples/leads.csv -a samples/activities.csv \\
      --as-of 2026-11-01 --lead L00304
Run warnings that apply to the explained leads (LS171: none of their activities is counted as of
--as-of, with the newest one; LS175: the top band is out of reach) are printed on stderr.
Exit codes: 0 ok, 2 usage or invalid model, 3 input error (e.g. the lead is not in the file; with
--strict, a run warning).`,
    )
    .action(async (opts: ExplainOptions) => {
      setExit(await run(opts));
    });
};

async function run(opts: ExplainOptions): Promise<ExitCode> {
  if (opts.lead.length === 0) throw new CliError('give the lead to explain with --lead ID (repeat it for several)', ExitCode.usage);
  if (!isLatest(opts.asOf)) parseAsOf(opts.asOf); // a bad --as-of is a usage error before the model is read
  const loaded = await loadModelOrExit(opts.model);
  if (!loaded) return ExitCode.usage;
  const { explainLeads } = await import('../../app/explain.js');
  const { explainPorts } = await import('../ports.js');
  return exitOnInputError(async () => {
    const { leads, activities } = await leadInputs(opts.leads, opts.activities);
    const asOfMs = await resolveAsOf(opts.asOf, loaded.model, activities, readOptions(opts));
    const out = await explainLeads(explainPorts(), {
      model: loaded.model,
      leads,
      activities,
      asOfMs,
      ids: opts.lead.map((x) => x.trim()),
      ...readOptions(opts),
      ...(opts.strict ? { strict: true } : {}),
      onWarning: printRunWarning,
    });
    process.stdout.write(opts.json ? JSON.stringify(out, null, 2) + '\n' : out.map(formatExplanation).join('\n'));
    return ExitCode.ok;
  });
}

const STATUS: Record<string, string> = {
  after_as_of: 'after as-of',
  outside_window: 'older than the window',
  max_count: 'beyond max_count (older)',
  if_false: 'its condition does not hold',
  'bot_filter:burst': 'bot filter, a burst',
  'bot_filter:scanner_click': 'bot filter, a scanner click right after delivery/open',
};

const f2 = (x: number) => (Math.round(x * 100) / 100).toFixed(2);
const signed = (x: number) => (x > 0 ? '+' : x < 0 ? '−' : ' ') + f2(Math.abs(x));
const mark = (ok: boolean) => (ok ? style.bold('✓') : '·');

/** The text form: the score built up step by step, one line per rule, activity lines indented. */
export function formatExplanation(x: Explanation): string {
  const out: string[] = [];
  out.push(style.bold(`lead ${x.lead}`) + ` as of ${x.as_of}` + (x.segment ? `  (segment ${x.segment})` : ''));
  if (x.rejected) out.push(style.warn(`  rejected by quality check "${x.rejected}": not scored`));
  out.push('', 'fit');
  for (const r of x.fit.rules) {
    const seen = r.value !== undefined ? `  ${r.value === null ? 'missing' : `"${r.value}"`}` : '';
    out.push(`  ${mark(r.matched)} ${r.id.padEnd(24)} ${signed(r.points).padStart(8)}${seen}${r.detail ? ` — ${r.detail}` : ''}`);
    for (const l of r.leaves ?? []) out.push(`      ${l.result ? 'holds' : 'fails'}: ${l.field} = ${l.value === null ? 'missing' : JSON.stringify(l.value)}; ${l.test}`);
  }
  out.push(`  fit ${f2(x.fit.total_before_cap)}${x.fit.max !== null ? `, capped at ${x.fit.max}` : ''} → ${style.bold(f2(x.fit.total))}`);
  out.push('', `engagement${x.engagement.half_life_days ? ` (half-life ${x.engagement.half_life_days} days)` : ''}${x.engagement.window_days ? ` (window ${x.engagement.window_days} days)` : ''}`);
  for (const r of x.engagement.rules) {
    out.push(`  ${mark(r.total !== 0)} ${r.id.padEnd(24)} ${signed(r.total).padStart(8)}   (${r.points} per ${r.types.join('/')}${r.max_points !== null ? `, max_points ${r.max_points}` : ''})`);
    for (const a of r.activities) {
      const detail = a.status === 'counted' ? `${signed(a.points)} (age ${a.age_days?.toFixed(1)} d, decay ${a.decay?.toFixed(3)})` : `not counted: ${STATUS[a.status] ?? a.status}`;
      out.push(`      ${a.at.padEnd(22)} ${a.type.padEnd(18)} ${detail}   ${a.file}:${a.line}`);
      for (const l of a.leaves ?? []) out.push(`          ${l.result ? 'holds' : 'fails'}: ${l.field} = ${l.value === null ? 'missing' : JSON.stringify(l.value)}; ${l.test}`);
    }
    if (r.max_points !== null && Math.abs(r.total_before_max_points) > r.max_points) out.push(`      ${f2(r.total_before_max_points)} capped by max_points at ${r.max_points}`);
  }
  if (x.engagement.other_activities) out.push(`    ${x.engagement.other_activities} activities of types no rule names (they count for activity_count and recency)`);
  for (const s of x.engagement.signals) {
    const fields = Object.entries(s.fields).map(([k, v]) => `${k} = ${v === null ? 'missing' : v}`).join(', ');
    out.push(`  ${mark(s.matched)} signal ${s.id.padEnd(17)} ${signed(s.points).padStart(8)}   ${fields}${s.flag && s.matched ? `  flag ${s.flag}` : ''}`);
  }
  out.push(`  engagement ${f2(x.engagement.total_before_cap)}${x.engagement.max !== null ? `, capped at ${x.engagement.max}` : ''} → ${style.bold(f2(x.engagement.total))}`);
  if (x.quality.length) {
    out.push('', 'quality');
    for (const q of x.quality) {
      out.push(`  ${mark(q.matched)} ${q.id.padEnd(24)} ${signed(q.points).padStart(8)}   ${q.check ?? 'if'}${q.value !== undefined ? ` on "${q.value ?? ''}"` : ''}${q.matched ? ` → ${q.action === 'reject' ? 'reject' : q.flag ? `flag ${q.flag}` : 'adjust'}` : ''}`);
    }
  }
  if (x.predictive) {
    out.push('', `predictive: p = ${x.predictive.probability.toFixed(4)} (weight ${x.predictive.weight}); each feature's term in log-odds (+0.69 doubles the odds, -0.69 halves them), and in score points`);
    const shown = x.predictive.features.slice(0, 10).map((p) => ({ ...p, label: `${p.feature} = ${p.value ?? '(missing)'}` }));
    const width = Math.min(60, Math.max(26, ...shown.map((p) => p.label.length)));
    for (const p of shown) out.push(`    ${p.label.padEnd(width)} ${signed(p.log_odds).padStart(8)} log-odds ${signed(p.points).padStart(8)} points`);
  }
  if (!x.rejected) {
    out.push('');
    out.push(
      `score = ${x.predictive ? 'blend' : `fit ${f2(x.fit.total)} + engagement ${f2(x.engagement.total)} + adjustments ${f2(x.adjustments)}`} = ${f2(x.sum)}` +
        (x.clamped ? `, clamped to [0, 100] → ${f2(x.score)}` : ''),
    );
    out.push(
      style.bold(`score ${f2(x.score)}`) +
        `   band ${x.band ? `${x.band.name}${x.band.min !== null ? ` (min ${x.band.min})` : ''}` : '(none)'}` +
        (x.grade ? `   grade ${x.grade.grade}` : '') +
        (x.flags.length ? `   flags ${x.flags.join(';')}` : ''),
    );
    out.push(`reasons: ${x.reasons}`);
  }
  return out.join('\n') + '\n';
}
