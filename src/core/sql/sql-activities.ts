// The activity side of the query, as the fold does it (src/core/score/activity-fold.ts): the rows score
// rejects are left out, then those after as-of or outside window_days; each engagement rule's matching
// activities (the N most recent with max_count) summed as decay units of 1e-9; counts for signals and
// predictive activity features. One row per lead in `activity_totals`. Pure.
import { textCell, type Cell } from './sql-conditions.js';
import type { QueryScope } from './sql-query.js';
import { SCALE } from './sql-values.js';

/** Writes activity_rows … activity_totals; returns `activity_totals`. */
export function activityCtes(q: QueryScope): string {
  const { d, o, v, m, ctes, asOf, prmJoin } = q;
  const rules = m.engagement.rules;
  const ai = m.input.activities;
  const actNf = ai.numberFormat ?? m.input.leads.numberFormat ?? 'point';
  const actTables = o.activities?.length ? o.activities : ['activities'];
  const acols = q.actCols.all();
  const selects = actTables.map(
    (t) =>
      `SELECT ${v.jsTrim(d.text(d.ident(ai.leadId)))} AS lead_id, ${d.text(d.ident(ai.type))} AS type_raw, ${v.jsTrim(d.text(d.ident(ai.timestamp)))} AS ts_raw${acols.map((c) => `, ${d.text(d.ident(c.name))} AS ${c.raw}`).join('')} FROM ${q.table(t)}`,
  );
  ctes.push(`activity_rows AS (${selects.join(' UNION ALL ')})`);
  // rows score rejects: empty lead id, type (or a null token) or timestamp
  ctes.push(
    `activity_checked AS (SELECT lead_id, LOWER(${v.jsTrim('type_raw')}) AS atype, ts_raw${acols.map((c) => `, ${v.present(c.raw)} AS ${c.v}`).join('')} FROM activity_rows WHERE lead_id <> '' AND ts_raw <> '' AND ${v.present('type_raw')} IS NOT NULL)`,
  );
  const ats = v.timestampCtes('activity', 'activity_checked', [{ src: 'ts_raw', out: 'at_ms' }]);
  ctes.push(...ats.ctes);
  const win = m.engagement.windowDays;
  const age = `((${asOf} - at_ms) / ${v.dayMs()})`;
  const anum = acols.filter((c) => c.needN).map((c) => `, ${v.parseNumber(c.v, actNf)} AS ${c.n}`);
  ctes.push(
    `activity_used AS (SELECT ${ats.last}.lead_id, atype, at_ms, ${age} AS age${acols.map((c) => `, ${c.v}`).join('')}${anum.join('')} FROM ${ats.last}${prmJoin} WHERE at_ms IS NOT NULL AND at_ms <= ${asOf}${win !== undefined ? ` AND ${age} <= ${v.lit(win)}` : ''})`,
  );
  const atsCols = v.timestampCtes('activity_dates', 'activity_used', acols.filter((c) => c.needT).map((c) => ({ src: c.v, out: c.t })));
  ctes.push(...atsCols.ctes);
  const actSrc = atsCols.last;
  const actCell = (f: string): Cell => textCell(q.actCols.get(f));
  const match = rules.map((r, k) => {
    const types = [...new Set(r.types.map((t) => t.trim().toLowerCase()))];
    const typeTest = `atype IN (${types.map((t) => d.str(t)).join(', ')})`;
    const cond = r.condition ? ` AND ${q.c.cond(r.condition, actCell, asOf)}` : '';
    return `(${typeTest}${cond}) AS m${k}`;
  });
  ctes.push(`activity_matched AS (SELECT ${actSrc}.*${match.map((x) => ', ' + x).join('')} FROM ${actSrc}${prmJoin})`);
  const ranked = rules.map((r, k) => (r.maxCount ? `, CASE WHEN m${k} THEN ROW_NUMBER() OVER (PARTITION BY lead_id, m${k} ORDER BY at_ms DESC) END AS rn${k}` : '')).join('');
  ctes.push(`activity_ranked AS (SELECT activity_matched.*${ranked} FROM activity_matched)`);
  const lnHalf = m.engagement.halfLifeDays ? Math.LN2 / m.engagement.halfLifeDays : 0;
  const sums: string[] = ['COUNT(*) AS activity_count', 'MAX(at_ms) AS last_ms'];
  const q7 = rules.map((r, k) => `CASE WHEN m${k} THEN ${Math.round(r.points * SCALE)} ELSE 0 END`);
  sums.push(`SUM(CASE WHEN age <= 7 THEN ${q7.length ? q7.join(' + ') : '0'} ELSE 0 END) AS e7_units`);
  sums.push(`SUM(CASE WHEN age <= 30 THEN ${q7.length ? q7.join(' + ') : '0'} ELSE 0 END) AS e30_units`);
  rules.forEach((r, k) => {
    const decays = r.decay && lnHalf > 0;
    const unit = decays ? `FLOOR(EXP(${v.lit(-lnHalf)} * age) * ${SCALE} + 0.5)` : String(SCALE);
    const keep = r.maxCount ? ` AND rn${k} <= ${r.maxCount}` : '';
    sums.push(`SUM(CASE WHEN m${k}${keep} THEN ${unit} ELSE 0 END) AS u${k}`);
  });
  sums.push('SUM(CASE WHEN age <= 7 THEN 1 ELSE 0 END) AS count_7d', 'SUM(CASE WHEN age <= 30 THEN 1 ELSE 0 END) AS count_30d');
  q.countedTypes.forEach((t, i) => sums.push(`SUM(CASE WHEN atype = ${d.str(t)} THEN 1 ELSE 0 END) AS count_type${i}`));
  ctes.push(`activity_totals AS (SELECT lead_id, ${sums.join(', ')} FROM activity_ranked GROUP BY lead_id)`);
  return 'activity_totals';
}
