// Column recognisers for `leadscore init` (pure): which column of a leads or activities sample holds
// the lead id, the job title, the department, the company size, ... Each recogniser looks at the
// column's name first (exports name these columns in a handful of ways) and checks its values second
// (a column called "date" whose cells are not dates is not the created date).
import { type ColumnProfile, dateShare, distinctShare, emailShare, numericShare, profileColumns } from './profile.js';

export type LeadRole =
  | 'id' | 'title' | 'department' | 'company_size' | 'country' | 'email' | 'industry' | 'created'
  | 'first_name' | 'budget'
  // CRM exports (X Education "Leads.csv", HubSpot, Salesforce): where the lead came from, who they are,
  // what they did on the site, and the last thing they did
  | 'lead_source' | 'lead_origin' | 'occupation' | 'page_views' | 'time_on_site' | 'visits'
  | 'do_not_email' | 'do_not_call' | 'last_activity';

export type RecognisedLeads = Partial<Record<LeadRole, ColumnProfile>>;

export interface RecognisedActivities {
  leadId?: ColumnProfile;
  type?: ColumnProfile;
  timestamp?: ColumnProfile;
  /** A free-text column describing the activity (URL, page, subject): for the pricing-page rule. */
  detail?: ColumnProfile;
}

interface Recogniser {
  role: LeadRole;
  /** Name patterns, best first, over the normalised column key (see columnKey). */
  names: RegExp[];
  values?: (p: ColumnProfile) => boolean;
}

const mostly = (share: number) => share >= 0.8;

export const ID_NAMES = [/^(lead|contact|user|customer|person|prospect|record|account)_?id$/, /^id$/, /_id$/, /^id_/, /(^|_)(uuid|guid|key)$/];

const LEAD_RECOGNISERS: Recogniser[] = [
  { role: 'email', names: [/^e_?mail$/, /^e_?mail_?address$/, /e_?mail/], values: (p) => mostly(emailShare(p)) },
  { role: 'id', names: ID_NAMES, values: (p) => p.present >= 0.95 * p.rows && distinctShare(p) >= 0.95 && emailShare(p) < 0.5 },
  { role: 'title', names: [/^job_?title$/, /^title$/, /^job_?role$/, /^role$/, /^position$/, /^job$/, /^designation$/, /^occupation$/, /job_?function/, /title/] },
  { role: 'department', names: [/^department$/, /^dept$/, /department/, /^division$/, /^function$/, /^business_unit$/] },
  {
    role: 'company_size',
    names: [/^employees$/, /^(number_of|num|no_of|nb)_?employees$/, /^employee_?count$/, /^company_?size$/, /^headcount$/, /employees/, /company_?size/, /^(org|organi[sz]ation|team)_?size$/, /^size$/],
  },
  { role: 'country', names: [/^country$/, /^country_?(code|name)?$/, /country/, /^nation$/] },
  { role: 'industry', names: [/^industry$/, /industry/, /^sector$/, /^vertical$/, /speciali[sz]ation/] },
  { role: 'budget', names: [/^budget/, /budget/, /^annual_?revenue/, /^revenue/], values: (p) => mostly(numericShare(p)) },
  { role: 'first_name', names: [/^first_?name$/, /^given_?name$/, /^fname$/, /^forename$/] },
  { role: 'lead_source', names: [/^lead_?source$/, /^(original_?|latest_?)?source$/, /^utm_?source$/, /^(acquisition_?)?channel$/, /^how_did_you_hear/, /source$/], values: (p) => numericShare(p) < 0.5 && dateShare(p) < 0.5 },
  { role: 'lead_origin', names: [/^lead_?origin$/, /^origin$/, /origin/], values: (p) => numericShare(p) < 0.5 && dateShare(p) < 0.5 },
  { role: 'occupation', names: [/^occupation$/, /occupation/, /^profession$/, /^employment(_?status)?$/], values: (p) => numericShare(p) < 0.5 },
  { role: 'time_on_site', names: [/^total_?time_?spent/, /time_?(spent|on_?(site|website|page))/, /session_?duration/, /^time_?on_?site$/], values: (p) => mostly(numericShare(p)) },
  { role: 'page_views', names: [/page_?views_?per_?visit/, /^page_?views$/, /pageviews/, /pages_?(per_?visit|viewed)/, /page_?views/], values: (p) => mostly(numericShare(p)) },
  { role: 'visits', names: [/^total_?visits$/, /^visits$/, /^(site_?|web_?)?visits$/, /^sessions$/, /visits$/], values: (p) => mostly(numericShare(p)) },
  { role: 'do_not_email', names: [/^do_?not_?email$/, /do_?not_?e_?mail/, /email_?opt_?out/, /^opted_?out$/, /^unsubscribed$/] },
  { role: 'do_not_call', names: [/^do_?not_?call$/, /do_?not_?call/, /^dnc$/, /phone_?opt_?out/] },
  { role: 'last_activity', names: [/^last_?activity$/, /^last_?notable_?activity$/, /last_?(notable_?)?activity(_?type)?$/], values: (p) => dateShare(p) < 0.5 && numericShare(p) < 0.5 },
  {
    role: 'created',
    names: [/^created(_?(at|on|date|time))?$/, /^(sign_?up|signed_?up|registered|registration)(_?(at|on|date))?$/, /^create_?date$/, /^date_?created$/, /created/, /_(at|on|date)$/, /^date$/],
    values: (p) => mostly(dateShare(p)),
  },
];

/** The column that best matches: the first name pattern with a column whose values fit. */
function pick(profiles: readonly ColumnProfile[], names: RegExp[], ok: (p: ColumnProfile) => boolean, taken: Set<number>): ColumnProfile | undefined {
  for (const re of names) {
    const hit = profiles.find((p) => !taken.has(p.index) && re.test(p.key) && p.present > 0 && ok(p));
    if (hit) return hit;
  }
  return undefined;
}

/** Roles of the leads columns; a column gets at most one role. No id-like column: no `id` (use $row). */
export function recogniseLeadColumns(profiles: readonly ColumnProfile[]): RecognisedLeads {
  const out: RecognisedLeads = {};
  const taken = new Set<number>();
  for (const r of LEAD_RECOGNISERS) {
    const hit = pick(profiles, r.names, r.values ?? (() => true), taken);
    if (hit) {
      out[r.role] = hit;
      taken.add(hit.index);
    }
  }
  // An e-mail column not named as one (e.g. "contact"): by its values.
  if (!out.email) {
    const hit = profiles.find((p) => !taken.has(p.index) && p.present > 0 && mostly(emailShare(p)));
    if (hit) {
      out.email = hit;
      taken.add(hit.index);
    }
  }
  return out;
}

const TYPE_NAMES = [/^(activity|event|interaction|engagement)_?type$/, /^type$/, /^event(_?name)?$/, /^activity(_?name)?$/, /^action$/, /^kind$/, /type$/];
const TIME_NAMES = [/^occurred(_?at)?$/, /^(event|activity)_?(time|date|timestamp|at)$/, /^timestamp$/, /^(date_?)?time$/, /^date$/, /_(at|time|timestamp|date)$/, /date|time/];
const DETAIL_NAMES = [/^detail(s)?$/, /^(page_?)?(url|path)$/, /^page$/, /url|path|page/, /^subject$/, /^(asset|content|campaign)(_?name)?$/, /^description$/, /detail|subject|title|name/];

/**
 * Roles of the activities columns. `leadsId` is the leads id column's name: an activities column of
 * the same name is the join key.
 */
export function recogniseActivityColumns(profiles: readonly ColumnProfile[], leadsId?: string): RecognisedActivities {
  const out: RecognisedActivities = {};
  const taken = new Set<number>();
  const take = (p: ColumnProfile | undefined) => {
    if (p) taken.add(p.index);
    return p;
  };
  const same = leadsId !== undefined ? profiles.find((p) => p.key === leadsId.trim().toLowerCase() || p.name.trim().toLowerCase() === leadsId.trim().toLowerCase()) : undefined;
  const leadId = take(same ?? pick(profiles, [...ID_NAMES, /^e_?mail/], () => true, taken));
  if (leadId) out.leadId = leadId;
  const timestamp = take(pick(profiles, TIME_NAMES, (p) => mostly(dateShare(p)), taken));
  if (timestamp) out.timestamp = timestamp;
  const type = take(pick(profiles, TYPE_NAMES, (p) => p.values.length <= 200 && numericShare(p) < 0.5, taken));
  if (type) out.type = type;
  // Prefer a detail column that shows pricing pages in the sample.
  const candidates = DETAIL_NAMES.flatMap((re) => profiles.filter((p) => !taken.has(p.index) && re.test(p.key) && p.present > 0));
  const detail = candidates.find((p) => p.values.some((v) => /pricing/i.test(v.value))) ?? candidates[0];
  if (detail) out.detail = detail;
  return out;
}

/**
 * The lead id column of a sample (header + row-major cells), as `init` recognises it: an id-like name
 * (`lead_id`, `Prospect ID`, `id`, `uuid`, ...) whose values are present and distinct. `skip`: columns
 * that cannot be the id (e.g. the outcome). Used by `init` and `train`.
 */
export function findLeadId(header: readonly string[], rows: readonly (readonly string[])[], skip: ReadonlySet<number> = new Set()): string | undefined {
  const profiles = profileColumns(header, rows).filter((p) => !skip.has(p.index));
  return recogniseLeadColumns(profiles).id?.name;
}
