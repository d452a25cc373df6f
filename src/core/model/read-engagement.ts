// engagement.rules[], engagement.signals[] and engagement.bot_filter.
import { formatPath, type ModelPath } from './paths.js';
import { ModelReader, at } from './reader.js';
import {
  type EngagementRule,
  type BotFilterConfig,
  type Signal,
} from './types.js';

export function readEngagementRule(r: ModelReader, raw: unknown, path: ModelPath): EngagementRule | undefined {
  const o = r.object(raw, path, ['id', 'type', 'points'],
    ['label', 'if', 'max_count', 'max_points', 'decay', 'interest'], 'an engagement rule');
  if (!o) return undefined;
  const id = r.id(o, path);
  const label = r.label(o);
  const te = o.get('type');
  const types = te && r.stringList(te.value, te.path, 'activity type');
  const ie = o.get('if');
  const condition = ie && r.condition(ie.value, ie.path);
  const points = r.optNumber(o, 'points', 'points per activity');
  const maxCount = r.optNumber(o, 'max_count', 'how many of the most recent activities count');
  const maxPoints = r.optNumber(o, 'max_points', "a cap on the rule's total");
  const de = o.get('decay');
  const decay = de ? r.boolean(de.value, de.path, 'false turns off decay for this rule') : true;
  const interest = r.optString(o, 'interest', 'an interest name');
  const broken =
    id === undefined || types === undefined || points === undefined || decay === undefined ||
    (ie && !condition) || (o.has('max_count') && maxCount === undefined) ||
    (o.has('max_points') && maxPoints === undefined) || (o.has('interest') && interest === undefined);
  if (broken) return undefined;
  return {
    id, ...(label !== undefined ? { label } : {}), path: formatPath(path), types,
    ...(condition ? { condition } : {}), points,
    ...(maxCount !== undefined ? { maxCount } : {}), ...(maxPoints !== undefined ? { maxPoints } : {}),
    decay, ...(interest !== undefined ? { interest } : {}),
  };
}

export function readSignal(r: ModelReader, raw: unknown, path: ModelPath): Signal | undefined {
  const o = r.object(raw, path, ['id', 'if'], ['label', 'points', 'flag'], 'a signal');
  if (!o) return undefined;
  const id = r.id(o, path);
  const label = r.label(o);
  const ie = o.get('if');
  const condition = ie && r.condition(ie.value, ie.path);
  const points = o.has('points') ? r.optNumber(o, 'points', 'points') : 0;
  const flag = r.optString(o, 'flag', 'a flag name');
  if (id === undefined || !condition || points === undefined || (o.has('flag') && flag === undefined)) return undefined;
  return { id, ...(label !== undefined ? { label } : {}), path: formatPath(path), condition, points, ...(flag !== undefined ? { flag } : {}) };
}

export function readBotFilter(r: ModelReader, raw: unknown, path: ModelPath): BotFilterConfig | undefined {
  const o = r.object(raw, path, [], ['burst', 'clicks'], 'engagement.bot_filter');
  if (!o) return undefined;
  const out: BotFilterConfig = {};
  let ok = true;
  const positive = (e: { value: unknown; path: ModelPath } | undefined, what: string, integer: boolean): number | undefined => {
    if (!e) return undefined;
    const n = r.number(e.value, e.path, what);
    if (n === undefined) return void (ok = false);
    if (!(n > 0) || (integer && !Number.isInteger(n))) {
      r.d.add('LS066', e.path, `${at(e.path)} must be a positive ${integer ? 'integer' : 'number'}, found ${n}`, integer ? 'e.g. count: 5' : 'e.g. seconds: 10');
      ok = false;
      return undefined;
    }
    return n;
  };
  const be = o.get('burst');
  if (be) {
    const bo = r.object(be.value, be.path, ['count', 'seconds'], [], 'a burst { count, seconds }');
    const count = bo && positive(bo.get('count'), 'the most activities allowed within the span', true);
    const seconds = bo && positive(bo.get('seconds'), 'the span in seconds', false);
    if (count !== undefined && seconds !== undefined) out.burst = { count, seconds };
    else ok = false;
  }
  const ce = o.get('clicks');
  if (ce) {
    const co = r.object(ce.value, ce.path, ['types', 'after', 'seconds'], ['match_on'], 'clicks { types, after, seconds, match_on }');
    const listOf = (key: string, what: string) => {
      const e = co?.get(key);
      if (!e) return undefined;
      const v = typeof e.value === 'string' ? [e.value] : r.stringList(e.value, e.path, what);
      if (v && v.length === 0) r.d.add('LS018', e.path, `${at(e.path)} is empty`, 'name at least one activity type');
      return v && v.length ? v : undefined;
    };
    const types = listOf('types', 'click activity types');
    const after = listOf('after', 'delivery/open activity types');
    const seconds = co && positive(co.get('seconds'), 'seconds after the delivery/open', false);
    const me = co?.get('match_on');
    const matchOn = me && r.string(me.value, me.path, 'an activities column');
    if (types && after && seconds !== undefined && (!me || matchOn !== undefined)) out.clicks = { types, after, seconds, ...(matchOn ? { matchOn } : {}) };
    else ok = false;
  }
  return ok ? out : undefined;
}
