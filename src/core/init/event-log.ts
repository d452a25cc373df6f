// `leadscore init` on several activity files (pure): event-log exports drift between files (the id
// column renamed, columns dropped or reordered), so each file's columns are recognised on its own, the
// names each file uses for the lead id, type, timestamp and detail become alternatives, and the rows
// are put together by name into one sample (the first name of each role names its column).
import { type ColumnProfile, dateShare, profileColumns } from './profile.js';
import { recogniseActivityColumns } from './recognise.js';
import type { InitSample } from './starter-model.js';

/** Lead id columns of web and product analytics exports (Segment, GA4, Mixpanel, Amplitude, ...). */
export const EVENT_ID_NAMES = [/^(client|anonymous|anon|distinct|visitor|device|cookie|user)_?id$/];
const EVENT_TIME_NAMES = [/^ts$/, /^timestamp$/, /^event_?time(stamp)?$/, /^occurred_?at$/, /^created_?at$/, /^time$/];

/** The names each role has across the files, first seen first (one name: no alternatives). */
export interface ActivityColumns {
  leadId: string[];
  type: string[];
  timestamp: string[];
  detail?: string[];
}

export interface CombinedActivities {
  sample: InitSample;
  columns: ActivityColumns;
  /** Files whose lead id, type or timestamp column was not recognised (left out of the sample). */
  skipped: string[];
}

const key = (s: string) => s.trim().toLowerCase();

function roles(profiles: readonly ColumnProfile[], leadsId?: string): { leadId?: ColumnProfile; type?: ColumnProfile; timestamp?: ColumnProfile; detail?: ColumnProfile } {
  const r = recogniseActivityColumns(profiles, leadsId);
  const byName = (names: RegExp[], ok: (p: ColumnProfile) => boolean) => {
    for (const re of names) {
      const hit = profiles.find((p) => re.test(p.key.replace(/_/g, '')) || re.test(p.key));
      if (hit && hit.present > 0 && ok(hit)) return hit;
    }
    return undefined;
  };
  const same = leadsId !== undefined ? profiles.find((p) => key(p.name) === key(leadsId)) : undefined;
  const leadId = same ?? byName(EVENT_ID_NAMES, () => true) ?? r.leadId;
  let timestamp = r.timestamp;
  if (!timestamp || timestamp === leadId) timestamp = byName(EVENT_TIME_NAMES, (p) => dateShare(p) >= 0.8);
  const type = r.type && r.type !== leadId && r.type !== timestamp ? r.type : undefined;
  const detail = r.detail && ![leadId, timestamp, type].includes(r.detail) ? r.detail : undefined;
  return { ...(leadId ? { leadId } : {}), ...(type ? { type } : {}), ...(timestamp ? { timestamp } : {}), ...(detail ? { detail } : {}) };
}

/**
 * One sample from the samples of several activity files: each file's role columns recognised on their
 * own and renamed to the role's first name; other columns joined by name (a file without a column has
 * empty cells there). `leadsId`: the leads file's id column, when there is one.
 */
export function combineActivitySamples(samples: readonly InitSample[], leadsId?: string): CombinedActivities | undefined {
  const names = { leadId: [] as string[], type: [] as string[], timestamp: [] as string[], detail: [] as string[] };
  const addName = (list: string[], n: string) => {
    if (!list.some((x) => key(x) === key(n))) list.push(n.trim());
  };
  const per: { s: InitSample; r: ReturnType<typeof roles> }[] = [];
  const skipped: string[] = [];
  for (const s of samples) {
    const r = roles(profileColumns(s.header, s.rows), leadsId);
    if (!r.leadId || !r.type || !r.timestamp) {
      skipped.push(s.file);
      continue;
    }
    per.push({ s, r });
    addName(names.leadId, r.leadId.name);
    addName(names.type, r.type.name);
    addName(names.timestamp, r.timestamp.name);
    if (r.detail) addName(names.detail, r.detail.name);
  }
  if (per.length === 0) return undefined;
  // the combined header: the roles under their first names, then every other column by name
  const roleOf = (r: ReturnType<typeof roles>, p: string): string | undefined =>
    r.leadId?.name === p ? names.leadId[0] : r.type?.name === p ? names.type[0] : r.timestamp?.name === p ? names.timestamp[0] : r.detail?.name === p ? names.detail[0] : undefined;
  const header: string[] = [names.leadId[0]!, names.type[0]!, names.timestamp[0]!, ...(names.detail.length ? [names.detail[0]!] : [])];
  const all = new Set([...names.leadId, ...names.type, ...names.timestamp, ...names.detail].map(key));
  for (const { s } of per) for (const h of s.header) if (!all.has(key(h)) && !header.some((x) => key(x) === key(h))) header.push(h.trim());
  const index = new Map(header.map((h, i) => [key(h), i]));
  const rows: string[][] = [];
  let truncated = false;
  for (const { s, r } of per) {
    const to = s.header.map((h) => index.get(key(roleOf(r, h) ?? h)) ?? -1);
    for (const row of s.rows) {
      const out = new Array<string>(header.length).fill('');
      row.forEach((cell, i) => {
        const j = to[i]!;
        if (j >= 0 && out[j] === '') out[j] = cell;
      });
      rows.push(out);
    }
    truncated ||= s.truncated;
  }
  const dirs = new Set(per.map(({ s }) => s.file.replace(/\/[^/]*$/, '') || '.'));
  const file = per.length === 1 ? per[0]!.s.file : dirs.size === 1 ? [...dirs][0]! : `${per.length} activity files`;
  return {
    sample: { file, header, rows, truncated },
    columns: { leadId: names.leadId, type: names.type, timestamp: names.timestamp, ...(names.detail.length ? { detail: names.detail } : {}) },
    skipped,
  };
}

/** Without a leads file: the leads are the distinct lead ids of the activities (one column). */
export function derivedLeadsSample(combined: CombinedActivities): InitSample {
  const ids = new Set<string>();
  for (const row of combined.sample.rows) {
    const id = (row[0] ?? '').trim();
    if (id) ids.add(id);
  }
  return { file: combined.sample.file, header: [combined.columns.leadId[0]!], rows: [...ids].map((id) => [id]), truncated: combined.sample.truncated };
}
