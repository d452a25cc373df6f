// The points of each lead in the query: segment, quality rejects, the activity aggregates joined in,
// then fit rules, engagement rules (decay units, max_points), signals, quality adjustments and
// predictive terms, as src/core/score/score-lead.ts computes them (lead_kept … lead_components). Pure.
import type { EngagementRule, FitRule, Model, QualityRule } from '../model/types.js';
import { ACTIVITY_FEATURE, SIGNAL_FIELDS } from '../model/types.js';
import { valueLookup } from '../score/compiled.js';
import type { Cell } from './sql-conditions.js';
import type { QueryScope } from './sql-query.js';

/** A value that differs per segment: CASE seg WHEN i THEN … ELSE <the model's> END. */
export function perSegment(scope: QueryScope, f: (mm: Model) => string): string {
  const base = f(scope.m);
  const alts = scope.variants.map((vm, i) => ({ i, e: f(vm) })).filter((x) => x.e !== base);
  if (!alts.length) return base;
  return `CASE seg ${alts.map((x) => `WHEN ${x.i} THEN ${x.e}`).join(' ')} ELSE ${base} END`;
}

/**
 * Writes lead_kept … lead_components over `leadsCte` (and `aggCte`, the activity totals, when the
 * model reads activities); returns the rule id of each contribution slot written so far (fit, then
 * engagement rules).
 */
export function pointsCtes(scope: QueryScope, leadsCte: string, aggCte: string | undefined, qualityTest: (r: QualityRule) => string): string[] {
  const { m, d, v, ctes, asOf, prmJoin, withParams, countedTypes } = scope;
  const cs = scope.c;
  const lit = (x: number) => v.lit(x);
  const segs = m.segments ?? [];
  const rules = m.engagement.rules;
  const pred = m.predictive;
  const leadCol = (f: string) => scope.leadCols.get(f);
  const leadCell = (f: string): Cell => scope.leadCell(f);
  const signalField = (f: string) => (SIGNAL_FIELDS as readonly string[]).includes(f);
  const isActivityFeature = (name: string) => ACTIVITY_FEATURE.test(name);
  const segExpr = segs.length ? `CASE ${segs.map((s, i) => `WHEN ${cs.cond(s.condition, leadCell, asOf)} THEN ${i}`).join(' ')} ELSE -1 END` : '-1';
  const rejects = m.quality.map((q, i) => ({ q, i })).filter(({ q }) => q.action === 'reject');
  const rejectWhere = rejects.length ? ` WHERE NOT (${rejects.map(({ q }) => `COALESCE(${qualityTest(q)}, FALSE)`).join(' OR ')})` : '';
  ctes.push(`lead_kept AS (SELECT ${leadsCte}.* FROM ${leadsCte}${prmJoin}${rejectWhere})`);
  const aggCols = aggCte
    ? [
        'COALESCE(t.activity_count, 0) AS activity_count',
        `(${asOf} - t.last_ms) / ${v.dayMs()} AS days_since_last_activity`,
        `COALESCE(t.e7_units, 0) / ${v.scale()} AS engagement_7d`,
        `COALESCE(t.e30_units, 0) / ${v.scale()} AS engagement_30d`,
        'COALESCE(t.count_7d, 0) AS count_7d',
        'COALESCE(t.count_30d, 0) AS count_30d',
        ...rules.map((_, k) => `COALESCE(t.u${k}, 0) AS u${k}`),
        ...countedTypes.map((_, i) => `COALESCE(t.count_type${i}, 0) AS count_type${i}`),
      ]
    : ['0 AS activity_count', `CAST(NULL AS ${d.doubleType}) AS days_since_last_activity`, '0 AS engagement_7d', '0 AS engagement_30d', '0 AS count_7d', '0 AS count_30d'];
  ctes.push(
    `lead_scope AS (SELECT l.*, ${segExpr} AS seg, ${aggCols.join(', ')} FROM lead_kept l${aggCte ? ` LEFT JOIN ${aggCte} t ON t.lead_id = l.lead_id` : ''}${prmJoin})`,
  );

  const perSeg = (f: (mm: Model) => string): string => perSegment(scope, f);

  const slotIds: string[] = [];
  const cols: string[] = [];
  // fit
  const fitExpr = (r: FitRule): string => {
    if (r.kind === 'if') return `CASE WHEN ${cs.cond(r.condition, leadCell, asOf)} THEN ${lit(r.points)} ELSE 0 END`;
    const c = leadCol(r.field);
    if (r.kind === 'values') {
      const { byText, byNumber } = valueLookup(r.values);
      const whens = [...byText].map(([k, p]) => `WHEN LOWER(${c.v}) = ${d.str(k)} THEN ${lit(p)}`);
      const nums = [...byNumber].map(([n, p]) => `WHEN ${c.n} = ${lit(n)} THEN ${lit(p)}`);
      return `CASE ${[...whens, ...nums].join(' ')} ELSE 0 END`;
    }
    const whens = r.ranges.map((x) => {
      const conds = [x.min !== undefined ? `${c.n} >= ${lit(x.min)}` : '', x.max !== undefined ? `${c.n} <= ${lit(x.max)}` : ''].filter(Boolean);
      return `WHEN ${conds.length ? conds.join(' AND ') : `${c.n} IS NOT NULL`} THEN ${lit(x.points)}`;
    });
    return whens.length ? `CASE ${whens.join(' ')} ELSE 0 END` : '0';
  };
  m.fit.rules.forEach((r, j) => {
    cols.push(`${perSeg((mm) => fitExpr(mm.fit.rules[j]!))} AS f${j}`);
    slotIds.push(r.id);
  });
  const fitSum = m.fit.rules.length ? m.fit.rules.map((_, j) => `f${j}`).join(' + ') : '0';
  // engagement rules
  const ruleTotal = (k: number, r: EngagementRule) => {
    const pts = perSeg((mm) => lit(mm.engagement.rules[k]!.points));
    const total = `(${pts}) * u${k} / ${v.scale()}`;
    return r.maxPoints !== undefined ? `GREATEST(${lit(-r.maxPoints)}, LEAST(${lit(r.maxPoints)}, ${total}))` : total;
  };
  rules.forEach((r, k) => {
    cols.push(`${aggCte ? ruleTotal(k, r) : '0'} AS e${k}`);
    slotIds.push(r.id);
  });
  // signals
  const signalCell = (f: string, path: string): Cell => {
    if (f === 'activity_count') return { kind: 'number', x: 'activity_count', field: f, integer: true };
    if (signalField(f)) return { kind: 'number', x: f, field: f, integer: false };
    void path;
    return leadCell(f);
  };
  m.engagement.signals.forEach((s, i) => {
    cols.push(`${cs.cond(s.condition, signalCell, asOf)} AS s${i}`);
  });
  // quality
  m.quality.forEach((q, i) => {
    cols.push(q.action === 'reject' ? `FALSE AS q${i}` : `COALESCE(${qualityTest(q)}, FALSE) AS q${i}`);
  });
  ctes.push(`lead_rules AS (SELECT lead_scope.*${cols.map((c) => ', ' + c).join('')} FROM lead_scope${withParams ? ' CROSS JOIN prm' : ''})`);

  // components
  const signalPts = m.engagement.signals.map((_, i) => `CASE WHEN s${i} THEN ${perSeg((mm) => lit(mm.engagement.signals[i]!.points))} ELSE 0 END`);
  const engSum = [...rules.map((_, k) => `e${k}`), ...signalPts];
  const qualityPts = m.quality.map((q, i) => (q.action === 'reject' ? '' : `CASE WHEN q${i} THEN ${perSeg((mm) => lit(mm.quality[i]!.points))} ELSE 0 END`)).filter(Boolean);
  const fitCapped = m.fit.max !== undefined ? `LEAST(${fitSum}, ${lit(m.fit.max)})` : `(${fitSum})`;
  const engUncapped = engSum.length ? engSum.join(' + ') : '0';
  const engCapped = m.engagement.max !== undefined ? `LEAST(${engUncapped}, ${lit(m.engagement.max)})` : `(${engUncapped})`;
  const comp = [
    `${fitCapped} AS fit_value`,
    `${engCapped} AS engagement_value`,
    `${qualityPts.length ? qualityPts.join(' + ') : '0'} AS adjustments`,
    ...m.engagement.signals.map((_, i) => `CASE WHEN s${i} THEN ${perSeg((mm) => lit(mm.engagement.signals[i]!.points))} ELSE 0 END AS sp${i}`),
    ...m.quality.map((q, i) => (q.action === 'reject' ? `0 AS qp${i}` : `CASE WHEN q${i} THEN ${perSeg((mm) => lit(mm.quality[i]!.points))} ELSE 0 END AS qp${i}`)),
  ];
  // predictive terms
  const termCols: string[] = [];
  if (pred) {
    pred.features.forEach((f, j) => {
      let term: string;
      const act = isActivityFeature(f.name) ? ACTIVITY_FEATURE.exec(f.name)! : undefined;
      let value: string | undefined; // numeric value, NULL = missing
      let integer = true;
      if (act) {
        if (act[1] === 'count') value = 'activity_count';
        else if (act[1] === 'count_7d') value = 'count_7d';
        else if (act[1] === 'count_30d') value = 'count_30d';
        else if (act[1] === 'days_since_last') {
          value = 'days_since_last_activity';
          integer = false;
        } else value = `count_type${countedTypes.indexOf((act[2] ?? '').trim().toLowerCase())}`;
      }
      if (f.type === 'numeric') {
        const x = act ? `CAST(${value!} AS ${d.doubleType})` : leadCol(f.name).n;
        const t = f.transform === 'log1p' ? `LN(1 + ${x})` : x;
        const ok = f.transform === 'log1p' ? `${x} IS NOT NULL AND ${x} > -1` : `${x} IS NOT NULL`;
        term = `CASE WHEN ${ok} THEN ${lit(f.coefficient)} * (${t} - ${lit(f.mean)}) / ${lit(f.sd)} ELSE ${lit(f.missing)} END`;
      } else {
        const levels = new Map(f.levels.map((l) => [l.level.trim().toLowerCase(), l.coefficient]));
        let key: string;
        let isNull: string;
        if (act) {
          if (!integer) scope.refuse('LS192', `the categorical predictive feature "${f.name}" reads a fractional number as text, which SQL cannot write the same way`, `predictive.features[${j}]`, 'make it a numeric feature');
          key = d.intText(value!);
          isNull = 'FALSE';
        } else {
          const c = leadCol(f.name);
          key = `LOWER(${c.v})`;
          isNull = `${c.v} IS NULL`;
        }
        const whens = [...levels].map(([l, c]) => `WHEN ${key} = ${d.str(l)} THEN ${lit(c)}`);
        term = `CASE WHEN ${isNull} THEN ${lit(f.missing)} ${whens.join(' ')} ELSE ${lit(f.other)} END`;
      }
      termCols.push(`${term} AS pt${j}`);
    });
  }
  ctes.push(`lead_components AS (SELECT lead_rules.*, ${[...comp, ...termCols].join(', ')} FROM lead_rules)`);
  return slotIds;
}
