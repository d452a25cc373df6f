// Unit tests of the pure parts of `leadscore init`: column profiles and recognisers, the activity
// points table, range tiers, YAML scalars, and the starter model validating as written.
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { activityKind } from '../../../src/core/init/activity-points.js';
import { isCategorical, profileColumns } from '../../../src/core/init/profile.js';
import { recogniseActivityColumns, recogniseLeadColumns } from '../../../src/core/init/recognise.js';
import { buildStarterModel, categoryPoints, niceNumber, quantileTiers, slug, yamlScalar } from '../../../src/core/init/starter-model.js';
import { validateModel } from '../../../src/core/model/validate.js';

const roles = (header: string[], rows: string[][]) =>
  Object.fromEntries(Object.entries(recogniseLeadColumns(profileColumns(header, rows))).map(([role, p]) => [role, p.name]));

describe('lead column recognisers', () => {
  const cases: { name: string; header: string[]; rows: string[][]; expected: Record<string, string> }[] = [
    {
      name: 'CRM export with spaces and capitals',
      header: ['Lead ID', 'Job Title', 'Dept', 'No. of Employees', 'Country Code', 'E-mail', 'Industry', 'Created Date'],
      rows: [
        ['1', 'CEO', 'IT', '120', 'US', 'a@x.com', 'Retail', '2026-01-02'],
        ['2', 'Engineer', 'Finance', '4000', 'DE', 'b@y.com', 'Media', '2026-02-03'],
      ],
      expected: { id: 'Lead ID', title: 'Job Title', department: 'Dept', company_size: 'No. of Employees', country: 'Country Code', email: 'E-mail', industry: 'Industry', created: 'Created Date' },
    },
    {
      name: 'product signup form',
      header: ['user_id', 'email', 'job_role', 'company_size', 'signed_up_at'],
      rows: [['u1', 'a@x.io', 'Engineering', '1-10', '2026-06-01T10:00:00Z'], ['u2', 'b@x.io', 'Product', '11-50', '2026-06-02T10:00:00Z']],
      expected: { id: 'user_id', email: 'email', title: 'job_role', company_size: 'company_size', created: 'signed_up_at' },
    },
    {
      name: 'bank marketing: no id-like column',
      header: ['age', 'job', 'marital', 'balance', 'y'],
      rows: [['58', 'management', 'married', '2143', 'no'], ['44', 'technician', 'single', '29', 'no'], ['33', 'management', 'single', '2', 'yes']],
      expected: { title: 'job' },
    },
    {
      name: 'an e-mail column recognised by its values; a date-named column that holds no dates is not created',
      header: ['contact', 'date', 'role'],
      rows: [['a@x.com', 'soon', 'CTO'], ['b@y.org', 'later', 'CFO']],
      expected: { email: 'contact', title: 'role' },
    },
    {
      name: 'an id column with repeated values is not the id',
      header: ['account_id', 'title'],
      rows: [['A1', 'x'], ['A1', 'y'], ['A1', 'z'], ['A2', 'w']],
      expected: { title: 'title' },
    },
  ];
  it.each(cases)('$name', ({ header, rows, expected }) => {
    expect(roles(header, rows)).toEqual(expected);
  });
});

describe('activity column recognisers', () => {
  it('joins on the leads id column and finds type, timestamp and a detail column with pricing pages', () => {
    const p = profileColumns(['lead_id', 'activity_type', 'occurred_at', 'channel', 'detail'], [
      ['L1', 'page_view', '2026-01-01T00:00:00Z', 'web', '/pricing'],
      ['L2', 'email_open', '2026-01-02T00:00:00Z', 'email', 'newsletter'],
    ]);
    const a = recogniseActivityColumns(p, 'lead_id');
    expect([a.leadId?.name, a.type?.name, a.timestamp?.name, a.detail?.name]).toEqual(['lead_id', 'activity_type', 'occurred_at', 'detail']);
  });
  it('recognises event / event_time exports and a date-only column', () => {
    const a = recogniseActivityColumns(profileColumns(['user_id', 'event', 'event_time', 'path'], [['u', 'login', '2026-06-04T11:26:17.544+00:00', '']]), 'user_id');
    expect([a.leadId?.name, a.type?.name, a.timestamp?.name]).toEqual(['user_id', 'event', 'event_time']);
    const b = recogniseActivityColumns(profileColumns(['lead_id', 'activity', 'activity_date', 'subject'], [['x', 'call', '2025-12-10', 'Intro']]), 'lead_id');
    expect([b.type?.name, b.timestamp?.name, b.detail?.name]).toEqual(['activity', 'activity_date', 'subject']);
  });
});

describe('activity points table', () => {
  it.each([
    ['email_open', 'email_open', 1], ['Email_Open', 'email_open', 1], ['email_click', 'email_click', 3], ['form_submit', 'form_submit', 5],
    ['webinar_attended', 'webinar', 15], ['demo_request', 'demo_request', 25], ['trial_signup', 'demo_request', 25],
    ['unsubscribe', 'unsubscribe', -20], ['page_view', 'page_view', 2], ['PAGE_VIEW ', 'page_view', 2],
    ['trial_cancelled', 'cancelled', -20], ['upgrade_clicked', 'buying_intent', 15], ['login', 'login', 2],
  ] as const)('%s -> %s %d', (type, id, points) => {
    const k = activityKind(type);
    expect(k?.id).toBe(id);
    expect(k?.points).toBe(points);
  });
  it('suggests no points for e-mails sent to the lead, and nothing for unknown types', () => {
    expect(activityKind('email_sent')?.points).toBeUndefined();
    expect(activityKind('time_in_app')).toBeUndefined();
  });
});

describe('helpers', () => {
  it('quantile tiers are open-ended, highest first, strictly decreasing', () => {
    const tiers = quantileTiers(Array.from({ length: 100 }, (_, i) => (i + 1) * 10));
    expect(tiers.map((t) => t.min)).toEqual([750, 500, 250]);
    expect(tiers.map((t) => t.points)).toEqual([15, 10, 5]);
    expect(quantileTiers([7, 7, 7, 7]).map((t) => t.min)).toEqual([7]);
    expect(quantileTiers([])).toEqual([]);
  });
  it('rounds range bounds to two significant digits', () => {
    expect([niceNumber(507), niceNumber(41), niceNumber(12_345), niceNumber(7)]).toEqual([510, 41, 12_000, 7]);
  });
  it('quotes YAML scalars that would not read back as the same string', () => {
    for (const s of ['IT', 'yes', 'No', 'null', '1-10', '5000+', 'admin.', 'Data / Analytics', 'a: b', '#x', "it's", '"q"', '12', 'true']) {
      expect(parse(`k: ${yamlScalar(s)}`)).toEqual({ k: s });
    }
    expect(yamlScalar('lead_id')).toBe('lead_id');
    expect(yamlScalar('$row')).toBe('$row');
  });
  it('scores dropdown values by role', () => {
    expect(categoryPoints('title', 'Founder / Executive')).toBe(15);
    expect(categoryPoints('title', 'management')).toBe(10);
    expect(categoryPoints('title', 'student')).toBe(0);
    expect(categoryPoints('department', 'IT')).toBe(10);
    expect(categoryPoints('company_size', '201-1000')).toBe(15);
    expect(categoryPoints('company_size', '5000+')).toBe(10);
  });
  it('dropdowns vs free text', () => {
    const [few, many] = profileColumns(['a', 'b'], Array.from({ length: 200 }, (_, i) => [`v${i % 5}`, `title ${i}`]));
    expect(isCategorical(few!)).toBe(true);
    expect(isCategorical(many!)).toBe(false);
  });
  it('names the model after the leads file', () => {
    expect(slug('exports/Leads 2026.csv.gz')).toBe('leads-2026');
  });
});

// As the model loader reads YAML: mappings keep their order (grade digits "4".."1" included).
const validate = (text: string) => validateModel(parseDocument(text).toJS({ mapAsMap: true }));

describe('buildStarterModel', () => {
  const leads = {
    file: 'leads.csv', truncated: false,
    header: ['lead_id', 'job_title', 'department', 'employees', 'email', 'first_name'],
    rows: Array.from({ length: 40 }, (_, i) => [`L${i}`, ['CEO', 'Sales Manager', 'Engineer', 'Director of IT'][i % 4]!, ['IT', 'Sales', 'Select'][i % 3]!, String(10 + i * 37), `p${i}@${i % 2 ? 'gmail.com' : 'acme.com'}`, 'Ann']),
  };
  const activities = {
    file: 'activities.csv', truncated: true,
    header: ['lead_id', 'activity_type', 'occurred_at', 'url'],
    rows: Array.from({ length: 60 }, (_, i) => [`L${i % 40}`, ['email_open', 'page_view', 'demo_request', 'email_sent'][i % 4]!, '2026-10-01T00:00:00Z', i % 3 ? '/blog' : '/pricing']),
  };
  it('writes YAML that validates without errors or warnings, with the placeholders as null_values', () => {
    const m = buildStarterModel({ leads, activities, version: '9.9.9', command: 'leadscore init -l leads.csv' });
    expect(m.notes).toEqual([]);
    const raw = parse(m.yaml);
    const r = validate(m.yaml);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toEqual([]);
    expect(raw.input.leads.null_values).toContain('Select');
    expect(m.engagementRules).toEqual(['demo_request', 'page_view', 'pricing_visit', 'email_open']);
    expect(m.yaml).toContain('email_sent (15)'); // listed, not scored
    expect(m.yaml).toMatch(/^# Starter model written by `leadscore init` \(leadscore 9\.9\.9\)/);
  });
  it('is fit-only without activities, and says why when activities cannot be joined', () => {
    const fitOnly = buildStarterModel({ leads, version: '1' });
    expect(parse(fitOnly.yaml).engagement).toBeUndefined();
    expect(validate(fitOnly.yaml).errors).toEqual([]);
    const noId = { ...leads, header: ['ref', ...leads.header.slice(1)], rows: leads.rows.map((r) => ['same', ...r.slice(1)]) };
    const m = buildStarterModel({ leads: noId, activities, version: '1' });
    const raw = parse(m.yaml);
    expect(raw.input.leads.id).toBe('$row');
    expect(raw.engagement).toBeUndefined();
    expect(m.notes.join(' ')).toContain('$row');
    expect(validate(m.yaml).errors).toEqual([]);
  });
  it('keeps a valid model when no column is recognised', () => {
    const m = buildStarterModel({ leads: { file: 'x.csv', truncated: false, header: ['a', 'b'], rows: [['1', 'q'], ['2', 'r'], ['3', 'q']] }, version: '1' });
    expect(validate(m.yaml).errors).toEqual([]);
  });
});
