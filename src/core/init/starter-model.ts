// `leadscore init` (pure): CSV headers + sample rows -> a starter scoring model as commented YAML text.
// Every rule it writes is a suggestion with a comment saying where it came from (which column, which
// values or quantiles of the sample), so that the analyst edits a model that already validates and
// scores instead of starting from an empty file.
import { ACTIVITY_KINDS, type ActivityKind, activityKind } from './activity-points.js';
import { type ColumnProfile, isCategorical, numericShare, profileColumns, quantile } from './profile.js';
import { type RecognisedActivities, type RecognisedLeads, recogniseActivityColumns, recogniseLeadColumns } from './recognise.js';
import { DEFAULT_NULL_VALUES } from '../model/types.js';
import { maxOf } from '../numbers.js';

export interface InitSample {
  /** As given on the command line (shown in comments). */
  file: string;
  header: readonly string[];
  rows: readonly (readonly string[])[];
  /** True when the file has more rows than the sample. */
  truncated: boolean;
}

export interface StarterOptions {
  leads: InitSample;
  activities?: InitSample;
  /** Model name (default: from the leads file name). */
  name?: string;
  version: string;
  /** The command line, for the header comment. */
  command?: string;
}

export interface StarterModel {
  yaml: string;
  leads: RecognisedLeads;
  activities?: RecognisedActivities;
  /** Why parts were left out (e.g. activities without a recognisable type column); shown by the CLI. */
  notes: string[];
  /** Engagement rules written, by id. */
  engagementRules: string[];
  fitRules: string[];
}

const RESERVED = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~']);

/** A YAML scalar: plain when unambiguous, else double-quoted (JSON strings are YAML strings). */
export function yamlScalar(s: string | number): string {
  if (typeof s === 'number') return String(s);
  if (/^[A-Za-z_$][A-Za-z0-9_\-./$]*$/.test(s) && !RESERVED.has(s.toLowerCase()) && !s.endsWith('.')) return s;
  return JSON.stringify(s);
}

const list = (xs: readonly (string | number)[]) => `[${xs.map(yamlScalar).join(', ')}]`;
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/** A round number near x (2 significant digits), for readable range bounds. */
export function niceNumber(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const mag = 10 ** Math.max(0, Math.floor(Math.log10(Math.abs(x))) - 1);
  return Math.round(x / mag) * mag;
}

/** Open-ended tiers highest first from the sample's quartiles: [{min, points}], strictly decreasing mins. */
export function quantileTiers(numbers: readonly number[], points: readonly number[] = [15, 10, 5]): { min: number; points: number; q: string }[] {
  const sorted = [...numbers].sort((a, b) => a - b);
  const qs: [number, string][] = [[0.75, '75th percentile'], [0.5, 'median'], [0.25, '25th percentile']];
  const out: { min: number; points: number; q: string }[] = [];
  qs.forEach(([q, label], i) => {
    const min = niceNumber(quantile(sorted, q));
    if (Number.isNaN(min)) return;
    if (out.length && min >= (out[out.length - 1] as { min: number }).min) return;
    out.push({ min, points: points[i] as number, q: `${label} ${quantile(sorted, q)}` });
  });
  return out;
}

/** Starter points for a dropdown value of a title/role or department column. */
export function categoryPoints(role: 'title' | 'department' | 'company_size' | 'other', value: string): number {
  const v = value.toLowerCase();
  if (role === 'company_size') {
    const m = /^\s*(\d[\d,.]*)/.exec(v);
    if (!m) return 0;
    const n = Number((m[1] as string).replace(/[,.]/g, ''));
    return n >= 1000 ? 10 : n >= 200 ? 15 : n >= 50 ? 10 : n >= 11 ? 5 : 0;
  }
  if (/student|intern|retired|unemployed|personal|other|unknown|none/.test(v)) return 0;
  if (role === 'title') {
    if (/\b(ceo|cto|cfo|coo|cmo|cio|chief|founder|owner|president|executive|c-level|vp)\b|entrepreneur/.test(v)) return 15;
    if (/director|head|manag|lead/.test(v)) return 10;
    return 5;
  }
  if (role === 'department') {
    if (/\b(it|engineering|technology|tech|data|analytics|finance|operations|security|devops)\b/.test(v)) return 10;
    return 5;
  }
  return 5;
}

const FREE_EMAIL_DOMAINS = ['gmail.com', 'googlemail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'live.com', 'aol.com', 'icloud.com', 'gmx.de', 'web.de', 'yandex.ru', 'mail.ru', 'proton.me'];

interface Lines {
  push(...l: string[]): void;
}

export function buildStarterModel(o: StarterOptions): StarterModel {
  const notes: string[] = [];
  const leadProfiles = profileColumns(o.leads.header, o.leads.rows);
  const leads = recogniseLeadColumns(leadProfiles);
  const idColumn = leads.id?.name ?? '$row';

  // activities: usable only with a join key on both sides and a type and a timestamp column
  let acts: RecognisedActivities | undefined;
  let actProfiles: ColumnProfile[] = [];
  if (o.activities) {
    actProfiles = profileColumns(o.activities.header, o.activities.rows);
    acts = recogniseActivityColumns(actProfiles, leads.id?.name);
    const missing = [!acts.leadId && 'a lead id column', !acts.type && 'an activity type column', !acts.timestamp && 'a date/time column'].filter(Boolean);
    if (!leads.id) {
      notes.push(`${o.leads.file} has no id-like column (the model uses $row), so activities cannot be joined to leads: the model is fit-only`);
      acts = undefined;
    } else if (missing.length) {
      notes.push(`${o.activities.file}: no ${missing.join(', ')} recognised; the model is fit-only (add input.activities and engagement rules by hand)`);
      acts = undefined;
    }
  }
  const engaged = acts !== undefined;

  const out: string[] = [];
  const L: Lines = { push: (...l) => out.push(...l) };
  const fitRules: string[] = [];
  const engagementRules: string[] = [];

  // ---- header comment
  const sampleText = (s: InitSample) => `${s.truncated ? `the first ${s.rows.length} rows` : `all ${s.rows.length} rows`} of ${s.file}`;
  L.push(
    `# Starter model written by \`leadscore init\` (leadscore ${o.version}) from the headers and`,
    `# ${sampleText(o.leads)}${o.activities ? `, and ${sampleText(o.activities)}` : ''}.`,
  );
  if (o.command) L.push(`# Command: ${o.command.replace(/\n/g, ' ')}`);
  L.push(
    '#',
    '# Every rule is a suggestion from the column names and the values seen: review the points, remove what',
    '# does not fit your ideal customer profile, then check it with `leadscore validate` and try it with',
    '# `leadscore score ... -o out` (the report shows how often each rule fired). docs/model.md has every key.',
  );
  const recognised = (Object.entries(leads) as [string, ColumnProfile][]).map(([role, p]) => `${role} = ${p.name}`);
  L.push(...wrapComment(`Leads columns recognised: ${recognised.length ? recognised.join(', ') : 'none'}.`));
  const used = new Set(Object.values(leads).map((p) => p.index));
  const unused = leadProfiles.filter((p) => !used.has(p.index)).map((p) => p.name);
  if (unused.length) L.push(...wrapComment(`Not used (add rules by hand if they matter): ${unused.join(', ')}.`));
  for (const n of notes) L.push(...wrapComment(`Note: ${n}.`));

  // ---- name, input
  const name = o.name ?? slug(o.leads.file);
  L.push('version: 1', `name: ${yamlScalar(name)}`, `description: ${yamlScalar(`Starter ${engaged ? 'fit + engagement' : 'fit-only'} model generated by leadscore init from ${basename(o.leads.file)}.`)}`, '');
  const placeholders: string[] = [];
  for (const t of leadProfiles.flatMap((p) => p.placeholders)) {
    if (![...DEFAULT_NULL_VALUES, ...placeholders].some((d) => d.toLowerCase() === t.toLowerCase())) placeholders.push(t);
  }
  L.push('input:', '  leads:');
  L.push(`    id: ${yamlScalar(idColumn)}${leads.id ? '' : '                        # no id-like column: leads are named by their data row number'}`);
  L.push(`    null_values: ${list([...DEFAULT_NULL_VALUES, ...placeholders])}${placeholders.length ? '  # placeholders seen in the sample added' : ''}`);
  if (acts) {
    L.push('  activities:', `    lead_id: ${yamlScalar(acts.leadId!.name)}`, `    type: ${yamlScalar(acts.type!.name)}`, `    timestamp: ${yamlScalar(acts.timestamp!.name)}`);
  }
  L.push('');

  // ---- fit
  const maxByRule: number[] = [];
  L.push('fit:');
  if (engaged) L.push('  max: 60                              # fit and engagement each give at most 60 of the 100 points');
  L.push('  rules:');
  const rule = (id: string, comment: string, body: string[], best: number) => {
    fitRules.push(id);
    maxByRule.push(Math.max(0, best));
    L.push(`    # ${comment}`, ...body.map((b, i) => (i === 0 ? `    - ${b}` : `      ${b}`)));
  };
  const values = (id: string, p: ColumnProfile, role: 'title' | 'department' | 'company_size' | 'other', top: number, comment: string) => {
    const seen = p.values.filter((v) => v.count >= 2 || p.values.length <= top).slice(0, top);
    if (!seen.length) return;
    const entries = seen.map((v) => ({ ...v, points: categoryPoints(role, v.value) }));
    if (entries.every((e) => e.points === 0)) (entries[0] as { points: number }).points = 5;
    rule(id, `${comment} (the ${plural(entries.length, 'most frequent value')} of ${p.values.length} in the sample; value: points)`,
      [`id: ${id}`, `field: ${yamlScalar(p.name)}`, 'values:', ...entries.map((e) => `  ${yamlScalar(e.value)}: ${e.points}${' '.repeat(Math.max(1, 28 - yamlScalar(e.value).length - String(e.points).length))}# ${e.count} in the sample`)],
      maxOf(entries.map((e) => e.points)));
  };
  const ranges = (id: string, p: ColumnProfile, comment: string) => {
    const tiers = quantileTiers(p.numbers);
    if (!tiers.length) return;
    rule(id, `${comment}: tiers from the sample's quartiles, highest first (the first range that holds the value wins)`,
      [`id: ${id}`, `field: ${yamlScalar(p.name)}`, 'ranges:', ...tiers.map((t) => `  - { min: ${t.min}, points: ${t.points} }${' '.repeat(Math.max(1, 16 - String(t.min).length - String(t.points).length))}# ${t.q}`)],
      15);
  };

  if (leads.title) {
    const t = leads.title;
    if (isCategorical(t)) values('role', t, 'title', 10, `Role (${t.name}: a dropdown)`);
    else {
      const f = yamlScalar(t.name);
      rule('c_level', `C-level or founder (${t.name})`, ['id: c_level', 'label: C-level executive or founder', `if: { field: ${f}, matches: "\\\\b(ceo|cto|cfo|coo|cmo|cio|chief|founder|owner|president)\\\\b" }`, 'points: 15'], 15);
      rule('vp_or_head', `VP or head of a function (${t.name})`, ['id: vp_or_head', `if: { field: ${f}, matches: "\\\\b(vp|vice president|head of)\\\\b" }`, 'points: 12'], 12);
      rule('manager_or_director', `Manager or director (${t.name})`, ['id: manager_or_director', `if: { any: [ { field: ${f}, contains: director }, { field: ${f}, contains: manager } ] }`, 'points: 10'], 10);
      rule('student_or_intern', `Students and interns rarely buy (${t.name})`, ['id: student_or_intern', `if: { field: ${f}, matches: "\\\\b(student|intern)\\\\b" }`, 'points: -5'], -5);
    }
  }
  if (leads.department) values('department', leads.department, 'department', 10, `Department (${leads.department.name}): the buying departments of your product score higher`);
  if (leads.company_size) {
    const p = leads.company_size;
    if (numericShare(p) >= 0.8) ranges('company_size', p, `Company size (${p.name})`);
    else values('company_size', p, 'company_size', 10, `Company size (${p.name}: buckets)`);
  }
  if (leads.budget) ranges('budget', leads.budget, `Budget or revenue (${leads.budget.name})`);
  if (leads.industry) values('industry', leads.industry, 'other', 8, `Industry (${leads.industry.name}): 5 points each as a placeholder; raise your target industries, lower the rest`);
  if (leads.country) values('country', leads.country, 'other', 6, `Country (${leads.country.name}): 5 points each as a placeholder for your target markets`);
  if (leads.created) rule('recent_lead', `New leads (${leads.created.name} within 30 days of --as-of)`, ['id: recent_lead', `if: { field: ${yamlScalar(leads.created.name)}, within_days: 30 }`, 'points: 5'], 5);
  if (leads.email) {
    rule('free_email', `Free e-mail providers suggest a private person, not a company (${leads.email.name})`,
      ['id: free_email', `if: { field: ${yamlScalar(leads.email.name)}, ends_with: ${list(FREE_EMAIL_DOMAINS.map((d) => `@${d}`))} }`, 'points: -5'], -5);
  }
  if (!fitRules.length) {
    // Nothing recognised: a rule on the most dropdown-like column keeps the model valid and useful.
    const p = leadProfiles.find((x) => x.index !== leads.id?.index && isCategorical(x) && x.values.length >= 2);
    if (p) values(`${slug(p.name).replace(/-/g, '_') || 'column'}_value`, p, 'other', 8, `No title, department or size column recognised; ${p.name} is a dropdown-like column: 5 points each as a placeholder`);
  }
  if (!fitRules.length) {
    rule('has_id', 'No column was recognised: replace this rule with your own', ['id: has_id', `if: { field: ${yamlScalar(leadProfiles[0]?.name ?? 'id')}, present: true }`, 'points: 1'], 1);
  }
  L.push('');

  // ---- engagement
  if (acts) {
    const typeProfile = acts.type!;
    const byKind = new Map<ActivityKind, { value: string; count: number }[]>();
    const unscored: { value: string; count: number }[] = [];
    for (const v of typeProfile.values) {
      const k = activityKind(v.value);
      if (!k || k.points === undefined) unscored.push(v);
      else byKind.set(k, [...(byKind.get(k) ?? []), v]);
    }
    L.push('engagement:', '  half_life_days: 30                   # an activity 30 days old counts half', '  window_days: 365                     # older activity is ignored', '  max: 60', '  rules:');
    for (const k of ACTIVITY_KINDS) {
      const seen = byKind.get(k);
      if (!seen) continue;
      engagementRules.push(k.id);
      const types = seen.map((s) => s.value);
      const parts = [`id: ${k.id}`, `type: ${types.length === 1 ? yamlScalar(types[0] as string) : list(types)}`, `points: ${k.points}`];
      if (k.maxPoints) parts.push(`max_points: ${k.maxPoints}`);
      if (k.decay === false) parts.push('decay: false');
      if (k.interest) parts.push(`interest: ${k.interest}`);
      L.push(`    # ${k.label}: ${seen.map((s) => `${s.value} (${s.count})`).join(', ')}`, `    - { ${parts.join(', ')} }`);
      if (k.id === 'page_view' && acts.detail) {
        engagementRules.push('pricing_visit');
        L.push(
          `    # Pricing-page visits (${acts.detail.name} contains /pricing) count more than other page views`,
          '    - id: pricing_visit',
          `      type: ${types.length === 1 ? yamlScalar(types[0] as string) : list(types)}`,
          `      if: { field: ${yamlScalar(acts.detail.name)}, contains: /pricing }`,
          '      points: 10',
          '      max_count: 3',
          '      interest: buying',
        );
      }
    }
    if (!engagementRules.length) {
      // No type has a suggestion: count every activity a little, so that the model still validates.
      const types = typeProfile.values.slice(0, 20).map((v) => v.value);
      engagementRules.push('any_activity');
      L.push('    # No activity type matched the built-in table: one point per activity as a placeholder', `    - { id: any_activity, type: ${list(types)}, points: 1, max_points: 20 }`);
    }
    if (unscored.length) L.push(...wrapComment(`Types seen without suggested points (add rules if they matter): ${unscored.map((s) => `${s.value} (${s.count})`).join(', ')}.`, '    '));
    L.push(
      '  signals:                             # lead-level rules on activity aggregates',
      '    - { id: inactive_60d, if: { field: days_since_last_activity, gt: 60 }, points: -10 }',
      '    - { id: surge, if: { field: engagement_7d, gte: 30 }, flag: fast_track }',
      '',
    );
  }

  // ---- quality
  const quality: string[] = [];
  if (leads.email) {
    const f = yamlScalar(leads.email.name);
    quality.push(`  - { id: bad_email, check: email_syntax, field: ${f}, action: reject }`, `  - { id: disposable_email, check: disposable_email, field: ${f}, points: -30, flag: spam }`);
  }
  if (leads.first_name) quality.push(`  - { id: test_name, if: { field: ${yamlScalar(leads.first_name.name)}, matches: "^(test|asdf|xxx)$" }, points: -30, flag: spam }`);
  if (quality.length) L.push('quality:                               # junk / spam contact data', ...quality, '');

  // ---- bands and grade
  let mins = [80, 50, 20];
  let gradeFit = [40, 25, 10];
  if (!engaged) {
    // Fit-only: bands relative to the highest fit this model can give, so that every band can be reached.
    const best = Math.min(100, maxByRule.reduce((a, b) => a + b, 0));
    if (best > 0 && best < 100) {
      const scaled = [0.8, 0.5, 0.2].map((f) => Math.max(1, Math.round(best * f)));
      if (scaled[0]! > scaled[1]! && scaled[1]! > scaled[2]!) mins = scaled;
      gradeFit = mins;
      L.push(`# Fit-only model: the highest possible score is ${best}, so the band thresholds are 80%, 50% and 20% of it.`);
    }
  }
  L.push(
    'bands:                                 # highest first; a lead gets the first band whose min <= score',
    `  - { name: SQL, min: ${mins[0]} }`,
    `  - { name: MQL, min: ${mins[1]} }`,
    `  - { name: IQL, min: ${mins[2]} }`,
    '  - { name: cold }',
    '',
    'grade:                                 # fit letter + activity digit, e.g. A4 = perfect fit, very active',
    `  fit: { A: ${gradeFit[0]}, B: ${gradeFit[1]}, C: ${gradeFit[2]}, D: 0 }`,
    '  activity: { "4": 40, "3": 20, "2": 5, "1": 0 }',
  );
  return { yaml: out.join('\n') + '\n', leads, ...(acts ? { activities: acts } : {}), notes, fitRules, engagementRules };
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** A model name from a file name: "samples/leads.csv.gz" -> "leads". */
export function slug(path: string): string {
  const base = basename(path).replace(/\.(csv|tsv|txt)(\.gz)?$/i, '').replace(/\.gz$/i, '');
  return base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'starter';
}

function wrapComment(text: string, indent = ''): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && (indent + '# ' + cur + ' ' + w).length > 100) {
      lines.push(`${indent}# ${cur}`);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(`${indent}# ${cur}`);
  return lines;
}
