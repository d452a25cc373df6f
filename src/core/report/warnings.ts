// Run warnings: a run that succeeded but is quietly useless (docs/diagnostics.md LS171–LS175). Computed
// from the run's summary and the model, after scoring and before the outputs are published, so that
// --strict can stop the run (exit 3) with yesterday's outputs untouched. Each warning is on stderr, in
// summary.json (`warnings`), summary.md and summary.html.
import type { Band, Model } from '../model/types.js';
import type { RunWarning, Summary } from './summary.js';
import { maxOf } from '../numbers.js';

export type { RunWarning };

/** Below this many scored leads, "no lead reaches" and "99 % in one band" say nothing about the model. */
export const MIN_LEADS_FOR_SHARES = 20;
/** The share of the scored leads in one band above which the bands do not separate anything. */
export const ONE_BAND_SHARE = 0.99;

export interface WarningFacts {
  /** Activity files were given (-a). */
  activityInputs: number;
  /** The newest activity timestamp read (counted or not); undefined when no activity was read. */
  newestActivityMs: number | undefined;
  asOfMs: number;
}

const DAY_MS = 86_400_000;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** The highest fit a lead can get: each rule's best positive points, summed, capped at fit.max. */
function maxFit(model: Model): number {
  let total = 0;
  for (const r of model.fit.rules) {
    const best = r.kind === 'if' ? r.points : r.kind === 'values' ? maxOf(r.values.map((v) => v.points), 0) : maxOf(r.ranges.map((x) => x.points), 0);
    total += Math.max(0, best);
  }
  return model.fit.max !== undefined ? Math.min(total, model.fit.max) : total;
}

/**
 * The highest score a lead can reach without activities (a fit-only model, or a run without -a):
 * the fit maximum, plus positive signals and quality adjustments; undefined where it cannot be told
 * from the model alone (a predictive section, segments that change points or bands).
 */
export function reachableWithoutActivities(model: Model): number | undefined {
  if (model.predictive || model.segments?.length) return undefined;
  let engagement = 0;
  for (const s of model.engagement.signals) engagement += Math.max(0, s.points);
  if (model.engagement.max !== undefined) engagement = Math.min(engagement, model.engagement.max);
  let quality = 0;
  for (const q of model.quality) if (q.action !== 'reject') quality += Math.max(0, q.points);
  return Math.max(0, Math.min(100, maxFit(model) + engagement + quality));
}

function topBand(bands: readonly Band[]): Band | undefined {
  return bands.find((b) => b.min !== undefined);
}

/** What LS171 needs to know about the activities a run read (all of them, or those of the explained leads). */
export interface ActivityCounts {
  /** Activity rows read (rejected ones included). */
  read: number;
  rejected: number;
  used: number;
  afterAsOf: number;
  outsideWindow: number;
}

/**
 * LS171: activities were read and none is counted (all after as-of or older than the window). The
 * message names the newest activity and the --as-of to give. `scope` narrows the message (explain:
 * " of lead L1"). One definition for score, evaluate and explain.
 */
export function noActivityCounted(a: ActivityCounts, model: Model, f: WarningFacts, scope = ''): RunWarning | undefined {
  const ignored = a.afterAsOf + a.outsideWindow;
  if (!(a.read - a.rejected > 0 && a.used === 0 && ignored > 0)) return undefined;
  const asOf = new Date(f.asOfMs).toISOString();
  // the newest activity is known unless a reader did not track it (then the hint names --as-of latest)
  const newest = f.newestActivityMs !== undefined ? isoDate(f.newestActivityMs) : 'not tracked by this reader';
  const window = model.engagement.windowDays !== undefined ? ` of ${model.engagement.windowDays} days` : '';
  // explain sees only its leads' activities: their newest is not the export's, so the hint names the run's as-of or latest
  const hint = scope
    ? `explain as of the run you are explaining (the as_of of its summary.json), or give --as-of latest (the newest activity of the files)`
    : f.newestActivityMs !== undefined ? `to score the export as of its own time, give --as-of ${newest} (or --as-of latest: the newest activity)` : 'to score the export as of its own time, give --as-of latest (the newest activity) or the export date';
  return {
    code: 'LS171',
    message: `none of the ${a.read} activities${scope} is counted as of ${asOf}: ${a.outsideWindow} are older than the window${window}, ` +
      `${a.afterAsOf} after as-of; the newest ${scope ? 'of them' : 'activity'} is ${newest}`,
    hint,
    ...(f.newestActivityMs !== undefined ? { newest_activity: newest } : {}),
    as_of: asOf,
    ...(f.newestActivityMs !== undefined && f.asOfMs - f.newestActivityMs > 0 ? { newest_activity_age_days: Math.round((f.asOfMs - f.newestActivityMs) / DAY_MS) } : {}),
  };
}

/** LS175: without activities (a fit-only model, or no -a), the top band is out of reach. */
export function topBandOutOfReach(model: Model, activityInputs: number): RunWarning | undefined {
  const fitOnly = model.engagement.rules.length === 0 || activityInputs === 0;
  const top = topBand(model.bands);
  const reach = fitOnly ? reachableWithoutActivities(model) : undefined;
  if (!top || reach === undefined || reach >= top.min!) return undefined;
  return {
    code: 'LS175',
    message: `the top band ${top.name} (min ${top.min}) is out of reach: ${model.engagement.rules.length === 0 ? 'a fit-only model' : 'without activities (-a), this model'} scores at most ${Math.round(reach * 100) / 100}`,
    hint: model.engagement.rules.length === 0 ? `scale the band thresholds to the reachable maximum (e.g. ${top.name} at ${Math.round(reach * 0.8)}) or give the rules more points` : 'give the activity exports with -a, or scale the bands to the fit maximum',
    band: top.name,
    reachable: Math.round(reach * 100) / 100,
  };
}

export function runWarnings(s: Summary, model: Model, f: WarningFacts): RunWarning[] {
  const out: RunWarning[] = [];
  const c = s.counts;

  // LS171: activities were read, none counted
  const ignored = c.activities_ignored.after_as_of + c.activities_ignored.outside_window;
  const none = noActivityCounted({ read: c.activities_read, rejected: c.activities_rejected, used: c.activities_used, afterAsOf: c.activities_ignored.after_as_of, outsideWindow: c.activities_ignored.outside_window }, model, f);
  if (none) out.push(none);

  // LS176: activities were read, none belongs to a lead (the join column or the ids differ)
  if (c.activities_read - c.activities_rejected > 0 && c.activities_ignored.orphan > 0 && c.activities_used + ignored === 0) {
    out.push({
      code: 'LS176',
      message: `none of the ${c.activities_read - c.activities_rejected} activities belongs to a scored lead: their lead ids match no lead id`,
      hint: `check input.activities.lead_id (${model.input.activities.leadId}) against the leads' id column (${model.input.leads.id}): the same ids, in the same form`,
      orphan_activities: c.activities_ignored.orphan,
    });
  }

  const enough = c.scored >= MIN_LEADS_FOR_SHARES;
  // LS172: a rule that can add points and no lead reaches
  if (enough) {
    const fitIds = new Set(model.fit.rules.map((r) => r.id));
    const positive = new Set<string>([
      ...model.fit.rules.filter((r) => (r.kind === 'if' ? r.points > 0 : r.kind === 'values' ? r.values.some((v) => v.points > 0) : r.ranges.some((x) => x.points > 0))).map((r) => r.id),
      ...(f.activityInputs > 0 ? model.engagement.rules.filter((r) => r.points > 0).map((r) => r.id) : []),
      ...model.engagement.signals.filter((r) => r.points > 0).map((r) => r.id),
    ]);
    const dead = s.rules.filter((r) => positive.has(r.id) && r.fired === 0 && (r.section === 'fit' ? fitIds.has(r.id) : r.section === 'engagement' || r.section === 'signal'));
    if (dead.length) {
      const names = dead.map((r) => `${r.id} (${r.section})`);
      out.push({
        code: 'LS172',
        message: `${dead.length} rule(s) that add points fired for none of the ${c.scored} leads: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}`,
        hint: 'check the field names, values and activity types these rules expect against the data (leadscore explain shows what a rule saw)',
        rules: dead.map((r) => r.id),
      });
    }
  }

  // LS173: a band that no lead reaches; LS174: 99 % or more of the leads in one band
  if (enough) {
    const empty = s.bands.filter((b) => b.count === 0);
    if (empty.length) {
      out.push({
        code: 'LS173',
        message: `${empty.length === 1 ? 'band' : 'bands'} ${empty.map((b) => `${b.name}${b.min !== null ? ` (min ${b.min})` : ''}`).join(', ')} ${empty.length === 1 ? 'has' : 'have'} none of the ${c.scored} leads` +
          ` (highest score ${highestScore(s)})`,
        hint: 'lower the band thresholds, or check that the rules can reach them (see the score histogram)',
        bands: empty.map((b) => b.name),
      });
    }
    const full = s.bands.find((b) => b.count / c.scored >= ONE_BAND_SHARE);
    if (full) {
      out.push({
        code: 'LS174',
        message: `${(Math.floor((full.count / c.scored) * 1000) / 10).toFixed(1)}% of the ${c.scored} leads are in one band (${full.name}): the bands separate nothing`,
        hint: 'check as-of and the activity window (LS171), the rules that fire (LS172) and the band thresholds',
        band: full.name,
        share: full.share,
      });
    }
  }

  // LS175: without activities, the top band is out of reach
  const unreachable = topBandOutOfReach(model, f.activityInputs);
  if (unreachable) out.push(unreachable);
  return out;
}

function highestScore(s: Summary): string {
  let hi: number | null = null;
  for (const b of s.bands) if (b.score_max !== null && (hi === null || b.score_max > hi)) hi = b.score_max;
  return hi === null ? 'none' : hi.toFixed(2);
}
