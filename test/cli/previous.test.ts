// Nightly runs: --previous, change, crossed.csv and transitions; run records; byte-identical outputs.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, readCsv, tempDir } from '../helpers/cli.js';

const MODEL = `version: 1
name: nightly
input:
  leads: { id: id }
  activities: { lead_id: lead, type: type, timestamp: at }
fit:
  rules:
    - { id: exec, if: { field: title, equals: ceo }, points: 30 }
engagement:
  rules:
    - { id: demo, type: demo, points: 40 }
    - { id: unsub, type: unsubscribe, points: -30, decay: false }
bands:
  - { name: SQL, min: 80 }
  - { name: MQL, min: 50 }
  - { name: IQL, min: 20 }
  - { name: cold }
`;

describe('two nights with --previous', () => {
  const dir = tempDir();
  const model = join(dir, 'm.yaml');
  writeFileSync(model, MODEL);
  // Night 1 (as of 2026-11-01): A cold, B MQL (ceo + demo = 70), C IQL (ceo = 30), E IQL.
  writeFileSync(join(dir, 'leads1.csv'), 'id,title\nA,analyst\nB,ceo\nC,ceo\nE,ceo\n');
  writeFileSync(join(dir, 'acts1.csv'), 'lead,type,at\nB,demo,2026-10-30\n');
  // Night 2 (as of 2026-11-02): A requests a demo (40: IQL... plus a second: 80 SQL), B unchanged,
  // C unsubscribes (0: cold), D is new with ceo + demo + demo (100: SQL), E is gone.
  writeFileSync(join(dir, 'leads2.csv'), 'id,title\nA,analyst\nB,ceo\nC,ceo\nD,ceo\n');
  writeFileSync(
    join(dir, 'acts2.csv'),
    'lead,type,at\nB,demo,2026-10-30\nA,demo,2026-11-01\nA,demo,2026-11-02\nC,unsubscribe,2026-11-01\nD,demo,2026-11-01\nD,demo,2026-11-01\n',
  );
  const n1 = join(dir, 'night1');
  const n2 = join(dir, 'night2');
  const r1 = leadscore(['score', '-m', model, '-l', join(dir, 'leads1.csv'), '-a', join(dir, 'acts1.csv'), '-o', n1, '--as-of', '2026-11-01', '-q']);
  const r2 = leadscore(['score', '-m', model, '-l', join(dir, 'leads2.csv'), '-a', join(dir, 'acts2.csv'), '-o', n2, '--as-of', '2026-11-02', '-q', '--previous', join(n1, 'scored.csv')]);

  it('scored.csv gains previous_score, previous_band and change', () => {
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    const rows = Object.fromEntries(readCsv(join(n2, 'scored.csv')).map((r) => [r.id, r]));
    expect(rows.A).toMatchObject({ score: '80.00', band: 'SQL', previous_score: '0.00', previous_band: 'cold', change: 'up' });
    expect(rows.B).toMatchObject({ score: '70.00', band: 'MQL', previous_band: 'MQL', change: 'same' });
    expect(rows.C).toMatchObject({ score: '0.00', band: 'cold', previous_score: '30.00', previous_band: 'IQL', change: 'down' });
    expect(rows.D).toMatchObject({ score: '100.00', band: 'SQL', previous_score: '', previous_band: '', change: 'new' });
  });

  it('crossed.csv holds the leads that entered the hand-off band (MQL or higher) since the previous run', () => {
    const crossed = readCsv(join(n2, 'crossed.csv'));
    expect(crossed.map((r) => r.id)).toEqual(['D', 'A']);
    expect(crossed[1]!.reasons).toBe('demo +80');
  });

  it('--handoff-band SQL narrows crossed.csv', () => {
    const out = join(dir, 'night2-sql');
    const r = leadscore(['score', '-m', model, '-l', join(dir, 'leads2.csv'), '-a', join(dir, 'acts2.csv'), '-o', out, '--as-of', '2026-11-02', '-q', '--previous', join(n1, 'scored.csv'), '--handoff-band', 'SQL']);
    expect(r.code, r.stderr).toBe(0);
    expect(readCsv(join(out, 'crossed.csv')).map((x) => x.id)).toEqual(['D', 'A']);
    const bad = leadscore(['score', '-m', model, '-l', join(dir, 'leads2.csv'), '-o', join(dir, 'x'), '--previous', join(n1, 'scored.csv'), '--handoff-band', 'HOT']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('LS113');
  });

  it('the summary has the band transition matrix and the movers', () => {
    const s = JSON.parse(readFileSync(join(n2, 'summary.json'), 'utf8'));
    const ch = s.changes;
    expect(ch).toMatchObject({ previous_leads: 4, matched: 3, new: 1, gone: 1, up: 1, down: 1, same: 1, handoff_band: 'MQL', crossed: 2 });
    const cell = (from: string, to: string) => ch.transitions.counts[ch.transitions.from.indexOf(from)][ch.transitions.to.indexOf(to)];
    expect(cell('cold', 'SQL')).toBe(1);
    expect(cell('MQL', 'MQL')).toBe(1);
    expect(cell('IQL', 'cold')).toBe(1);
    expect(cell('new', 'SQL')).toBe(1);
    expect(ch.movers.up[0]).toMatchObject({ id: 'A', delta: 80 });
    expect(ch.movers.down[0]).toMatchObject({ id: 'C', delta: -30 });
    expect(readFileSync(join(n2, 'summary.md'), 'utf8')).toContain('## Since the previous run');
  });

  it('a scored.csv without the id column is an input error', () => {
    writeFileSync(join(dir, 'wrong.csv'), 'lead,score,band\nA,1,cold\n');
    const r = leadscore(['score', '-m', model, '-l', join(dir, 'leads2.csv'), '-o', join(dir, 'y'), '--previous', join(dir, 'wrong.csv')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LS111');
  });
});

describe('run record and reproducibility', () => {
  const args = (out: string, leads = 'samples/leads.csv', acts = 'samples/activities.csv') =>
    ['score', '-m', 'models/b2b-saas.yaml', '-l', leads, '-a', acts, '-o', out, '--as-of', '2026-11-01', '-q'];

  it('summary.json records version, model sha256, as-of, inputs (path, size, sha256, rows) and the command line', () => {
    const out = join(tempDir(), 'o');
    expect(leadscore(args(out)).code).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.leadscore_version).toMatch(/^\d+\.\d+\.\d+/);
    expect(s.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(s.as_of).toBe('2026-11-01T00:00:00.000Z');
    expect(s.inputs).toEqual([
      expect.objectContaining({ role: 'leads', path: 'samples/leads.csv', bytes: readFileSync('samples/leads.csv').length, rows: 402, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
      expect.objectContaining({ role: 'activities', path: 'samples/activities.csv', rows: 4432, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ]);
    expect(s.command).toContain('leadscore score -m models/b2b-saas.yaml');
    expect(typeof s.duration_ms).toBe('number');
    expect(s.started_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('two runs on the same inputs write byte-identical outputs, apart from start time and duration', () => {
    const dir = tempDir();
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    expect(leadscore(args(a)).code).toBe(0);
    expect(leadscore(args(b)).code).toBe(0);
    const visible = (d: string) => readdirSync(d).filter((f) => !f.startsWith('.')).sort(); // .leadscore: the run folders
    const files = visible(a);
    expect(visible(b)).toEqual(files);
    const normal = (f: string, text: string, dir: string) => {
      if (f === 'summary.html') {
        // the page shows the run facts: start time, duration and the command line (which names the folder)
        const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
        return text
          .replaceAll(s.started_at, 'STARTED')
          .replaceAll(`${(s.duration_ms / 1000).toFixed(2)} s`, 'DURATION')
          .replaceAll(s.command, 'COMMAND')
          .replaceAll(s.command.replace(/'/g, '&#39;'), 'COMMAND');
      }
      if (f === 'summary.json') {
        const s = JSON.parse(text);
        delete s.started_at;
        delete s.duration_ms;
        delete s.command; // names the output folder, which differs here
        return JSON.stringify(s);
      }
      if (f === 'summary.md') return text.split('\n').filter((l) => !/^\| (started|duration) \|/.test(l)).join('\n');
      return text;
    };
    expect(files).toContain('summary.html');
    for (const f of files) expect(normal(f, readFileSync(join(b, f), 'utf8'), b), f).toBe(normal(f, readFileSync(join(a, f), 'utf8'), a));
  });

  it('row-shuffled inputs give a byte-identical scored.csv', () => {
    const dir = tempDir();
    const shuffle = (path: string, seed: number) => {
      const [head, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
      let s = seed;
      for (let i = rows.length - 1; i > 0; i--) {
        s = (s * 1103515245 + 12345) & 0x7fffffff;
        const j = s % (i + 1);
        [rows[i], rows[j]] = [rows[j]!, rows[i]!];
      }
      const out = join(dir, `shuffled-${seed}.csv`);
      writeFileSync(out, [head, ...rows].join('\n') + '\n');
      return out;
    };
    // The sample's duplicate ids keep the first occurrence, which shuffling changes: use unique rows.
    const leads = readFileSync('samples/leads.csv', 'utf8').trimEnd().split('\n');
    const seen = new Set<string>();
    const unique = leads.filter((l, i) => {
      if (i === 0) return true;
      const id = l.split(',')[0]!;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    const uniqueLeads = join(dir, 'leads.csv');
    writeFileSync(uniqueLeads, unique.join('\n') + '\n');
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    expect(leadscore(args(a, uniqueLeads)).code).toBe(0);
    expect(leadscore(args(b, shuffle(uniqueLeads, 7), shuffle('samples/activities.csv', 11))).code).toBe(0);
    expect(readFileSync(join(b, 'scored.csv'), 'utf8')).toBe(readFileSync(join(a, 'scored.csv'), 'utf8'));
  });
});
