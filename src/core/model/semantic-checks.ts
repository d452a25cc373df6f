// Semantic checks over the normalised parts of a model: each pushes diagnostics and never stops the others.
import { closest, foldName, isSnakeCase, toSnakeCase } from '../text.js';
import { formatPath, type ModelPath, parsePath } from './paths.js';
import { compileModelRegex } from './regex.js';
import { bandFileName } from './band-file.js';
import { DiagnosticSink } from './diagnostic-sink.js';
import {
  type Band,
  type Condition,
  type EngagementRule,
  type FitRule,
  type GradeScale,
  type LeafCondition,
  type BotFilterConfig,
  type QualityRule,
  type Segment,
  type Signal,
} from './types.js';
import { minOf } from '../numbers.js';

export function eachCondition(c: Condition, fn: (leaf: LeafCondition) => void): void {
  if (c.kind === 'leaf') fn(c);
  else if (c.kind === 'not') eachCondition(c.item, fn);
  else for (const x of c.items) eachCondition(x, fn);
}

export interface Parts {
  segments?: Segment[];
  fit: { max?: number; rules: FitRule[] };
  engagement: { halfLifeDays?: number; windowDays?: number; max?: number; rules: EngagementRule[]; signals: Signal[]; botFilter?: BotFilterConfig };
  quality: QualityRule[];
  bands: Band[];
  bandsPresent: boolean;
  grade?: { fit?: GradeScale; activity?: GradeScale };
  ids: { id: string; path: ModelPath }[];
}

export function allConditions(parts: Parts): Condition[] {
  const out: Condition[] = [];
  for (const r of parts.fit.rules) if (r.kind === 'if') out.push(r.condition);
  for (const r of parts.engagement.rules) if (r.condition) out.push(r.condition);
  for (const s of parts.engagement.signals) out.push(s.condition);
  for (const q of parts.quality) if (q.condition) out.push(q.condition);
  for (const g of parts.segments ?? []) out.push(g.condition);
  return out;
}

export function checkIds(d: DiagnosticSink, parts: Parts): void {
  const seen = new Map<string, ModelPath>();
  for (const { id, path } of parts.ids) {
    const first = seen.get(id);
    if (first) {
      d.add('LS020', path, `duplicate rule id "${id}" in ${formatPath(path.slice(0, -1))} (first defined in ${formatPath(first.slice(0, -1))})`,
        'rule ids name rules in reasons and reports: make each one unique across fit, engagement, signals and quality');
    } else seen.set(id, path);
    if (!isSnakeCase(id)) {
      d.add('LS021', path, `rule id "${id}" in ${formatPath(path.slice(0, -1))} is not snake_case`, `ids appear in reasons and reports; write e.g. "${toSnakeCase(id) || 'rule_id'}"`);
    }
  }
}

export function checkConditions(d: DiagnosticSink, parts: Parts): void {
  for (const c of allConditions(parts)) {
    eachCondition(c, (leaf) => {
      const base = parsePath(leaf.path);
      for (const op of leaf.ops) {
        const p = [...base, op.op];
        if (op.op === 'between' && op.value[0] > op.value[1]) {
          d.add('LS043', p, `between: [${op.value[0]}, ${op.value[1]}] in ${leaf.path} has its low end above its high end: it matches nothing`,
            `write between: [${op.value[1]}, ${op.value[0]}]`);
        }
        if ((op.op === 'within_days' || op.op === 'older_than_days') && op.value < 0) {
          d.add('LS064', p, `${op.op}: ${op.value} in ${leaf.path} is negative`, 'give a number of days of 0 or more, counted back from --as-of');
        }
        if (op.op === 'matches') {
          // RE2 (linear time): any pattern it compiles is safe on any cell; it lacks backreferences and lookaround
          const c = compileModelRegex(op.value);
          if (!c.ok) d.add(c.code, p, `regular expression in ${leaf.path} ${c.message}`, c.hint);
        }
      }
    });
  }
}

export function checkNumbers(d: DiagnosticSink, parts: Parts): void {
  const e = parts.engagement;
  if (e.halfLifeDays !== undefined && e.halfLifeDays <= 0) {
    d.add('LS060', ['engagement', 'half_life_days'], `engagement.half_life_days is ${e.halfLifeDays}; it must be greater than 0`,
      'give the number of days after which an activity counts half, e.g. 30; leave it out for no decay');
  }
  if (e.windowDays !== undefined && e.windowDays <= 0) {
    d.add('LS061', ['engagement', 'window_days'], `engagement.window_days is ${e.windowDays}; it must be greater than 0`,
      'give how many days back activities count, e.g. 365; leave it out to count all');
  }
  for (const [key, max] of [['fit', parts.fit.max], ['engagement', e.max]] as const) {
    if (max !== undefined && max <= 0) {
      d.add('LS065', [key, 'max'], `${key}.max is ${max}: the ${key} component can never be positive`, `max caps the ${key} points from above; remove it or give a positive cap`);
    }
  }
  for (const r of e.rules) {
    const p = parsePath(r.path);
    if (r.maxCount !== undefined && !(Number.isInteger(r.maxCount) && r.maxCount > 0)) {
      d.add('LS062', [...p, 'max_count'], `max_count is ${r.maxCount} in ${r.path}; it must be a positive integer`, 'give how many of the most recent matching activities count, e.g. max_count: 3');
    } else if (r.maxCount !== undefined && r.maxCount > MAX_COUNT_LIMIT) {
      d.add('LS053', [...p, 'max_count'], `max_count is ${r.maxCount} in ${r.path}; at most ${MAX_COUNT_LIMIT} is allowed (each lead keeps that many timestamps per rule)`,
        `give a count of ${MAX_COUNT_LIMIT} or less; for "every activity" leave max_count out and cap the total with max_points`);
    }
    if (r.maxPoints !== undefined && r.maxPoints <= 0) {
      d.add('LS063', [...p, 'max_points'], `max_points is ${r.maxPoints} in ${r.path}; it must be greater than 0`,
        "max_points caps the rule's total in absolute value (a negative rule is floored at -max_points); give a positive number");
    }
  }
}

/** The largest max_count (docs/model.md): a lead keeps max_count timestamps per such rule. */
export const MAX_COUNT_LIMIT = 1000;
/** The largest points a rule (or a values / ranges entry, a signal, a quality adjustment) may give. */
export const MAX_POINTS_LIMIT = 1_000_000;

/**
 * Every points value within ±MAX_POINTS_LIMIT (LS054): finite points near 1e308 add up to Infinity and
 * then NaN, and no model needs more than a million points for one rule (scores are clamped to 100).
 */
export function checkPoints(d: DiagnosticSink, parts: Parts): void {
  const check = (points: number | undefined, path: ModelPath) => {
    if (points === undefined || Math.abs(points) <= MAX_POINTS_LIMIT) return;
    d.add('LS054', path, `points ${points} in ${formatPath(path)} is beyond ±${MAX_POINTS_LIMIT.toLocaleString('en-US')}`,
      'scores are clamped to [0, 100]: give points of a size that compares with that (e.g. 5, 25, -30)');
  };
  for (const r of parts.fit.rules) {
    const p = parsePath(r.path);
    if (r.kind === 'if') check(r.points, [...p, 'points']);
    else if (r.kind === 'values') for (const v of r.values) check(v.points, [...p, 'values', v.key]);
    else r.ranges.forEach((x, i) => check(x.points, [...p, 'ranges', i, 'points']));
  }
  for (const r of parts.engagement.rules) {
    check(r.points, [...parsePath(r.path), 'points']);
    check(r.maxPoints, [...parsePath(r.path), 'max_points']);
  }
  for (const r of parts.engagement.signals) check(r.points, [...parsePath(r.path), 'points']);
  for (const r of parts.quality) check(r.points, [...parsePath(r.path), 'points']);
  for (const [key, max] of [['fit', parts.fit.max], ['engagement', parts.engagement.max]] as const) check(max, [key, 'max']);
}

export function checkNames(d: DiagnosticSink, parts: Parts): void {
  const check = (name: string | undefined, kind: string, path: string) => {
    if (name === undefined || isSnakeCase(name)) return;
    d.add('LS022', [...parsePath(path), kind], `${kind} "${name}" in ${path} is not snake_case`,
      `${kind} names become ${kind === 'interest' ? 'column names (interest_<name>)' : 'values of the flags column'}; write e.g. "${toSnakeCase(name) || 'name'}"`);
  };
  for (const r of parts.engagement.rules) check(r.interest, 'interest', r.path);
  for (const s of parts.engagement.signals) check(s.flag, 'flag', s.path);
  for (const q of parts.quality) check(q.flag, 'flag', q.path);
}

export function checkEffects(d: DiagnosticSink, parts: Parts, rawQuality: Map<string, { points: boolean; flag: boolean }>, hasPredictive = false): void {
  const noEffect = (path: string, id: string) =>
    d.add('LS070', parsePath(path), `rule "${id}" in ${path} has 0 points and no flag: it changes nothing`, 'give it points (negative to subtract), or a flag, or remove it');
  for (const r of parts.fit.rules) if (r.kind === 'if' && r.points === 0) noEffect(r.path, r.id);
  for (const r of parts.engagement.rules) if (r.points === 0) noEffect(r.path, r.id);
  for (const s of parts.engagement.signals) if (s.points === 0 && !s.flag) noEffect(s.path, s.id);
  for (const q of parts.quality) {
    if (q.action === 'adjust' && q.points === 0 && !q.flag) noEffect(q.path, q.id);
    const raw = rawQuality.get(q.path);
    if (q.action === 'reject' && raw && (raw.points || raw.flag)) {
      d.add('LS072', parsePath(q.path), `rule "${q.id}" in ${q.path} rejects the lead, so its ${raw.points ? 'points' : 'flag'} are ignored`,
        'remove points/flag, or remove "action: reject" to keep the lead and adjust its score');
    }
  }
  const count = parts.fit.rules.length + parts.engagement.rules.length + parts.engagement.signals.length + parts.quality.length;
  if (count === 0 && !hasPredictive) d.add('LS071', [], 'the model has no rules: every lead scores 0', 'add fit rules (who the lead is) and engagement rules (what the lead did)');
}

export function checkRanges(d: DiagnosticSink, parts: Parts): void {
  for (const r of parts.fit.rules) {
    if (r.kind !== 'ranges') continue;
    const base = parsePath(r.path);
    const seen: [number, number][] = [];
    r.ranges.forEach((range, i) => {
      const p = [...base, 'ranges', i];
      const lo = range.min ?? -Infinity;
      const hi = range.max ?? Infinity;
      const show = `{ ${range.min !== undefined ? `min: ${range.min}` : ''}${range.min !== undefined && range.max !== undefined ? ', ' : ''}${range.max !== undefined ? `max: ${range.max}` : ''} }`;
      if (lo > hi) {
        d.add('LS040', p, `range ${formatPath(p)} ${show} has min above max: it matches nothing`, `swap them: min: ${range.max}, max: ${range.min}`);
        return;
      }
      if (covered(seen, lo, hi)) {
        d.add('LS042', p, `range ${formatPath(p)} ${show} can never match: the ranges before it cover all of its values`,
          'a value gets the first range that holds it; remove this range or narrow the ranges before it');
      } else {
        // Tiers written highest first with open ends ({ min: 1000 }, { min: 500 }, ...) overlap on
        // purpose: the first range wins, as with bands. Any other overlap is an off-by-one mistake.
        const j = seen.findIndex(([a, b]) => lo <= b && a <= hi && !((b === Infinity && hi === Infinity) || (a === -Infinity && lo === -Infinity)));
        if (j >= 0) {
          const [a, b] = seen[j] as [number, number];
          const from = Math.max(a, lo);
          const to = Math.min(b, hi);
          d.add('LS041', p, `range ${formatPath(p)} ${show} overlaps ${formatPath([...base, 'ranges', j])} (${from === to ? `at ${from}` : `from ${from} to ${to}`}); the first one wins`,
            'make the ranges disjoint, e.g. { min: 100, max: 499 } then { min: 500, max: 999 } (both bounds are included)');
        }
      }
      seen.push([lo, hi]);
    });
  }
}

/** Whether [lo, hi] lies inside the union of intervals. */
function covered(intervals: [number, number][], lo: number, hi: number): boolean {
  const sorted = [...intervals].sort((x, y) => x[0] - y[0]);
  let reach = -Infinity; // everything in [start, reach] covered
  let start: number | undefined;
  for (const [a, b] of sorted) {
    if (start === undefined || a > reach) {
      if (start !== undefined && start <= lo && hi <= reach) return true;
      start = a;
      reach = b;
    } else reach = Math.max(reach, b);
  }
  return start !== undefined && start <= lo && hi <= reach;
}

export function checkBands(d: DiagnosticSink, parts: Parts, base: ModelPath = ['bands']): void {
  const bands = parts.bands;
  if (bands.length === 0) {
    if (!parts.bandsPresent) d.add('LS034', [], 'the model has no bands: leads get a score but no band', 'add e.g. bands: [ { name: hot, min: 70 }, { name: warm, min: 40 }, { name: cold } ]');
    return;
  }
  const names = new Map<string, number>();
  const files = new Map<string, number>();
  let catchAll: number | undefined;
  let prevMin: { min: number; i: number } | undefined;
  let floorAt: number | undefined; // first band with min <= 0: every score reaches it
  bands.forEach((b, i) => {
    const p: ModelPath = [...base, i];
    const firstIdx = names.get(foldName(b.name));
    if (firstIdx !== undefined) {
      d.add('LS023', [...p, 'name'], `duplicate band name "${b.name}" (bands[${firstIdx}] has it too)`, 'give every band its own name: each gets its own band-<name>.csv');
    } else {
      names.set(foldName(b.name), i);
      // file systems may ignore case: band-A_B.csv and band-a_b.csv are one file on macOS and Windows
      const file = bandFileName(b.name).toLowerCase();
      const sameFile = files.get(file);
      if (sameFile !== undefined) {
        d.add('LS027', [...p, 'name'], `band names "${bands[sameFile]?.name}" (bands[${sameFile}]) and "${b.name}" give the same file name ${bandFileName(b.name)}`,
          'band files keep only letters, digits, _ and - of the name (the rest becomes _): rename one band so that they differ there');
      } else files.set(file, i);
    }
    if (b.min === undefined) {
      if (catchAll !== undefined) {
        d.add('LS031', p, `bands[${i}] "${b.name}" is a second catch-all band (no min); bands[${catchAll}] already takes every score`,
          'only the last band may leave out min; give this band a min');
      } else if (i !== bands.length - 1) {
        d.add('LS031', p, `catch-all band "${b.name}" (no min) is not last: the bands after it can never be reached`,
          'move the band without min to the end of the list');
      }
      catchAll ??= i;
      return;
    }
    if (prevMin && b.min >= prevMin.min) {
      d.add('LS030', [...p, 'min'], `bands are not in descending min order: "${b.name}" (min ${b.min}) comes after "${bands[prevMin.i]?.name}" (min ${prevMin.min})`,
        'list bands highest first: a lead gets the first band whose min <= score');
    } else if (b.min > 100) {
      d.add('LS032', [...p, 'min'], `band "${b.name}" has min ${b.min} but scores are clamped to [0, 100]: no lead can reach it`, 'lower its min to 100 or less');
    } else if (floorAt !== undefined || catchAll !== undefined) {
      const by = bands[(floorAt ?? catchAll) as number];
      d.add('LS032', p, `band "${b.name}" can never be reached: "${by?.name}" before it already takes every score`,
        'list bands highest first and put the catch-all band last');
    }
    if (b.min <= 0 && floorAt === undefined) floorAt = i;
    if (!prevMin || b.min < prevMin.min) prevMin = { min: b.min, i };
  });
  if (catchAll === undefined && floorAt === undefined) {
    const lowest = minOf(bands.map((b) => b.min ?? 0));
    d.add('LS033', base, `no catch-all band: leads scoring below ${lowest} get no band`, 'add a last band without min, e.g. { name: cold }');
  }
}

/**
 * Segments may only change what exists: band names of the model (keeping the bands in descending min
 * order), and the points of rules of the model, in the rule's own form (a number for if-rules,
 * engagement rules, signals and quality rules; values or ranges for those fit rules).
 */
export function checkSegments(d: DiagnosticSink, parts: Parts, segments: Segment[]): void {
  const rules = new Map<string, string>();
  for (const r of parts.fit.rules) rules.set(r.id, r.kind === 'if' ? 'points' : r.kind);
  for (const r of parts.engagement.rules) rules.set(r.id, 'points');
  for (const r of parts.engagement.signals) rules.set(r.id, 'points');
  for (const r of parts.quality) rules.set(r.id, 'points');
  const names = parts.bands.map((b) => b.name);
  for (const seg of segments) {
    const path = parsePath(seg.path);
    const mins = new Map(seg.bands.map((b) => [b.name.toLowerCase(), b.min]));
    for (const b of seg.bands) {
      const band = parts.bands.find((x) => x.name.toLowerCase() === b.name.toLowerCase());
      if (!band) {
        const near = closest(b.name, names, 1)[0];
        d.add('LS024', [...path, 'bands', b.name], `segment "${seg.id}" sets band "${b.name}", which is not a band of the model${near ? ` (did you mean "${near}"?)` : ''}`, `bands are: ${names.join(', ')}`, 'key');
      } else if (band.min === undefined) {
        d.add('LS024', [...path, 'bands', b.name], `segment "${seg.id}" sets a min for the catch-all band "${band.name}"`, 'the catch-all band takes every score left; give mins to the other bands', 'key');
      }
    }
    let prev = Infinity;
    for (const b of parts.bands) {
      if (b.min === undefined) continue;
      const min = mins.get(b.name.toLowerCase()) ?? b.min;
      if (min >= prev) {
        d.add('LS030', [...path, 'bands'], `in segment "${seg.id}", band "${b.name}" (min ${min}) is not below the band before it (min ${prev})`, 'keep the bands in descending min order in every segment');
        break;
      }
      prev = min;
    }
    for (const o of seg.points) {
      const form = rules.get(o.ruleId);
      const opath = parsePath(o.path);
      if (form === undefined) {
        const near = closest(o.ruleId, [...rules.keys()], 1)[0];
        d.add('LS025', opath, `segment "${seg.id}" sets points of "${o.ruleId}", which is not a rule of the model${near ? ` (did you mean "${near}"?)` : ''}`, 'name a rule id of fit, engagement, signals or quality', 'key');
        continue;
      }
      const given = o.points !== undefined ? 'points' : o.values ? 'values' : 'ranges';
      if (given !== form) {
        d.add('LS026', opath, `segment "${seg.id}" gives ${given === 'points' ? 'a number' : given} for "${o.ruleId}", a rule with ${form === 'points' ? 'points' : form}`,
          form === 'points' ? `write ${o.ruleId}: <points>` : form === 'values' ? `write ${o.ruleId}: { <value>: <points>, ... }` : `write ${o.ruleId}: [ { min, max, points }, ... ]`);
      }
    }
  }
}

export function checkGrade(d: DiagnosticSink, parts: Parts): void {
  for (const key of ['fit', 'activity'] as const) {
    const scale = parts.grade?.[key];
    if (!scale) continue;
    for (let i = 1; i < scale.entries.length; i++) {
      const prev = scale.entries[i - 1] as { label: string; min: number };
      const cur = scale.entries[i] as { label: string; min: number };
      if (cur.min >= prev.min) {
        d.add('LS035', ['grade', key, cur.label], `grade.${key} is not in descending order: "${cur.label}" (${cur.min}) comes after "${prev.label}" (${prev.min})`,
          `list grades highest first, e.g. ${key === 'fit' ? '{ A: 40, B: 25, C: 10, D: 0 }' : '{ "4": 40, "3": 20, "2": 5, "1": 0 }'}`);
        break;
      }
    }
  }
}
