// summary.html: the threshold summary report of `leadscore score` as one self-contained page with
// charts rendered to inline SVG at report time (Vega-Lite -> Vega -> SVG in Node, see chart.ts).
// Every chart carries its numbers on the marks, so it reads without colour and on paper.
import type { TopLevelSpec } from 'vega-lite';
import type { Summary } from '../../core/report/summary.js';
import { renderChart, type ChartOptions } from './chart.js';
import { esc, figure, int, num, page, pct, points, section, table, type Cell } from './page.js';
import { bandLabels, bandsSpec, histogramSpec, gradeSpec, MAX_CHART_RULES, rulesSpec, normaliseTransitions, normaliseMovers, normaliseTopReasons, transitionsSpec, type Mover, type ReasonRow } from './summary-charts.js';

export { bandColours, bandLabels, normaliseMovers, normaliseTopReasons, normaliseTransitions } from './summary-charts.js';

export interface SummaryHtmlOptions extends ChartOptions {
  /** The page title; default "Lead scoring summary: <model name>". */
  title?: string;
  /** How many movers up and down to list when the summary has movers (default 15 each). */
  maxMovers?: number;
}

// ---- Optional parts of the summary (added by --previous and the reasons work). The renderer reads
// them defensively, so it neither depends on them existing nor on one exact shape. ----

/** One cell of the band transition matrix; `from` null (or "new") = not in the previous run. */
export interface TransitionInput {
  from: string | null;
  to: string | null;
  count: number;
}
/**
 * Accepted as `transitions`: a list of TransitionInput, or a matrix
 * `{ from: string[], to: string[], counts: number[][] }`, or `{ [from]: { [to]: count } }`.
 */
export type TransitionsInput = TransitionInput[] | { from: string[]; to: string[]; counts: number[][] } | Record<string, Record<string, number>>;

export interface MoverInput {
  lead_id?: string;
  id?: string;
  previous_score?: number | null;
  score: number;
  previous_band?: string | null;
  band?: string;
  change?: number;
}
/** Accepted as `movers`: a list of MoverInput (largest |change| first), or `{ up: [...], down: [...] }`. */
export type MoversInput = MoverInput[] | { up?: MoverInput[]; down?: MoverInput[] };

export interface ReasonCountInput {
  rule?: string;
  id?: string;
  leads?: number;
  count?: number;
  points?: number;
  total_points?: number;
}
/**
 * Accepted as `top_reasons` (or `reasons_by_band`): `{ [band]: ReasonCountInput[] }` or
 * `{ band: string, reasons: ReasonCountInput[] }[]`.
 */
export type TopReasonsInput = Record<string, ReasonCountInput[]> | { band: string; reasons: ReasonCountInput[] }[];

/** The summary with the optional parts this renderer shows when present. */
export type SummaryHtmlInput = Summary & {
  transitions?: unknown;
  movers?: unknown;
  top_reasons?: unknown;
  reasons_by_band?: unknown;
};

// ---- the page ----

export async function renderSummaryHtml(summary: Summary, opts: SummaryHtmlOptions = {}): Promise<string> {
  const s = summary as SummaryHtmlInput;
  const c = s.counts;
  const chart = (spec: TopLevelSpec, id: string, label: string) => renderChart(spec, id, label, opts);
  const parts: string[] = [];
  const title = opts.title ?? `Lead scoring summary: ${s.model.name}`;

  parts.push(
    `<header><h1>${esc(title)}</h1><p>Model <b>${esc(s.model.name)}</b> · as of <b>${esc(s.as_of)}</b> · ` +
      `leadscore ${esc(s.leadscore_version)} · run started ${esc(s.started_at)} · ${esc((s.duration_ms / 1000).toFixed(2))} s</p></header>`,
  );
  const rejectedActivities = c.activities_rejected;
  const tiles: [string, string][] = [
    [int(c.scored), `leads scored of ${int(c.leads_read)} read`],
    [int(c.rejected), `leads rejected${c.duplicates ? ` (${int(c.duplicates)} duplicate ids)` : ''}`],
    [int(c.activities_used), `activities used of ${int(c.activities_read)} read`],
    [int(rejectedActivities), 'activity rows rejected'],
  ];
  const top = s.bands.slice(0, Math.max(1, s.bands.length - 1)).filter((b) => b.min !== null);
  if (top.length) {
    const n = top.reduce((a, b) => a + b.count, 0);
    tiles.push([int(n), `leads in ${top.map((b) => b.name).join(' + ')} (${c.scored ? pct(n / c.scored) : '0.0%'})`]);
  }
  if (s.changes?.handoff_band) {
    tiles.push([int(s.changes.crossed), `entered ${s.changes.handoff_band} or higher since the previous run`]);
  }
  parts.push(`<div class="tiles">${tiles.map(([v, l]) => `<div class="tile"><b>${esc(v)}</b><span>${esc(l)}</span></div>`).join('')}</div>`);
  if (s.warnings?.length) {
    // run warnings first: a run that succeeded but may be useless (docs/diagnostics.md, run warnings)
    parts.push(section('warnings', `Warnings (${s.warnings.length})`, table(['code', 'warning', 'what to do'],
      s.warnings.map((w): Cell[] => [{ html: `<code>${esc(w.code)}</code>` }, w.file ? `${w.file}: ${w.message}` : w.message, w.hint ?? ''])), 'wide'));
  }

  const grid: string[] = [];
  const labels = bandLabels(s.bands);
  grid.push(
    figure(
      'bands',
      'Leads per band',
      await chart(bandsSpec(s), 'bands', 'Leads per band'),
      table(
        ['band', 'leads', 'share', 'score range'],
        s.bands.map((b, i): Cell[] => [
          labels[i]!,
          { text: int(b.count), cls: 'n' },
          { text: pct(b.share), cls: 'n' },
          { text: b.score_min === null ? '—' : `${num(b.score_min)} – ${num(b.score_max ?? b.score_min)}`, cls: 'n' },
        ]),
      ),
    ),
  );
  grid.push(
    figure(
      'histogram',
      'Score distribution',
      await chart(histogramSpec(s), 'histogram', 'Score histogram with band thresholds'),
      'Leads per 10-point score bin (the last bin includes 100). Dashed lines: band thresholds.',
    ),
  );
  if (s.grade_matrix && s.grade_matrix.fit.length && s.grade_matrix.activity.length) {
    grid.push(
      figure(
        'grades',
        'Grade matrix',
        await chart(gradeSpec(s.grade_matrix, c.scored), 'grades', 'Grade matrix heat map'),
        `Leads per grade: fit letter (who the lead is) × activity digit (what the lead did), with the share of scored leads. ` +
          `Top left (${esc(s.grade_matrix.fit[0]!)}${esc(s.grade_matrix.activity[0]!)}) is the best fit and the most active.`,
      ),
    );
  }
  grid.push(section('quality', 'Data quality', dataQualityTable(s)));

  if (s.rules.length) {
    grid.push(
      figure(
        'rules',
        'Rule contributions',
        await chart(rulesSpec(s), 'rules', 'Rule contributions: total points per rule'),
        'Bars: total points each rule added (or, in red, took away) over all scored leads. ' +
          'Text: how many scored leads the rule matched (share of scored leads) and its total points. ' +
          'Rules with a flag and no points show 0.' +
          (s.rules.length > MAX_CHART_RULES ? ` The model has ${int(s.rules.length)} rules: the ${MAX_CHART_RULES} with the largest totals are shown (summary.json and summary.md list every rule).` : ''),
        'wide',
      ),
    );
  }

  const ch = s.changes;
  const transitions = normaliseTransitions(ch?.transitions ?? s.transitions);
  if (transitions.length) {
    grid.push(
      figure(
        'transitions',
        'Band transitions since the previous run',
        await chart(transitionsSpec(transitions, s.bands.map((b) => b.name)), 'transitions', 'Band transition matrix'),
        `${ch ? changesNote(ch) : transitionNote(transitions, s.bands.map((b) => b.name))} ` +
          `Outlined cells: leads that stayed in their band. “new”: not in the previous run.`,
      ),
    );
  }
  const movers = normaliseMovers(ch?.movers ?? s.movers);
  if (movers.up.length || movers.down.length) grid.push(section('movers', 'Largest movers', moversTables(movers, opts.maxMovers ?? 15)));

  const reasons = normaliseTopReasons(s.top_reasons ?? s.reasons_by_band ?? s.bands.map((b) => ({ band: b.name, reasons: b.top_reasons ?? [] })));
  if (reasons.length) grid.push(section('reasons', 'Top reasons per band', reasonsTable(reasons), 'wide'));

  if (s.interests.length) {
    grid.push(
      section(
        'interests',
        'Interests',
        table(
          ['interest', 'leads with points', 'total points'],
          s.interests.map((i) => [i.name, { text: int(i.leads), cls: 'n' }, { text: points(i.total), cls: 'n' }]),
        ),
      ),
    );
  }
  if (s.segments?.length) {
    const names = s.bands.map((b) => b.name);
    grid.push(
      section(
        'segments',
        'Leads per band in each segment',
        table(['segment', 'leads', ...names], s.segments.map((g) => [g.id || '(no segment)', { text: int(g.leads), cls: 'n' }, ...names.map((n) => ({ text: int(g.bands[n] ?? 0), cls: 'n' }))])),
        'wide',
      ),
    );
  }
  if (s.accounts) {
    const a = s.accounts;
    const none = Object.entries(a.noAccount).filter(([, n]) => n > 0);
    grid.push(
      section(
        'accounts',
        'Accounts',
        table(['accounts', 'count'], [
          ['accounts in accounts.csv', { text: int(a.accounts), cls: 'n' }],
          ['scored leads in them', { text: int(a.leadsInAccounts), cls: 'n' }],
          ['accounts below min_leads (left out)', { text: int(a.belowMinLeads.accounts), cls: 'n' }],
          ...none.map(([k, n]): Cell[] => [`leads without an account: ${k.replace('_', ' ')}`, { text: int(n), cls: 'n' }]),
        ]),
      ),
    );
  }
  grid.push(section('run', 'Run', runTable(s), 'wide'));
  parts.push(`<div class="grid">${grid.join('\n')}</div>`);
  parts.push(`<footer>Written by leadscore ${esc(s.leadscore_version)} from the same data as summary.json and summary.md.</footer>`);
  return page(title, parts.join('\n'), { generator: `leadscore ${s.leadscore_version}` });
}

function dataQualityTable(s: Summary): string {
  const c = s.counts;
  const dq = s.data_quality;
  const rows: Cell[][] = [];
  const add = (what: string, n: number) => rows.push([what, { text: int(n), cls: 'n' }]);
  for (const [reason, n] of Object.entries(dq.rejected_by_reason)) rows.push([{ html: `rejected: <code>${esc(reason)}</code>` }, { text: int(n), cls: 'n' }]);
  add('duplicate lead ids (rejected)', dq.duplicate_ids);
  add('orphan activities (lead id not in leads)', dq.orphan_activities);
  add('activities after as-of (ignored)', c.activities_ignored.after_as_of);
  add('activities outside the window (ignored)', c.activities_ignored.outside_window);
  add('blank lines (skipped)', dq.blank_lines);
  for (const [type, n] of Object.entries(dq.unknown_activity_types)) rows.push([{ html: `activity type no rule names: <code>${esc(type)}</code>` }, { text: int(n), cls: 'n' }]);
  for (const [field, n] of Object.entries(dq.unparsable_values)) rows.push([{ html: `values that did not parse in <code>${esc(field)}</code>` }, { text: int(n), cls: 'n' }]);
  return table(['check', 'count'], rows) + `<p class="note">Rejected rows are listed with file, line and reason in <code>rejects.csv</code>.</p>`;
}

function runTable(s: Summary): string {
  const rows: Cell[][] = [
    ['model', { html: `${esc(s.model.name)} (<code>${esc(s.model.path)}</code>)` }],
    ['model sha256', { html: `<code>${esc(s.model.sha256)}</code>` }],
    ['as of', s.as_of],
    ...s.inputs.map(
      (i): Cell[] => [
        i.role,
        {
          html:
            `<code>${esc(i.path)}</code>: ${esc(int(i.rows))} rows, ${esc(int(i.rejected))} rejected` +
            (i.bytes !== undefined ? `, ${esc(int(i.bytes))} bytes` : '') +
            (i.sha256 ? `<br>sha256 <code>${esc(i.sha256)}</code>` : ''),
        },
      ],
    ),
    ['leadscore', s.leadscore_version],
    ['started', s.started_at],
    ['duration', `${(s.duration_ms / 1000).toFixed(2)} s`],
  ];
  if (s.command) rows.push(['command', { html: `<code>${esc(s.command)}</code>` }]);
  return table(['fact', 'value'], rows, { cls: 'facts' });
}

function transitionNote(cells: TransitionInput[], bandOrder: string[]): string {
  let up = 0;
  let down = 0;
  let same = 0;
  let added = 0;
  for (const t of cells) {
    const f = t.from === null || t.from === '' || t.from === 'new' ? -1 : bandOrder.indexOf(t.from);
    const to = t.to === null ? -2 : bandOrder.indexOf(t.to);
    if (f === -1) added += t.count;
    else if (f < 0 || to < 0) continue;
    else if (to < f) up += t.count;
    else if (to > f) down += t.count;
    else same += t.count;
  }
  return `${int(up)} leads moved to a hotter band, ${int(down)} to a colder one, ${int(same)} stayed, ${int(added)} are new.`;
}

function changesNote(ch: NonNullable<Summary['changes']>): string {
  return (
    `Against <code>${esc(ch.path)}</code> (${esc(int(ch.previous_leads))} leads): ${esc(int(ch.up))} moved to a hotter band, ` +
    `${esc(int(ch.down))} to a colder one, ${esc(int(ch.same))} stayed, ${esc(int(ch.new))} are new, ${esc(int(ch.gone))} are gone` +
    (ch.handoff_band ? `; ${esc(int(ch.crossed))} entered ${esc(ch.handoff_band)} or higher (<code>crossed.csv</code>).` : '.')
  );
}

function moversTables(m: { up: Mover[]; down: Mover[] }, max: number): string {
  const rows = (list: Mover[]) =>
    list.slice(0, max).map((x): Cell[] => [
      { html: `<code>${esc(x.id)}</code>` },
      `${x.previousBand ?? 'new'} → ${x.band ?? '—'}`,
      { text: x.previousScore === null ? '—' : num(x.previousScore), cls: 'n' },
      { text: num(x.score), cls: 'n' },
      { text: x.change === null ? 'new' : points(x.change), cls: `n ${x.change !== null && x.change < 0 ? 'down' : 'up'}` },
    ]);
  const head = ['lead', 'band', 'previous score', 'score', 'change'];
  const out: string[] = [];
  if (m.up.length) out.push(table(head, rows(m.up), { caption: 'Up (largest gains first)' }));
  if (m.down.length) out.push(table(head, rows(m.down), { caption: 'Down (largest losses first)' }));
  return out.join('');
}

function reasonsTable(rows: ReasonRow[]): string {
  return table(
    ['band', 'most frequent reasons (leads, total points)'],
    rows.map((r): Cell[] => [
      r.band,
      {
        html: r.reasons
          .map(
            (x) =>
              `<code>${esc(x.rule)}</code>` +
              (x.leads !== null || x.points !== null
                ? ` (${[x.leads !== null ? `${esc(int(x.leads))} leads` : '', x.points !== null ? `${esc(points(x.points))} pts` : ''].filter(Boolean).join(', ')})`
                : ''),
          )
          .join(' · '),
      },
    ]),
  );
}
