// End to end: the real bin/leadscore (built by `npm test` before vitest runs) on files in a temp folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'leadscore');
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const MODEL = `version: 1
name: e2e
input:
  leads: { id: lead_id }
  activities: { lead_id: lead_id, type: activity_type, timestamp: occurred_at }
fit:
  rules:
    - { id: mgr, if: { field: job_title, contains: manager }, points: 10 }
    - { id: size, field: employees, ranges: [ { min: 100, points: 5 } ] }
engagement:
  rules:
    - { id: pricing, type: page_view, if: { field: url, contains: /pricing }, points: 10 }
bands:
  - { name: hot, min: 50 }
  - { name: cold }
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadscore-validate-'));
  writeFileSync(join(dir, 'good.yaml'), MODEL);
  writeFileSync(join(dir, 'warn.yaml'), MODEL + 'quality:\n  - { id: noop, if: { field: email, missing: true } }\n');
  writeFileSync(join(dir, 'bad.yaml'), MODEL.replace('contains: manager', 'gretaer_than: 5').replace('name: e2e', 'nmae: e2e'));
  writeFileSync(join(dir, 'leads.csv'), '\uFEFFlead_id;Job_Title;employee_count;email\r\n1;CTO;10;a@b.c\r\n');
  writeFileSync(join(dir, 'leads-ok.csv.gz'), gzipSync('"lead_id","job_title","employees","email"\n1,x,2,y\n'));
  writeFileSync(join(dir, 'activities.csv'), 'lead_id\tactivity_type\toccurred_at\tpage_url\n');
});

describe('leadscore validate', () => {
  it('exits 0 on a valid model and says so', () => {
    const r = run('validate', 'good.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: good\.yaml is valid \(3 rules\)/m);
  });

  it('exits 0 with warnings, and prints them', () => {
    const r = run('validate', 'warn.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^warn\.yaml:\d+:\d+ warning LS070 /m);
    expect(r.stdout).toMatch(/ok: warn\.yaml is valid \(4 rules\), 1 warning/);
  });

  it('exits 2 on an invalid model, with every diagnostic, a hint and a summary', () => {
    const r = run('validate', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^bad\.yaml:2:1 error LS010 unknown key "nmae" in the model \(did you mean "name"\?\)$/m);
    expect(r.stdout).toMatch(/^bad\.yaml:8:42 error LS012 unknown operator "gretaer_than" in fit\.rules\[0\]\.if \(did you mean "gt"\?\)$/m);
    expect(r.stdout).toMatch(/^ {2}hint: /m);
    expect(r.stdout).toMatch(/^2 errors$/m);
    expect(r.stdout).not.toMatch(/\x1b\[/); // no colour when not a TTY
  });

  it('--json prints { file, valid, errors, warnings }', () => {
    const r = run('validate', 'bad.yaml', '--json');
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['file', 'valid', 'errors', 'warnings']);
    expect(out.file).toBe('bad.yaml');
    expect(out.valid).toBe(false);
    expect(out.errors.map((d: { code: string }) => d.code).sort()).toEqual(["LS010", "LS012"]);
    expect(out.errors[0]).toMatchObject({ severity: 'error', file: 'bad.yaml', line: expect.any(Number), col: expect.any(Number), hint: expect.any(String) });
    const ok = JSON.parse(run('validate', 'good.yaml', '--json').stdout);
    expect(ok).toEqual({ file: 'good.yaml', valid: true, errors: [], warnings: [] });
  });

  it('-l/-a check fields against the headers and name the closest columns', () => {
    const r = run('validate', 'good.yaml', '-l', 'leads.csv', '-a', 'activities.csv', '--json');
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.errors.map((d: { code: string; path: string }) => [d.code, d.path])).toEqual([
      ['LS090', 'fit.rules[1].field'],
      ['LS091', 'engagement.rules[0].if.field'],
    ]);
    expect(out.errors[0].message).toContain('"employee_count"');
    expect(out.errors[0].message).toContain('leads.csv');
    expect(out.errors[1].message).toContain('"page_url"');
    expect(out.errors[0]).toMatchObject({ file: 'good.yaml', line: 9 });
  });

  it('-l reads gzip, quoted names and other delimiters; a valid header passes', () => {
    const r = run('validate', 'good.yaml', '-l', 'leads-ok.csv.gz');
    expect(r.stdout).toMatch(/ok: good\.yaml is valid/);
    expect(r.code).toBe(0);
  });

  it('a missing model or header file is a diagnostic, exit 2', () => {
    const m = run('validate', 'nope.yaml');
    expect(m.code).toBe(2);
    expect(m.stdout).toMatch(/^nope\.yaml error LS003 /m);
    const h = run('validate', 'good.yaml', '-l', 'nope.csv');
    expect(h.code).toBe(2);
    expect(h.stdout).toMatch(/^nope\.csv error LS092 /m);
  });

  it('--help shows an example; a missing argument is a usage error', () => {
    const h = run('validate', '--help');
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('leadscore validate models/b2b-saas.yaml -l leads.csv');
    expect(run('validate').code).toBe(2);
  });

  it('validates the shipped b2b-saas model', () => {
    const r = spawnSync(process.execPath, [bin, 'validate', 'models/b2b-saas.yaml'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readFileSync(join(root, 'models', 'b2b-saas.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/model.schema.json');
  });
});
