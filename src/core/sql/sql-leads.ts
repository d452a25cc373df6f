// The lead side of the query: one row per lead id (the first row of a duplicated id wins, as score keeps
// it), its present values, numbers and timestamps; the disposable-domain lookups and the quality checks.
// Pure.
import type { QualityRule } from '../model/types.js';
import type { QueryScope } from './sql-query.js';

/** Labels a --domains-table entry may have at most (the bundled list has at most 4). */
export const DOMAIN_TABLE_MAX_LABELS = 8;

const EMAIL = '^[^\\s@"(),:;<>[\\]\\\\]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\\.[a-z]{2,}$';

/** Writes lead_rows … lead_ts; returns the name of the last lead CTE. */
export function leadCtes(q: QueryScope): string {
  const { d, o, v, ctes } = q;
  const idCol = q.m.input.leads.id;
  const nf = q.m.input.leads.numberFormat ?? 'point';
  const ord = o.orderBy ? d.ident(o.orderBy) : idCol === '$row' ? 'NULL' : undefined;
  const idExpr = idCol === '$row' ? d.intText(`ROW_NUMBER() OVER (ORDER BY ${ord})`) : v.jsTrim(d.text(d.ident(idCol)));
  const lcols = q.leadCols.all();
  const rawCols = lcols.map((c) => `${d.text(d.ident(c.name))} AS ${c.raw}`);
  ctes.push(`lead_rows AS (SELECT ${idExpr} AS lead_id${ord ? `, ${ord} AS lead_ord` : ''}${rawCols.map((c) => ', ' + c).join('')} FROM ${q.table(o.leads ?? 'leads')})`);
  ctes.push(`lead_first AS (SELECT * FROM (SELECT lead_rows.*, ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY ${ord ? 'lead_ord' : 'lead_id'}) AS dup_n FROM lead_rows WHERE lead_id <> '') f WHERE dup_n = 1)`);
  const vcols = lcols.map((c) => `${v.present(c.raw)} AS ${c.v}`);
  const qcols = lcols.filter((c) => c.needQ).map((c) => `${v.nullCheck(v.jsTrim(c.raw))} AS ${c.q}`);
  ctes.push(`lead_values AS (SELECT lead_id${lcols.length || qcols.length ? ', ' : ''}${[...vcols, ...qcols].join(', ')} FROM lead_first)`);
  const ncols = lcols.filter((c) => c.needN).map((c) => `${v.parseNumber(c.v, nf)} AS ${c.n}`);
  ctes.push(`lead_numbers AS (SELECT lead_values.*${ncols.map((c) => ', ' + c).join('')} FROM lead_values)`);
  const lts = v.timestampCtes('lead', 'lead_numbers', lcols.filter((c) => c.needT).map((c) => ({ src: c.v, out: c.t })));
  ctes.push(...lts.ctes);
  return lts.last;
}

/**
 * Writes the disposable-domain CTEs the quality checks need (over `leadsCte`); returns the test of a
 * quality rule on a lead row (a SQL boolean, NULL possible).
 */
export function qualityTests(q: QueryScope, leadsCte: string): (rule: QualityRule) => string {
  const { d, o, v, ctes, m } = q;
  const dispRules = m.quality.filter((r) => r.check === 'disposable_email' && r.field);
  const dispCte = new Map<string, string>();
  if (dispRules.length) {
    const list = o.domainsTable
      ? `SELECT LOWER(${v.jsTrim(d.text('domain'))}) AS domain FROM ${q.table(o.domainsTable)}`
      : `SELECT domain FROM ${d.values('dl', ['domain'], [...new Set(o.disposableDomains.map((x) => x.toLowerCase()))].sort().map((x) => [d.str(x)]))}`;
    ctes.push(`disposable_domains AS (${list})`);
    const maxLabels = o.domainsTable ? DOMAIN_TABLE_MAX_LABELS : Math.max(2, ...o.disposableDomains.map((x) => x.split('.').length));
    for (const r of dispRules) {
      const c = q.leadCols.get(r.field!);
      if (dispCte.has(c.q)) continue;
      const name = `disposable_${dispCte.size}`;
      // emailDomain(): after the last @, trimmed, lower case; then the domain and each parent with a dot
      const rev = `REVERSE(${c.q})`;
      const dom = `LOWER(${v.jsTrim(`REVERSE(SUBSTR(${rev}, 1, ${d.strpos(rev, "'@'")} - 1))`)})`;
      ctes.push(`${name}_domain AS (SELECT lead_id, ${dom} AS domain FROM ${leadsCte} WHERE ${c.q} IS NOT NULL AND ${d.strpos(c.q, "'@'")} > 0)`);
      const cands: string[] = [];
      for (let j = 2; j <= maxLabels; j++) {
        const pat = '[^.]*' + '\\.[^.]*'.repeat(j - 1) + '$';
        cands.push(`SELECT lead_id, ${d.regexExtract('domain', pat)} AS candidate FROM ${name}_domain`);
      }
      ctes.push(`${name} AS (SELECT DISTINCT lead_id FROM (${cands.join(' UNION ALL ')}) c WHERE candidate IN (SELECT domain FROM disposable_domains))`);
      dispCte.set(c.q, name);
    }
  }

  return (r: QualityRule): string => {
    if (r.condition) return q.c.cond(r.condition, (f) => q.leadCell(f), q.asOf);
    if (!r.field) return 'FALSE';
    const c = q.leadCols.get(r.field);
    if (r.check === 'email_syntax') {
      const local = `SUBSTR(${c.q}, 1, ${d.strpos(c.q, "'@'")} - 1)`;
      const ok = `(${v.fixedRegex(c.q, EMAIL, true)} AND LENGTH(${local}) <= 64 AND SUBSTR(${local}, 1, 1) <> '.' AND SUBSTR(${local}, LENGTH(${local}), 1) <> '.' AND ${d.strpos(local, "'..'")} = 0)`;
      return `(${c.q} IS NOT NULL AND NOT ${ok})`;
    }
    if (r.check === 'disposable_email') return `(${c.q} IS NOT NULL AND lead_id IN (SELECT lead_id FROM ${dispCte.get(c.q)}))`;
    return 'FALSE';
  };
}
