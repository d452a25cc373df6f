// `leadscore init` on an event log: every -a file is read, event-log columns are recognised per file,
// names the files disagree on become alternatives, and without -l the model scores derived leads.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, readCsv, tempDir } from '../helpers/cli.js';

describe('init on event logs', () => {
  it('-a DIR without -l: alternatives for the renamed id column, an engagement model that validates and scores derived leads', () => {
    const dir = tempDir();
    const model = join(dir, 'events.yaml');
    const r = leadscore(['init', '-a', 'samples/events/raw', '-o', model]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('lead_id=[client_id, clientId]');
    const text = readFileSync(model, 'utf8');
    expect(text).toMatch(/lead_id: \[client_id, clientId\]/);
    expect(text).toMatch(/^ {4}id: client_id$/m);
    expect(text).not.toMatch(/^fit:/m);
    expect(text).toContain('id: add_to_cart');
    const v = leadscore(['validate', model, '-a', 'samples/events/raw']);
    expect(v.code, v.stdout).toBe(0);
    const s = leadscore(['score', '-m', model, '-a', 'samples/events/raw', '-o', join(dir, 'out'), '--as-of', '2026-11-01']);
    expect(s.code, s.stderr).toBe(0);
    const rows = readCsv(join(dir, 'out', 'scored.csv'));
    expect(rows.length).toBe(250);
    expect(rows.filter((x) => Number(x.engagement) > 0).length).toBeGreaterThan(200);
  });

  it('reads every -a file (the last one alone would miss the renamed column), with -l', () => {
    const dir = tempDir();
    // two exports of one tool: anonymous_id + ts, then distinct_id + event_time
    writeFileSync(join(dir, 'a.csv'), 'anonymous_id,event,ts,url\nu1,page_view,2026-10-01T10:00:00Z,/pricing\nu2,signup,2026-10-02T10:00:00Z,/\nu1,page_view,2026-10-03T10:00:00Z,/docs\n');
    writeFileSync(join(dir, 'b.csv'), 'event,distinct_id,event_time\npage_view,u3,2026-10-04T10:00:00Z\ndemo_request,u1,2026-10-05T10:00:00Z\n');
    writeFileSync(join(dir, 'leads.csv'), 'anonymous_id,email,country\nu1,a@x.io,DE\nu2,b@y.io,FR\nu3,c@z.io,DE\n');
    const r = leadscore(['init', '-l', join(dir, 'leads.csv'), '-a', join(dir, 'a.csv'), join(dir, 'b.csv'), '-o', '-']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lead_id: \[anonymous_id, distinct_id\]/);
    expect(r.stdout).toMatch(/timestamp: \[ts, event_time\]/);
    expect(r.stdout).toMatch(/demo_request/); // only in the second file
    writeFileSync(join(dir, 'm.yaml'), r.stdout);
    const s = leadscore(['score', '-m', join(dir, 'm.yaml'), '-l', join(dir, 'leads.csv'), '-a', join(dir, 'a.csv'), join(dir, 'b.csv'), '-o', join(dir, 'out'), '--as-of', '2026-11-01']);
    expect(s.code, s.stderr).toBe(0);
    expect(readCsv(join(dir, 'out', 'scored.csv'))[0]!.anonymous_id).toBe('u1');
  });

  it('neither -l nor -a is a usage error', () => {
    const r = leadscore(['init', '-o', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LS162');
  });
});
