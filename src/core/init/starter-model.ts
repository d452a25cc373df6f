// `leadscore init` (pure): CSV headers + sample rows -> a starter scoring model as commented YAML text.
// Every rule it writes is a suggestion with a comment saying where it came from (which column, which
// values or quantiles of the sample), so that the analyst edits a model that already validates and
// scores instead of starting from an empty file.
import { ACTIVITY_KINDS, type ActivityKind, activityKind } from './activity-points.js';
import { type ColumnProfile, isCategorical, numericShare, profileColumns, quantile } from './profile.js';
import { type RecognisedActivities, type RecognisedLeads, recogniseActivityColumns, recogniseLeadColumns } from './recognise.js';
import { DEFAULT_NULL_VALUES } from '../model/types.js';
import { maxOf } from '../numbers.js';
import type { ActivityColumns } from './event-log.js';
import { detectPlaceholders } from '../detect.js';
import { type OutcomePoints, outcomePoints } from './outcome-points.js';

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
  /**
   * Several activity files (event-log.ts): the names each file uses per role; a role with several names
   * is written as a list of alternatives. The roles are then taken from these names, not recognised again.
   */
  activityColumns?: ActivityColumns;
  /** No leads file: `leads` is the activities' distinct lead ids (one column); the model has no fit rules. */
  derivedLeads?: boolean;
  /** init --outcome: points from the data (outcome-points.ts): the sample rows with a known outcome
   *  (all of them when not given) and y[i] = 1 when row i converted. `column`: the leads' outcome
   *  column (never a rule), absent when the outcome comes from another file (init --outcomes);
   *  `source`: what the outcome is, for the header comment. */
  outcome?: { column?: string; y: Uint8Array; rows?: readonly (readonly string[])[]; source?: string };
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
export function categoryPoints(role: 'title' | 'department' | 'company_size' | 'source' | 'origin' | 'occupation' | 'other', value: string): number {
  const v = value.toLowerCase();
  if (role === 'company_size') {
    const m = /^\s*(\d[\d,.]*)/.exec(v);
    if (!m) return 0;
    const n = Number((m[1] as string).replace(/[,.]/g, ''));
    return n >= 1000 ? 10 : n >= 200 ? 15 : n >= 50 ? 10 : n >= 11 ? 5 : 0;
  }
  if (role === 'source') {
    // a referral or a partner converts far above search and ads in most funnels
    if (/refer|partner|word.?of.?mouth|recommend|event|webinar|welingak/.test(v)) return 15;
    if (/organic|search|google|bing|direct|website|email/.test(v)) return 5;
    return 3;
  }
  if (role === 'origin') {
    if (/form|landing|sign.?up|inbound|request/.test(v)) return 10;
    if (/import|list|purchase|scrap/.test(v)) return 0;
    return 5;
  }
  if (/student|intern|retired|unemployed|housewife|personal|other|unknown|none/.test(v)) return 0;
  if (role === 'occupation') {
    if (/working|professional|business|entrepreneur|employed|self|manager|owner/.test(v)) return 10;
    return 5;
  }
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
  const leads: RecognisedLeads = o.derivedLeads && leadProfiles[0] ? { id: leadProfiles[0] } : recogniseLeadColumns(leadProfiles);
  const idColumn = leads.id?.name ?? '$row';

  // activities: usable only with a join key on both sides and a type and a timestamp column
  let acts: RecognisedActivities | undefined;
  let actProfiles: ColumnProfile[] = [];
  if (o.activities) {
    actProfiles = profileColumns(o.activities.header, o.activities.rows);
    const ac = o.activityColumns;
    if (ac) {
      const named = (names: string[] | undefined) => (names ? actProfiles.find((p) => p.name === names[0]) : undefined);
      acts = { leadId: named(ac.leadId), type: named(ac.type), timestamp: named(ac.timestamp), ...(ac.detail ? { detail: named(ac.detail) } : {}) } as RecognisedActivities;
    } else acts = recogniseActivityColumns(actProfiles, leads.id?.name);
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
  if (o.outcome?.source) L.push(...wrapComment(`Outcome: ${o.outcome.source}.`));
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
  L.push('version: 1', `name: ${yamlScalar(name)}`, `description: ${yamlScalar(`Starter ${o.derivedLeads ? 'engagement' : engaged ? 'fit + engagement' : 'fit-only'} model generated by leadscore init from ${basename(o.leads.file)}.`)}`, '');
  // placeholders found by frequency (src/core/detect.ts, the same detection as train)
  const placeholders: string[] = [];
  for (const p of detectPlaceholders(o.leads.header, o.leads.rows)) {
    if (![...DEFAULT_NULL_VALUES, ...placeholders].some((d) => d.toLowerCase() === p.token.toLowerCase())) placeholders.push(p.token);
  }
  L.push('input:', '  leads:');
  L.push(`    id: ${yamlScalar(idColumn)}${leads.id ? '' : '                        # no id-like column: leads are named by their data row number'}`);
  L.push(`    null_values: ${list([...DEFAULT_NULL_VALUES, ...placeholders])}${placeholders.length ? '  # placeholders found in the sample (frequent "no value" cells) added' : ''}`);
  if (acts) {
    const col = (p: ColumnProfile, names: string[] | undefined) => (names && names.length > 1 ? `${list(names)}${' '.repeat(Math.max(1, 30 - list(names).length))}# the files disagree: each uses the first name it has` : yamlScalar(p.name));
    const ac = o.activityColumns;
    L.push('  activities:', `    lead_id: ${col(acts.leadId!, ac?.leadId)}`, `    type: ${col(acts.type!, ac?.type)}`, `    timestamp: ${col(acts.timestamp!, ac?.timestamp)}`);
  }
  L.push('');

  // ---- fit
  const fitStart = out.length;
  const maxByRule: number[] = [];
  L.push('fit:');
  if (engaged) L.push('  max: 60                              # fit and engagement each give at most 60 of the 100 points');
  L.push('  rules:');
  const rule = (id: string, comment: string, body: string[], best: number) => {
    fitRules.push(id);
    maxByRule.push(Math.max(0, best));
    L.push(`    # ${comment}`, ...body.map((b, i) => (i === 0 ? `    - ${b}` : `      ${b}`)));
  };
  const values = (id: string, p: ColumnProfile, role: Parameters<typeof categoryPoints>[0], top: number, comment: string) => {
    const seen = p.values.filter((v) => v.count >= 2 || p.values.length <= top).slice(0, top);
    if (!seen.length) return;
    const entries = seen.map((v) => ({ ...v, points: categoryPoints(role, v.value) }));
    if (entries.every((e) => e.points === 0)) (entries[0] as { points: number }).points = 5;
    rule(id, `${comment} (the ${plural(entries.length, 'most frequent value')} of ${p.values.length} in the sample; value: points)`,
      [`id: ${id}`, `field: ${yamlScalar(p.name)}`, 'values:', ...entries.map((e) => `  ${yamlScalar(e.value)}: ${e.points}${' '.repeat(Math.max(1, 28 - yamlScalar(e.value).length - String(e.points).length))}# ${e.count} in the sample`)],
      maxOf(entries.map((e) => e.points)));
  };
  const ranges = (id: string, p: ColumnProfile, comment: string, points: readonly number[] = [15, 10, 5]) => {
    const tiers = quantileTiers(p.numbers, points);
    if (!tiers.length) return;
    rule(id, `${comment}: tiers from the sample's quartiles, highest first (the first range that holds the value wins)`,
      [`id: ${id}`, `field: ${yamlScalar(p.name)}`, 'ranges:', ...tiers.map((t) => `  - { min: ${t.min}, points: ${t.points} }${' '.repeat(Math.max(1, 16 - String(t.min).length - String(t.points).length))}# ${t.q}`)],
      Math.max(0, ...tiers.map((t) => t.points)));
  };

  // init --outcome: every rule from the data (outcome-points.ts) instead of the column recognisers
  let fromData: OutcomePoints | undefined;
  if (o.outcome) {
    const column = o.outcome.column?.trim().toLowerCase();
    const outcomeIdx = column === undefined ? -1 : o.leads.header.findIndex((h) => h.trim().toLowerCase() === column);
    const skip = new Set([outcomeIdx, ...(leads.id ? [leads.id.index] : [])]);
    fromData = outcomePoints(o.leads.header, o.outcome.rows ?? o.leads.rows, o.outcome.y, skip, [...DEFAULT_NULL_VALUES, ...placeholders], engaged ? 60 : 100);
    const ruleIds = new Set<string>();
    const idOf = (name: string) => {
      let id = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'column';
      if (/^[0-9]/.test(id)) id = `c_${id}`;
      while (ruleIds.has(id)) id += '_';
      ruleIds.add(id);
      return id;
    };
    const pctText = (x: number) => `${(100 * x).toFixed(1)}%`;
    for (const r of fromData.rules) {
      const id = idOf(r.column);
      const f = yamlScalar(r.column);
      const pad = (t: string, w = 30) => t + ' '.repeat(Math.max(1, w - t.length));
      const note = (x: { leads: number; rate: number }) => `# ${x.leads} leads, ${pctText(x.rate)} converted`;
      const body: string[] = [`id: ${id}`, `field: ${f}`];
      const vals = r.options.filter((x) => x.option.kind === 'value');
      const rng = r.options.filter((x) => x.option.kind === 'range');
      if (vals.length) body.push('values:', ...vals.map((x) => `  ${pad(`${yamlScalar((x.option as { value: string }).value)}: ${x.points}`)}${note(x)}`));
      else body.push('ranges:', ...[...rng].reverse().map((x) => {
        const min = (x.option as { min?: number }).min;
        return `  ${pad(`- { ${min !== undefined ? `min: ${min}, ` : ''}points: ${x.points} }`)}${note(x)} (${x.label})`;
      }));
      const best = Math.max(0, ...r.options.map((x) => x.points));
      rule(id, `${r.column}: conversion per ${vals.length ? 'value' : 'quantile bin'} against the average ${pctText(fromData.average)} (AUC alone ${r.auc.toFixed(3)})`, body, best);
      for (const x of r.options) {
        if (x.points === 0) continue;
        if (x.option.kind === 'missing') rule(`${id}_missing`, `${r.column} missing: ${x.leads} leads, ${pctText(x.rate)} converted`, [`id: ${id}_missing`, `if: { field: ${f}, missing: true }`, `points: ${x.points}`], 0);
        if (x.option.kind === 'other') rule(`${id}_other`, `${r.column}, any value not listed above: ${x.leads} leads, ${pctText(x.rate)} converted`, [`id: ${id}_other`, `if: { field: ${f}, not_in: ${list(x.option.listed)} }`, `points: ${x.points}`], 0);
      }
    }
    if (leads.id) L.push(...wrapComment(`Not a rule: ${leads.id.name} is the lead id.`, '    '));
    for (const x of fromData.leftOut) L.push(...wrapComment(`Left out: ${x.column}: ${x.reason}.`, '    '));
    if (!fitRules.length) rule('has_value', 'No column predicts the outcome in the sample: replace this rule with your own', ['id: has_value', `if: { field: ${yamlScalar(o.leads.header[0] ?? 'id')}, present: true }`, 'points: 1'], 1);
  }

  if (fromData) {
    // the data decided the rules
  } else if (leads.title) {
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
  if (fromData) {
    // rules written above
  } else {
  if (leads.department) values('department', leads.department, 'department', 10, `Department (${leads.department.name}): the buying departments of your product score higher`);
  if (leads.company_size) {
    const p = leads.company_size;
    if (numericShare(p) >= 0.8) ranges('company_size', p, `Company size (${p.name})`);
    else values('company_size', p, 'company_size', 10, `Company size (${p.name}: buckets)`);
  }
  if (leads.budget) ranges('budget', leads.budget, `Budget or revenue (${leads.budget.name})`);
  if (leads.industry) values('industry', leads.industry, 'other', 8, `Industry (${leads.industry.name}): 5 points each as a placeholder; raise your target industries, lower the rest`);
  if (leads.country) values('country', leads.country, 'other', 6, `Country (${leads.country.name}): 5 points each as a placeholder for your target markets`);
  if (leads.lead_source) values('lead_source', leads.lead_source, 'source', 10, `Lead source (${leads.lead_source.name}): referrals and partners score higher than search and ads`);
  if (leads.lead_origin) values('lead_origin', leads.lead_origin, 'origin', 8, `Lead origin (${leads.lead_origin.name}): a form the lead filled in scores higher than an imported list`);
  if (leads.occupation) values('occupation', leads.occupation, 'occupation', 8, `Occupation (${leads.occupation.name}): working professionals buy more often than students`);
  if (leads.time_on_site) ranges('time_on_site', leads.time_on_site, `Time on the website (${leads.time_on_site.name})`);
  if (leads.page_views) ranges('page_views', leads.page_views, `Page views (${leads.page_views.name})`, [5, 3, 1]);
  if (leads.visits) ranges('visits', leads.visits, `Visits (${leads.visits.name})`, [5, 3, 1]);
  const optOut = (id: string, p: ColumnProfile, points: number, what: string) => {
    const yes = p.values.map((v) => v.value).filter((v) => /^(yes|y|true|1|opted.?out|unsubscribed)$/i.test(v.trim()));
    if (!yes.length) return;
    rule(id, `${what} (${p.name} = ${yes.join(' / ')}): the lead cannot be reached that way`, [`id: ${id}`, `if: { field: ${yamlScalar(p.name)}, in: ${list(yes)} }`, `points: ${points}`], points);
  };
  if (leads.do_not_email) optOut('do_not_email', leads.do_not_email, -10, 'Asked not to be e-mailed');
  if (leads.do_not_call) optOut('do_not_call', leads.do_not_call, -5, 'Asked not to be called');
  if (leads.last_activity) {
    // the last thing the lead did, with the points of the built-in activity table (activity-points.ts)
    const p = leads.last_activity;
    const seen = p.values.filter((v) => v.count >= 2 || p.values.length <= 12).slice(0, 12);
    const entries = seen.map((v) => ({ ...v, points: Math.max(-20, Math.min(15, activityKind(v.value)?.points ?? 0)) })).filter((e) => e.points !== 0);
    if (entries.length) {
      rule('last_activity', `Last activity (${p.name}): the points of the built-in activity table for each value (value: points)`,
        ['id: last_activity', `field: ${yamlScalar(p.name)}`, 'values:', ...entries.map((e) => `  ${yamlScalar(e.value)}: ${e.points}${' '.repeat(Math.max(1, 28 - yamlScalar(e.value).length - String(e.points).length))}# ${e.count} in the sample`)],
        Math.max(0, ...entries.map((e) => e.points)));
    }
  }
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
  }
  if (!fitRules.length) {
    rule('has_id', 'No column was recognised: replace this rule with your own', ['id: has_id', `if: { field: ${yamlScalar(leadProfiles[0]?.name ?? 'id')}, present: true }`, 'points: 1'], 1);
  }
  L.push('');
  if (o.derivedLeads) {
    // the leads are only ids: nothing to fit on
    out.splice(fitStart, out.length - fitStart, '# No leads file: the leads are the lead ids of the activities, so the model scores engagement only', '# (add fit rules and -l LEADS when a CRM export has lead columns).', '');
    fitRules.length = 0;
    maxByRule.length = 0;
  }

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
          `      if: { field: ${o.activityColumns?.detail && o.activityColumns.detail.length > 1 ? list(o.activityColumns.detail) : yamlScalar(acts.detail.name)}, contains: /pricing }`,
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

  // ---- bands and grade: thresholds at 80 %, 50 % and 20 % of the highest score this model can give
  // (fit capped at 60 plus engagement at 60 with activities; the sum of the best fit points without),
  // so that every band can be reached; 80/50/20 when that is 100.
  const fitBest = maxByRule.reduce((a, b) => a + b, 0);
  const reachable = Math.min(100, engaged ? Math.min(60, fitBest) + 60 : fitBest);
  let mins = [80, 50, 20];
  let gradeFit = [40, 25, 10];
  let bandList: { name: string; min?: number }[] | undefined;
  if (fromData && !engaged) {
    bandList = fromData.bands.map((b) => (b.min !== undefined ? { name: b.name, min: b.min } : { name: b.name }));
    L.push(`# Bands from the scores these rules give the ${fromData.leads} sample leads: SQL = top 10%, MQL = top 30%, IQL = top 60%, cold = the rest.`);
    const top = bandList.filter((b) => b.min !== undefined).map((b) => b.min!);
    if (top.length >= 3) gradeFit = top.slice(0, 3);
  } else if (reachable > 0 && reachable < 100) {
    const r2 = (x: number) => Math.round(x * 100) / 100;
    mins = [0.8, 0.5, 0.2].map((f) => r2(reachable * f));
    L.push(`# The highest score this model can give is ${reachable}${engaged ? ' (fit up to ' + Math.min(60, fitBest) + ' + engagement up to 60)' : ' (the best value of every fit rule)'}, so the band thresholds are 80%, 50% and 20% of it.`);
  }
  if (bandList) {
    // set above
  } else if (!engaged && reachable > 0 && reachable < 100) gradeFit = mins;
  else if (engaged && fitBest > 0 && fitBest < 60) gradeFit = [40, 25, 10].map((x) => Math.round((x / 60) * fitBest * 100) / 100);
  L.push(
    'bands:                                 # highest first; a lead gets the first band whose min <= score',
    ...(bandList ?? [{ name: 'SQL', min: mins[0]! }, { name: 'MQL', min: mins[1]! }, { name: 'IQL', min: mins[2]! }, { name: 'cold' }])
      .map((b) => (b.min !== undefined ? `  - { name: ${b.name}, min: ${b.min} }` : `  - { name: ${b.name} }`)),
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
