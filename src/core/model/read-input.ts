// input.leads and input.activities: key and join columns, null_values, number_format / date_format.
import { describe } from './raw-values.js';
import { didYouMean } from '../text.js';
import { ModelReader, type Obj, at } from './reader.js';
import {
  DEFAULT_NULL_VALUES,
  type ModelInput,
} from './types.js';

// input.*.number_format / date_format: how the cells of a file write numbers and dates.
export const FORMAT_KEYS = ['number_format', 'date_format'] as const;
const NUMBER_FORMATS = ['point', 'comma'] as const;
const DATE_FORMATS = ['iso', 'dmy', 'mdy'] as const;
const FORMAT_HINTS = {
  number_format: 'number_format: point (1,234.56, the default) or comma (decimal comma: 1.234,56)',
  date_format: 'date_format: iso (2026-03-01, the default), dmy (01.03.2026, 01/03/2026) or mdy (03/01/2026); ISO dates and epoch times are read with every format',
} as const;

/** The number_format and date_format keys of input.leads or input.activities; ok is false after a mistake. */
function valueFormats(r: ModelReader, o: Obj, what: string): { ok: boolean; formats: Pick<ModelInput['leads'], 'numberFormat' | 'dateFormat'> } {
  const formats: Pick<ModelInput['leads'], 'numberFormat' | 'dateFormat'> = {};
  let ok = true;
  const one = <T extends string>(key: (typeof FORMAT_KEYS)[number], allowed: readonly T[]): T | undefined => {
    const e = o.get(key);
    if (!e) return undefined;
    const v = r.string(e.value, e.path, FORMAT_HINTS[key]);
    if (v === undefined) {
      ok = false;
      return undefined;
    }
    const t = v.trim().toLowerCase();
    if ((allowed as readonly string[]).includes(t)) return t as T;
    const guess = didYouMean(t, allowed) ?? formatGuess(key, t);
    r.d.add('LS014', e.path, `unknown ${key} "${v}" in ${what}${guess ? ` (did you mean "${guess}"?)` : ''}`, FORMAT_HINTS[key]);
    ok = false;
    return undefined;
  };
  const nf = one('number_format', NUMBER_FORMATS);
  const df = one('date_format', DATE_FORMATS);
  if (nf) formats.numberFormat = nf;
  if (df) formats.dateFormat = df;
  return { ok, formats };
}

/** A pattern written instead of a format name, e.g. "DD.MM.YYYY" -> dmy, "1.234,56" -> comma. */
function formatGuess(key: (typeof FORMAT_KEYS)[number], v: string): string | undefined {
  if (key === 'date_format') {
    if (/^d{1,2}\W?m{1,2}\W?y/.test(v)) return 'dmy';
    if (/^m{1,2}\W?d{1,2}\W?y/.test(v)) return 'mdy';
    if (/^y{2,4}\W?m{1,2}\W?d/.test(v)) return 'iso';
    return undefined;
  }
  if (/^\d*\.\d+,\d+$|^\d+,\d+$|decimal.?comma/.test(v)) return 'comma';
  if (/^\d*,\d+\.\d+$|^\d+\.\d+$|decimal.?point|dot/.test(v)) return 'point';
  return undefined;
}

/** input.leads and input.activities; `input` is undefined after a mistake, `present` says whether input: was read. */
export function readInput(r: ModelReader, top: Obj): { input: ModelInput | undefined; activitiesGiven: boolean; present: boolean } {
  const d = r.d;
  let input: ModelInput | undefined;
  let activitiesGiven = false;
  const ine = top.get('input');
  const io = ine && r.object(ine.value, ine.path, ['leads'], ['activities'], 'input');
  if (io) {
    const le = io.get('leads');
    const lo = le && r.object(le.value, le.path, ['id'], ['null_values', ...FORMAT_KEYS], 'input.leads');
    const leadFormats = lo && valueFormats(r, lo, 'input.leads');
    const id = lo && r.optColumn(lo, 'id', 'the key column, or $row');
    let nullValues: string[] | undefined = [...DEFAULT_NULL_VALUES];
    const ne = lo?.get('null_values');
    if (ne) {
      const list = r.list(ne.value, ne.path, 'cell values treated as missing');
      nullValues = undefined;
      if (list) {
        const out: string[] = [];
        list.forEach((x, i) => {
          if (typeof x === 'string') out.push(x);
          else if ((typeof x === 'number' && Number.isFinite(x)) || typeof x === 'boolean') out.push(String(x));
          else d.add('LS011', [...ne.path, i], `${at([...ne.path, i])} should be a string, found ${describe(x)}`, 'quote tokens such as "null", "~" or "" so YAML keeps them as text');
        });
        if (out.length === list.length) nullValues = out;
      }
    }
    const ae = io.get('activities');
    activitiesGiven = ae !== undefined;
    const ao = ae && r.object(ae.value, ae.path, ['lead_id', 'type', 'timestamp'], [...FORMAT_KEYS], 'input.activities');
    const activityFormats = ao && valueFormats(r, ao, 'input.activities');
    const leadId = ao && r.optColumn(ao, 'lead_id', 'the lead id column of the activities file');
    const type = ao && r.optColumn(ao, 'type', 'the activity type column');
    const timestamp = ao && r.optColumn(ao, 'timestamp', 'the activity date/time column');
    const activities = ae
      ? leadId !== undefined && type !== undefined && timestamp !== undefined && activityFormats?.ok
        ? { leadId, type, timestamp, ...activityFormats.formats }
        : undefined
      : { leadId: 'lead_id', type: 'type', timestamp: 'timestamp' };
    if (id !== undefined && nullValues && activities && leadFormats?.ok) input = { leads: { id, nullValues, ...leadFormats.formats }, activities };
  }
  return { input, activitiesGiven, present: io !== undefined };
}
