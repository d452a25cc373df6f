// The threshold summary report (PRODUCT.md §3): a fold over scored leads and rejects, then JSON and
// Markdown renderings of the same object. Pure: run facts (paths, sizes, hashes, times) come in.
import type { CompiledModel } from '../score/compiled.js';
import type { Contribution, ScoredLead } from '../score/score-lead.js';
import { round2 } from '../value.js';
import type { ChangesSummary } from './changes.js';
import type { AccountStats } from '../score/accounts.js';
import { maxOf } from '../numbers.js';

export interface InputFacts {
  role: 'leads' | 'activities';
  path: string;
  bytes?: number;
  sha256?: string;
  rows: number;
  rejected: number;
}

/** A coded warning of a run: stderr and summary.json (`warnings`), shown in summary.md. */
export interface RunWarning {
  code: string;
  message: string;
  file?: string;
  column?: string;
  /** What to do (run warnings LS171–LS176, core/report/warnings.ts). */
  hint?: string;
  // facts of the run warnings (docs/diagnostics.md, run warnings)
  /** LS171: the newest activity read, the run's as-of, and how many days before as-of it is. */
  newest_activity?: string;
  as_of?: string;
  newest_activity_age_days?: number;
  /** LS172: the rules that fired for no lead. */
  rules?: string[];
  /** LS173: the bands without leads. */
  bands?: string[];
  /** LS174: the band with 99 % or more of the leads, and its share; LS175: the top band out of reach. */
  band?: string;
  share?: number;
  /** LS175: the highest score a lead can reach without activities. */
  reachable?: number;
  /** LS176: the activities whose lead id is no lead's. */
  orphan_activities?: number;
  /** evaluate --compare: the warning is the compared model's (its file). */
  model?: string;
}

export interface RunFacts {
  version: string;
  modelPath: string;
  modelSha256: string;
  asOf: string;
  startedAt: string;
  durationMs: number;
  inputs: InputFacts[];
  command?: string;
  /** No lead files: the leads are the activities' distinct lead ids. */
  leadsDerived?: { idColumn: string; leads: number };
  warnings?: RunWarning[];
}

export interface ActivityCounts {
  read: number;
  used: number;
  future: number;
  outsideWindow: number;
  orphan: number;
  rejected: number;
  /** Dropped by engagement.bot_filter, by reason, and those filtered out of time order. */
  botFilter: { burst: number; scanner_click: number; unsorted: number };
}

export interface Summary {
  leadscore_version: string;
  as_of: string;
  started_at: string;
  duration_ms: number;
  command?: string;
  model: { name: string; path: string; sha256: string };
  inputs: { role: string; path: string; bytes?: number; sha256?: string; rows: number; rejected: number }[];
  /** Present when there was no leads file: the leads are the distinct lead ids of the activities. */
  leads_derived?: { from: 'activities'; id_column: string; leads: number };
  /** Coded warnings of the run (e.g. LS161: an activity file without a column a rule reads). */
  warnings?: RunWarning[];
  counts: {
    leads_read: number;
    scored: number;
    rejected: number;
    duplicates: number;
    activities_read: number;
    activities_used: number;
    activities_ignored: { after_as_of: number; outside_window: number; orphan: number; bot_filter: number };
    activities_rejected: number;
  };
  bands: {
    name: string;
    min: number | null;
    count: number;
    share: number;
    score_min: number | null;
    score_max: number | null;
    /** The rules most often among the reasons of this band's leads (at most 5), with how many leads. */
    top_reasons: { id: string; leads: number }[];
  }[];
  grades: Record<string, number>;
  grade_matrix?: { fit: string[]; activity: string[]; counts: number[][] };
  histogram: { from: number; to: number; count: number }[];
  rules: { id: string; section: string; fired: number; total_points: number }[];
  interests: { name: string; leads: number; total: number }[];
  data_quality: {
    rejected_by_reason: Record<string, number>;
    duplicate_ids: number;
    orphan_activities: number;
    unknown_activity_types: Record<string, number>;
    unparsable_values: Record<string, number>;
    blank_lines: number;
    /** With engagement.bot_filter: activities dropped as bursts / scanner clicks, and filtered out of time order. */
    bot_filter?: { burst: number; scanner_click: number; unsorted: number };
  };
  /** With segments: leads per band in each segment (`""` = no segment matched). */
  segments?: { id: string; leads: number; bands: Record<string, number> }[];
  /** With --previous: what changed since that run. */
  changes?: ChangesSummary;
  /** With an accounts section: accounts listed in accounts.csv and leads without an account. */
  accounts?: AccountStats;
}

const BIN = 10;

/** What addScored gathers, as data: the part of a summary one thread built over a range of leads. */
export interface ScoredPart {
  scored: number;
  bandCount: number[];
  bandMin: number[];
  bandMax: number[];
  noBand: number;
  grades: [string, number][];
  histogram: number[];
  fired: number[];
  points: number[];
  interestLeads: number[];
  interestTotal: number[];
  reasonCounts: Uint32Array[];
  segmentBands: Uint32Array[];
}

export class SummaryBuilder {
  private readonly bandCount: number[];
  private readonly bandMin: number[];
  private readonly bandMax: number[];
  private noBand = 0;
  private readonly grades = new Map<string, number>();
  private readonly histogram = new Array<number>(100 / BIN).fill(0);
  private readonly fired: number[];
  private readonly points: number[];
  private readonly interestLeads: number[];
  /** Per band, per rule slot: leads of the band with the rule among their reasons. */
  private readonly reasonCounts: Uint32Array[];
  /** Per segment (last: none), per band: leads. */
  private readonly segmentBands: Uint32Array[];
  private readonly interestTotal: number[];
  private scored = 0;
  readonly rejectedByReason = new Map<string, number>();
  rejectedLeads = 0;
  leadsRead = 0;
  blankLines = 0;

  constructor(private readonly cm: CompiledModel) {
    const nb = cm.model.bands.length;
    this.bandCount = new Array<number>(nb).fill(0);
    this.bandMin = new Array<number>(nb).fill(Infinity);
    this.bandMax = new Array<number>(nb).fill(-Infinity);
    this.fired = new Array<number>(cm.rules.length).fill(0);
    this.points = new Array<number>(cm.rules.length).fill(0);
    this.interestLeads = new Array<number>(cm.interests.length).fill(0);
    this.reasonCounts = cm.model.bands.map(() => new Uint32Array(cm.rules.length));
    this.segmentBands = [...(cm.model.segments ?? []), null].map(() => new Uint32Array(nb + 1));
    this.interestTotal = new Array<number>(cm.interests.length).fill(0);
  }

  /** What addScored has gathered, to be added to another builder (addScoredPart). */
  scoredPart(): ScoredPart {
    const { scored, bandCount, bandMin, bandMax, noBand, histogram, fired, points, interestLeads, interestTotal, reasonCounts, segmentBands } = this;
    return { scored, bandCount, bandMin, bandMax, noBand, grades: [...this.grades], histogram, fired, points, interestLeads, interestTotal, reasonCounts, segmentBands };
  }

  /**
   * Add the leads another builder scored (a later range of leads, scored on another thread). Counts
   * add exactly; point totals are added as two partial sums, which can differ from one running sum
   * in the last bits (the report rounds them to 0.01).
   */
  addScoredPart(p: ScoredPart): void {
    this.scored += p.scored;
    this.noBand += p.noBand;
    const add = (a: number[] | Uint32Array, b: ArrayLike<number>) => {
      for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
    };
    add(this.bandCount, p.bandCount);
    for (let i = 0; i < this.bandMin.length; i++) {
      if (p.bandMin[i]! < this.bandMin[i]!) this.bandMin[i] = p.bandMin[i]!;
      if (p.bandMax[i]! > this.bandMax[i]!) this.bandMax[i] = p.bandMax[i]!;
    }
    for (const [g, k] of p.grades) this.grades.set(g, (this.grades.get(g) ?? 0) + k);
    add(this.histogram, p.histogram);
    add(this.fired, p.fired);
    add(this.points, p.points);
    add(this.interestLeads, p.interestLeads);
    add(this.interestTotal, p.interestTotal);
    this.reasonCounts.forEach((rc, b) => add(rc, p.reasonCounts[b]!));
    this.segmentBands.forEach((sb, g) => add(sb, p.segmentBands[g]!));
  }

  /** A scored lead and its reasons (topContributions). */
  addScored(l: ScoredLead, reasons: readonly Contribution[] = []): void {
    this.scored++;
    const sb = this.segmentBands[l.segment >= 0 ? l.segment : this.segmentBands.length - 1]!;
    sb[l.band >= 0 ? l.band : sb.length - 1]!++;
    if (l.band >= 0) {
      const rc = this.reasonCounts[l.band]!;
      for (const c of reasons) rc[c.slot]!++;
      this.bandCount[l.band]!++;
      if (l.score < this.bandMin[l.band]!) this.bandMin[l.band] = l.score;
      if (l.score > this.bandMax[l.band]!) this.bandMax[l.band] = l.score;
    } else this.noBand++;
    if (l.grade) this.grades.set(l.grade, (this.grades.get(l.grade) ?? 0) + 1);
    this.histogram[Math.min(this.histogram.length - 1, Math.floor(l.score / BIN))]!++;
    for (const slot of l.fired) this.fired[slot]!++;
    for (const c of l.contributions) this.points[c.slot]! += c.points;
    l.interests.forEach((v, i) => {
      if (v !== 0) {
        this.interestLeads[i]!++;
        this.interestTotal[i]! += v;
      }
    });
  }

  /** A rejected lead (activities' rejects are counted by the pipeline). */
  addRejectedLead(reason: string): void {
    this.rejectedLeads++;
    this.addReason(reason);
  }

  addReason(reason: string, count = 1): void {
    this.rejectedByReason.set(reason, (this.rejectedByReason.get(reason) ?? 0) + count);
  }

  build(facts: RunFacts, activities: ActivityCounts, unknownTypes: Map<string, number>, changes?: ChangesSummary, accounts?: AccountStats): Summary {
    const cm = this.cm;
    const model = cm.model;
    const share = (n: number) => (this.scored ? Math.round((n / this.scored) * 10_000) / 10_000 : 0);
    const bands: Summary['bands'] = model.bands.map((b, i) => ({
      name: b.name,
      min: b.min ?? null,
      count: this.bandCount[i]!,
      share: share(this.bandCount[i]!),
      score_min: this.bandCount[i] ? round2(this.bandMin[i]!) : null,
      score_max: this.bandCount[i] ? round2(this.bandMax[i]!) : null,
      top_reasons: topSlots(this.reasonCounts[i]!, 5).map((slot) => ({ id: cm.rules[slot]!.id, leads: this.reasonCounts[i]![slot]! })),
    }));
    // no prototype: a grade label like "__proto__" or "constructor" is an ordinary key here
    const grades: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const k of [...this.grades.keys()].sort()) grades[k] = this.grades.get(k)!;
    let gradeMatrix: Summary['grade_matrix'];
    if (model.grade) {
      const fit = model.grade.fit.entries.map((e) => e.label);
      const activity = model.grade.activity.entries.map((e) => e.label);
      gradeMatrix = { fit, activity, counts: fit.map((f) => activity.map((a) => this.grades.get(f + a) ?? 0)) };
    }
    const sorted = <T>(m: Map<string, T>) => Object.fromEntries([...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    const duplicates = this.rejectedByReason.get('duplicate_id') ?? 0;
    return {
      leadscore_version: facts.version,
      as_of: facts.asOf,
      started_at: facts.startedAt,
      duration_ms: facts.durationMs,
      ...(facts.command !== undefined ? { command: facts.command } : {}),
      model: { name: model.name, path: facts.modelPath, sha256: facts.modelSha256 },
      inputs: facts.inputs.map((i) => ({ ...i })),
      ...(facts.leadsDerived ? { leads_derived: { from: 'activities' as const, id_column: facts.leadsDerived.idColumn, leads: facts.leadsDerived.leads } } : {}),
      ...(facts.warnings?.length ? { warnings: facts.warnings.map((w) => ({ ...w })) } : {}),
      counts: {
        leads_read: this.leadsRead,
        scored: this.scored,
        rejected: this.rejectedLeads,
        duplicates,
        activities_read: activities.read,
        activities_used: activities.used,
        activities_ignored: {
          after_as_of: activities.future,
          outside_window: activities.outsideWindow,
          orphan: activities.orphan,
          bot_filter: activities.botFilter.burst + activities.botFilter.scanner_click,
        },
        activities_rejected: activities.rejected,
      },
      bands,
      grades,
      ...(gradeMatrix ? { grade_matrix: gradeMatrix } : {}),
      histogram: this.histogram.map((count, i) => ({ from: i * BIN, to: (i + 1) * BIN, count })),
      rules: cm.rules.map((r, i) => ({ id: r.id, section: r.section, fired: this.fired[i]!, total_points: round2(this.points[i]!) })),
      interests: cm.interests.map((name, i) => ({ name, leads: this.interestLeads[i]!, total: round2(this.interestTotal[i]!) })),
      data_quality: {
        rejected_by_reason: sorted(this.rejectedByReason),
        duplicate_ids: duplicates,
        orphan_activities: activities.orphan,
        unknown_activity_types: sorted(unknownTypes),
        unparsable_values: sorted(cm.unparsable),
        blank_lines: this.blankLines,
        ...(model.engagement.botFilter ? { bot_filter: { ...activities.botFilter } } : {}),
      },
      ...(model.segments?.length
        ? {
            segments: this.segmentBands.map((counts, i) => ({
              id: model.segments![i]?.id ?? '',
              leads: counts.reduce((a, b) => a + b, 0),
              bands: Object.fromEntries(model.bands.map((b, k) => [b.name, counts[k]!])),
            })),
          }
        : {}),
      ...(changes ? { changes } : {}),
      ...(accounts ? { accounts } : {}),
    };
  }
}

/** The slots with the highest counts (ties: rule order), leaving out zeros. */
function topSlots(counts: Uint32Array, n: number): number[] {
  const slots: number[] = [];
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) slots.push(i);
  slots.sort((a, b) => counts[b]! - counts[a]! || a - b);
  return slots.slice(0, n);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const bar = (n: number, max: number, width = 30) => '█'.repeat(max ? Math.round((n / max) * width) : 0);

function table(head: string[], rows: (string | number)[][], align?: ('l' | 'r')[]): string {
  const a = align ?? head.map((_, i) => (i === 0 ? 'l' : 'r'));
  const lines = [`| ${head.join(' | ')} |`, `|${a.map((x) => (x === 'r' ? '---:' : ':---')).join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`);
  return lines.join('\n');
}

export function summaryToMarkdown(s: Summary): string {
  const out: string[] = [];
  const c = s.counts;
  out.push(`# Lead scoring summary: ${s.model.name}`, '');
  out.push(
    `Scored **${c.scored}** of ${c.leads_read} leads as of **${s.as_of}**` +
      (c.rejected ? `; ${c.rejected} rejected (see rejects.csv)` : '') +
      `. Activities: ${c.activities_used} used of ${c.activities_read} read.`,
    '',
  );
  out.push('## Run', '');
  out.push(
    table(
      ['fact', 'value'],
      [
        ['model', `${s.model.name} (\`${s.model.path}\`)`],
        ['model sha256', `\`${s.model.sha256}\``],
        ['as of', s.as_of],
        ...(s.leads_derived ? [['leads', `derived from the activities: ${s.leads_derived.leads} distinct ids (column \`${s.leads_derived.id_column}\`)`]] : []),
        ...s.inputs.map((i) => [`${i.role}`, `\`${i.path}\`: ${i.rows} rows, ${i.rejected} rejected${i.bytes !== undefined ? `, ${i.bytes} bytes` : ''}`]),
        ['leadscore', s.leadscore_version],
        ['started', s.started_at],
        ['duration', `${(s.duration_ms / 1000).toFixed(2)} s`],
      ],
      ['l', 'l'],
    ),
    '',
  );
  if (s.warnings?.length) {
    out.push('## Warnings', '');
    for (const w of s.warnings) out.push(`- ${w.code}${w.file ? ` \`${w.file}\`` : ''}: ${w.message}${w.hint ? ` (${w.hint})` : ''}`);
    out.push('');
  }
  out.push('## Bands', '');
  const maxBand = maxOf(s.bands.map((b) => b.count), 0);
  out.push(
    table(
      ['band', 'min', 'leads', 'share', 'score range', '', 'top reasons (leads)'],
      s.bands.map((b) => [
        b.name,
        b.min ?? '—',
        b.count,
        pct(b.share),
        b.score_min === null ? '—' : `${b.score_min.toFixed(2)}–${b.score_max!.toFixed(2)}`,
        bar(b.count, maxBand),
        b.top_reasons.map((r) => `${r.id} (${r.leads})`).join(', '),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'l', 'l'],
    ),
    '',
  );
  if (s.grade_matrix) {
    const g = s.grade_matrix;
    out.push('## Grades (fit letter × activity digit)', '');
    out.push(table(['fit \\ activity', ...g.activity], g.fit.map((f, i) => [f, ...g.counts[i]!])), '');
  }
  out.push('## Score histogram', '');
  const maxH = maxOf(s.histogram.map((h) => h.count), 0);
  out.push(
    table(
      ['score', 'leads', ''],
      s.histogram.map((h) => [`[${h.from}, ${h.to}${h.to === 100 ? ']' : ')'}`, h.count, bar(h.count, maxH)]),
      ['l', 'r', 'l'],
    ),
    '',
  );
  out.push('## Rules', '');
  out.push(
    table(['rule', 'section', 'leads matched', 'total points'], s.rules.map((r) => [r.id, r.section, r.fired, r.total_points.toFixed(2)]), ['l', 'l', 'r', 'r']),
    '',
  );
  if (s.interests.length) {
    out.push('## Interests', '');
    out.push(table(['interest', 'leads', 'total points'], s.interests.map((i) => [i.name, i.leads, i.total.toFixed(2)])), '');
  }
  if (s.segments) {
    out.push('## Segments', '');
    const names = s.bands.map((b) => b.name);
    out.push(table(['segment', 'leads', ...names], s.segments.map((g) => [g.id || '(none)', g.leads, ...names.map((n) => g.bands[n] ?? 0)])), '');
  }
  if (s.accounts) {
    const a = s.accounts;
    const none = Object.entries(a.noAccount).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k.replace('_', ' ')}`).join(', ');
    out.push('## Accounts', '');
    out.push(
      `${a.accounts} accounts in accounts.csv, holding ${a.leadsInAccounts} scored leads` +
        (a.belowMinLeads.accounts ? `; ${a.belowMinLeads.accounts} accounts (${a.belowMinLeads.leads} leads) below min_leads left out` : '') +
        (none ? `; leads without an account: ${none}` : '') + '.',
      '',
    );
  }
  if (s.changes) {
    const ch = s.changes;
    out.push('## Since the previous run', '');
    out.push(
      `Compared with \`${ch.path}\` (${ch.previous_leads} leads): ${ch.up} up, ${ch.down} down, ${ch.same} same band, ` +
        `${ch.new} new, ${ch.gone} no longer scored. **${ch.crossed}** entered ${ch.handoff_band} or higher (crossed.csv).`,
      '',
    );
    out.push(table(['from \\ to', ...ch.transitions.to], ch.transitions.from.map((f, i) => [f, ...ch.transitions.counts[i]!])), '');
    const movers = (title: string, list: typeof ch.movers.up) => {
      if (!list.length) return;
      out.push(`**${title}**`, '');
      out.push(
        table(
          ['lead', 'previous', 'now', 'change'],
          list.map((m) => [m.id, `${m.previous_score.toFixed(2)} ${m.previous_band}`, `${m.score.toFixed(2)} ${m.band}`, (m.delta > 0 ? '+' : '') + m.delta.toFixed(2)]),
          ['l', 'r', 'r', 'r'],
        ),
        '',
      );
    };
    movers('Largest rises', ch.movers.up);
    movers('Largest falls', ch.movers.down);
  }
  out.push('## Data quality', '');
  const dq = s.data_quality;
  const rows: (string | number)[][] = [
    ['duplicate lead ids (rejected)', dq.duplicate_ids],
    ['orphan activities (lead id not in leads)', dq.orphan_activities],
    ['activities after as-of (ignored)', c.activities_ignored.after_as_of],
    ['activities outside the window (ignored)', c.activities_ignored.outside_window],
    ['rejected activities', c.activities_rejected],
    ...(dq.bot_filter
      ? [
          ['activities dropped by bot_filter: bursts', dq.bot_filter.burst],
          ['activities dropped by bot_filter: scanner clicks', dq.bot_filter.scanner_click],
          ['bot_filter: activities out of time order (filtered on what was left)', dq.bot_filter.unsorted],
        ]
      : []),
    ['blank lines (skipped)', dq.blank_lines],
  ];
  for (const [reason, n] of Object.entries(dq.rejected_by_reason)) rows.push([`rejected: ${reason}`, n]);
  for (const [type, n] of Object.entries(dq.unknown_activity_types)) rows.push([`activity type no rule names: \`${type}\``, n]);
  for (const [field, n] of Object.entries(dq.unparsable_values)) rows.push([`values that did not parse in \`${field}\``, n]);
  out.push(table(['check', 'count'], rows), '');
  return out.join('\n');
}
