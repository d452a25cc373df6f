// The score of each lead in the query and what `score` writes of it: the predictive probability, the
// blended score clamped to [0, 100], band, grade, flags, interests, the five reasons (formatted as
// formatPoints writes them) and the ranked output columns (lead_z … lead_reasons). Pure.
import type { Model } from '../model/types.js';
import { perSegment } from './sql-points.js';
import type { QueryScope } from './sql-query.js';

const NUMERIC_ID = '^\\d{1,15}$';

/**
 * Writes lead_z … lead_reasons after lead_components; `slotIds` are the contribution slots so far.
 * Returns the output columns of the final SELECT (over `lead_banded b`, `lead_reasons r`) and whether
 * the model has any contribution (then lead_reasons exists).
 */
export function scoreCtes(scope: QueryScope, slotIds: string[]): { out: string[]; hasReasons: boolean } {
  const { m, d, o, v, ctes } = scope;
  const lit = (x: number) => v.lit(x);
  const segs = m.segments ?? [];
  const rules = m.engagement.rules;
  const pred = m.predictive;
  const idCol = m.input.leads.id;
  const perSeg = (f: (mm: Model) => string): string => perSegment(scope, f);
  // score (and the predictive probability)
  // sigmoid as score computes it: 1 / (1 + e^-z) for z >= 0, e^z / (1 + e^z) below
  const sig = (z: string) => `CASE WHEN ${z} >= 0 THEN 1 / (1 + EXP(-(${z}))) ELSE EXP(${z}) / (1 + EXP(${z})) END`;
  const scoreCols: string[] = [];
  let unclamped = 'fit_value + engagement_value + adjustments';
  if (pred) {
    const z = [lit(pred.intercept), ...pred.features.map((_, j) => `pt${j}`)].join(' + ');
    scoreCols.push(`${z} AS z`);
  }
  ctes.push(`lead_z AS (SELECT lead_components.*${scoreCols.map((c) => ', ' + c).join('')} FROM lead_components)`);
  const pCols: string[] = [];
  if (pred) pCols.push(`${sig('z')} AS p`);
  ctes.push(`lead_p AS (SELECT lead_z.*${pCols.map((c) => ', ' + c).join('')} FROM lead_z)`);
  const w = pred?.weight ?? 1;
  if (pred) unclamped = `${lit(w)} * 100 * p + ${lit(1 - w)} * (fit_value + engagement_value + adjustments)`;
  // contributions by slot
  const slotExprs: string[] = [];
  const scaleRule = (e: string) => (!pred ? e : w === 1 ? '0' : `(${e}) * ${lit(1 - w)}`);
  m.fit.rules.forEach((_, j) => slotExprs.push(scaleRule(`f${j}`)));
  rules.forEach((_, k) => slotExprs.push(scaleRule(`e${k}`)));
  m.engagement.signals.forEach((s, i) => {
    slotExprs.push(scaleRule(`sp${i}`));
    slotIds.push(s.id);
  });
  m.quality.forEach((q, i) => {
    slotExprs.push(scaleRule(`qp${i}`));
    slotIds.push(q.id);
  });
  if (pred) {
    pred.features.forEach((f, j) => {
      slotExprs.push(`${lit(w)} * (100 * (p - ${sig(`z - pt${j}`)}))`);
      slotIds.push(f.name);
    });
  }

  const bandExpr = (mm: Model) => {
    const whens = mm.bands.map((b) => (b.min === undefined ? `WHEN TRUE THEN ${d.str(b.name)}` : `WHEN score_value >= ${lit(b.min)} THEN ${d.str(b.name)}`));
    return whens.length ? `CASE ${whens.join(' ')} END` : 'CAST(NULL AS ' + d.textType + ')';
  };
  const letter = (scale: { label: string; min: number }[], col: string) =>
    scale.length ? `CASE ${scale.map((e) => `WHEN ${col} >= ${lit(e.min)} THEN ${d.str(e.label)}`).join(' ')} ELSE ${d.str(scale[scale.length - 1]!.label)} END` : "''";
  const grade = m.grade ? `${letter(m.grade.fit.entries, 'fit_value')} || ${letter(m.grade.activity.entries, 'engagement_value')}` : `CAST(NULL AS ${d.textType})`;
  // flags: in rule order (signals, then quality checks that adjust), each name once
  const flagRules = [
    ...m.engagement.signals.map((s, i) => ({ flag: s.flag, test: `s${i}` })),
    ...m.quality.map((q, i) => ({ flag: q.action === 'reject' ? undefined : q.flag, test: `q${i}` })),
  ].filter((x) => x.flag);
  const flagParts = flagRules.map((x, i) => {
    const earlier = flagRules.slice(0, i).filter((y) => y.flag === x.flag).map((y) => y.test);
    const cond = earlier.length ? `${x.test} AND NOT (${earlier.join(' OR ')})` : x.test;
    return `CASE WHEN ${cond} THEN ${d.str(';' + x.flag)} ELSE '' END`;
  });
  const flags = flagParts.length ? `SUBSTR(${flagParts.join(' || ')}, 2)` : "''";
  const interests: string[] = [];
  rules.forEach((r) => {
    if (r.interest && !interests.includes(r.interest)) interests.push(r.interest);
  });
  const interestCols = interests.map((name) => {
    const ks = rules.map((r, k) => (r.interest === name ? `e${k}` : '')).filter(Boolean);
    return `${ks.join(' + ')} AS interest_value_${interests.indexOf(name)}`;
  });
  ctes.push(
    `lead_scored AS (SELECT lead_id, seg, fit_value, engagement_value, ${unclamped} AS unclamped, ${flags} AS flags${interestCols.map((c) => ', ' + c).join('')}${slotExprs.map((e, i) => `, ${e} AS c${i}`).join('')} FROM lead_p)`,
  );
  ctes.push(`lead_final AS (SELECT lead_scored.*, LEAST(100, GREATEST(0, unclamped)) AS score_value FROM lead_scored)`);
  ctes.push(
    `lead_banded AS (SELECT lead_final.*, ${perSeg(bandExpr)} AS band, ${grade} AS grade FROM lead_final)`,
  );

  // reasons: contributions as rows, the 5 largest |points| (then rule order), formatted like formatPoints
  const nSlots = slotExprs.length;
  if (nSlots) {
    const slots = d.values('rs', ['slot', 'rule_id'], slotIds.map((id, i) => [String(i), d.str(id)]));
    const pick = `CASE rs.slot ${slotExprs.map((_, i) => `WHEN ${i} THEN c${i}`).join(' ')} END`;
    ctes.push(`contribution AS (SELECT lead_id, rs.slot AS slot, rs.rule_id AS rule_id, ${pick} AS points FROM lead_banded CROSS JOIN ${slots})`);
    ctes.push(`contribution_cents AS (SELECT lead_id, slot, rule_id, points, ${v.cents('points')} AS cents FROM contribution)`);
    ctes.push(
      `contribution_ranked AS (SELECT lead_id, rule_id || ' ' || ${v.formatCents('cents')} AS reason, ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY ABS(points) DESC, slot) AS rn FROM contribution_cents WHERE cents <> 0)`,
    );
    const pivots = [1, 2, 3, 4, 5].map((k) => `MAX(CASE WHEN rn = ${k} THEN reason END) AS r${k}`);
    ctes.push(`lead_reasons AS (SELECT lead_id, ${pivots.join(', ')} FROM contribution_ranked WHERE rn <= 5 GROUP BY lead_id)`);
  }
  const reasons = nSlots ? `COALESCE(r.r1, '') || COALESCE('; ' || r.r2, '') || COALESCE('; ' || r.r3, '') || COALESCE('; ' || r.r4, '') || COALESCE('; ' || r.r5, '')` : "''";
  const money = (e: string) => d.decimal2(`${v.cents(e)} / ${d.doubleLit(100)}`);
  const idOut = idCol === '$row' ? 'row_number' : idCol.trim();
  const numericId = v.fixedRegex('b.lead_id', NUMERIC_ID);
  const out = [
    `b.lead_id AS ${d.ident(idOut)}`,
    `ROW_NUMBER() OVER (ORDER BY b.score_value DESC, b.fit_value DESC, CASE WHEN ${numericId} THEN 0 ELSE 1 END, CASE WHEN ${numericId} THEN ${d.toDouble('b.lead_id')} END, ${d.binary('b.lead_id')}) AS ${d.ident('rank')}`,
    `${money('b.score_value')} AS score`,
    'b.band AS band',
    'b.grade AS grade',
    `${money('b.fit_value')} AS fit`,
    `${money('b.engagement_value')} AS engagement`,
    'b.flags AS flags',
    `${reasons} AS reasons`,
    ...interests.map((name, i) => `${money(`b.interest_value_${i}`)} AS ${d.ident('interest_' + name)}`),
    ...(segs.length ? [`CASE b.seg ${segs.map((s, i) => `WHEN ${i} THEN ${d.str(s.id)}`).join(' ')} END AS ${d.ident('segment')}`] : []),
    ...(o.unrounded ? ['b.score_value AS score_unrounded', 'b.fit_value AS fit_unrounded', 'b.engagement_value AS engagement_unrounded'] : []),
  ];
  return { out, hasReasons: nSlots > 0 };
}
